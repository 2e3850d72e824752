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
from chancery.search.grammar import MatchAll
from chancery.search.interface import FACETS, Bucket, SearchRequest
from chancery.search.tantivy_query import QueryCompiler
from chancery.search.tantivy_schema import (
    EMPTY_SLOT,
    NUMERIC_FACETS,
    PARTS,
    SLOTS,
    home,
    slot_fields,
)

FACET_SIZE = {"year": 300, "decade": 50, "month": 1200, "day": 4000}  # default 50
_ALL = 20_000  # a facet with more values than this is always counted directly
_PART = "#"  # person#1: the second part of the people facet
SLOT_VALUES = 1_000  # a facet with more values is counted over its one multi-valued column
_SLOT_SIZE = 20_000  # values asked of each slot column: all of them, so the sums are exact
# what counting a facet costs, in ms for 426k hits of 1M documents (measured: "Berlin" in the
# benchmark corpus); used only to balance the threads
_COST = {"person": 44.0, "place": 16.0, "collection": 9.0, "author": 8.5, "recipient": 4.0,
         "archive": 2.5, "year": 2.0, "classification": 1.8, "day": 6.0}
_COST_SLOTTED = {"place": 4.0, "collection": 1.6}
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
Counts = dict[str, dict[str, int]]
Invert = Literal["never", "when-ready", "always"]


def size_of(facet: str) -> int:
    """How many values of a facet are reported."""
    return FACET_SIZE.get(facet, 50)


def field_of(facet: str) -> str:
    """The index field a facet (or one part of it: ``person#1``) is counted on."""
    if _PART in facet:
        name, _, part = facet.partition(_PART)
        return f"p_{name}_{part}"
    return facet if facet in NUMERIC_FACETS else f"f_{facet}"


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
        facet, _, part = task.partition(_PART)
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
        for group in _balanced(facets):
            try:
                got, complete = _aggregate(self.searcher, query, group, _ALL)
            except ValueError:  # Tantivy refused (too many buckets): each facet on its own
                got, complete = self._one_by_one(query, group)
            counts.update({f: c for f, c in got.items() if f in complete})
        total = _total(self.searcher, query)
        return Universe(total, counts)

    def _one_by_one(self, query: Query, facets: list[str]) -> tuple[Counts, set[str]]:
        counts: Counts = {}
        complete: set[str] = set()
        for f in facets:
            try:
                got, done = _aggregate(self.searcher, query, [f], _ALL)
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
                counts.setdefault(name.partition(_PART)[0], {}).update(values)
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
                group_total = _total(searcher, query)
            if group_total * 2 > searcher.num_docs:
                direct = self._invert(facets, group_total)
        if direct:
            if group_total is None:
                self._parts.append(_later(_POOL.submit(_total, searcher, query), self._totals, direct))
            tasks = [t for f in direct for t in _split(f, self.slotted)]
            for part in _balanced(tasks, self.slotted):
                job = _POOL.submit(_aggregate, searcher, query, part, 0, self.slotted)
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
                (Occur.MustNot, self.compiler.for_actor(request.actor).node(
                    request.query, request.expansions, request.today))])
            tasks = [t for f in kept for t in _split(f, self.slotted)]
            for part in _balanced(tasks, self.slotted):
                job = _POOL.submit(_left_out, self.snap.searcher, rest, part, self.slotted)
                self._parts.append(partial(_subtract, universe, job, part))
        return [f for f in facets if f not in kept]

    def _without(self, facet: str) -> Query:
        r = self.request
        filters = {k: v for k, v in r.filters.items() if k != facet}
        return self.compiler.compile(SearchRequest(r.query, r.actor, r.today, filters,
                                                   expansions=r.expansions))


def _later(job: Future[int], totals: dict[str, int], facets: list[str]) -> Callable[[], Counts]:
    def wait() -> Counts:
        totals.update(dict.fromkeys(facets, job.result()))
        return {}
    return wait


def _split(facet: str, slotted: frozenset[str]) -> list[str]:
    """What counting a facet directly takes: the facet, or its parts (``person#0``...)."""
    if facet in slotted or facet not in PARTS:
        return [facet]
    return [f"{facet}{_PART}{k}" for k in range(PARTS[facet])]


