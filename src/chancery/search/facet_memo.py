"""The facet counts of recent broad searches, kept with the index snapshot they were made on.

Counting the facets of half a million hits is most of a broad search's time (40-50 ms at 1M
documents on two cores), and a reader seldom asks once: the next page, the other order, the
same name searched again from a document page all count the same documents. Kept here, per
snapshot (search/facet_snapshot.py), they are counted once until the index changes: a new
snapshot starts with none, so nothing kept outlives a publication, a redaction or a purge.
Only searches broad enough to be worth it are kept, and only the most recent few."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

from chancery.search.facet_aggregate import Counts
from chancery.search.interface import SearchRequest

KEEP = 64  # searches kept per snapshot: about 20-60 KB each
WORTH = 20_000  # hits: a smaller result is counted in a few milliseconds


@dataclass(frozen=True)
class Counted:
    """What a search's facet counts came to, before the page's buckets are cut from them."""

    counts: Counts
    totals: dict[str, int]
    exact: Counts  # chosen values of estimated facets, counted exactly
    estimated: frozenset[str]
    incomplete: frozenset[str]  # facets only the top values of which were counted

    def copy(self) -> Counted:
        """A copy to add to (the counts of documents found by meaning alone)."""
        return Counted({f: dict(v) for f, v in self.counts.items()}, dict(self.totals),
                       {f: dict(v) for f, v in self.exact.items()}, self.estimated,
                       self.incomplete)


def memo_key(request: SearchRequest) -> Hashable:
    """What decides a search's facet counts: its query, spellings, filters, reader, day,
    histograms and exactness (not its page, order or ids found by meaning, which are
    counted apart)."""
    return (request.query, tuple(sorted(request.expansions.items())),
            tuple(sorted((f, tuple(v)) for f, v in request.filters.items() if v)),
            request.actor, request.today, request.histograms, request.exact)


class Memo:
    """The most recent broad searches' counts of one snapshot."""

    def __init__(self, keep: int = KEEP) -> None:
        self.keep = keep
        self._kept: OrderedDict[Hashable, Counted] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Counted | None:
        """The counts kept for a search, as a copy; None when not kept."""
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
        return found.copy() if found is not None else None

    def put(self, key: Hashable, counted: Counted) -> None:
        """Keep a search's counts if it was broad enough to be worth it."""
        if max(counted.totals.values(), default=0) < WORTH:
            return
        with self._lock:
            self._kept[key] = counted.copy()
            self._kept.move_to_end(key)
            while len(self._kept) > self.keep:
                self._kept.popitem(last=False)
