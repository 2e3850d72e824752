"""The archive as data: every document as a JSON line, a CSV row or a Parquet row, written to
a file with progress or streamed to a download a line at a time (never held whole)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from chancery.domain.authorities import Role
from chancery.domain.declassification import RELEASE_COLUMNS, release_columns
from chancery.domain.formulas import guard_cell
from chancery.domain.publication import Actor
from chancery.domain.readers import Reader
from chancery.domain.redaction_records import redaction_record
from chancery.services.documents import document_view
from chancery.storage.interface import Catalogue, StoredDocument

Tick = Callable[[int], None]
FORMATS = ("jsonl", "csv", "parquet")
# one row per document; lists are joined with " | " in CSV and kept as lists in Parquet
COLUMNS = ("public_id", "source_id", "number", "title", "type", "date", "date_start", "date_end",
           "date_precision", "date_note", "summary", "classification", "classification_level",
           "languages", "authors", "recipients", "people", "organizations", "places", "subjects",
           "collections", "holding_archive", "archive_place", "fonds", "reference_code", "publishing_archive",
           "source_note", "rights", "funders", "scans", "state", "embargo_until", "text",
           *RELEASE_COLUMNS)
LISTS = {"languages", "authors", "recipients", "people", "organizations", "places", "subjects",
         "collections", "funders", "scans"}


def record(stored: StoredDocument, reader: Reader | Actor) -> dict[str, Any]:
    """The full record of a document as JSON-ready data (the edit history for editors only)."""
    rec = document_view(stored)
    rec.pop("id", None)  # storage's own number
    if (reader.actor if isinstance(reader, Reader) else reader) is not Actor.EDITOR:
        rec.pop("revisions", None)
        rec.pop("publication", None)
    return json.loads(json.dumps(rec, default=str))  # type: ignore[no-any-return]


def row(stored: StoredDocument) -> dict[str, Any]:
    """A document as one flat row of COLUMNS."""
    d, p = stored.document, stored.document.provenance
    people = [la.authority.name for la in stored.authorities
              if la.authority.kind.value == "person" and la.role is not Role.SUBJECT]
    orgs = [la.authority.name for la in stored.authorities
            if la.authority.kind.value == "organization" and la.role is not Role.SUBJECT]
    main = next(iter(d.texts), None)
    return {
        "public_id": d.public_id, "source_id": d.source_id, "number": d.number, "title": d.title,
        "type": d.doc_type.value, "date": d.date.display,
        "date_start": d.date.start.isoformat() if d.date.start else "",
        "date_end": d.date.end.isoformat() if d.date.end else "",
        "date_precision": d.date.precision.value, "date_note": d.date.note, "summary": d.summary,
        "classification": d.classification.marking,
        "classification_level": d.classification.level.value, "languages": d.languages,
        "authors": stored.names(Role.AUTHOR), "recipients": stored.names(Role.RECIPIENT),
        "people": list(dict.fromkeys(people)), "organizations": list(dict.fromkeys(orgs)),
        "places": list(dict.fromkeys(stored.names(Role.ORIGIN, Role.PLACE_MENTIONED))),
        "subjects": stored.names(Role.SUBJECT), "collections": [c.key for c in stored.collections],
        "holding_archive": p.holding_archive, "archive_place": p.archive_place,
        "fonds": p.collection,
        "reference_code": p.reference_code, "publishing_archive": p.publishing_archive,
        "source_note": p.source_note, "rights": p.rights, "funders": list(p.funders),
        "scans": [m.filename for m in d.media],
        # so that the file imported again keeps what it was (a row without a state is a draft)
        "state": d.publication.state.value,
        "embargo_until": _iso(d.publication.embargo_until), "text": main.body if main else "",
        **release_columns(d.releases),
    }


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def selected(catalogue: Catalogue, chunks: Iterable[list[str]],
             reader: Reader | Actor) -> Iterator[StoredDocument]:
    """The documents of a search selection (public ids a chunk at a time), in its order, read
    again with the access rule: the index may lag behind a document just hidden."""
    r = Reader.of(reader)
    for ids in chunks:
        found = {s.document.public_id: s for s in catalogue.documents_seen_by(ids, r.actor, r.today)}
        yield from (found[i] for i in ids if i in found)


def _documents(catalogue: Catalogue, reader: Reader | Actor, tick: Tick | None,
               only: Iterable[StoredDocument] | None = None) -> Iterator[StoredDocument]:
    r = Reader.of(reader)
    for stored in catalogue.iter_documents(r.actor, r.today) if only is None else only:
        yield stored
        if tick:
            tick(1)


def jsonl_lines(catalogue: Catalogue, reader: Reader | Actor, tick: Tick | None = None,
                only: Iterable[StoredDocument] | None = None) -> Iterator[bytes]:
    """One JSON record per line: every document, or ``only`` these."""
    for stored in _documents(catalogue, reader, tick, only):
        yield jsonl_line(stored, reader)


def jsonl_line(stored: StoredDocument, reader: Reader | Actor) -> bytes:
    """One document's line of documents.jsonl."""
    return json.dumps(record(stored, reader), ensure_ascii=False).encode() + b"\n"


