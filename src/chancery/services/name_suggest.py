"""Names suggested as a reader types in the search box: the authority records (people,
places, organisations, subjects) that reader is shown, found by any of their spellings.

Each typed word is the start of a word of some spelling of the record ("Zhou En" offers
Chou En-lai, by his spelling Zhou Enlai), without regard to case or accents; the best known
records (named by the most documents) come first. The records and their spellings are read
from the catalogue once per reader role, and again when the catalogue changes (its change
counter, one cheap read per call) or the day does, into a sorted word list held in memory,
so a suggestion is a binary search and a walk, not a scan of every name."""

from __future__ import annotations

import bisect
import gc
import heapq
import re
import threading
from collections.abc import Callable, Iterator
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
        # a million small objects made at once: the collector's passes over them would
        # double the time (measured: 2.2 s to 1.2 s at 100,000 names), and none is garbage
        collecting = gc.isenabled()
        gc.disable()
        try:
            self._read(records)
        finally:
            if collecting:
                gc.enable()

    def _read(self, records: list[ListedAuthority]) -> None:
        self.records = records  # most named first: a record's number is its rank
        self.spellings = [list(zip(r.names, r.folded, strict=True)) for r in records]
        self.haystacks = [" " + " ".join(f for _, f in s) + " " for s in self.spellings]
        postings: dict[str, list[int]] = {}
        for number, spellings in enumerate(self.spellings):
            for word in {w for _, f in spellings for w in f.split()}:
                postings.setdefault(word, []).append(number)
        self.words = sorted(postings)
        self.postings = [postings[w] for w in self.words]

    def find(self, words: list[str], limit: int,
             keep: Callable[[str], bool] | None = None) -> list[NameSuggestion]:
        """The best known records with a word starting with each of ``words`` (and that
        ``keep`` keeps, by key)."""
        lead = max(words, key=len)  # the longest word narrows most
        others = [" " + w for w in words if w is not lead]
        out: list[NameSuggestion] = []
        for number in self._starting(lead):
            if all(w in self.haystacks[number] for w in others) and (
                    keep is None or keep(self.records[number].key)):
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
    """Name suggestions over one catalogue; made once (in bootstrap), shared by every request.

    Reading 100,000 names into memory takes seconds (docs/benchmarks.md), so after a change
    the names read before keep answering while a thread reads them again; until it is done,
    each name they offer is checked against the catalogue first (authority_listed: the
    registers' rule, one indexed query per name offered), so a record a withdrawal or a
    redaction has just hidden is never offered, only a new one not offered yet."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self._lock = threading.Lock()
        self._made: dict[Actor, tuple[tuple[int, date], _Names]] = {}
        self._reading: set[Actor] = set()

    def suggest(self, text: str, reader: Reader, limit: int = 10) -> list[NameSuggestion]:
        """Up to ``limit`` records whose spellings have words starting with the words typed,
        best known first; none for fewer than two characters."""
        words = fold(text).split()
        if not words or len("".join(words)) < _SHORTEST:
            return []
        names, current = self._names(reader)
        keep = None if current else (
            lambda key: self.catalogue.authority_listed(key, reader.actor, reader.today))
        return names.find(words, max(1, min(limit, MAX_SUGGESTIONS)), keep)

    def _names(self, reader: Reader) -> tuple[_Names, bool]:
        """The names read for the reader's role, and whether they are current."""
        state = (self.catalogue.changes(), reader.today)
        with self._lock:
            made = self._made.get(reader.actor)
            if made is not None and made[0] == state:
                return made[1], True
            if made is not None:
                if reader.actor not in self._reading:
                    self._reading.add(reader.actor)
                    threading.Thread(target=self._read, args=(reader, state), daemon=True,
                                     name="name-suggestions").start()
                return made[1], False
        self._read(reader, state)  # the first time: nothing to answer from yet
        return self._made[reader.actor][1], True

    def _read(self, reader: Reader, state: tuple[int, date]) -> None:
        try:
            names = _Names(self.catalogue.listed_authorities(reader.actor, reader.today))
            with self._lock:
                self._made[reader.actor] = (state, names)
        finally:
            with self._lock:
                self._reading.discard(reader.actor)
