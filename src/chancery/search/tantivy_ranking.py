"""One page of a search in a total order: the request's order (score, date, or when added),
then the documents' catalogue ids (tantivy_schema.KEY).

Tantivy breaks ties by a document's address (segment, document number), which depends on the
order documents were written in and on how the segments were merged: two nodes' indexes of
one catalogue (#14) would answer page 2 with documents page 1 of the other already showed,
and leave others out. The date orders hold the key inside their sort value, so they never
tie; scores and the time a document was added can. Ties are rare at a page's edges, so the
page is read with one hit either side: only when a tie runs across an edge is the head of
the ranking read again, as far as that tie runs."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from typing import Any

import tantivy
from tantivy import Order, Query

from chancery.search.interface import SearchRequest
from chancery.search.tantivy_schema import KEY

SORTS = {"date": ("date_sort", Order.Asc), "-date": ("date_sort_desc", Order.Desc),
         "recent": ("added", Order.Desc)}
Ranked = list[tuple[Any, Any]]  # (score or sort value, document address), best first


def ranked(searcher: tantivy.Searcher, query: Query,
           request: SearchRequest) -> tuple[int, Ranked]:
    """The total and one page of (score or sort value, address) in the request's order,
    ties in the order of the documents' keys."""
    limit = max(1, request.limit)  # Tantivy's collector panics on 0
    start = max(0, request.offset - 1)
    total, hits = _top(searcher, query, request, start, request.offset + limit + 1 - start)
    if _crosses_an_edge(hits, request.offset - start, limit):
        total, hits = _through_ties(searcher, query, request, request.offset + limit)
        start = 0
    return total, _page_in_key_order(searcher, hits, request.offset - start, limit)


def _top(searcher: tantivy.Searcher, query: Query, request: SearchRequest, offset: int,
         limit: int) -> tuple[int, Ranked]:
    if request.sort in SORTS:
        field, order = SORTS[request.sort]
        found = searcher.search(query, limit, count=True, order_by_field=field,
                                offset=offset, order=order)
    else:
        found = searcher.search(query, limit, count=True, offset=offset)
    total = int(getattr(found, "count", None) or 0)  # the stubs omit it; count=True sets it
    return total, list(found.hits)


def _crosses_an_edge(hits: Ranked, at: int, limit: int) -> bool:
    """Whether the hit before the page (at ``at`` in ``hits``) or the one after it ties
    with the page's first or last: then which of them the page holds depends on the keys."""
    before = 0 < at < len(hits) and hits[at - 1][0] == hits[at][0]
    end = at + limit
    return before or (end < len(hits) and hits[end][0] == hits[end - 1][0])


def _through_ties(searcher: tantivy.Searcher, query: Query, request: SearchRequest,
                  depth: int) -> tuple[int, Ranked]:
    """The ranking from its head down past the end of the tie at ``depth``. The first read
    goes four times as deep: a tie seldom runs further (measured on the benchmark's mix at
    50k documents: the longest run was 163 hits), and each read runs the query again."""
    want = 4 * (depth + 1)
    while True:
        total, hits = _top(searcher, query, request, 0, want)
        if len(hits) < want or hits[-1][0] != hits[depth - 1][0]:
            return total, hits
        want *= 4


def _page_in_key_order(searcher: tantivy.Searcher, hits: Ranked, at: int,
                       limit: int) -> Ranked:
    """``hits[at:at + limit]`` once each run of equal values that reaches into it is
    ordered by key (only those runs' keys are read)."""
    runs: list[Ranked] = []
    first = at  # where the first run kept begins
    for pos, run in _runs(hits):
        if pos >= at + limit:
            break
        if pos + len(run) > at:
            first = min(first, pos)
            runs.append(run)
    tied = [hit for run in runs if len(run) > 1 for hit in run]
    keys = iter(searcher.fast_field_values(KEY, [addr for _, addr in tied]) if tied else [])
    out: Ranked = []
    for run in runs:
        if len(run) > 1:
            ordered = sorted(zip([next(keys) or 0 for _ in run], run, strict=True),
                             key=lambda kv: kv[0])
            run = [hit for _, hit in ordered]
        out += run
    return out[at - first:at - first + limit]


def _runs(hits: Ranked) -> Iterator[tuple[int, Ranked]]:
    """Each run of equal values in ``hits`` with its position."""
    pos = 0
    for _, group in groupby(hits, key=lambda hit: hit[0]):
        run = list(group)
        yield pos, run
        pos += len(run)