def csv_lines(catalogue: Catalogue, reader: Reader | Actor, tick: Tick | None = None,
              only: Iterable[StoredDocument] | None = None) -> Iterator[bytes]:
    """A header line, then one CSV row per document, or per one of ``only`` (UTF-8, RFC 4180
    quoting; a cell a spreadsheet would run as a formula gets an apostrophe first)."""
    rows = CsvRows(reader)
    yield rows.header()
    for stored in _documents(catalogue, reader, tick, only):
        yield rows.row(stored)


class CsvRows:
    """documents.csv's header and rows, each as bytes (a row may hold line breaks)."""

    def __init__(self, reader: Reader | Actor) -> None:
        self.buffer = io.StringIO()
        self.editors = Reader.of(reader).actor is Actor.EDITOR  # a public read has them applied
        self.writer = csv.DictWriter(self.buffer, (*COLUMNS, "redactions") if self.editors
                                     else COLUMNS, lineterminator="\r\n")

    def header(self) -> bytes:
        """The header line."""
        self.writer.writeheader()
        return self._taken()

    def row(self, stored: StoredDocument) -> bytes:
        """One document's row."""
        flat = row(stored)
        if self.editors:
            live = [redaction_record(r) for r in stored.redactions if r.in_force]
            flat["redactions"] = json.dumps(live, ensure_ascii=False) if live else ""
        self.writer.writerow({k: _cell(" | ".join(v) if k in LISTS else v)
                              for k, v in flat.items()})
        return self._taken()

    def _taken(self) -> bytes:
        made = self.buffer.getvalue().encode()
        self.buffer.seek(0)
        self.buffer.truncate()
        return made


def _cell(value: Any) -> Any:
    return guard_cell(value) if isinstance(value, str) else value


def write_parquet(catalogue: Catalogue, reader: Reader | Actor, path: Path, tick: Tick | None = None,
                  batch: int = 2_000, only: Iterable[StoredDocument] | None = None) -> int:
    """The rows as a Parquet file (every document, or ``only`` these), written a row group at
    a time; returns the rows."""
    import pyarrow as pa  # imported here: only this export needs it
    import pyarrow.parquet as pq

    schema = pa.schema([(c, pa.list_(pa.string()) if c in LISTS else pa.string()) for c in COLUMNS])
    count = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        rows: list[dict[str, Any]] = []
        for stored in _documents(catalogue, reader, tick, only):
            rows.append(row(stored))
            if len(rows) >= batch:
                writer.write_table(pa.Table.from_pylist(rows, schema))
                count, rows = count + len(rows), []
        if rows:
            writer.write_table(pa.Table.from_pylist(rows, schema))
            count += len(rows)
    return count


def write_lines(lines: Iterator[bytes], path: Path) -> None:
    """Stream lines to a file, written whole or not at all."""
    tmp = path.with_name(path.name + ".part")
    with tmp.open("wb") as f:
        for line in lines:
            f.write(line)
    tmp.replace(path)
