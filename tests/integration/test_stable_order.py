"""Two nodes' indexes of one catalogue page alike (#14): the same documents written in
another order and committed in other batches (so other segments) give every page of a
search identical, ties and all, and paging through gives each document exactly once."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from chancery.domain.dates import FuzzyDate, Precision
from chancery.domain.documents import Document, DocumentType
from chancery.domain.publication import Actor
from chancery.domain.texts import TextVersion
from chancery.search.grammar import MatchAll, parse_query
from chancery.search.interface import IndexDocument, SearchRequest
from chancery.search.tantivy_index import TantivyIndex

TODAY = date(2026, 12, 1)
DAYS = [date(1960, 7, 18), date(1960, 7, 19), None]  # many documents a day; some undated
BODIES = ["Berlin talks continue", "Berlin talks continue today in Geneva",
          "Laos and Berlin: no change"]  # each body twice or more: their scores tie
ADDED = [datetime(2026, 1, 5, 9, 0, tzinfo=UTC), datetime(2026, 1, 6, 9, 0, tzinfo=UTC)]
PER_PAGE = 7


def _item(n: int) -> IndexDocument:
    day = DAYS[n % len(DAYS)]
    doc = Document(public_id=f"d{n:03d}", title="Telegram", doc_type=DocumentType.TELEGRAM,
                   date=FuzzyDate(str(day or "undated"), day, day,
                                  Precision.DAY if day else Precision.UNKNOWN),
                   texts=(TextVersion("en", body=BODIES[n % len(BODIES)]),))
    return IndexDocument(doc, added=ADDED[n % len(ADDED)], key=1000 - 7 * n)


def _index(folder: Path, order: list[int], batch: int) -> TantivyIndex:
    index = TantivyIndex(folder, heap_bytes=15_000_000, threads=1)
    index.clear(1)
    for start in range(0, len(order), batch):
        index.upsert([_item(n) for n in order[start:start + batch]], fresh=True)
        index.commit(start + batch)
    return index


@pytest.fixture(scope="module")
def two_nodes(tmp_path_factory: pytest.TempPathFactory) -> tuple[TantivyIndex, TantivyIndex]:
    """60 documents written in order a few at a time, and shuffled in other batches."""
    root = tmp_path_factory.mktemp("nodes")
    order = list(range(60))
    shuffled = random.Random(14).sample(order, len(order))
    first, second = _index(root / "one", order, 4), _index(root / "two", shuffled, 23)
    assert first.snapshot().searcher.num_segments != second.snapshot().searcher.num_segments
    return first, second


SEARCHES = [("filter only, by relevance", "", {"type": ("telegram",)}, "relevance"),
            ("filter only, by date", "", {"type": ("telegram",)}, "date"),
            ("everything, newest first", "", {}, "-date"),
            ("everything, recently added", "", {}, "recent"),
            ("words, ranked with ties", "Berlin", {}, "relevance"),
            ("words, by date", "Berlin talks", {}, "date")]


def _pages(index: TantivyIndex, text: str, filters: dict[str, tuple[str, ...]],
           sort: str) -> tuple[int, list[list[str]]]:
    query = parse_query(text) if text else MatchAll()
    pages, offset, total = [], 0, -1
    while total < 0 or offset < total:
        found = index.search(SearchRequest(query, Actor.PUBLIC, TODAY, filters, sort,
                                           PER_PAGE, offset, snippets=False, facets=False))
        total = found.total
        pages.append([h.public_id for h in found.hits])
        offset += PER_PAGE
    return total, pages


@pytest.mark.parametrize(("text", "filters", "sort"), [s[1:] for s in SEARCHES],
                         ids=[s[0] for s in SEARCHES])
def test_every_page_is_the_same_on_both_nodes_and_each_document_comes_once(
        two_nodes: tuple[TantivyIndex, TantivyIndex], text: str,
        filters: dict[str, tuple[str, ...]], sort: str) -> None:
    """Each page identical on both indexes; the pages together hold every match once."""
    total, pages = _pages(two_nodes[0], text, filters, sort)
    assert (total, pages) == _pages(two_nodes[1], text, filters, sort)
    seen = [pid for page in pages for pid in page]
    assert len(seen) == len(set(seen)) == total > 2 * PER_PAGE


def test_ties_go_by_catalogue_id(tmp_path: Path) -> None:
    """Documents of one day come in the order of their catalogue ids, both date orders."""
    index = _index(tmp_path, list(range(60)), 60)
    same_day = [n for n in range(60) if DAYS[n % len(DAYS)] == DAYS[0]]
    by_key = [f"d{n:03d}" for n in sorted(same_day, key=lambda n: _item(n).key)]
    for sort in ("date", "-date"):
        _, pages = _pages(index, "", {}, sort)
        seen = [pid for page in pages for pid in page]
        assert [pid for pid in seen if pid in by_key] == by_key, sort
