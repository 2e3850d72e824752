"""What to try when a search finds nothing: what a person would try next, each counted.

In this order: the words spelled as the archive spells them ("Did you mean: Khrushchev
Berlin", from the index's own words and the names of its authority records, which the index
holds in its names field); the query without its rarest word (the one whose removal finds
something); the query without the filters, when they caused the nothing. Never an OR of all
the words (every document with any one of twelve words is no answer), and never a query that
finds nothing. Every count is the reader's: a spelling only hidden documents hold is never
offered to the public (the index counts candidates under the access rule, and each
suggestion is counted again as a search)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chancery.domain.readers import Reader
from chancery.search.grammar import QueryError, Word, parse_query, positive_words

if TYPE_CHECKING:
    from chancery.services.search import Search

_MOST_TRIED = 6  # words of a long query tried for removal, rarest first

# why a query is suggested
SPELLING = "spelling"  # a word spelled as the archive spells it
FEWER_WORDS = "fewer-words"  # the query without its rarest word
UNFILTERED = "unfiltered"  # the query as typed, without the filters


@dataclass(frozen=True)
class Suggestion:
    """A query to try instead, and how many documents it finds for the reader."""

    query: str
    total: int
    reason: str  # SPELLING | FEWER_WORDS | UNFILTERED

    @property
    def keeps_filters(self) -> bool:
        """Whether the suggestion is counted with the search's filters kept."""
        return self.reason != UNFILTERED

    @property
    def label(self) -> str:
        """The suggestion as a page shows it."""
        return self.query + ("" if self.keeps_filters else " (without the filters)")


def suggest(search: Search, text: str, filters: dict[str, tuple[str, ...]],
            reader: Reader) -> list[Suggestion]:
    """What to try instead of a search that found nothing, best first; only queries that
    find something for ``reader``."""
    words = plain_words(text, reader)
    out = [*_spelled(search, text, words, filters, reader),
           *_fewer(search, text, words, filters, reader)]
    if filters and (n := _count(search, text, {}, reader)):
        out.append(Suggestion(text, n, UNFILTERED))
    return list({s.label: s for s in out}.values())


def plain_words(text: str, reader: Reader) -> list[str]:
    """The plain words of a query as typed (no field, prefix, fuzziness or phrase), once each."""
    tree = parse_query(text, staff=reader.is_editor)
    return list(dict.fromkeys(w.text for w in positive_words(tree)
                              if isinstance(w, Word) and not (w.field or w.prefix or w.fuzzy)))


def replaced(text: str, word: str, by: str) -> str:
    """The query with one typed word replaced (as a whole word), or removed when ``by`` is
    empty."""
    pattern = re.compile(r"(?<![\w*~:\"-])" + re.escape(word) + r"(?![\w*~:\"-])")
    return " ".join(pattern.sub(by, text, count=1).split())


def _spelled(search: Search, text: str, words: list[str], filters: dict[str, tuple[str, ...]],
             reader: Reader) -> list[Suggestion]:
    """All the misspelt words corrected at once, else the first single correction that finds
    something."""
    best = {w: found[0][0] for w in words
            if (found := search.index.spellings(w, reader.actor, reader.today))}
    combined = text
    for word, spelling in best.items():
        combined = replaced(combined, word, spelling)
    singles = [replaced(text, w, s) for w, s in best.items()] if len(best) > 1 else []
    tries = [q for q in dict.fromkeys([combined, *singles]) if q != text]
    for query in tries:
        if n := _count(search, query, filters, reader):
            return [Suggestion(query, n, SPELLING)]
    return []


def _fewer(search: Search, text: str, words: list[str], filters: dict[str, tuple[str, ...]],
           reader: Reader) -> list[Suggestion]:
    """The query without the rarest word whose removal finds something."""
    if len(words) < 2:
        return []
    rarest = sorted(words, key=lambda w: _count(search, w, {}, reader))[:_MOST_TRIED]
    for word in rarest:
        query = replaced(text, word, "")
        if query and (n := _count(search, query, filters, reader)):
            return [Suggestion(query, n, FEWER_WORDS)]
    return []


def _count(search: Search, text: str, filters: dict[str, tuple[str, ...]], reader: Reader) -> int:
    """What a changed query finds; 0 when the change broke it ("OR Berlin" once a word is
    gone)."""
    try:
        return search.count(text, filters, reader)
    except QueryError:
        return 0
