"""How many documents a search can match, bounded from the index's term statistics before
the query runs, so that its facets can be counted from the first millisecond.

Whether a broad result's names are estimated (search/facet_sampling.py), and whether a
result of most documents is counted by what it leaves out, depend on its total. Counting
the total is the top of the page's work (10 ms at 1M documents for ``Khrushchev``); waiting
for it left the cores idle. A word's document frequency is read from the term dictionary
in microseconds, and bounds the total both ways: an OR matches at most the sum of its
parts and at least the largest; an AND at most its smallest part. When the bounds settle a
question the counts start at once; when they do not, they wait for the total as before.

The bounds are over every document the index holds, deleted or hidden ones too; the lower
one is then lowered by all the documents the reader cannot see (``visible``). A bound that
proves wrong all the same (a query shape counted loosely here) costs time, never exactness:
``FacetCounter.settle`` recounts what the true total says must be exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import tantivy

from chancery.domain.authorities import fold
from chancery.domain.publication import Actor, PublicationState
from chancery.search.facet_sampling import Sampling
from chancery.search.grammar import And, MatchAll, Most, Node, Not, Or, Phrase, Word
from chancery.search.interface import Expansion, SearchRequest
from chancery.search.tantivy_query import KEYWORD_QUERIES, YEAR, QueryCompiler
from chancery.search.tantivy_schema import NAME_ROLES, field_analyzer

Plan = Literal["direct", "sample", "invert", "wait"]


@dataclass(frozen=True)
class Bounds:
    """The fewest and the most documents a search can match."""

    low: int
    high: int


def plan(bounds: Bounds, num_docs: int, sampling: Sampling | None, may_invert: bool) -> Plan:
    """How to count a search's facets before its total is known: ``direct`` (the names
    exactly), ``sample`` (the names estimated), ``invert`` (what it leaves out, subtracted:
    more than half of ``num_docs`` for sure), or ``wait`` for the total (the bounds straddle
    the sampling threshold). A search that may or may not pass half the documents is counted
    directly: at about half, either way costs the same."""
    if may_invert and bounds.low * 2 > num_docs:
        return "invert"
    if sampling is None or num_docs <= sampling.above or bounds.high <= sampling.above:
        return "direct"
    return "sample" if bounds.low > sampling.above else "wait"


def hit_bounds(searcher: tantivy.Searcher, compiler: QueryCompiler,
               request: SearchRequest) -> Bounds:
    """Bounds on the total of ``request``, with its filters, access rule and the documents
    found by meaning."""
    stored = _stored(searcher)
    words = _Counter(searcher, compiler.for_actor(request.actor), request.expansions, stored)
    raw = words.node(request.query)
    high = min(searcher.num_docs, raw.high + len(request.meaning))
    if request.filters:  # a facet filter narrows the result by an unknown share
        return Bounds(0, high)
    unseen = stored - _visible(searcher, request.actor)
    return Bounds(max(0, min(raw.low - unseen, high)), high)


def unseen_at_most(searcher: tantivy.Searcher, actor: Actor) -> int:
    """At most how many of the documents the term statistics count ``actor`` may not see
    (hidden from them, or deleted and not yet merged away): a word more documents hold
    than this is held by one the reader sees."""
    return _stored(searcher) - _visible(searcher, actor)


def _stored(searcher: tantivy.Searcher) -> int:
    """Every document the term statistics count, deleted ones too: each has one state."""
    return sum(searcher.doc_freq("pub_state", s.value) for s in PublicationState)


def _visible(searcher: tantivy.Searcher, actor: Actor) -> int:
    """At least how many live documents ``actor`` may see (tantivy_query.viewable_by)."""
    if actor is Actor.EDITOR:
        return int(searcher.num_docs)
    hidden = sum(searcher.doc_freq("pub_state", s.value) for s in PublicationState
                 if s is not PublicationState.PUBLISHED)
    return int(searcher.num_docs) - hidden - searcher.doc_freq("pub_state", "embargoed")


class _Counter:
    """Bounds node by node, mirroring QueryCompiler.node; a shape it does not know is
    bounded by nothing (0, every document)."""

    def __init__(self, searcher: tantivy.Searcher, compiler: QueryCompiler,
                 expansions: dict[str, Expansion], stored: int) -> None:
        self.searcher, self.compiler = searcher, compiler
        self.expansions, self.n = expansions, stored

    def node(self, node: Node) -> Bounds:
        if isinstance(node, MatchAll):
            return Bounds(self.n, self.n)
        if isinstance(node, And):
            return self._and(node)
        if isinstance(node, Or):
            return self._any([self.node(c) for c in node.children])
        if isinstance(node, Not):
            inner = self.node(node.child)
            return Bounds(self.n - inner.high, self.n - inner.low)
        if isinstance(node, Most):
            parts = [self.node(c) for c in node.children]
            found = self._any(parts)
            return found if node.minimum <= 1 else Bounds(0, found.high)
        if isinstance(node, Word | Phrase) and node.field != "state":
            return self._leaf(node)
        return Bounds(0, self.n)  # a date range, a state

    def _and(self, node: And) -> Bounds:
        must = [self.node(c) for c in node.children if not isinstance(c, Not)]
        never = [self.node(c.child) for c in node.children if isinstance(c, Not)]
        high = min([b.high for b in must], default=self.n)
        low = (sum(b.low for b in must) - (len(must) - 1) * self.n if must else self.n)
        return Bounds(max(0, low - sum(b.high for b in never)), high)

    def _any(self, parts: list[Bounds]) -> Bounds:
        return Bounds(max((b.low for b in parts), default=0),
                      min(self.n, sum(b.high for b in parts)))

    def _leaf(self, leaf: Word | Phrase) -> Bounds:
        if isinstance(leaf, Word) and (leaf.prefix or leaf.fuzzy):
            return Bounds(0, self.n)
        if leaf.field in KEYWORD_QUERIES:
            return Bounds(0, self.n)
        words = self._text(leaf, self._fields(leaf))
        if isinstance(leaf, Word) and not leaf.field and YEAR.fullmatch(leaf.text):
            return Bounds(words.low, self.n)  # or dated that year
        expansion = self.expansions.get(fold(leaf.text))
        if not expansion or leaf.field not in ("", *NAME_ROLES):
            return words
        keys = ({"f_person", "f_place", "f_subject"} if leaf.field == ""
                else {f"f_{leaf.field}"})
        parts = [words, *(self._term(f, k) for k in expansion.keys for f in keys)]
        parts += [self._text(Phrase(s), self._fields(leaf))
                  for s in self.compiler.needed(leaf.text, expansion.spellings)]
        return self._any(parts)

    def _fields(self, leaf: Word | Phrase) -> list[str]:
        if leaf.field in NAME_ROLES:
            return [f"n_{leaf.field}"]
        return ["title"] if leaf.field == "title" else list(self.compiler.text_fields)

    def _text(self, leaf: Word | Phrase, fields: list[str]) -> Bounds:
        return self._any([self._in_field(leaf.text, f) for f in fields])

    def _in_field(self, text: str, field: str) -> Bounds:
        analyzer = self.compiler.analyzers[field_analyzer(field)]
        tokens = [t if isinstance(t, str) else t[1] for t in analyzer.analyze(text)]
        if not tokens:
            return Bounds(0, 0)
        found = [self._term(field, t) for t in tokens]
        if len(found) == 1:
            return found[0]
        return Bounds(0, min(b.high for b in found))  # a phrase: its words, maybe apart

    def _term(self, field: str, term: str) -> Bounds:
        n = int(self.searcher.doc_freq(field, term))
        return Bounds(n, n)
