"""An import writes a batch in a number of statements that does not grow with the batch
(authority records made and named a batch at a time, rows by COPY on PostgreSQL), and what
it writes reads back as it was read, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import event

from chancery.bootstrap import App
from chancery.demo import DEMO_DIR
from chancery.domain.authorities import Authority, AuthorityKind, NameVariant
from chancery.domain.documents import Document, ParsedDocument
from chancery.domain.publication import Actor
from chancery.domain.records import document_record
from chancery.domain.texts import TextKind, TextVersion
from chancery.ingest.base import SourceBatch
from chancery.services.imports import ImportSummary, read_source, store_batch
from chancery.storage.interface import NameRow
from tests.integration.sources import bundle_document, run_import, write_bundle


@contextmanager
def _statements(app: App) -> Iterator[list[str]]:
    """The statements the catalogue's engine sends meanwhile (COPY aside: it is one per
    table and batch by construction)."""
    sent: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    event.listen(app.catalogue.engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        event.remove(app.catalogue.engine, "before_cursor_execute", count)


def _documents(first: int, last: int) -> dict[str, dict[str, Any]]:
    """Documents each naming a new person (with a source id), a new place and a new subject,
    plus a recipient and a subject every batch shares."""
    return {f"d{n}": bundle_document(
        n, authors=[{"name": f"Tester{n}, Person", "source_ids": [f"test#p{n}"],
                     "description": f"Official number {n}"}],
        recipients=["Shared, Recipient"], places=[f"Placeton {n}"],
        subjects=["Cold War", f"Topic number {n}"]) for n in range(first, last + 1)}


def test_a_batch_costs_the_same_statements_whatever_its_size(app: App, tmp_path: Path) -> None:
    """Five new documents and twenty-five, each naming records new to the archive, cost the
    same number of statements: nothing is written or looked up one record at a time."""
    run_import(app, write_bundle(tmp_path / "first", _documents(0, 0)))
    with _statements(app) as small:
        five = run_import(app, write_bundle(tmp_path / "five", _documents(1, 5)))
    with _statements(app) as large:
        many = run_import(app, write_bundle(tmp_path / "many", _documents(6, 30)))
    assert (five.imported, many.imported) == (5, 25)
    assert (five.authorities_created, many.authorities_created) == (15, 75)
    assert len(large) == len(small), (len(small), len(large))


def test_records_made_at_once_take_free_keys_in_turn(app: App) -> None:
    """Twenty-five Smiths made in one batch, with smith and smith-3 stored already: smith-2,
    smith-4 ... in turn, the last past the keys looked up at once; a given key is kept."""
    smith = [NameRow(NameVariant("Smith"), "smith", "")]
    with app.catalogue.session() as session:
        stored = session.create_authorities([
            (Authority(AuthorityKind.PERSON, "Smith"), smith),
            (Authority(AuthorityKind.PERSON, "Smith", key="person/smith-3"), smith)])
    many = [(Authority(AuthorityKind.PERSON, "Smith", description=f"number {n}"), smith)
            for n in range(25)]
    with app.catalogue.session() as session:
        made = session.create_authorities(many)
    expected = [f"person/smith-{n}" for n in [2, *range(4, 28)]]
    found = [app.catalogue.authority(key, Actor.EDITOR, date.today()) for key in expected]
    assert [f[0].id if f else None for f in found] == made
    assert len(set(made) | set(stored)) == 27


def _broken(good: ParsedDocument) -> ParsedDocument:
    """A document naming a person no other names, whose two texts share a key: its row and
    links are written, then the texts' unique key fails."""
    twice = TextVersion("en", TextKind.OCR, "Read twice.", key="en-ocr")
    loner = Authority(AuthorityKind.PERSON, "Onlyhere, Quentin", ref="loner")
    doc = Document(public_id="broken01", source_id="test/broken", title="Broken",
                   links=good.document.links, texts=(twice, twice))
    return ParsedDocument(doc, (*good.authorities, loner))


def test_a_volume_reads_back_as_read_and_a_broken_document_fails_alone(app: App) -> None:
    """The demo FRUS volume with a broken document among its 404: the 404 land, each read
    back with the record it was read as (dates, markings, texts, notes, collections) and its
    links to records carrying the names and source ids the volume gave; the broken one fails
    and leaves no record made for it alone."""
    ctx = app.import_context()
    (batch,) = read_source(DEMO_DIR / "frus1958-60v19.xml", ctx.importers, ctx.limits)
    parsed = [i for i in batch.items if isinstance(i, ParsedDocument)]
    summary = ImportSummary()
    store_batch(SourceBatch(batch.path, batch.format, batch.collections,
                            [*parsed[:200], _broken(parsed[0]), *parsed[200:]]), ctx, summary)
    assert summary.imported == 404
    assert [f.item for f in summary.failed] == ["test/broken"]
    stored = {s.document.public_id: s for chunk in app.catalogue.documents_for_index()
              for s in chunk}
    assert len(stored) == 404
    with app.catalogue.session() as session:
        by_source = session.authority_ids_for_sources(
            [s for p in parsed for a in p.authorities for s in a.source_ids])
    for p in parsed:
        s = stored[p.document.public_id]
        assert _without_links(document_record(s.document)) == _without_links(
            document_record(p.document))
        named = {a.ref: a for a in p.authorities}
        assert len(s.authorities) == len(p.document.links)
        for link, la in zip(p.document.links, s.authorities, strict=True):
            record = named[link.ref]
            assert (la.role, la.as_written) == (link.role, link.as_written)
            assert record.name in la.variants
            assert all(by_source[i] == la.authority.id for i in record.source_ids)
    assert app.catalogue.authority("person/onlyhere-quentin", Actor.EDITOR, date.today()) is None


def _without_links(record: dict[str, Any]) -> dict[str, Any]:
    """A record less its links, its collections in key order (as they are read back)."""
    out = {k: v for k, v in record.items() if k != "links"}
    return {**out, "collections": sorted(out["collections"], key=lambda m: m["key"])}
