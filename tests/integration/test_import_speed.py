"""What the import does faster does the same: content hashes made by the reader, new authority
keys looked up by the unique index."""

from __future__ import annotations

from datetime import date

from chancery.bootstrap import App
from chancery.demo import DEMO_DIR
from chancery.domain.authorities import Authority, AuthorityKind, NameVariant
from chancery.domain.documents import ParsedDocument
from chancery.domain.publication import Actor
from chancery.domain.records import content_hash
from chancery.services import imports
from chancery.storage.interface import NameRow


def test_the_reader_hashes_each_document_as_the_writer_would(sqlite_app: App) -> None:
    """Every document read carries its content hash; a second import finds all unchanged."""
    ctx = sqlite_app.import_context()
    (batch,) = imports.read_source(DEMO_DIR / "frus1958-60v19.xml", ctx.importers, ctx.limits)
    assert len(batch.digests) == len(batch.items) == 404
    assert all(d == content_hash(i.document, list(i.authorities))
               for i, d in zip(batch.items, batch.digests, strict=True)
               if isinstance(i, ParsedDocument))
    first = imports.import_paths([DEMO_DIR / "frus1958-60v19.xml"], ctx)
    again = imports.import_paths([DEMO_DIR / "frus1958-60v19.xml"], ctx)
    assert (first.imported, again.unchanged, again.updated) == (404, 404, 0)


def test_new_records_of_one_name_get_keys_in_turn_past_those_looked_up_at_once(
        sqlite_app: App) -> None:
    """Twenty-five Smiths: smith, smith-2 ... smith-25, the last ones past the first lookup."""
    made = []
    with sqlite_app.catalogue.session() as session:
        for n in range(25):
            smith = Authority(AuthorityKind.PERSON, "Smith", description=f"Smith number {n}")
            made.append(session.create_authority(smith, [NameRow(NameVariant("Smith"), "", "")]))
    expected = ["person/smith", *(f"person/smith-{n}" for n in range(2, 26))]
    found = [sqlite_app.catalogue.authority(key, Actor.EDITOR, date.today()) for key in expected]
    assert [f[0].id if f else None for f in found] == made
