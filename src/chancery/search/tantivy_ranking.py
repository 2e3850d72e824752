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
        depth = request.offset + limit
        total, hits = _through_ties(searcher, query, request, depth)
        start = 0
    at = request.offset - start
    return total, _in_key_order(searcher, hits)[at:at + limit]


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
    """The ranking from its head down past the end of the tie at ``depth``."""
    want = depth + 1
    while True:
        total, hits = _top(searcher, query, request, 0, want)
        if len(hits) < want or hits[-1][0] != hits[depth - 1][0]:
            return total, hits
        want *= 4


def _in_key_order(searcher: tantivy.Searcher, hits: Ranked) -> Ranked:
    """``hits`` with each run of equal values ordered by key (only runs are looked up)."""
    runs = [list(run) for _, run in groupby(hits, key=lambda hit: hit[0])]
    tied = [hit[1] for run in runs if len(run) > 1 for hit in run]
    if not tied:
        return hits
    keys = dict(zip(map(_address, tied), searcher.fast_field_values(KEY, tied), strict=True))
    out: Ranked = []
    for run in runs:
        out += sorted(run, key=lambda hit: keys.get(_address(hit[1])) or 0) if len(run) > 1 \
            else run
    return out


def _address(addr: Any) -> tuple[int, int]:
    return (int(addr.segment_ord), int(addr.doc))
