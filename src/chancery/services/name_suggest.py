"""Names suggested as a reader types in the search box: the authority records (people,
places, organisations, subjects) that reader is shown, found by any of their spellings.

Each typed word is the start of a word of some spelling of the record ("Zhou En" offers
Chou En-lai, by his spelling Zhou Enlai), without regard to case or accents; the best known
records (named by the most documents) come first. The records and their spellings are read
from the catalogue once per reader role and day, and again whenever the catalogue changes (its
change counter, one cheap read per call), into a sorted word list held in memory, so a
suggestion is a binary search and a walk, not a scan of every name."""

from __future__ import annotations

import bisect
import heapq
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from chancery.domain.authorities import fold
from chancery.domain.publication import Actor
from chancery.domain.readers import Reader
from chancery.storage.interface import Catalogue, ListedAuthority

MAX_SUGGESTIONS = 20
_SHORTEST = 2  # characters typed before anything is suggested


@dataclass(frozen=True)
class NameSuggestion:
    """A record to offer: its key, kind and preferred name, the spelling the typing matched
    (when it is another), and how many documents name it."""

    key: str
    kind: str
    name: str
    matched: str
    documents: int

    @property
    def query(self) -> str:
        """What to search for this record's documents: the spelling typed, else its name
        without a parenthesised other form, as one quoted name."""
        shown = self.matched or re.sub(r"\s*\([^)]*\)$", "", self.name)
        return '"' + shown.replace('"', "") + '"'

    def as_json(self, url: str) -> dict[str, object]:
        """The suggestion as the page script and the API give it; ``url``: its record page."""
        return {"key": self.key, "kind": self.kind, "name": self.name,
                "matched": self.matched or None, "documents": self.documents,
                "query": self.query, "url": url}


class _Names:
    """The records of one reader role and day: words of every spelling, sorted, each with
    the records it starts a spelling word of (record numbers, most named first)."""

    def __init__(self, records: list[ListedAuthority]) -> None:
        self.records = records  # most named first: a record's number is its rank
        self.spellings = [[(n, fold(n)) for n in r.names] for r in records]
        self.haystacks = [" " + " ".join(f for _, f in s) + " " for s in self.spellings]
        postings: dict[str, list[int]] = {}
        for number, spellings in enumerate(self.spellings):
            for word in {w for _, f in spellings for w in f.split()}:
                postings.setdefault(word, []).append(number)
        self.words = sorted(postings)
        self.postings = [postings[w] for w in self.words]

    def find(self, words: list[str], limit: int) -> list[NameSuggestion]:
        """The best known records with a word starting with each of ``words``."""
        lead = max(words, key=len)  # the longest word narrows most
        others = [" " + w for w in words if w is not lead]
        out: list[NameSuggestion] = []
        for number in self._starting(lead):
            if all(w in self.haystacks[number] for w in others):
                out.append(self._suggestion(number, words))
                if len(out) == limit:
                    break
        return out

    def _starting(self, prefix: str) -> Iterator[int]:
        """Record numbers with a word starting with ``prefix``, best known first, once each."""
        first = bisect.bisect_left(self.words, prefix)
        last = bisect.bisect_left(self.words, prefix + "\uffff", first)
        seen = -1
        for number in heapq.merge(*self.postings[first:last]):
            if number != seen:
                seen = number
                yield number

    def _suggestion(self, number: int, words: list[str]) -> NameSuggestion:
        r = self.records[number]
        matched = next((n for n, f in self.spellings[number]
                        if all(f" {w}" in f" {f}" for w in words)), r.name)
        return NameSuggestion(r.key, r.kind.value, r.name, "" if matched == r.name else matched,
                              r.documents)


class NameSuggester:
    """Name suggestions over one catalogue; made once (in bootstrap), shared by every request."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self._lock = threading.Lock()
        self._made: dict[tuple[Actor, date], tuple[int, _Names]] = {}

    def suggest(self, text: str, reader: Reader, limit: int = 10) -> list[NameSuggestion]:
        """Up to ``limit`` records whose spellings have words starting with the words typed,
        best known first; none for fewer than two characters."""
        words = fold(text).split()
        if not words or len("".join(words)) < _SHORTEST:
            return []
        return self._names(reader).find(words, max(1, min(limit, MAX_SUGGESTIONS)))

    def _names(self, reader: Reader) -> _Names:
        changes = self.catalogue.changes()
        key = (reader.actor, reader.today)
        with self._lock:  # one build at a time; the others wait for it rather than repeat it
            made = self._made.get(key)
            if made is None or made[0] != changes:
                self._made = {k: v for k, v in self._made.items() if v[0] == changes}
                made = (changes, _Names(self.catalogue.listed_authorities(*key)))
                self._made[key] = made
            return made[1]
