"""Exact facet counts over a whole result set, as fast as the machine's cores allow.

Counting the people of half a million hits is most of a broad search's time. Two things make
it faster without giving up exactness:

- the counting runs in threads (Tantivy releases the GIL while it aggregates), with the facets
  split into groups of about equal cost, while the caller builds the snippets;
- a query matching more than half of what the reader may see is counted the other way round:
  the documents it does *not* match are counted and subtracted from the counts over everything
  the reader may see. Those are computed once per index snapshot and kept with it.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any, Literal

import tantivy
from tantivy import Occur, Query

from chancery.domain.publication import Actor
from chancery.search.facet_aggregate import (
    ALL_VALUES,
    PART,
    Counts,
    aggregate,
    balanced,
    hit_count,
    size_of,
    split_facet,
)
from chancery.search.facet_aggregate import field_of as field_of  # tantivy_index imports it here
from chancery.search.grammar import MatchAll
from chancery.search.interface import FACETS, Bucket, SearchRequest
from chancery.search.tantivy_query import QueryCompiler
from chancery.search.tantivy_schema import PARTS, SLOTS, home

SLOT_VALUES = 1_000  # a facet with more values is counted over its one multi-valued column
_POOL = ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1),
                           thread_name_prefix="chancery-facets")


def _yield_to_searches() -> None:
    """Lowers the calling thread's priority (on Linux a thread has its own nice value), so
    that work in it takes the cores only when searches leave them."""
    with contextlib.suppress(AttributeError, OSError):  # not on every platform
        me = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, me,
                       min(19, os.getpriority(os.PRIO_PROCESS, me) + BACKGROUND_NICE))


BACKGROUND_NICE = 10
# the counts over everything are made outside the pool above, at a lower priority
_BACKGROUND = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chancery-universe",
                                 initializer=_yield_to_searches)
_ONE_AT_A_TIME = threading.Semaphore(1)
# a snapshot younger than this is not given counts over everything: under an import a new
# one comes with every commit, and making them for each would take the cores from searches
SETTLE_S = 2.0
Invert = Literal["never", "when-ready", "always"]


@dataclass
class Universe:
    """Counts over everything one reader may see, for one snapshot: facet -> value -> count.
    A facet absent from ``counts`` had too many values to keep."""

    total: int
    counts: Counts
    _parts: dict[str, dict[str, int]] = field(default_factory=dict)

    def of(self, task: str) -> dict[str, int]:
        """The counts of a facet, or of one part of it (``person#1``: the values that live in
        that part, sorted out once rather than by every search)."""
        facet, _, part = task.partition(PART)
        if not part:
            return self.counts[facet]
        found = self._parts.get(task)
        if found is None:  # two threads may both make it: the same dict either way
            found = self._parts[task] = {v: n for v, n in self.counts[facet].items()
                                         if home(v, PARTS[facet]) == int(part)}
        return found


@dataclass
class Snapshot:
    """One searcher (a fixed view of the index) and the counts kept for it."""

    searcher: tantivy.Searcher
    key: Any = None
    taken: float = field(default_factory=time.monotonic)
    _universes: dict[tuple[Actor, date], Universe] = field(default_factory=dict)
    _pending: dict[tuple[Actor, date], Future[Universe]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def universe(self, actor: Actor, today: date, compiler: QueryCompiler,
                 wait: bool = True) -> Universe | None:
        """Counts of every facet over all the reader may see, made once for this snapshot.
        Without ``wait`` they are returned only when ready; otherwise they are started in the
        background (one snapshot at a time, so an import committing every second does not
        keep the cores busy) and None is returned."""
        key = (actor, today)
        with self._lock:
            found = self._universes.get(key)
            if found is not None:
                return found
            job = self._pending.get(key)
        if job is None:
            if not wait and time.monotonic() - self.taken < SETTLE_S:
                return None  # commits are coming fast (an import): not worth making yet
            # taken outside the lock: the thread that holds it needs the lock to finish
            if not _ONE_AT_A_TIME.acquire(blocking=wait):
                return None  # another snapshot's counts are being made
            with self._lock:
                job = self._pending.get(key)
                if job is None:
                    job = self._pending[key] = _BACKGROUND.submit(self._fill, key, actor, today,
                                                                  compiler)
                else:  # another thread started them meanwhile
                    _ONE_AT_A_TIME.release()
        if not wait and (not job.done() or job.exception() is not None):
            return None
        return job.result()

    def slotted(self, actor: Actor, today: date, compiler: QueryCompiler) -> frozenset[str]:
        """The facets worth counting over their slots: those with few values (known from the
        counts over everything, once made; asking starts them). Summing the slots means
        fetching every value of each, which costs more than it saves above ~1,000 values
        (measured at 1M documents: 195 places 2.3x faster, ~2,500 authors no faster)."""
        with self._lock:
            made = next(iter(self._universes.values()), None)
        if made is None:
            self.universe(actor, today, compiler, wait=False)
            return frozenset()
        return frozenset(f for f in SLOTS
                         if f in made.counts and len(made.counts[f]) <= SLOT_VALUES)

    def _fill(self, key: tuple[Actor, date], actor: Actor, today: date,
              compiler: QueryCompiler) -> Universe:
        try:
            found = self._count_universe(actor, today, compiler)
            with self._lock:
                self._universes[key] = found
            return found
        finally:
            _ONE_AT_A_TIME.release()

    def _count_universe(self, actor: Actor, today: date, compiler: QueryCompiler) -> Universe:
        query = compiler.compile(SearchRequest(MatchAll(), actor, today))
        facets = [f for f in (*FACETS, "month", "day") if f != "decade"]
        counts: Counts = {}
        # in this (background, lowered) thread, not in the searches' pool: a search arriving
        # meanwhile would wait behind them (seen as 160 ms outliers at 1M)
        for group in balanced(facets):
            try:
                got, complete = aggregate(self.searcher, query, group, ALL_VALUES)
            except ValueError:  # Tantivy refused (too many buckets): each facet on its own
                got, complete = self._one_by_one(query, group)
            counts.update({f: c for f, c in got.items() if f in complete})
        total = hit_count(self.searcher, query)
        return Universe(total, counts)

    def _one_by_one(self, query: Query, facets: list[str]) -> tuple[Counts, set[str]]:
        counts: Counts = {}
        complete: set[str] = set()
        for f in facets:
            try:
                got, done = aggregate(self.searcher, query, [f], ALL_VALUES)
            except ValueError:  # too many values to keep: this facet is counted directly
                continue
            counts.update(got)
            complete |= done
        return counts, complete


class FacetCounter:
    """Counts the facets of one search, in the background; ``result`` waits for them."""

    def __init__(self, compiler: QueryCompiler, snapshot: Snapshot, request: SearchRequest,
                 query: Query, total: int, invert: Invert = "when-ready") -> None:
        self.compiler, self.snap, self.request = compiler, snapshot, request
        self.invert = invert
        self.slotted = snapshot.slotted(request.actor, request.today, compiler)
        self._parts: list[Callable[[], Counts]] = []
        self._totals: dict[str, int] = {}
        # Counts of a facet ignore that facet's own selection, so a reader sees what
        # choosing another value would add (values of one facet combine with OR).
        wanted = [*FACETS, *request.histograms]
        self._group("", [f for f in wanted if not request.filters.get(f)], query, total)
        for facet in FACETS:
            if request.filters.get(facet):
                self._group(facet, [facet], self._without(facet), None)

    def result(self) -> dict[str, list[Bucket]]:
        """Buckets per facet, largest first, selected values marked."""
        counts: Counts = {}
        totals: dict[str, int] = {}
        for part in self._parts:
            for name, values in part().items():  # a facet counted in parts comes in parts
                counts.setdefault(name.partition(PART)[0], {}).update(values)
        for facet in counts:
            totals[facet] = self._totals[facet]
        return _buckets(counts, totals, self.request.filters)

    # -- planning ------------------------------------------------------------------------

    def _group(self, skip: str, facets: list[str], query: Query, total: int | None) -> None:
        if not facets:
            return
        if "decade" in facets and "year" in facets:
            facets = [f for f in facets if f != "decade"]  # summed from the years below
        direct = list(facets)
        group_total = total
        searcher = self.snap.searcher
        if self._may_invert(skip):
            if group_total is None:
                group_total = hit_count(searcher, query)
            if group_total * 2 > searcher.num_docs:
                direct = self._invert(facets, group_total)
        if direct:
            if group_total is None:
                self._parts.append(_later(_POOL.submit(hit_count, searcher, query), self._totals, direct))
            tasks = [t for f in direct for t in split_facet(f, self.slotted)]
            for part in balanced(tasks, self.slotted):
                job = _POOL.submit(aggregate, searcher, query, part, 0, self.slotted)
                self._parts.append(partial(_counts_of, job))
        if group_total is not None:
            self._totals.update(dict.fromkeys(facets, group_total))

    def _may_invert(self, skip: str) -> bool:
        # the counts kept are over everything the reader may see: usable when no other
        # facet narrows this group
        return self.invert != "never" and not any(v for f, v in self.request.filters.items() if f != skip)

    def _invert(self, facets: list[str], total: int) -> list[str]:
        """Count what the query leaves out and subtract; returns the facets left to count
        directly (those with too many values to keep)."""
        universe = self.snap.universe(self.request.actor, self.request.today, self.compiler,
                                      wait=self.invert == "always")
        if universe is None:  # not made yet for this snapshot: count directly meanwhile
            return facets
        kept = [f for f in facets if f in universe.counts]
        if not kept:
            return facets
        request = self.request
        if isinstance(request.query, MatchAll) or total == universe.total:
            self._parts.append(partial(_copy, universe, kept))
        else:
            everything = self.compiler.compile(SearchRequest(MatchAll(), request.actor, request.today))
            rest = Query.boolean_query([
                (Occur.Must, everything),
                (Occur.MustNot, self.compiler.words(request))])
            tasks = [t for f in kept for t in split_facet(f, self.slotted)]
            for part in balanced(tasks, self.slotted):
                job = _POOL.submit(_left_out, self.snap.searcher, rest, part, self.slotted)
                self._parts.append(partial(_subtract, universe, job, part))
        return [f for f in facets if f not in kept]

    def _without(self, facet: str) -> Query:
        r = self.request
        filters = {k: v for k, v in r.filters.items() if k != facet}
        return self.compiler.compile(SearchRequest(r.query, r.actor, r.today, filters,
                                                   expansions=r.expansions, meaning=r.meaning))


def _later(job: Future[int], totals: dict[str, int], facets: list[str]) -> Callable[[], Counts]:
    def wait() -> Counts:
        totals.update(dict.fromkeys(facets, job.result()))
        return {}
    return wait


def _copy(universe: Universe, facets: list[str]) -> Counts:
    return {f: dict(universe.counts[f]) for f in facets}


def _left_out(searcher: tantivy.Searcher, rest: Query, facets: list[str],
              slotted: frozenset[str]) -> tuple[Counts, set[str]]:
    """Every value's count among the documents a query leaves out. Each facet was counted
    whole over everything, so alone it fits; together they may pass Tantivy's bucket limit."""
    try:
        return aggregate(searcher, rest, facets, ALL_VALUES, slotted)
    except ValueError:
        counts: Counts = {}
        for f in facets:
            counts.update(aggregate(searcher, rest, [f], ALL_VALUES, slotted)[0])
        return counts, set(facets)


