"""Search by meaning inside the one search: which queries ask for it, which documents it
adds, and the passage that shows a reader why a document it added matched.

A query of plain words (a question, a name, words in any language) is also looked up by
meaning; explicit syntax (quotes, fields, ``-``, OR / AND / NOT, ``*``, ``~``, parentheses)
says the reader wants exactly those words, and stays lexical. The documents found by meaning
go to the index as ids, which matches them inside the reader's filters and the access rule:
the vectors are never trusted to know who may see what."""

from __future__ import annotations

import contextvars
import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from chancery.domain.passages import passages_of
from chancery.domain.readers import Reader
from chancery.meaning.interface import Neighbour, Neighbours
from chancery.search.grammar import And, Node, Or, Word, parse_query
from chancery.search.interface import Hit, SearchIndex, SearchRequest
from chancery.storage.interface import Catalogue

# How many documents a query asks meaning for: "at most a few hundred" (issue #13); the
# threshold below keeps far fewer for most queries.
MEANING_LIMIT = 200
# Cosine similarity (multilingual USE v3) a document's best passage needs to join the result
# set, measured with benchmarks/hybrid_ranking.py on tests/relevance/queries.yaml over the nine
# core volumes (31,505 passages). nDCG@10 of the queries of issue #3 / of the questions in
# ordinary words; words alone 0.625 / 0.238:
#   0.45 -> 0.582 / 0.433   0.50 -> 0.616 / 0.456   0.53 -> 0.623 / 0.439   0.55 -> 0.622 / 0.370
# Lower, the exact queries lose (a name draws loosely related passages); 0.53 keeps them within
# the run-to-run noise of ties (0.005) and nearly doubles the questions' nDCG.
THRESHOLD = 0.53
SNIPPET_CHARS = 240
MAX_SIMILAR = 50  # more like this, at most
# a query no document matches: with ids found by meaning, the ids alone
_NOTHING = Or(())
_SYNTAX = re.compile(r'["()]|(?:^|\s)-\S|\b(?:AND|OR|NOT)\b')


@dataclass(frozen=True)
class SimilarDocument:
    """A document like another: the hit as lists show it, and how near its best passage is."""

    hit: Hit
    where: str
    score: float


@dataclass(frozen=True)
class MatchedPassage:
    """Why a document matched by meaning: the passage nearest the query, cut to a snippet."""

    where: str  # "<version key>#<n>" or "summary#0" (domain.passages)
    text: str
    score: float


def asks_meaning(text: str) -> bool:
    """Whether a query is plain words, which meaning may answer too."""
    if not text.strip() or _SYNTAX.search(text):
        return False
    try:
        return _plain(parse_query(text))
    except ValueError:  # QueryError: the lexical side reports it
        return False


def _plain(node: Node) -> bool:
    words = node.children if isinstance(node, And) else (node,)
    return all(isinstance(w, Word) and not (w.field or w.prefix or w.fuzzy) for w in words)


def found_by_meaning(neighbours: Neighbours | None, text: str) -> list[Neighbour]:
    """The documents whose best passage is near enough to a plain-words query, best first
    (none for explicit syntax, or without a meaning service)."""
    if neighbours is None or not asks_meaning(text):
        return []
    return [n for n in neighbours.near_text(text, MEANING_LIMIT) if n.score >= THRESHOLD]


# the lookups run beside the words' search: encoding and the vector index release the GIL
_LOOKUPS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="chancery-meaning")


class MeaningLookup:
    """``found_by_meaning`` started in the background, so the query's parsing, its other
    spellings and the words' facet counts need not wait for the encoder and the vector
    index (about 10 ms at 8.7M passages)."""

    def __init__(self, neighbours: Neighbours, text: str) -> None:
        # in the request's context: where it may read from (a replica) goes with it
        self._job = _LOOKUPS.submit(contextvars.copy_context().run, found_by_meaning,
                                    neighbours, text)

    @classmethod
    def start(cls, neighbours: Neighbours | None, text: str) -> MeaningLookup | None:
        """The lookup of a plain-words query, started; None when meaning cannot answer."""
        return cls(neighbours, text) if neighbours is not None and asks_meaning(text) else None

    def ids(self) -> tuple[str, ...]:
        """The public ids found, best first (waits for them)."""
        return tuple(n.public_id for n in self._job.result())

    def found(self) -> dict[str, Neighbour]:
        """Public id -> the neighbour found (waits for them)."""
        return {n.public_id: n for n in self._job.result()}


def matched_passages(catalogue: Catalogue, hits: Iterable[Hit],
                     found: dict[str, Neighbour]) -> dict[str, MatchedPassage]:
    """For the hits meaning found, the passage that matched, as the public reads it (what
    was embedded: a redacted passage never was, so it is never shown here either)."""
    wanted = [h.public_id for h in hits if h.matched_by != "words" and h.public_id in found]
    out: dict[str, MatchedPassage] = {}
    if not wanted:
        return out
    for chunk in catalogue.documents_for_index(wanted):  # read to the end: frees the connection
        for stored in chunk:
            near = found[stored.document.public_id]
            text = {p.where: p.text for p in passages_of(stored.public().document)}.get(near.where)
            if text:
                out[near.public_id] = MatchedPassage(near.where, cut(text), near.score)
    return out


def cut(text: str, size: int = SNIPPET_CHARS) -> str:
    """A passage cut to a snippet at a word boundary."""
    if len(text) <= size:
        return text
    return text[:size].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def similar_documents(index: SearchIndex, neighbours: Neighbours | None, public_id: str,
                      limit: int, reader: Reader) -> list[SimilarDocument]:
    """The documents nearest one that ``reader`` may see, nearest first: the neighbours are
    matched through the index as that reader, so a hidden one is never shown."""
    limit = max(1, min(limit, MAX_SIMILAR))
    # ask for more than shown: some neighbours may be hidden from this reader
    near = neighbours.near_document(public_id, 3 * limit + 10) if neighbours else []
    near = [n for n in near if n.public_id != public_id]
    if not near:
        return []
    request = SearchRequest(_NOTHING, reader.actor, reader.today, limit=limit, snippets=False,
                            facets=False, meaning=tuple(n.public_id for n in near))
    by_id = {n.public_id: n for n in near}
    return [SimilarDocument(h, by_id[h.public_id].where, by_id[h.public_id].score)
            for h in index.search(request).hits]
