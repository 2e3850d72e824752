"""A broad search's facet counts are kept with the index snapshot (search/facet_memo.py): the
next page, the other order and the same search again count nothing, and give the same counts;
a change to the index (a new snapshot) counts again, so nothing kept outlives a withdrawal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.demo import DEMO_DIR
from chancery.search import facet_counts, facet_memo
from chancery.search.tantivy_index import TantivyIndex
from chancery.services import search
from chancery.services.imports import import_paths
from tests.integration.test_facet_counts import _bundle, _pairs


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many aggregations ran; every search is worth keeping (the volume is small)."""
    calls: list[int] = []
    real = facet_counts.aggregate

    def counting(*args: Any, **kw: Any) -> Any:
        calls.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(facet_counts, "aggregate", counting)
    monkeypatch.setattr(facet_memo, "WORTH", 0)
    return calls


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    app = build_app(load_settings(data=str(tmp_path_factory.mktemp("memo") / "data"),
                                  database_url=""))
    assert not import_paths([DEMO_DIR / "frus1958-60v19.xml"], app.import_context()).failed
    search.rebuild_index(app.catalogue, app.index)
    yield app
    app.catalogue.dispose()


def _facets(app: App, text: str, **kw: Any) -> dict[str, list[tuple[str, int]]]:
    page = app.search.documents(text, **kw)
    return {f: _pairs(b) for f, b in page.results.facets.items()}


def test_the_next_page_and_the_other_order_count_nothing(archive: App, counted: list[int]) -> None:
    index = archive.index
    assert isinstance(index, TantivyIndex)
    first = _facets(archive, "Soviet")
    assert counted, "the first search counts"
    counted.clear()
    assert _facets(archive, "Soviet", page=2) == first
    assert _facets(archive, "Soviet", sort="date") == first
    assert not counted
    # another filter, the exact counts or another reader is another search
    assert _facets(archive, "Soviet", exact=True) == first  # nothing estimated at this size
    assert counted
    counted.clear()
    index.memo_counts = False
    try:
        assert _facets(archive, "Soviet", page=3) == first
    finally:
        index.memo_counts = True
    assert counted, "without the memo every search counts"


def test_a_search_keeps_no_counts_past_a_change_to_the_index(tmp_path: Path,
                                                              counted: list[int]) -> None:
    app = build_app(load_settings(data=str(tmp_path / "data"), database_url=""))
    reference = _bundle(tmp_path / "reference", {})
    assert not import_paths([reference], app.import_context()).failed
    search.rebuild_index(app.catalogue, app.index)
    before = _facets(app, "Soviet")
    assert dict(before["type"]).get("note") == 1
    meta = yaml.safe_load((reference / "000.yaml").read_text())
    meta["publication"] = {"state": "draft"}  # taken back: the public no longer sees it
    (reference / "000.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True))
    assert not import_paths([reference], app.import_context()).failed
    search.sync_index(app.catalogue, app.index)
    counted.clear()
    after = _facets(app, "Soviet")
    assert counted, "a new snapshot counts again"
    assert "note" not in dict(after["type"])
    app.catalogue.dispose()
