"""`chancery reindex` builds the new index beside the one searched and moves every process's
searches to it at once (search/index_folders.py): search keeps answering in full during an
upgrade, and a process that opened the old index follows the switch by itself."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.demo import DEMO_DIR
from chancery.domain.publication import Actor
from chancery.search.grammar import parse_query
from chancery.search.index_folders import CURRENT, REBUILDING
from chancery.search.interface import IndexBusy, SearchRequest
from chancery.search.tantivy_index import TantivyIndex
from chancery.services import search
from chancery.services.imports import import_paths
from tests.integration.test_facet_counts import _bundle


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[App]:
    app = build_app(load_settings(data=str(tmp_path / "data"), database_url=""))
    assert not import_paths([DEMO_DIR / "frus1958-60v19.xml"], app.import_context()).failed
    search.rebuild_index(app.catalogue, app.index)
    yield app
    app.catalogue.dispose()


def _total(index: TantivyIndex, text: str) -> int:
    return index.search(SearchRequest(parse_query(text), Actor.PUBLIC, date.today(),
                                      facets=False, snippets=False)).total


def test_search_answers_in_full_while_the_index_is_rebuilt(archive: App) -> None:
    index = archive.index
    assert isinstance(index, TantivyIndex)
    other = TantivyIndex(index.root)  # another process's view of the same folder
    before = _total(other, "Soviet")
    assert before > 100
    during: list[int] = []

    def advance(n: int) -> None:  # between two chunks of the rebuild
        during.append(_total(other, "Soviet"))

    search.rebuild_index(archive.catalogue, index, advance)
    assert during and all(t == before for t in during), during  # never empty, never partial
    assert _total(other, "Soviet") == before
    assert other.path == index.path != index.root  # both moved to the new generation
    assert (index.root / CURRENT).read_text() == index.path.name
    assert not list(index.root.glob("*.idx")), "the first layout's files are removed"
    first = index.path
    search.rebuild_index(archive.catalogue, index)
    assert not first.exists() and index.path.exists()
    assert _total(other, "Soviet") == before
    assert sorted(p.name for p in index.root.iterdir()) == sorted([CURRENT, REBUILDING,
                                                                 index.path.name])


def test_a_process_that_writes_follows_the_switch(archive: App, tmp_path: Path) -> None:
    """The index follower of another process catches the new index up, not the old one."""
    index = archive.index
    assert isinstance(index, TantivyIndex)
    follower = TantivyIndex(index.root)
    assert _total(follower, "Embassy") >= 0  # opened on the old index
    search.rebuild_index(archive.catalogue, index)
    reference = _bundle(tmp_path / "reference", {})
    assert not import_paths([reference], archive.import_context()).failed
    assert search.sync_index(archive.catalogue, follower) > 0
    fresh = TantivyIndex(index.root)
    assert _total(fresh, "\"Central Committee\"") == _total(follower, "\"Central Committee\"") > 0
    assert fresh.state() == follower.state()
    assert fresh.state() is not None and fresh.state()[2] == archive.catalogue.changes()


def test_a_second_rebuild_meanwhile_is_refused_and_the_first_completes(archive: App) -> None:
    """Found by a hostile test: two `chancery reindex` at once each removed the other's
    folder as left over, both said they had indexed everything, and CURRENT named a folder
    that was gone (search: "there is no search index yet")."""
    index = archive.index
    assert isinstance(index, TantivyIndex)
    before = _total(index, "Soviet")
    refused: list[str] = []

    def advance(n: int) -> None:  # the first rebuild is under way: another process starts
        if not refused:
            with pytest.raises(IndexBusy) as second:
                search.rebuild_index(archive.catalogue, TantivyIndex(index.root))
            refused.append(str(second.value))

    search.rebuild_index(archive.catalogue, index, advance)
    assert refused and "another process is rebuilding" in refused[0]
    assert index.path.is_dir() and (index.root / CURRENT).read_text() == index.path.name
    assert _total(TantivyIndex(index.root), "Soviet") == before
    search.rebuild_index(archive.catalogue, TantivyIndex(index.root))  # the lock was let go
    assert _total(TantivyIndex(index.root), "Soviet") == before


def test_a_rebuild_that_failed_half_way_lets_the_next_one_run(archive: App) -> None:
    index = archive.index

    def fail(n: int) -> None:
        raise RuntimeError("the catalogue went away")

    with pytest.raises(RuntimeError):
        search.rebuild_index(archive.catalogue, index, fail)
    import gc
    gc.collect()  # the half-built index is dropped with the error
    assert search.rebuild_index(archive.catalogue, TantivyIndex(index.root)) > 100
