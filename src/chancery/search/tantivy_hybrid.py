"""A page of a search that documents found by meaning join (SearchRequest.meaning).

The set is one Tantivy query, the words OR the ids found by meaning, inside the facet filters
and the access rule, so totals and facets count it like any other. Date orders read it as it
is; the relevance order fuses the ranking by words with the ranking by meaning (search.fusion).
Here a page is made from two searches: the union, ranked by the words' score (ids found by
meaning alone score 0, so they sort after every document the words find); and the documents
found by meaning that this reader may see, each with the score the words give it (0: by
meaning alone)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import tantivy
from tantivy import Occur, Query

from chancery.search.fusion import fuse, fused_score
from chancery.search.interface import SearchRequest
from chancery.search.tantivy_query import QueryCompiler, viewable_by

Ranked = list[tuple[Any, Any]]  # (score or sort value, document address), best first
Rank = Callable[[tantivy.Searcher, Query, SearchRequest], tuple[int, Ranked]]


@dataclass(frozen=True)
class HybridPage:
    """The total, one page of (key, address), how each id on it matched, and how many of the
    total came by meaning alone."""

    total: int
    page: Ranked
    matched: dict[str, str]  # public id -> "meaning" | "both"; the rest matched by words
    by_meaning: int


def hybrid_page(searcher: tantivy.Searcher, compiler: QueryCompiler, request: SearchRequest,
                query: Query, rank: Rank) -> HybridPage:
    """One page of a request with ids found by meaning; ``rank`` runs a query in the
    request's order (the index's own paging)."""
    seen = _seen_by_meaning(searcher, compiler, request)
    matched = {pid: "both" if score > 0 else "meaning" for pid, (score, _) in seen.items()}
    alone = sum(1 for how in matched.values() if how == "meaning")
    if request.sort != "relevance":
        total, page = rank(searcher, query, request)
        return HybridPage(total, page, matched, alone)
    depth = request.offset + request.limit
    total, top = rank(searcher, query, replace(request, offset=0, limit=depth))
    by_words: dict[str, tuple[float, Any]] = {}
    for score, addr in top:
        if float(score) > 0:
            by_words[_id(searcher, addr)] = (float(score), addr)
    words = {pid: n for n, pid in enumerate(by_words, start=1)}
    scores = [s for s, _ in by_words.values()]
    for pid, (score, _) in seen.items():
        if score > 0 and pid not in words:  # ranked by words below the depth read: about here
            words[pid] = 1 + sum(1 for s in scores if s > score)
    meaning = {pid: n for n, pid in enumerate(seen, start=1)}
    where = {**{pid: a for pid, (_, a) in by_words.items()}, **{pid: a for pid, (_, a) in seen.items()}}
    order = fuse(words, meaning)[request.offset:depth]
    return HybridPage(total, [(fused_score(pid, words, meaning), where[pid]) for pid in order],
                      matched, alone)


def _seen_by_meaning(searcher: tantivy.Searcher, compiler: QueryCompiler,
                     request: SearchRequest) -> dict[str, tuple[float, Any]]:
    """The documents found by meaning that pass the reader's filters and the access rule, in
    the order meaning ranked them, each with its score by the words (0 when they miss)."""
    ids = Query.const_score_query(
        Query.term_set_query(compiler.schema, "id", list(request.meaning)), 0.0)
    words = compiler.for_actor(request.actor).node(request.query, request.expansions,
                                                  request.today)
    clauses = [(Occur.Must, Query.boolean_query([(Occur.Must, ids), (Occur.Should, words)]))]
    clauses += [(Occur.Must, q) for q in compiler.facet_filters(request.filters)]
    clauses += viewable_by(compiler.schema, request.actor, request.today)
    found = searcher.search(Query.boolean_query(clauses), len(request.meaning))
    got = {_id(searcher, addr): (float(score), addr) for score, addr in found.hits}
    return {pid: got[pid] for pid in request.meaning if pid in got}


def _id(searcher: tantivy.Searcher, addr: Any) -> str:
    return str(searcher.doc(addr).get_first("id"))