def _cost(task: str, slotted: frozenset[str]) -> float:
    facet, _, part = task.partition(_PART)
    if facet in slotted:
        return _COST_SLOTTED.get(facet, 0.5)
    return _COST.get(facet, 0.5) / (PARTS[facet] if part else 1)


def _balanced(facets: list[str], slotted: frozenset[str] = frozenset(),
              bins: int = 2) -> list[list[str]]:
    """Facets (or their parts) in groups of about equal counting cost, one per thread."""
    groups: list[tuple[float, list[str]]] = [(0.0, []) for _ in range(bins)]
    for f in sorted(facets, key=lambda f: -_cost(f, slotted)):
        cost, members = min(groups, key=lambda g: g[0])
        groups.remove((cost, members))
        groups.append((cost + _cost(f, slotted), [*members, f]))
    return [members for _, members in groups if members]


def _aggregate(searcher: tantivy.Searcher, query: Query, facets: list[str], size: int,
               slotted: frozenset[str] = frozenset()) -> tuple[Counts, set[str]]:
    """Counts per facet, and which facets came back complete (every value counted).
    ``size`` 0 asks for the reported number of values only; facets in ``slotted`` are
    counted over their slot columns."""
    try:
        return _collect(searcher, query, facets, size, slotted)
    except ValueError:  # too many buckets at once for Tantivy: the columns of many values
        if not slotted.intersection(facets):
            raise
        return _collect(searcher, query, facets, size, frozenset())


def _collect(searcher: tantivy.Searcher, query: Query, facets: list[str], size: int,
             slotted: frozenset[str]) -> tuple[Counts, set[str]]:
    spec: dict[str, Any] = {}
    for f in facets:
        if f in slotted:  # every value of every slot, summed below
            spec.update({f"{f}/{col}": {"terms": {"field": col, "size": _SLOT_SIZE,
                                                  "segment_size": _SLOT_SIZE}}
                         for col in _slot_columns(f)})
        else:
            spec[f] = {"terms": {"field": field_of(f), "size": size or size_of(f.partition(_PART)[0]),
                                 **({"segment_size": size} if size else {})}}
    result = searcher.aggregate(query, spec)
    counts: Counts = {}
    complete = set()
    recount = []
    for f in facets:
        if f in spec:
            got = result.get(f, {})
            counts[f] = {str(b["key"]): int(b["doc_count"]) for b in got.get("buckets", [])}
            if f in SLOTS:  # as over the slots, where "" means "nothing here"
                counts[f].pop(EMPTY_SLOT, None)
            if not got.get("sum_other_doc_count"):
                complete.add(f)
            continue
        merged = _summed(result, f)
        if merged is None:
            recount.append(f)
        else:
            counts[f] = merged
            complete.add(f)
    if recount:
        got, done = _collect(searcher, query, recount, size, frozenset())
        counts.update(got)
        complete |= done
    return counts, complete


def _summed(result: dict[str, Any], facet: str) -> dict[str, int] | None:
    """A slotted facet's counts: the sum over its columns; None when a column has more
    values than were asked for, so the sums would not be exact."""
    merged: dict[str, int] = {}
    for col in _slot_columns(facet):
        got = result.get(f"{facet}/{col}", {})
        if got.get("sum_other_doc_count"):
            return None
        for b in got.get("buckets", []):
            if b["key"] != EMPTY_SLOT:
                merged[b["key"]] = merged.get(b["key"], 0) + int(b["doc_count"])
    return merged


def _slot_columns(facet: str) -> list[str]:
    return [*slot_fields(facet), f"o_{facet}"]


def _copy(universe: Universe, facets: list[str]) -> Counts:
    return {f: dict(universe.counts[f]) for f in facets}


def _left_out(searcher: tantivy.Searcher, rest: Query, facets: list[str],
              slotted: frozenset[str]) -> tuple[Counts, set[str]]:
    """Every value's count among the documents a query leaves out. Each facet was counted
    whole over everything, so alone it fits; together they may pass Tantivy's bucket limit."""
    try:
        return _aggregate(searcher, rest, facets, _ALL, slotted)
    except ValueError:
        counts: Counts = {}
        for f in facets:
            counts.update(_aggregate(searcher, rest, [f], _ALL, slotted)[0])
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


def _total(searcher: tantivy.Searcher, query: Query) -> int:
    return int(getattr(searcher.search(query, 1, count=True), "count", 0) or 0)


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