def _counts_of(job: Future[tuple[Counts, set[str]]]) -> Counts:
    return job.result()[0]


def _subtract(universe: Universe, job: Future[tuple[Counts, set[str]]],
              facets: list[str]) -> Counts:
    left_out = _counts_of(job)
    out: Counts = {}
    for task in facets:
        minus = left_out.get(task, {})
        out[task] = {v: n - minus.get(v, 0) for v, n in universe.of(task).items()
                     if n > minus.get(v, 0)}
    return out


def _buckets(counts: Counts, totals: dict[str, int],
             filters: dict[str, tuple[str, ...]]) -> dict[str, list[Bucket]]:
    """Largest first (ties by value), cut to the facet's size; decades summed from years;
    documents without a year are counted as undated."""
    if "year" in counts and "decade" not in counts:
        decades: dict[str, int] = {}
        for year, n in counts["year"].items():
            key = str(int(year) // 10 * 10)
            decades[key] = decades.get(key, 0) + n
        counts["decade"] = decades
        totals["decade"] = totals["year"]
    out = {}
    for f, values in counts.items():
        pairs = sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))[:size_of(f)]
        if f in ("year", "decade"):  # a document has one year or none: the rest are undated
            undated = totals[f] - sum(values.values())
            if undated > 0:
                pairs.append(("undated", undated))
        chosen = set(filters.get(f, ()))
        out[f] = [Bucket(v, n, selected=v in chosen) for v, n in pairs]
    return out
