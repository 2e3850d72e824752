"""The catalogue contract, run on every backend (SQLite and a real PostgreSQL) through the
`app` fixture: what the storage interface promises, whatever the database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import product

import pytest
from sqlalchemy import func, select

from chancery.bootstrap import App
from chancery.domain.authorities import Authority, AuthorityKind, NameVariant, Role, fold
from chancery.domain.collections import Collection, Membership
from chancery.domain.dates import FuzzyDate, parse_iso_date
from chancery.domain.documents import Document
from chancery.domain.media import MediaFile
from chancery.domain.publication import Actor, Publication, PublicationState, can_view
from chancery.domain.relations import Relation, RelationType
from chancery.domain.revisions import Revision
from chancery.domain.texts import TextKind, TextVersion
from chancery.enrich.names import phonetic_key
from chancery.storage.interface import DocumentWrite, LinkWrite, NameRow
from chancery.storage.tables import document_links, documents, text_versions

TODAY = date(2026, 11, 25)
REV = Revision(datetime(2026, 11, 25, tzinfo=UTC), "test", "written by the contract test")


def _doc(n: int, **kw: object) -> Document:
    base: dict[str, object] = {
        "public_id": f"doc{n:05d}", "source_id": f"test/d{n}", "title": f"Document {n}",
        "date": parse_iso_date(f"1960-07-{n % 28 + 1:02d}"),
        "texts": (TextVersion("en", TextKind.TRANSLATION, f"Paragraph one of {n}.\n\nTwo."),)}
    base.update(kw)
    return Document(**base)  # type: ignore[arg-type]


def _write(app: App, docs: list[Document], links: list[LinkWrite] | None = None) -> dict[str, str]:
    with app.catalogue.session() as s:
        return s.write_documents([DocumentWrite(d, links or [], f"hash-{d.public_id}", REV)
                                  for d in docs])


def _names(a: Authority) -> list[NameRow]:
    return [NameRow(v, fold(v.name), phonetic_key(v.name))
            for v in [NameVariant(a.name), *a.variants]]


def _count(app: App, table: object) -> int:
    engine = app.catalogue.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_schema_is_at_head_and_migrating_again_changes_nothing(app: App) -> None:
    """A migrated catalogue reports its revision as the head; a second migrate is harmless."""
    current, head = app.catalogue.schema_status()
    assert current == head
    app.catalogue.migrate()
    assert app.catalogue.schema_status() == (head, head)


def test_document_round_trips_with_texts_relations_and_collections(app: App) -> None:
    """What is written is read back equal, by public id and by source id."""
    with app.catalogue.session() as s:
        s.upsert_collections([Collection("series", "A series"),
                              Collection("series/vol1", "Volume 1", "series", 1)])
    doc = _doc(1, collections=(Membership("series/vol1", 3),),
               relations=(Relation(RelationType.ENCLOSES, "test/d2"),))
    assert _write(app, [doc, _doc(2)]) == {}
    for ident in ("doc00001", "test/d1"):
        stored = app.catalogue.get_document(ident, Actor.EDITOR, TODAY)
        assert stored is not None and stored.document == doc
    assert [c.key for c in stored.collections] == ["series/vol1"]
    other = app.catalogue.get_document("doc00002", Actor.EDITOR, TODAY)
    assert other is not None
    assert [(r.label, r.public_id) for r in other.related] == [("Enclosed in", "doc00001")]
    assert [c.parent_key for c in app.catalogue.collections(Actor.EDITOR, TODAY)
            if c.key == "series/vol1"] == ["series"]


def test_a_documents_collections_keep_their_own_place_apart_from_the_documents(app: App) -> None:
    """The collection a document is read with is placed among its siblings as stored (1),
    not where the document stands in it (3, 5): they were once confused, read back as one
    column."""
    with app.catalogue.session() as s:
        s.upsert_collections([Collection("series", "A series"),
                              Collection("series/vol1", "Volume 1", "series", 1)])
    docs = [_doc(n, collections=(Membership("series/vol1", n),)) for n in (3, 5)]
    assert _write(app, docs) == {}
    stored = [s for chunk in app.catalogue.documents_for_index() for s in chunk]
    assert [s.document.collections for s in stored] == [d.collections for d in docs]
    assert [[(c.key, c.position) for c in s.collections] for s in stored] == \
        [[("series/vol1", 1)]] * 2
    one = app.catalogue.get_document("doc00005", Actor.EDITOR, TODAY)
    assert one is not None and [c.position for c in one.collections] == [1]


@pytest.mark.parametrize(("state", "embargo_days"), list(product(
    list(PublicationState), [None, -1, 0, 1])))
def test_sql_access_rule_agrees_with_the_domain_rule(
        app: App, state: PublicationState, embargo_days: int | None) -> None:
    """For every state and embargo, show, list, count and stats give the public exactly what
    `can_view` allows, and editors everything."""
    embargo = None if embargo_days is None else TODAY + timedelta(days=embargo_days)
    pub = Publication(state, embargo)
    _write(app, [_doc(1, publication=pub)])
    visible = can_view(Actor.PUBLIC, pub, TODAY)
    assert (app.catalogue.get_document("doc00001", Actor.PUBLIC, TODAY) is not None) is visible
    assert len(app.catalogue.list_documents(Actor.PUBLIC, TODAY, None, 10, 0)) == int(visible)
    assert app.catalogue.count_documents(Actor.PUBLIC, TODAY) == int(visible)
    assert len(list(app.catalogue.iter_documents(Actor.PUBLIC, TODAY))) == int(visible)
    assert sum(n for _, n in app.catalogue.counts_by("type", Actor.PUBLIC, TODAY)) == int(visible)
    assert app.catalogue.count_documents(Actor.EDITOR, TODAY) == 1


def test_relation_to_a_hidden_document_is_not_shown_to_the_public(app: App) -> None:
    """A public document does not reveal the title of a draft it encloses."""
    _write(app, [_doc(1, relations=(Relation(RelationType.ENCLOSES, "test/d2"),)),
                 _doc(2, title="Secret draft title", publication=Publication(PublicationState.DRAFT))])
    public = app.catalogue.get_document("doc00001", Actor.PUBLIC, TODAY)
    editor = app.catalogue.get_document("doc00001", Actor.EDITOR, TODAY)
    assert public is not None and editor is not None
    assert public.related == []
    assert [r.title for r in editor.related] == ["Secret draft title"]


def test_one_bad_document_fails_alone_and_leaves_nothing_behind(app: App) -> None:
    """A link to an authority that does not exist fails that document whole (no text or link
    rows left), while the others in the same batch land."""
    with app.catalogue.session() as s:
        herter = Authority(AuthorityKind.PERSON, "Herter, Christian A.")
        hid = s.create_authority(herter, _names(herter))
        writes = [DocumentWrite(_doc(1), [LinkWrite(hid, Role.AUTHOR)], "h1", REV),
                  DocumentWrite(_doc(2), [LinkWrite(hid + 999, Role.AUTHOR)], "h2", REV),
                  DocumentWrite(_doc(3), [], "h3", REV)]
        failures = s.write_documents(writes)
    assert list(failures) == ["doc00002"]
    assert app.catalogue.get_document("doc00002", Actor.EDITOR, TODAY) is None
    assert _count(app, documents) == 2
    assert _count(app, text_versions) == 2
    assert _count(app, document_links) == 1
    assert app.catalogue.check() == []


def test_a_failing_session_stores_nothing(app: App) -> None:
    """An exception inside a session rolls back everything written in it."""
    with pytest.raises(RuntimeError), app.catalogue.session() as s:
        s.write_documents([DocumentWrite(_doc(1), [], "h1", REV)])
        raise RuntimeError("the importer died")
    assert app.catalogue.count_documents(Actor.EDITOR, TODAY) == 0


def test_authorities_are_found_by_any_variant_and_by_sound(app: App) -> None:
    """A stored person is found by a folded variant, by a diacritic form, and by a phonetic key
    when the spelling was never listed."""
    k = Authority(AuthorityKind.PERSON, "Khrushchev, Nikita Sergeevich",
                  variants=(NameVariant("Hruščëv, Nikita Sergeevič"), NameVariant("Хрущёв")),
                  source_ids=("ref#khrushchev",))
    with app.catalogue.session() as s:
        kid = s.create_authority(k, _names(k))
        assert s.authority_ids_for_sources(["ref#khrushchev"]) == {"ref#khrushchev": kid}
    for typed in ["Хрущев", "Hruscev, Nikita Sergeevic"]:
        assert kid in {a.id for a, _ in app.catalogue.authorities_for_word(fold(typed), "")}, typed
    ((row, names),) = app.catalogue.authorities_for_word(fold("Khruschev"),
                                                         phonetic_key("Khruschev"))
    assert row.id == kid and "Хрущёв" in names
    found = app.catalogue.authority(row.key, Actor.EDITOR, TODAY)
    assert found is not None and "Хрущёв" in found[1]


def test_authority_keys_stay_unique_for_namesakes(app: App) -> None:
    """Two different people of one name get two records and two keys."""
    with app.catalogue.session() as s:
        a = Authority(AuthorityKind.PERSON, "Smith, John", description="Ambassador to Poland")
        b = Authority(AuthorityKind.PERSON, "Smith, John", description="CIA officer in Berlin")
        ids = [s.create_authority(x, _names(x)) for x in (a, b)]
    found = [a for a, _ in app.catalogue.authorities_for_word(fold("Smith, John"), "")]
    assert sorted(r.id for r in found) == sorted(ids)
    assert len({r.key for r in found}) == 2


def test_names_and_their_people_are_looked_up_in_one_query(app: App) -> None:
    """names_among: which phrases are exactly a stored name (search reads "Wang Bingnan" as
    one name); people_named: how many person records carry a word as a name or its first
    word (so a whole name does not expand to a surname others share). A 100% sign or an
    underscore in a word is a letter, not a pattern."""
    with app.catalogue.session() as s:
        for a in (Authority(AuthorityKind.PERSON, "Wang Ping-nan", variants=(
                      NameVariant("Wang"), NameVariant("Wang Bingnan"))),
                  Authority(AuthorityKind.PERSON, "Wang Shu-ming"),
                  Authority(AuthorityKind.PLACE, "Wang River")):
            s.create_authority(a, _names(a))
    assert app.catalogue.names_among(["wang bingnan", "wang", "bingnan", "wang ping"]) == {
        "wang bingnan", "wang"}
    assert app.catalogue.names_among([]) == set()
    assert app.catalogue.people_named(["wang", "shu", "w_ng", "wan%"]) == {"wang": 2}


def test_update_in_place_replaces_children_and_keeps_history(app: App) -> None:
    """Rewriting a document with its id replaces its texts, and both revisions are kept."""
    _write(app, [_doc(1)])
    stored = app.catalogue.get_document("doc00001", Actor.EDITOR, TODAY)
    assert stored is not None
    new = _doc(1, texts=(TextVersion("ru", TextKind.ORIGINAL, "Текст."),))
    later = Revision(REV.at + timedelta(hours=1), "test", "edited", {"texts": [1, 2]})
    with app.catalogue.session() as s:
        assert s.write_documents([DocumentWrite(new, [], "h2", later, stored.id)]) == {}
    again = app.catalogue.get_document("doc00001", Actor.EDITOR, TODAY)
    assert again is not None
    assert [t.language for t in again.document.texts] == ["ru"]
    assert [r.summary for r in again.revisions] == ["written by the contract test", "edited"]
    assert again.revisions[-1].changes == {"texts": [1, 2]}
    assert _count(app, text_versions) == 1


def test_neighbours_follow_date_order_and_skip_what_the_public_cannot_see(app: App) -> None:
    """Previous and next within a collection go by date, then by id for the same day, undated
    last, and step over a draft for the public."""
    with app.catalogue.session() as s:
        s.upsert_collections([Collection("vol", "A volume")])
    member = (Membership("vol"),)
    docs = [_doc(1, date=parse_iso_date("1960-07-18"), collections=member),
            _doc(2, date=parse_iso_date("1960-07-18"), collections=member),
            _doc(3, date=parse_iso_date("1960-07-20"), collections=member,
                 publication=Publication(PublicationState.DRAFT)),
            _doc(4, date=parse_iso_date("1960-08-01"), collections=member),
            _doc(5, date=parse_iso_date("1950"), collections=()),
            _doc(6, date=FuzzyDate(), collections=member)]
    assert _write(app, docs) == {}
    ids = {d.public_id: app.catalogue.get_document(d.public_id, Actor.EDITOR, TODAY) for d in docs}

    def around(public_id: str, actor: Actor) -> tuple[str | None, str | None]:
        stored = ids[public_id]
        assert stored is not None
        before, after = app.catalogue.neighbours(stored.id, "vol", actor, TODAY)
        return (before[0] if before else None, after[0] if after else None)

    assert around("doc00001", Actor.PUBLIC) == (None, "doc00002")
    assert around("doc00002", Actor.PUBLIC) == ("doc00001", "doc00004")
    assert around("doc00002", Actor.EDITOR) == ("doc00001", "doc00003")
    assert around("doc00004", Actor.PUBLIC) == ("doc00002", "doc00006")
    assert around("doc00006", Actor.PUBLIC) == ("doc00004", None)


def _withdraw(app: App, n: int, **kw: object) -> None:
    withdrawn = _doc(n, publication=Publication(PublicationState.WITHDRAWN), **kw)
    with app.catalogue.session() as s:
        existing = s.document_states([f"test/d{n}"])[f"test/d{n}"].id
        assert s.write_documents([DocumentWrite(withdrawn, [], f"gone-{n}", REV, existing)]) == {}


def test_only_what_was_public_leaves_a_tombstone(app: App) -> None:
    """A withdrawn document that was public is known as withdrawn (its 410 page, its deletion
    record); one withdrawn before publication, or while under embargo, is not known at all."""
    docs = [_doc(1), _doc(2, publication=Publication(PublicationState.WITHDRAWN)),
            _doc(3, publication=Publication(PublicationState.PUBLISHED, date(2999, 1, 1))),
            _doc(4, publication=Publication(PublicationState.DRAFT))]
    assert _write(app, docs) == {}
    for n in (1, 3, 4):
        _withdraw(app, n)
    gone = app.catalogue.withdrawn("test/d1")
    assert gone is not None and (gone.public_id, gone.title) == ("doc00001", "Document 1")
    assert [app.catalogue.withdrawn(f"doc0000{n}") for n in (2, 3, 4)] == [None, None, None]
    assert app.catalogue.withdrawn("doc00001") == gone
    with app.catalogue.session() as s:  # published again and withdrawn again: still public once
        s.write_documents([DocumentWrite(_doc(1), [], "again", REV,
                                         s.document_states(["test/d1"])["test/d1"].id)])
    _withdraw(app, 1)
    assert app.catalogue.withdrawn("doc00001") is not None


def test_collections_and_records_show_only_with_something_public(app: App) -> None:
    """A collection is listed when a document the reader may see is in it or below it; an
    authority record when such a document names it. Editors see everything."""
    with app.catalogue.session() as s:
        s.upsert_collections([Collection("open", "Open"), Collection("open/box", "Box", "open"),
                              Collection("closed", "Closed"), Collection("empty", "Empty")])
        hidden = Authority(AuthorityKind.PERSON, "Canary, Hidden")
        shown = Authority(AuthorityKind.PERSON, "Herter, Christian")
        hid, sid = s.create_authority(hidden, _names(hidden)), s.create_authority(shown, _names(shown))
    draft = Publication(PublicationState.DRAFT)
    assert _write(app, [_doc(1, collections=(Membership("open/box"),))],
                  [LinkWrite(sid, Role.AUTHOR)]) == {}
    assert _write(app, [_doc(2, collections=(Membership("closed"), Membership("open")),
                             publication=draft)], [LinkWrite(hid, Role.AUTHOR)]) == {}
    assert [c.key for c in app.catalogue.collections(Actor.PUBLIC, TODAY)] == ["open", "open/box"]
    assert len(app.catalogue.collections(Actor.EDITOR, TODAY)) == 4
    keys = {a: app.catalogue.authority(a, Actor.PUBLIC, TODAY) is not None
            for a in ("person/canary-hidden", "person/herter-christian")}
    assert keys == {"person/canary-hidden": False, "person/herter-christian": True}
    assert app.catalogue.authority("person/canary-hidden", Actor.EDITOR, TODAY) is not None


def test_public_reads_leave_out_relations_to_hidden_documents(app: App) -> None:
    """A public document's relations to a draft are not in its record as the public reads
    it (nor its target's public id); a target the archive does not hold is kept."""
    rels = (Relation(RelationType.ENCLOSES, "doc00002"), Relation(RelationType.RELATED, "elsewhere/x"))
    assert _write(app, [_doc(1, relations=rels),
                        _doc(2, publication=Publication(PublicationState.DRAFT))]) == {}
    public = app.catalogue.get_document("doc00001", Actor.PUBLIC, TODAY)
    editor = app.catalogue.get_document("doc00001", Actor.EDITOR, TODAY)
    assert public is not None and editor is not None
    assert [r.target for r in public.document.relations] == ["elsewhere/x"]
    assert [r.target for r in editor.document.relations] == ["doc00002", "elsewhere/x"]
    assert public.related == [] and [r.public_id for r in editor.related] == ["doc00002"]


def test_harvest_pages_by_last_change_with_deleted_records_and_sets(app: App) -> None:
    """OAI-PMH's view: published documents and withdrawn ones that were public (not drafts,
    embargoed ones or one withdrawn before it was ever public) in (datestamp, id) order, a page
    at a time after a position, within a collection subtree, between two datestamps."""
    with app.catalogue.session() as s:
        s.upsert_collections([Collection("series", "A series"),
                              Collection("series/vol", "A volume", "series")])
    in_vol = (Membership("series/vol"),)
    docs = [_doc(1, collections=in_vol), _doc(2), _doc(3, collections=in_vol),
            _doc(4, collections=in_vol),
            _doc(5, publication=Publication(PublicationState.DRAFT)),
            _doc(6, publication=Publication(PublicationState.PUBLISHED, date(2999, 1, 1))),
            _doc(7, publication=Publication(PublicationState.WITHDRAWN))]
    assert _write(app, docs) == {}
    _withdraw(app, 4, collections=in_vol)
    every = app.catalogue.harvest_headers(TODAY, None, None, None, None, 100)
    assert [h.public_id for h in every] == ["doc00001", "doc00002", "doc00003", "doc00004"]
    assert [h.deleted for h in every] == [False, False, False, True]
    assert every[0].collections == ("series/vol",) and every[0].datestamp.tzinfo is not None
    first = app.catalogue.harvest_headers(TODAY, None, None, None, None, 2)
    rest = app.catalogue.harvest_headers(TODAY, None, None, None,
                                         (first[-1].datestamp, first[-1].id), 10)
    assert [h.public_id for h in first + rest] == [h.public_id for h in every]
    in_series = app.catalogue.harvest_headers(TODAY, None, None, "series", None, 10)
    assert [h.public_id for h in in_series] == ["doc00001", "doc00003", "doc00004"]
    at = every[0].datestamp
    assert app.catalogue.harvest_headers(TODAY, at + timedelta(seconds=1), None, None, None, 10) == []
    assert len(app.catalogue.harvest_headers(TODAY, at, at + timedelta(seconds=1), None, None, 10)) == 4
    assert app.catalogue.earliest_datestamp(TODAY) == at


def test_public_listings_leave_out_what_only_hidden_documents_carry(app: App) -> None:
    """Authority records and scanned documents as the API and IIIF list them: a name or a
    scan that only a draft carries is not listed for the public."""
    people = [Authority(AuthorityKind.PERSON, f"Person {n}, A.") for n in range(3)]
    with app.catalogue.session() as s:
        s.upsert_collections([Collection("box", "A box"), Collection("box/f1", "Folder", "box")])
        ids = [s.create_authority(a, _names(a)) for a in people]
    scan = (MediaFile("a" * 64, "scan.pdf", "application/pdf", 10, 2),)
    in_folder = (Membership("box/f1"),)
    with app.catalogue.session() as s:
        assert s.write_documents([
            DocumentWrite(_doc(1, media=scan, collections=in_folder), [LinkWrite(ids[0], Role.AUTHOR)],
                          "h1", REV),
            DocumentWrite(_doc(2, media=scan, collections=in_folder,
                               publication=Publication(PublicationState.DRAFT)),
                          [LinkWrite(ids[1], Role.MENTIONED), LinkWrite(ids[0], Role.MENTIONED)],
                          "h2", REV)]) == {}
    public = app.catalogue.list_authorities("person", Actor.PUBLIC, TODAY, "", 10)
    editor = app.catalogue.list_authorities("person", Actor.EDITOR, TODAY, "", 10)
    assert [r.id for r in public] == [ids[0]]
    assert sorted(r.id for r in editor) == sorted(ids[:2])
    after = app.catalogue.list_authorities("person", Actor.EDITOR, TODAY, editor[0].key, 10)
    assert [r.id for r in after] == [r.id for r in editor[1:]]
    assert app.catalogue.scanned_documents("box", Actor.PUBLIC, TODAY, 10) == [("doc00001", "Document 1")]
    assert len(app.catalogue.scanned_documents("box", Actor.EDITOR, TODAY, 10)) == 2
    assert app.catalogue.scanned_documents("elsewhere", Actor.EDITOR, TODAY, 10) == []


def test_listed_authorities_follow_the_registers_rule_with_counts(app: App) -> None:
    """Name suggestions read the records the registers list, most named first, with every
    name and the documents the reader may see that name them; a draft-only person is
    listed for editors only."""
    people = [Authority(AuthorityKind.PERSON, f"Person {n}, A.", variants=(NameVariant(f"P. {n}"),))
              for n in range(3)]
    with app.catalogue.session() as s:
        ids = [s.create_authority(a, _names(a)) for a in people]
        assert s.write_documents([
            DocumentWrite(_doc(1), [LinkWrite(ids[0], Role.AUTHOR), LinkWrite(ids[1], Role.MENTIONED)],
                          "h1", REV),
            DocumentWrite(_doc(2), [LinkWrite(ids[1], Role.MENTIONED)], "h2", REV),
            DocumentWrite(_doc(3, publication=Publication(PublicationState.DRAFT)),
                          [LinkWrite(ids[2], Role.MENTIONED), LinkWrite(ids[0], Role.MENTIONED)],
                          "h3", REV)]) == {}
    public = app.catalogue.list_authorities("person", Actor.PUBLIC, TODAY, "", 10)
    listed = app.catalogue.listed_authorities(Actor.PUBLIC, TODAY)
    assert sorted(a.key for a in listed) == sorted(r.key for r in public)
    assert [(a.name, a.documents) for a in listed] == [("Person 1, A.", 2), ("Person 0, A.", 1)]
    assert listed[0].names[0] == "Person 1, A." and "P. 1" in listed[0].names
    editors = app.catalogue.listed_authorities(Actor.EDITOR, TODAY)
    assert [(a.name, a.documents) for a in editors] == [
        ("Person 0, A.", 2), ("Person 1, A.", 2), ("Person 2, A.", 1)]


def test_a_collection_key_with_an_underscore_is_not_a_pattern(app: App) -> None:
    """Found by review: "a_b" must not take in "axb/f" (LIKE reads _ as any character)."""
    with app.catalogue.session() as s:
        s.upsert_collections([Collection("a_b", "A"), Collection("axb", "B"),
                              Collection("axb/f", "F", "axb")])
    assert _write(app, [_doc(1, collections=(Membership("axb/f"),))]) == {}
    assert app.catalogue.harvest_headers(TODAY, None, None, "a_b", None, 10) == []
    assert [h.public_id for h in app.catalogue.harvest_headers(TODAY, None, None, "axb", None, 10)] \
        == ["doc00001"]
    assert app.catalogue.list_documents(Actor.PUBLIC, TODAY, "a_b", 10, 0) == []


def test_related_documents_and_embargoes_ended_are_found_for_the_downloads(app: App) -> None:
    """What a download file must read again besides the documents written: the documents
    whose records name one (a relation either way, by public or source id), and those whose
    embargo ended since a day; and the named documents read as the whole file reads them."""
    soon = TODAY + timedelta(days=3)
    docs = [_doc(1, relations=(Relation(RelationType.ENCLOSES, "test/d2"),)),
            _doc(2), _doc(3, relations=(Relation(RelationType.REPLY_TO, "doc00002"),)),
            _doc(4), _doc(5, publication=Publication(PublicationState.PUBLISHED, soon))]
    assert _write(app, docs) == {}
    assert app.catalogue.related_to(["doc00002"]) == ["doc00001", "doc00003"]
    assert app.catalogue.related_to(["doc00001", "doc00003"]) == ["doc00002"]
    assert app.catalogue.related_to(["doc00004", "nothing"]) == []
    assert app.catalogue.released_between(TODAY, soon - timedelta(days=1)) == []
    assert app.catalogue.released_between(TODAY, soon) == ["doc00005"]
    assert app.catalogue.released_between(soon, soon + timedelta(days=9)) == []
    named = ["doc00005", "doc00003", "doc00001", "missing"]
    assert [s.document.public_id for s in app.catalogue.named_documents(
        named, Actor.PUBLIC, TODAY)] == ["doc00001", "doc00003"]
    whole = {s.document.public_id: s for s in app.catalogue.iter_documents(Actor.PUBLIC, soon)}
    assert list(app.catalogue.named_documents(named, Actor.PUBLIC, soon)) == \
        [whole[i] for i in ("doc00001", "doc00003", "doc00005")]
