"""CSV + files: one metadata row per document beside a folder of scans and text files,
the way archives that digitise boxes deliver. Columns are listed in docs/csv-format.md."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterator
from dataclasses import replace
from hashlib import sha256
from pathlib import Path, PurePosixPath

from chancery.domain.authorities import Authority, AuthorityKind, Link, Role, fold, slugify
from chancery.domain.classification import classify_marking
from chancery.domain.collections import Collection, Membership
from chancery.domain.dates import FuzzyDate, parse_iso_date
from chancery.domain.declassification import RELEASE_COLUMNS, Release, releases_from_columns
from chancery.domain.documents import Document, ParsedDocument, parse_document_type, public_id_for
from chancery.domain.formulas import unguard_cell
from chancery.domain.jobs import StageRequest
from chancery.domain.media import MediaFile
from chancery.domain.ocr import OcrMode, parse_ocr_mode
from chancery.domain.provenance import Provenance
from chancery.domain.publication import Publication, PublicationState
from chancery.domain.redaction_records import redactions_from_records
from chancery.domain.redactions import BadRedaction, Redaction
from chancery.domain.texts import TextKind, TextVersion
from chancery.ingest.base import Failure, ImportRefused, Limits, SourceBatch, check_size
from chancery.ingest.media import read_media
from chancery.ingest.scans import ocr_request

REQUIRED = ("title",)
# The same rule as a bundle's public_id: the id appears in URLs and in file names of exports.
_PUBLIC_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
ONE_OF = ("text_file", "files", "text")
COLUMNS = (
    "id", "source_id", "title", "type", "date", "date_display", "date_note", "summary",
    "classification", "language", "text", "text_file", "text_kind", "translators", "files",
    "authors", "author_orgs", "recipients", "recipient_orgs", "places", "subjects", "archive",
    "fonds", "reference", "box", "folder", "rights", "funders", "collection", "state",
    "embargo_until", *RELEASE_COLUMNS, "redactions", "ocr",
)
_AGENT_COLUMNS = {"authors": (AuthorityKind.PERSON, Role.AUTHOR),
                  "author_orgs": (AuthorityKind.ORGANIZATION, Role.AUTHOR),
                  "recipients": (AuthorityKind.PERSON, Role.RECIPIENT),
                  "recipient_orgs": (AuthorityKind.ORGANIZATION, Role.RECIPIENT),
                  "places": (AuthorityKind.PLACE, Role.PLACE_MENTIONED),
                  "subjects": (AuthorityKind.SUBJECT, Role.SUBJECT)}


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(";") if v.strip()]


def read_rows(path: Path, limits: Limits) -> list[tuple[int, dict[str, str]]]:
    """The CSV's rows with the line each starts on, after checking its size and header.
    Bytes that are not UTF-8 are kept as escapes, so that only their row fails."""
    check_size(path, limits)
    text = path.read_bytes().decode("utf-8-sig", errors="surrogateescape")
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [_column(h) for h in reader.fieldnames or []]
        if any(_undecoded(h) for h in header):
            raise ImportRefused("the header row is not UTF-8 text: save the CSV as UTF-8")
        rows, line = [], reader.line_num + 1
        for row in reader:
            # an apostrophe our CSV export put before a formula-like cell is taken off again
            rows.append((line, {_column(k): unguard_cell((v or "").strip())
                                for k, v in row.items() if k}))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ImportRefused(f"malformed CSV: {exc}") from None
    missing = [c for c in REQUIRED if c not in header]
    if missing or not any(c in header for c in ONE_OF):
        need = missing + ([] if any(c in header for c in ONE_OF) else [" or ".join(ONE_OF)])
        raise ImportRefused(f"missing required column(s): {', '.join(need)}")
    return rows


def _column(name: str) -> str:
    # an exported documents.csv calls the id public_id: read back, it keeps its documents
    folded = name.strip().lower()
    return "id" if folded == "public_id" else folded


def _undecoded(text: str) -> str:
    """The first byte that was not UTF-8 (kept as a surrogate escape), as hex; else ""."""
    bad = next((ch for ch in text if "\udc80" <= ch <= "\udcff"), "")
    return f"0x{ord(bad) - 0xDC00:02x}" if bad else ""


def _check_encoding(row: dict[str, str]) -> None:
    for column, value in row.items():
        if byte := _undecoded(value):
            raise ImportRefused(f"not UTF-8 text: byte {byte} in column {column!r} "
                                "(save the CSV as UTF-8)")


class CsvImporter:
    """Reads a metadata CSV and the files it names (relative to the CSV's folder)."""

    name = "csv"

    def __init__(self, ocr: OcrMode = OcrMode.AUTO) -> None:
        self.ocr = ocr  # for rows without an ocr cell (chancery import --ocr)

    def score(self, path: Path) -> float:
        """A .csv file matches."""
        return 0.9 if path.is_file() and path.suffix.lower() == ".csv" else 0.0

    def read(self, path: Path, limits: Limits) -> Iterator[SourceBatch]:
        """One batch for the CSV; a bad row fails alone, named by its line."""
        batch = SourceBatch(str(path), self.name)
        collections: dict[str, Collection] = {}
        seen: dict[str, int] = {}  # source id -> line
        for line, row in read_rows(path, limits):
            try:
                _check_encoding(row)
                parsed = _parse_row(row, path, limits, self.ocr)
                _refuse_repeat(parsed.document.source_id, line, seen)
            except (ImportRefused, ValueError) as exc:
                batch.items.append(Failure(str(path), str(exc), f"line {line}"))
                continue
            if row.get("collection"):
                key = slugify(row["collection"])
                collections.setdefault(key, Collection(key, row["collection"]))
            batch.items.append(parsed)
        batch.collections = list(collections.values())
        yield batch


def _refuse_repeat(source_id: str, line: int, seen: dict[str, int]) -> None:
    if source_id in seen:
        raise ImportRefused(f"same document as line {seen[source_id]} (source id {source_id!r}); "
                            "give each row its own id")
    seen[source_id] = line


def _inside(folder: Path, name: str, what: str) -> Path:
    """A file named by a row, refused unless it lies in (or below) the CSV's folder. Links
    are followed while they stay inside it (a scans folder linked in from beside the texts);
    one leading out is refused like ``..``: a CSV must not read what its folder does not hold."""
    written = folder / name
    if not written.exists():  # also a link to nothing
        raise ImportRefused(f"{what} not found: {name}")
    path = written.resolve()
    if not path.is_relative_to(folder.resolve()):
        linked = Path(os.path.abspath(written)).is_relative_to(os.path.abspath(folder))
        via = " through a link (links are followed only within it)" if linked else ""
        raise ImportRefused(f"{name} is outside the CSV's folder{via}")
    return path


def _agents(row: dict[str, str]) -> tuple[list[Link], list[Authority]]:
    links, found = [], []
    for column, (kind, role) in _AGENT_COLUMNS.items():
        for name in _split(row.get(column, "")):
            ref = f"{kind.value}:{fold(name)}"
            found.append(Authority(kind, name, ref))
            links.append(Link(ref, role, name))
    return links, found


def _text(row: dict[str, str], folder: Path, limits: Limits) -> tuple[TextVersion, ...]:
    body = row.get("text", "")
    if row.get("text_file"):
        text_path = _inside(folder, row["text_file"], "text file")
        if not text_path.is_file():
            raise ImportRefused(f"text file not found: {row['text_file']}")
        check_size(text_path, limits)
        body = text_path.read_text(encoding="utf-8").strip()
    if not body:
        return ()
    kind = TextKind(row.get("text_kind") or "original")
    return (TextVersion(row.get("language") or "und", kind, body,
                        translators=tuple(_split(row.get("translators", "")))),)


def _media(row: dict[str, str], folder: Path, limits: Limits,
           language: str) -> tuple[list[MediaFile], list[str]]:
    paths = [_inside(folder, n, "scan file") for n in _split(row.get("files", ""))]
    media = [replace(read_media(p, limits), language=language) for p in paths]
    return media, [str(p) for p in paths]


def _date(row: dict[str, str]) -> FuzzyDate:
    if not row.get("date"):
        return FuzzyDate(row.get("date_display", ""), note=row.get("date_note", ""))
    return parse_iso_date(row["date"], row.get("date_display", ""), row.get("date_note", ""))


def _provenance(row: dict[str, str]) -> Provenance:
    parts = [row.get("reference", "")] + [f"{k.title()} {row[k]}" for k in ("box", "folder")
                                          if row.get(k)]
    return Provenance(holding_archive=row.get("archive", ""), archive_place=row.get("archive_place", ""),
                      collection=row.get("fonds", ""),
                      reference_code=", ".join(p for p in parts if p), rights=row.get("rights", ""),
                      funders=tuple(_split(row.get("funders", ""))))


def _releases(row: dict[str, str]) -> tuple[Release, ...]:
    try:
        return releases_from_columns(row)
    except ValueError as exc:
        raise ImportRefused(str(exc)) from None


def _row_key(row: dict[str, str]) -> str:
    """What names a row without a source id, stable when its metadata is corrected: its id,
    else the first file it names (the document's scan or transcription: two documents do not
    share a first page), else, for a row with inline text only, its title."""
    if row.get("id"):
        return row["id"]
    named = _split(row.get("files", "")) or _split(row.get("text_file", ""))
    if not named:
        return slugify(row["title"])
    name = PurePosixPath(named[0].replace("\\", "/")).as_posix()
    slug = slugify(name, limit=1000)
    # a long path keeps a readable start and a hash of the whole, so two stay apart
    return slug if len(slug) <= 60 else f"{slug[:51]}-{sha256(name.encode()).hexdigest()[:8]}"


def _stages(row: dict[str, str], media: list[MediaFile], default: OcrMode) -> tuple[StageRequest, ...]:
    """OCR of the row's scans, as its ocr cell says (else the import's default), in the
    language the row gives (else the stage detects it)."""
    mode = parse_ocr_mode(row["ocr"]) if row.get("ocr") else default
    return (ocr_request(mode, row.get("language", "")),) if media else ()


def _parse_row(row: dict[str, str], path: Path, limits: Limits,
               ocr: OcrMode = OcrMode.AUTO) -> ParsedDocument:
    if not row.get("title"):
        raise ImportRefused("empty title")
    if row.get("id") and not _PUBLIC_ID.fullmatch(row["id"]):
        raise ImportRefused(f"id {row['id']!r} is not usable as a public id (letters, digits, "
                            "'.', '_' and '-', at most 40 characters)")
    links, authorities = _agents(row)
    texts = _text(row, path.parent, limits)
    # without a text, `language` says what the scans show
    media, files = _media(row, path.parent, limits, "" if texts else row.get("language", ""))
    source_id = row.get("source_id") or f"{path.stem}/{_row_key(row)}"
    embargo = row.get("embargo_until")
    doc = Document(
        public_id=row.get("id") or public_id_for(source_id), source_id=source_id,
        title=row["title"], doc_type=parse_document_type(row.get("type") or row["title"]),
        date=_date(row), summary=row.get("summary", ""),
        classification=classify_marking(row.get("classification", "")), links=tuple(links),
        texts=texts, media=tuple(media), provenance=_provenance(row),
        collections=(Membership(slugify(row["collection"])),) if row.get("collection") else (),
        publication=Publication(PublicationState(row.get("state") or "draft"),
                                parse_iso_date(embargo).start if embargo else None),
        releases=_releases(row))
    return ParsedDocument(doc, tuple(authorities), tuple(files), _redactions(row),
                          _stages(row, media, ocr))


def _redactions(row: dict[str, str]) -> tuple[Redaction, ...]:
    """An editor's export's redactions cell: a JSON list of records (docs/csv-format.md)."""
    cell = row.get("redactions", "").strip()
    try:
        return redactions_from_records(json.loads(cell)) if cell else ()
    except json.JSONDecodeError:
        raise ImportRefused("the redactions cell is not a JSON list") from None
    except BadRedaction as exc:
        raise ImportRefused(str(exc)) from None
