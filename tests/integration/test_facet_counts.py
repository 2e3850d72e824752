"""Facet counts of broad queries, counted the fast way (what the query leaves out, subtracted
from the counts over everything a reader may see), equal the counts made directly; and the
counts kept for an index snapshot follow the index when it changes."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from functools import partial
from pathlib import Path

import pytest
import yaml
from tantivy import Query

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.demo import DEMO_DIR
from chancery.domain.publication import Actor
from chancery.search import facet_aggregate, facet_counts, facet_snapshot
from chancery.search.facet_aggregate import ALL_VALUES
from chancery.search.facet_counts import Invert
from chancery.search.grammar import MatchAll, parse_query
from chancery.search.interface import Bucket, IndexedName, SearchRequest
from chancery.search.tantivy_index import TantivyIndex
from chancery.search.tantivy_schema import PARTS, SLOTS
from chancery.services import search
from chancery.services.imports import import_paths
from tests.conftest import FIXTURES, _reference_text


def _bundle(dest: Path, drafts: dict[str, dict[str, str]]) -> Path:
    """The reference pair with some documents' publication changed."""
    shutil.copytree(FIXTURES / "reference", dest)
    (dest / "000.en.txt").write_text(_reference_text("000", "The Embassy of the Union", None))
    (dest / "001.en.txt").write_text(_reference_text("001", "TO THE CENTRAL COMMITTEE", "18 July 1960"))
    for name, publication in drafts.items():
        meta = yaml.safe_load((dest / name).read_text())
        meta["publication"] = publication
        (dest / name).write_text(yaml.safe_dump(meta, allow_unicode=True))
    return dest


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """FRUS vol. XIX and the reference pair, one of them embargoed."""
    root = tmp_path_factory.mktemp("facets")
    app = build_app(load_settings(data=str(root / "data"), database_url=""))
    reference = _bundle(root / "reference",
                        {"000.yaml": {"state": "published", "embargo_until": "2999-01-01"}})
    assert not import_paths([DEMO_DIR / "frus1958-60v19.xml", reference],
                            app.import_context()).failed
    search.rebuild_index(app.catalogue, app.index)
    yield app
    app.catalogue.dispose()


def _facets(app: App, text: str, invert: Invert, actor: Actor = Actor.PUBLIC,
            **kw: object) -> tuple[int, dict[str, list[tuple[str, int]]]]:
    index = app.index
    assert isinstance(index, TantivyIndex)
    index.invert_broad = invert
    try:
        page = app.search.documents(text, actor=actor, **kw)  # type: ignore[arg-type]
    finally:
        index.invert_broad = "when-ready"
    return page.results.total, {f: _pairs(b) for f, b in page.results.facets.items()}


def _pairs(buckets: list[Bucket]) -> list[tuple[str, int]]:
    return sorted((b.value, b.count) for b in buckets)


@pytest.mark.parametrize(("text", "filters"), [
    ("", {}),                                     # everything: the kept counts themselves
    ("-Quemoy", {}),                              # almost everything
    ("the", {}),                                  # a word in every document
    ("Taiwan OR China OR Chiang OR Dulles", {}),  # several words, most documents
    ("-Quemoy", {"type": ("telegram",)}),         # the selected facet's own counts are broad
    ("-Quemoy", {"type": ("telegram",), "year": ("1958",)}),  # narrowed twice: counted directly
    ("Khrushchev", {}),                           # a name with its variants, fewer documents
])
def test_broad_queries_count_the_same_both_ways(archive: App, text: str,
                                                filters: dict[str, tuple[str, ...]]) -> None:
    months = ("month", "day")
    direct = _facets(archive, text, invert="never", filters=filters, histograms=months)
    fast = _facets(archive, text, invert="always", filters=filters, histograms=months)
    assert direct[0] == fast[0]
    assert direct[1].keys() == fast[1].keys() and len(direct[1]) >= 12
    for facet, pairs in direct[1].items():
        assert fast[1][facet] == pairs, facet


def test_the_broad_path_keeps_the_publication_rule(archive: App) -> None:
    """The embargoed note is in neither the public's counts nor its total; editors see it."""
    total, facets = _facets(archive, "", invert="always")
    e_total, e_facets = _facets(archive, "", invert="always", actor=Actor.EDITOR)
    assert e_total == total + 1
    values = {v for pairs in facets.values() for v, _ in pairs}
    e_values = {v for pairs in e_facets.values() for v, _ in pairs}
    assert "place/guangzhou" in e_values - values
    assert dict(facets["type"]).get("note", 0) + 1 == dict(e_facets["type"])["note"]


