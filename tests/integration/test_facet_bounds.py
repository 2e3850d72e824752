"""Facets counted before the total is known (issue #13): the bounds the term statistics put
on a search's total hold on a FRUS volume, whoever reads; counting from them gives what
waiting for the total gives; and estimates the true total does not allow, because bounds
proved wrong, are counted again exactly."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest

from chancery.bootstrap import App
from chancery.domain.publication import Actor
from chancery.search.facet_aggregate import ALL_VALUES, aggregate, hit_count
from chancery.search.facet_counts import FacetCounter
from chancery.search.grammar import MatchAll, parse_query
from chancery.search.hit_bounds import Bounds, hit_bounds
from chancery.search.interface import Expansion, SearchRequest
from chancery.search.tantivy_index import TantivyIndex
from tests.integration.test_facet_sampling import FORCED, _inverting, archive, forced

__all__ = ["archive", "forced"]  # the fixtures, shared with the sampling tests

QUERIES = ["", "Quemoy", "Quemoy Matsu", "Quemoy OR Matsu", "Quemoy -Matsu", "-Quemoy",
           '"Taiwan Strait"', "Taiw*", "Quemoi~1", "1958", "title:Quemoy",
           "author:Dulles", "person:Eisenhower OR Quemoy", "(Quemoy OR Matsu) -Dulles",
           "type:memorandum Quemoy", "Chinese Communist offshore islands"]


def _index(app: App) -> TantivyIndex:
    assert isinstance(app.index, TantivyIndex)
    return app.index


def _request(app: App, text: str, actor: Actor, **kw: object) -> SearchRequest:
    return SearchRequest(parse_query(text), actor, date.today(), **kw)  # type: ignore[arg-type]


@contextmanager
def _waiting(app: App) -> Iterator[None]:
    """The index counting facets only once it has the total, as before bounds."""
    index = _index(app)
    index.count_early = False
    try:
        yield
    finally:
        index.count_early = True


@pytest.mark.parametrize("actor", [Actor.PUBLIC, Actor.EDITOR])
@pytest.mark.parametrize("text", QUERIES)
def test_the_bounds_hold_the_total(archive: App, text: str, actor: Actor) -> None:
    index = _index(archive)
    request = _request(archive, text, actor)
    searcher = index.snapshot().searcher
    total = hit_count(searcher, index.compiler.compile(request))
    bounds = hit_bounds(searcher, index.compiler, request)
    assert bounds.low <= total <= bounds.high, (text, bounds, total)


def test_the_bounds_hold_with_name_expansions_and_filters(archive: App) -> None:
    """A name's records and spellings widen the upper bound; a facet filter drops the
    lower one (it narrows by a share the statistics do not know)."""
    index = _index(archive)
    searcher = index.snapshot().searcher
    everything = index.compiler.compile(SearchRequest(MatchAll(), Actor.PUBLIC, date.today()))
    people = aggregate(searcher, everything, ["person"], ALL_VALUES)[0]["person"]
    dulles = tuple(k for k in people if "dulles" in k)
    assert dulles
    expansions = {"dulles": Expansion(dulles, ("Dulles Foster",))}
    for kw in ({}, {"filters": {"type": ("memorandum",)}}):
        request = _request(archive, "Dulles", Actor.PUBLIC, expansions=expansions, **kw)
        total = hit_count(searcher, index.compiler.compile(request))
        bounds = hit_bounds(searcher, index.compiler, request)
        assert bounds.low <= total <= bounds.high
    assert bounds.low == 0 and total > 0
    alone = hit_bounds(searcher, index.compiler, _request(archive, "Quemoy", Actor.PUBLIC))
    assert 0 < alone.low <= alone.high  # a single word: its document frequency, both ways


@pytest.mark.parametrize("actor", [Actor.PUBLIC, Actor.EDITOR])
@pytest.mark.parametrize("text", ["", "Quemoy", "Quemoy OR Dulles", "-Quemoy", "Matsu",
                                  "(Quemoy OR Matsu) -Dulles", "Eisenhower Dulles"])
def test_counting_from_bounds_gives_what_waiting_for_the_total_gives(
        forced: App, text: str, actor: Actor) -> None:
    """Estimated above 10 hits (forced), exact below, whichever way the bounds plan it. A
    result that may or may not be more than half the archive is sampled directly rather
    than by what it leaves out (hit_bounds.plan): compared where the bounds settle that."""
    index = _index(forced)
    searcher = index.snapshot().searcher
    bounds = hit_bounds(searcher, index.compiler, _request(forced, text, actor))
    settled = bounds.low * 2 > searcher.num_docs or bounds.high * 2 <= searcher.num_docs
    for invert in ("never", "always") if settled else ("never",):
        with _inverting(forced, invert):
            early = forced.search.documents(text, actor=actor).results
            with _waiting(forced):
                waited = forced.search.documents(text, actor=actor).results
        assert early.total == waited.total
        assert early.estimated == waited.estimated, (text, invert)
        assert early.facets == waited.facets, (text, invert)


def test_a_result_of_most_documents_is_counted_by_what_it_leaves_out_from_bounds(
        forced: App) -> None:
    """-Quemoy: the bounds say more than half at once, as the total would."""
    index = _index(forced)
    searcher = index.snapshot().searcher
    bounds = hit_bounds(searcher, index.compiler, _request(forced, "-Quemoy", Actor.PUBLIC))
    assert bounds.low * 2 > searcher.num_docs


def test_estimates_a_total_does_not_allow_are_counted_again_exactly(forced: App) -> None:
    """Bounds that wrongly promise more than 10 hits (forced threshold): the names are first
    estimated, then, once the total of 3 is known, counted exactly, unmarked."""
    index = _index(forced)
    request = _request(forced, "Matsu Herter Khrushchev", Actor.PUBLIC, facets=True)
    snap = index.snapshot()
    query = index.compiler.compile(request)
    total = hit_count(snap.searcher, query)
    assert 0 < total <= FORCED.above
    with _inverting(forced, "never"):
        counter = FacetCounter(index.compiler, snap, request, query, Bounds(50, 60),
                               "never", FORCED)
        assert {"person", "author"} <= counter.estimated  # planned as a sample
        counter.settle(total)
        facets = counter.result()
    assert counter.estimated == set()
    assert not any(b.approximate for buckets in facets.values() for b in buckets)
    exact = FacetCounter(index.compiler, snap, request, query, total, "never", None).result()
    assert facets == exact
