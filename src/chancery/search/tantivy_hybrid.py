"""A page of a search that documents found by meaning join (SearchRequest.meaning).

The set is the words' matches and the ids found by meaning, inside the facet filters and the
access rule; the two are never run as one query. The documents found by meaning that this
reader may see are found first, each with the score the words give it (0: by meaning alone,
so the total is the words' and theirs, and search/meaning_counts.py adds their facets). The
relevance order fuses the ranking by words with the ranking by meaning (search.fusion);
date orders merge the words' page with those found by meaning alone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import tantivy
from tantivy import Occur, Query

from chancery.search.fusion import fuse, fused_score
from chancery.search.interface import SearchRequest
from chancery.search.tantivy_query import QueryCompiler, viewable_by
from chancery.search.tantivy_ranking import Ranked

Rank = Callable[[tantivy.Searcher, Query, SearchRequest], tuple[int, Ranked]]


Key = tuple[int, int]  # a document's address in the searcher: (segment, document)


@dataclass(frozen=True)
class HybridPage:
    """The total, one page of (key, address), how each document found by meaning matched,
    and how many of the total came by meaning alone."""

    total: int
    page: Ranked
    matched: dict[Key, str]  # address -> "meaning" | "both"; the rest matched by words
    by_meaning: int


def key_of(addr: Any) -> Key:
    """A document address as a dictionary key."""
    return (int(addr.segment_ord), int(addr.doc))


def hybrid_page(searcher: tantivy.Searcher, compiler: QueryCompiler, request: SearchRequest,
                words_only: Query, rank: Rank, descending: bool = False) -> HybridPage:
    """One page of a request with ids found by meaning; ``words_only``: its query without
    them; ``rank`` runs a query in the request's order (the index's own paging),
    ``descending`` or not.
    Documents are told apart by their addresses: reading 200 stored documents for their ids
    cost more than the rest of the page."""
    seen = _seen_by_meaning(searcher, compiler, request)
    matched = {k: "both" if score > 0 else "meaning" for k, (_, score, _) in seen.items()}
    alone = sum(1 for how in matched.values() if how == "meaning")
    depth = request.offset + request.limit
    if request.sort != "relevance":
        # the words' page merged with those found by meaning alone (a few hundred at most):
        # cheaper than ranking the union, which runs the words and the ids' set together
        words_total, top = rank(searcher, words_only, replace(request, offset=0, limit=depth))
        if alone:
            top += rank(searcher, compiler.meaning_only(request),
                        replace(request, offset=0, limit=alone))[1]
        top.sort(key=lambda kv: kv[0], reverse=descending)  # stable: ties keep the words first
        return HybridPage(words_total + alone, top[request.offset:depth], matched, alone)
    # by relevance the words rank alone (those found by meaning alone would score 0, after
    # them all), and the total is theirs and those: the union need not be run
    words_total, top = rank(searcher, words_only, replace(request, offset=0, limit=depth))
    total = words_total + alone
    by_words = {key_of(addr): (float(score), addr) for score, addr in top if float(score) > 0}
    words = {k: n for n, k in enumerate(by_words, start=1)}
    scores = [s for s, _ in by_words.values()]
    for k, (_, score, _) in seen.items():
        if score > 0 and k not in words:  # ranked by words below the depth read: about here
            words[k] = 1 + sum(1 for s in scores if s > score)
    meaning = {k: n for k, (n, _, _) in seen.items()}
    where = {**{k: a for k, (_, a) in by_words.items()}, **{k: a for k, (_, _, a) in seen.items()}}
    order = fuse(words, meaning)[request.offset:depth]
    return HybridPage(total, [(fused_score(k, words, meaning), where[k]) for k in order],
                      matched, alone)


def _seen_by_meaning(searcher: tantivy.Searcher, compiler: QueryCompiler,
                     request: SearchRequest) -> dict[Key, tuple[int, float, Any]]:
    """The documents found by meaning that pass the reader's filters and the access rule:
    address -> (rank by meaning, 1 first; score by the words, 0 when they miss; address).
    Two small searches and no stored document read: the first scores each id by its rank,
    the second scores those the words match by the words (the filters score nothing)."""
    ids = list(dict.fromkeys(request.meaning))
    n = len(ids)
    schema = compiler.schema
    by_rank = Query.boolean_query([
        (Occur.Should, Query.const_score_query(Query.term_query(schema, "id", pid), float(n - r)))
        for r, pid in enumerate(ids)])
    rest = [(Occur.Must, Query.const_score_query(q, 0.0))
            for q in compiler.facet_filters(request.filters)]
    rest += viewable_by(schema, request.actor, request.today)
    passing = searcher.search(Query.boolean_query([(Occur.Must, by_rank), *rest]), n)
    words = compiler.for_actor(request.actor).node(request.query, request.expansions,
                                                  request.today)
    among = Query.const_score_query(Query.term_set_query(schema, "id", ids), 0.0)
    both = searcher.search(Query.boolean_query([(Occur.Must, among), (Occur.Must, words),
                                                *rest]), n)
    scored = {key_of(addr): float(score) for score, addr in both.hits}
    return {key_of(addr): (n + 1 - round(float(score)), scored.get(key_of(addr), 0.0), addr)
            for score, addr in passing.hits}
