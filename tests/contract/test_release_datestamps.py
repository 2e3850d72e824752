"""A release is a publication: a document whose embargo ends is dated, for OAI-PMH and
sitemaps, by the start of its release day when that is later than its last write, with no
write on the day. On both catalogue backends, and on an archive migrated to the column."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from chancery.bootstrap import App
from chancery.domain.documents import Document
from chancery.domain.publication import Actor, Publication, PublicationState
from chancery.domain.revisions import Revision
from chancery.storage.interface import DocumentWrite
from chancery.storage.tables import documents
from tests.contract.test_catalogue import _doc

TODAY = date(2026, 11, 25)
TOMORROW = TODAY + timedelta(days=1)
RELEASE = datetime(2026, 11, 26, tzinfo=UTC)  # the start of the embargo day
WRITTEN = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


def _write(app: App, docs: list[Document], at: datetime = WRITTEN) -> None:
    with app.catalogue.session() as s:
        assert s.write_documents([DocumentWrite(d, [], f"h-{d.public_id}", Revision(at, "t", "t"))
                                  for d in docs]) == {}


def _embargoed(n: int, until: date) -> Document:
    return _doc(n, publication=Publication(PublicationState.PUBLISHED, until))


def _utc(at: datetime | None) -> datetime | None:  # SQLite gives back UTC without its zone
    return at.replace(tzinfo=UTC) if at is not None and at.tzinfo is None else at


def _ids(headers: list) -> list[str]:  # type: ignore[type-arg]
    return [h.public_id for h in headers]


def test_a_document_released_today_is_harvested_from_today(app: App) -> None:
    """Embargoed until tomorrow and never written since: not harvested today; tomorrow, a
    harvest from tomorrow finds it dated tomorrow 00:00:00Z, after the others (order and
    keyset pages follow the datestamp); an embargo that ended before the last write leaves
    the write's time."""
    _write(app, [_doc(1), _embargoed(2, TOMORROW), _embargoed(3, date(2026, 11, 1))])
    assert _ids(app.catalogue.harvest_headers(TODAY, None, None, None, None, 10)) == \
        ["doc00001", "doc00003"]
    released = app.catalogue.harvest_headers(TOMORROW, RELEASE, None, None, None, 10)
    assert _ids(released) == ["doc00002"] and released[0].datestamp == RELEASE
    every = app.catalogue.harvest_headers(TOMORROW, None, None, None, None, 10)
    assert _ids(every) == ["doc00001", "doc00003", "doc00002"]
    assert every[1].datestamp == WRITTEN
    after = app.catalogue.harvest_headers(TOMORROW, None, None, None,
                                          (every[1].datestamp, every[1].id), 10)
    assert _ids(after) == ["doc00002"]
    assert _ids(app.catalogue.harvest_headers(TOMORROW, None, RELEASE, None, None, 10)) == \
        ["doc00001", "doc00003"]


def test_the_earliest_datestamp_and_a_sitemap_row_follow_the_release(app: App) -> None:
    """With only a released document, the repository begins on its release day; the public
    listing (sitemaps) carries the same datestamp."""
    _write(app, [_embargoed(1, TOMORROW)])
    assert app.catalogue.earliest_datestamp(TODAY) is None
    assert app.catalogue.earliest_datestamp(TOMORROW) == RELEASE
    [row] = app.catalogue.list_documents(Actor.PUBLIC, TOMORROW, None, 10, 0)
    assert _utc(row.datestamp) == RELEASE


def test_a_catalogue_migrated_to_public_from_dates_its_embargoes(app: App) -> None:
    """An archive made before the column: `migrate` dates an embargoed document by its
    release day and marks it changed, so the search index's "recent" order follows; going
back and forth loses nothing."""
    from alembic import command
    from alembic.script import ScriptDirectory

    from chancery.storage import migrate

    _write(app, [_doc(1), _embargoed(2, TOMORROW)])
    cfg = migrate._config()
    before = ScriptDirectory.from_config(cfg).get_revision("0011").down_revision
    with app.catalogue.engine.begin() as conn:  # type: ignore[attr-defined]
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, str(before))
    seen = app.catalogue.changes()
    app.catalogue.migrate()
    assert app.catalogue.changed_since(seen) == ["doc00002"]
    assert _ids(app.catalogue.harvest_headers(TOMORROW, RELEASE, None, None, None, 10)) == \
        ["doc00002"]
    with app.catalogue.engine.connect() as conn:  # type: ignore[attr-defined]
        stamps = {r.public_id: r.public_from for r in conn.execute(
            select(documents.c.public_id, documents.c.public_from))}
    assert _utc(stamps["doc00001"]) == WRITTEN
    kept = app.catalogue.get_document("doc00001", Actor.EDITOR, TODAY)  # no child row lost
    assert kept is not None and kept.document.texts