def test_kept_counts_follow_the_index_when_it_changes(tmp_path: Path) -> None:
    app = build_app(load_settings(data=str(tmp_path / "data"), database_url=""))
    reference = _bundle(tmp_path / "reference", {"000.yaml": {"state": "draft"}})
    assert not import_paths([reference], app.import_context()).failed
    search.rebuild_index(app.catalogue, app.index)
    before = _facets(app, "", invert="always")
    assert before[0] == 1 and "note" not in dict(before[1]["type"])
    meta = yaml.safe_load((reference / "000.yaml").read_text())
    meta["publication"] = {"state": "published"}
    (reference / "000.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True))
    assert not import_paths([reference], app.import_context()).failed
    search.sync_index(app.catalogue, app.index)
    after = _facets(app, "", invert="always")
    assert after[0] == 2 and dict(after[1]["type"])["note"] == 1
    app.catalogue.dispose()


def test_counts_over_everything_are_made_in_the_background(archive: App) -> None:
    """A search never waits for them: it counts directly until they are ready, then uses them."""
    index = archive.index
    assert isinstance(index, TantivyIndex)
    snap = index.snapshot()
    today = date(2031, 1, 1)  # a day no other test asked for: nothing is kept for it yet
    assert snap.universe(Actor.PUBLIC, today, index.compiler, wait=False) is None
    snap.taken -= facet_snapshot.SETTLE_S  # a snapshot that has lived a while
    assert snap.universe(Actor.PUBLIC, today, index.compiler, wait=False) is None  # started
    made = snap.universe(Actor.PUBLIC, today, index.compiler, wait=True)
    assert made is not None and made.total > 400
    assert snap.universe(Actor.PUBLIC, today, index.compiler, wait=False) is made
    assert sum(made.counts["type"].values()) == made.total


def test_a_facet_with_too_many_values_is_counted_directly(archive: App,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """When Tantivy refuses a group (too many buckets), each facet is tried alone, and one it
    still refuses is left to direct counting: the counts stay exact."""
    real = facet_aggregate.aggregate

    def refusing(searcher: object, query: object, facets: list[str], size: int,
                 slotted: frozenset[str] = frozenset()) -> object:
        if size and (len(facets) > 1 or facets == ["person"]):
            raise ValueError("Aborting aggregation because too many buckets were created")
        return real(searcher, query, facets, size, slotted)  # type: ignore[arg-type]

    index = archive.index
    assert isinstance(index, TantivyIndex)
    direct = _facets(archive, "-Quemoy", invert="never")
    monkeypatch.setattr(facet_counts, "aggregate", refusing)
    monkeypatch.setattr(facet_snapshot, "aggregate", refusing)
    monkeypatch.setattr(index, "_snapshot", None)  # a fresh snapshot: nothing kept yet
    made = index.snapshot().universe(Actor.PUBLIC, date(2032, 2, 2), index.compiler, wait=True)
    assert made is not None and "person" not in made.counts and "type" in made.counts
    assert _facets(archive, "-Quemoy", invert="always") == direct


@pytest.mark.parametrize("text", ["", "Khrushchev", "Quemoy", "-Quemoy"])
def test_slotted_counts_equal_the_multi_valued_columns(archive: App, text: str) -> None:
    """Counting a facet over its single-valued slots gives what its one multi-valued column
    gives, value for value, including documents with more values than slots."""
    index = archive.index
    assert isinstance(index, TantivyIndex)
    searcher = index.snapshot().searcher
    query = _compiled(index, text)
    facets = list(SLOTS)
    slotted = facet_aggregate.collect(searcher, query, facets, 0, frozenset(SLOTS))
    whole = facet_aggregate.collect(searcher, query, facets, ALL_VALUES, frozenset())
    assert slotted[1] == whole[1] == set(facets)
    assert slotted[0] == whole[0]
    assert sum(slotted[0]["place"].values()) > 0


def test_values_beyond_the_slots_are_counted(archive: App, tmp_path: Path) -> None:
    """Documents naming more places than there are slots: the rest are counted too."""
    stored = archive.catalogue.get_document("frus1958-60v19/d3", Actor.EDITOR, date.today())
    assert stored is not None
    item = search.index_document(stored)
    index = TantivyIndex(tmp_path / "index")
    places = [IndexedName(f"place/p{i}", "place", "place-mentioned", (f"P{i}",))
              for i in range(SLOTS["place"] * 2)]
    docs = [replace(item, document=replace(item.document, public_id=f"x{n}"),
                    names=tuple(places[n:n + SLOTS["place"] + 2])) for n in range(4)]
    index.upsert(docs)
    index.commit(0)
    searcher = index.snapshot().searcher
    query = _compiled(index, "")
    assert searcher.aggregate(query, {"o": {"terms": {"field": "o_place"}}})["o"]["buckets"]
    slotted = facet_aggregate.collect(searcher, query, ["place"], 0, frozenset(["place"]))
    assert slotted[0]["place"] == {f"place/p{i}": min(i + 1, 4, 9 - i) for i in range(8)}
    assert slotted == facet_aggregate.collect(searcher, query, ["place"], ALL_VALUES, frozenset())


def test_a_slot_with_more_values_than_asked_is_recounted(archive: App,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    index = archive.index
    assert isinstance(index, TantivyIndex)
    searcher = index.snapshot().searcher
    query = _compiled(index, "")
    exact = facet_aggregate.collect(searcher, query, ["place"], ALL_VALUES, frozenset())
    monkeypatch.setattr(facet_aggregate, "_SLOT_SIZE", 3)  # every slot has more than 3 places
    got = facet_aggregate.aggregate(searcher, query, ["place"], 0, frozenset(["place"]))[0]["place"]
    spec = {f"place/{c}": {"terms": {"field": c, "size": 3}}
            for c in facet_aggregate.slot_columns("place")}
    assert facet_aggregate.summed(searcher.aggregate(query, spec), "place") is None  # short
    assert got == exact[0]["place"]  # fewer than the reported number of values: all of them


def _compiled(index: TantivyIndex, text: str) -> Query:
    """What the index runs for a public reader's query (no name expansion)."""
    tree = parse_query(text) if text else MatchAll()
    return index.compiler.compile(SearchRequest(tree, Actor.PUBLIC, date.today()))


def test_only_facets_with_few_values_are_counted_over_slots(archive: App,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    index = archive.index
    assert isinstance(index, TantivyIndex)
    facet_snapshot._BACKGROUND.submit(lambda: None).result()  # no other test's counts running
    monkeypatch.setattr(index, "_snapshot", None)
    snap = index.snapshot()
    slotted = partial(snap.slotted, Actor.PUBLIC, date.today(), index.compiler)
    assert slotted() == frozenset()  # nothing known yet: every facet by its column
    assert snap._pending == {}  # a snapshot this young: the counts are not started yet
    snap.taken -= facet_snapshot.SETTLE_S
    assert slotted() == frozenset()  # asking starts them
    made = snap._pending[(Actor.PUBLIC, date.today())].result()
    few = {f for f in SLOTS if len(made.counts[f]) <= facet_snapshot.SLOT_VALUES}
    assert "collection" in few and slotted() == few
    monkeypatch.setattr(facet_snapshot, "SLOT_VALUES", len(made.counts["collection"]) - 1)
    assert "collection" not in slotted()


def test_a_facet_counted_in_parts_gives_the_whole(archive: App) -> None:
    """Each person is in exactly one part, so the parts' counts together are the column's."""
    index = archive.index
    assert isinstance(index, TantivyIndex)
    searcher = index.snapshot().searcher
    query = _compiled(index, "")
    parts = facet_aggregate.split_facet("person", frozenset())
    assert len(parts) == PARTS["person"]
    got = facet_aggregate.collect(searcher, query, parts, ALL_VALUES, frozenset())[0]
    whole = facet_aggregate.collect(searcher, query, ["person"], ALL_VALUES, frozenset())[0]
    assert all(got[p] for p in parts)
    assert not set(got[parts[0]]) & set(got[parts[1]])
    assert {**got[parts[0]], **got[parts[1]]} == whole["person"]


@pytest.mark.parametrize("text", ["-Quemoy", "Taiwan OR China OR Chiang OR Dulles"])
def test_counting_in_parts_reports_the_same_values(archive: App, text: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """With no facet counted over slots, people are counted in two parts; the reported values
    are those the kept counts over everything give."""
    monkeypatch.setattr(facet_snapshot, "SLOT_VALUES", 0)
    assert _facets(archive, text, invert="never") == _facets(archive, text, invert="always")


def test_counts_over_everything_leave_the_searches_pool_and_cores_alone(
        archive: App, monkeypatch: pytest.MonkeyPatch) -> None:
    """They are made in their own thread at a lower priority, so a search arriving meanwhile
    neither queues behind them in the facet pool nor loses the cores to them."""
    index = archive.index
    assert isinstance(index, TantivyIndex)
    threads: set[str] = set()
    real = facet_aggregate.aggregate

    def recording(*args: object, **kw: object) -> object:
        threads.add(threading.current_thread().name)
        return real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(facet_snapshot, "aggregate", recording)
    monkeypatch.setattr(index, "_snapshot", None)
    assert index.snapshot().universe(Actor.PUBLIC, date(2033, 3, 3), index.compiler, wait=True)
    assert threads and all(t.startswith("chancery-universe") for t in threads), threads
    nice = facet_snapshot._BACKGROUND.submit(
        lambda: os.getpriority(os.PRIO_PROCESS, threading.get_native_id())).result()
    assert nice >= min(19, os.getpriority(os.PRIO_PROCESS, 0) + 1)
