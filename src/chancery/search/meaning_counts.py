"""The facet counts of the documents found by meaning alone, added to those of the words.

A search by meaning returns its ids only after the query is encoded and the vector index
searched (about 10 ms at 8.7M passages). The words' facets, most of a broad search's time,
need not wait for them: they are counted over the words alone from the start
(search/facet_counts.py), and the few hundred documents found by meaning that the words do
not match are counted here, exactly, once the ids come, and summed in. The two sets are
disjoint, so the sums are the counts over their union, as a page shows them."""

from __future__ import annotations

from collections.abc import Callable

import tantivy
from tantivy import Query

from chancery.search.facet_aggregate import ALL_VALUES, Counts, aggregate, hit_count
from chancery.search.facet_counts import POOL
from chancery.search.interface import FACETS, SearchRequest
from chancery.search.tantivy_query import QueryCompiler

Added = Callable[[], tuple[Counts, dict[str, int]]]  # counts, and the total of each facet


def meaning_alone(searcher: tantivy.Searcher, compiler: QueryCompiler,
                  request: SearchRequest) -> list[Added]:
    """The facets of the documents of ``request.meaning`` the words leave out (with the
    filters and the access rule), counted in the groups the words' are: the facets no
    filter narrows together, and each narrowed facet without its own filter (so a reader
    sees what choosing another value would add)."""
    unfiltered = [f for f in (*FACETS, *request.histograms) if not request.filters.get(f)]
    parts = [_count(searcher, compiler.meaning_only(request), unfiltered)]
    parts += [_count(searcher, compiler.meaning_only(request, skip=f), [f])
              for f in FACETS if request.filters.get(f)]
    return [p for p in parts if p is not None]


def _count(searcher: tantivy.Searcher, query: Query, facets: list[str]) -> Added | None:
    if "decade" in facets and "year" in facets:
        facets = [f for f in facets if f != "decade"]  # summed from the years, as the words'
    if not facets:
        return None
    job = POOL.submit(_counted, searcher, query, facets)
    return job.result


def _counted(searcher: tantivy.Searcher, query: Query,
             facets: list[str]) -> tuple[Counts, dict[str, int]]:
    total = hit_count(searcher, query)
    if not total:
        return {}, {}
    counts, _ = aggregate(searcher, query, facets, ALL_VALUES)  # a few hundred documents
    return counts, dict.fromkeys(facets, total)
