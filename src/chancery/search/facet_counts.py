"""Exact facet counts over a whole result set, as fast as the machine's cores allow.

Counting the people of half a million hits is most of a broad search's time. Two things make
it faster without giving up exactness:

- the counting runs in threads (Tantivy releases the GIL while it aggregates), with the facets
  split into groups of about equal cost, while the caller builds the snippets;
- a query matching more than half of what the reader may see is counted the other way round:
  the documents it does *not* match are counted and subtracted from the counts over everything
  the reader may see. Those are computed once per index snapshot and kept with it
  (search/facet_snapshot.py), as are a recent broad search's counts (search/facet_memo.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Literal

import tantivy
from tantivy import Occur, Query

from chancery.search.facet_aggregate import (
    ALL_VALUES,
    PART,
    Counts,
    aggregate,
    balanced,
    buckets,
    hit_count,
    split_facet,
)
from chancery.search.facet_aggregate import field_of as field_of  # tantivy_index imports it here
from chancery.search.facet_memo import Counted, memo_key
from chancery.search.facet_sampling import (
    SAMPLED_FACETS,
    Sampling,
    estimated,
    sample_of,
)
from chancery.search.facet_snapshot import Snapshot, Universe
from chancery.search.grammar import MatchAll
from chancery.search.hit_bounds import Bounds, plan
from chancery.search.interface import FACETS, Bucket, SearchRequest
from chancery.search.tantivy_query import QueryCompiler

POOL = ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1),
                           thread_name_prefix="chancery-facets")


Invert = Literal["never", "when-ready", "always"]


class FacetCounter:
    """Counts the facets of one search, in the background; ``result`` waits for them."""

    def __init__(self, compiler: QueryCompiler, snapshot: Snapshot, request: SearchRequest,
                 query: Query, total: int | Bounds, invert: Invert = "when-ready",
                 sampling: Sampling | None = None, memo: bool = True) -> None:
        """``total`` is the search's total, or bounds on it (search/hit_bounds.py) to start
        counting before it is known; ``settle`` then gives it. With ``memo``, counts this
        snapshot kept for the same search are used, and a broad search's are kept."""
        self.compiler, self.snap, self.request = compiler, snapshot, request
        self.invert = invert
        self.sampling = None if request.exact else sampling
        self.slotted = snapshot.slotted(request.actor, request.today, compiler)
        self._parts: list[Callable[[], Counts]] = []
        self._totals: dict[str, int] = {}
        self.estimated: set[str] = set()  # facets counted on a sample
        self._estimates: list[Callable[[], Counts]] = []  # their counts, scaled
        # the unfiltered facets, counted before the total was known (or waiting for it)
        self._early: tuple[list[str], Query, bool] | None = None
        self._selected: list[Callable[[], Counts]] = []  # exact counts of selected values
        # counts of documents the query counted here leaves out (found by meaning alone)
        self._added: list[Callable[[], tuple[Counts, dict[str, int]]]] = []
        self._incomplete: set[str] = set()  # facets counted here for their top values only
        self._key = (memo_key(request), self.sampling, invert) if memo else None
        self._kept = snapshot.memo.get(self._key) if self._key is not None else None
        if self._kept is not None:
            return  # counted on this snapshot before: nothing to count
        # Counts of a facet ignore that facet's own selection, so a reader sees what
        # choosing another value would add (values of one facet combine with OR).
        wanted = [*FACETS, *request.histograms]
        unfiltered = [f for f in wanted if not request.filters.get(f)]
        if isinstance(total, Bounds):
            self._start(unfiltered, query, total)
        else:
            self._group("", unfiltered, query, total)
        for facet in FACETS:
            if request.filters.get(facet):
                self._group(facet, [facet], self._without(facet), None)

    def result(self) -> dict[str, list[Bucket]]:
        """Buckets per facet, largest first, selected values marked."""
        counted = self._kept
        if counted is None:
            counted = self._counted()
            if self._key is not None:
                self.snap.memo.put(self._key, counted)
        counts, totals, exact = counted.counts, counted.totals, counted.exact
        self.estimated, self._incomplete = set(counted.estimated), set(counted.incomplete)
        for added in self._added:
            self._sum_added(*added(), counts, totals, exact)
        return buckets(counts, totals, self.request.filters, self.estimated, exact)

    def _counted(self) -> Counted:
        """The counts, once every thread counting them is done."""
        counts: Counts = {}
        totals: dict[str, int] = {}
        for part in [*self._parts, *self._estimates]:
            for name, values in part().items():  # a facet counted in parts comes in parts
                counts.setdefault(name.partition(PART)[0], {}).update(values)
        for facet in counts:
            totals[facet] = self._totals[facet]
        exact: Counts = {}
        for part in self._selected:
            for name, values in part().items():
                exact.setdefault(name, {}).update(values)
        return Counted(counts, totals, exact, frozenset(self.estimated),
                       frozenset(self._incomplete))

    def _sum_added(self, more: Counts, more_totals: dict[str, int], counts: Counts,
                   totals: dict[str, int], exact: Counts) -> None:
        for name, values in more.items():
            if name in exact:  # the chosen values of an estimated facet, exact
                _sum_into(exact[name], {v: n for v, n in values.items() if v in exact[name]})
            known = counts.setdefault(name, {})
            if name in self._incomplete or name in self.estimated:
                # a value outside the top ones counted here has a count unknown here:
                # added, it would show only the documents found by meaning; left out, it
                # is missing only where it might have ended the list
                values = {v: n for v, n in values.items() if v in known}
            _sum_into(known, values)
        for name, n in more_totals.items():
            totals[name] = totals.get(name, 0) + n

    def add(self, parts: list[Callable[[], tuple[Counts, dict[str, int]]]]) -> None:
        """Counts of documents the query counted here does not match (search/
        meaning_counts.py: found by meaning alone), each with its facets' totals, summed in."""
        self._added.extend(parts)

    def settle(self, total: int) -> None:
        """The total of a search whose counts started from bounds: the counts that waited
        for it start now; estimates it does not allow are counted again, exactly (bounds
        that prove wrong cost time, never exactness)."""
        if self._early is None:
            return
        facets, query, waiting = self._early
        self._early = None
        if waiting:
            self._group("", facets, query, total)
            return
        self._totals.update(dict.fromkeys(facets, total))
        if self.estimated and not (self.sampling and total > self.sampling.above):
            # only the unfiltered facets can have been estimated from bounds (a filter
            # leaves the lower bound at 0), so every estimate so far is theirs
            again = sorted(self.estimated)
            self.estimated.clear()
            self._estimates.clear()
            self._count(again, query, bins=2)

    # -- planning ------------------------------------------------------------------------

    def _start(self, facets: list[str], query: Query, bounds: Bounds) -> None:
        """Count the unfiltered facets before the total is known, as far as ``bounds``
        settle how (search/hit_bounds.py: plan)."""
        if "decade" in facets and "year" in facets:
            facets = [f for f in facets if f != "decade"]  # summed from the years below
        how = plan(bounds, self.snap.searcher.num_docs,
                   self.sampling if self._may_sample(facets) else None, self._may_invert(""))
        self._early = (facets, query, how == "wait")
        if how == "wait":
            return
        sampled = self._to_sample(facets, bounds.low) if how != "direct" else []
        direct = [f for f in facets if f not in sampled]
        if how == "invert":
            direct, sampled = self._invert("", direct, sampled, None)
        self._sample("", sampled, query)
        if direct:  # beside a sample, what is left is cheap: one thread, one run of the query
            self._count(direct, query, bins=1 if self.estimated else 2)

    def _group(self, skip: str, facets: list[str], query: Query, total: int | None) -> None:
        if not facets:
            return
        if "decade" in facets and "year" in facets:
            facets = [f for f in facets if f != "decade"]  # summed from the years below
        group_total = total
        searcher = self.snap.searcher
        if group_total is None and (self._may_sample(facets) or self._may_invert(skip)):
            group_total = hit_count(searcher, query)
        sampled = self._to_sample(facets, group_total)
        direct = [f for f in facets if f not in sampled]
        if (group_total is not None and group_total * 2 > searcher.num_docs
                and self._may_invert(skip)):
            direct, sampled = self._invert(skip, direct, sampled, group_total)
        self._sample(skip, sampled, query)
        if direct:  # beside a sample, what is left is cheap: one thread, one run of the query
            self._count(direct, query, bins=1 if self.estimated else 2)
        if group_total is not None:
            self._totals.update(dict.fromkeys(facets, group_total))
        elif direct:
            job = POOL.submit(hit_count, searcher, query)
            self._parts.append(_later(job, self._totals, facets))

    def _count(self, facets: list[str], query: Query, bins: int) -> None:
        searcher = self.snap.searcher
        tasks = [t for f in facets for t in split_facet(f, self.slotted)] if bins > 1 else facets
        for part in balanced(tasks, self.slotted, bins):
            job = POOL.submit(aggregate, searcher, query, part, 0, self.slotted)
            self._parts.append(partial(_counts_of, job, self._incomplete))

    def _may_sample(self, facets: list[str]) -> bool:
        # an archive no bigger than the threshold never samples: no need to count for it
        return (self.sampling is not None and self.snap.searcher.num_docs > self.sampling.above
                and any(f in SAMPLED_FACETS for f in facets))

    def _to_sample(self, facets: list[str], total: int | None) -> list[str]:
        """The facets of a group to estimate: those with many values over a broad result."""
        if self.sampling is None or total is None:
            return []
        return [f for f in facets if self.sampling.applies(f, total)]

    def _sample(self, skip: str, facets: list[str], query: Query) -> None:
        """Estimate facets from the sample of ``query``."""
        if not facets or self.sampling is None:
            return
        sub = sample_of(self.compiler.schema, query, self.sampling)
        # one aggregation (each runs the query again): the facets whole, not in parts
        job = POOL.submit(aggregate, self.snap.searcher, sub, facets, 0, self.slotted)
        self._estimates.append(partial(_scaled, job, self.sampling))
        self._mark(skip, facets)

    def _mark(self, skip: str, facets: list[str]) -> None:
        """Facets estimated; the values the reader chose among them are counted exactly."""
        self.estimated.update(facets)
        if skip in facets:
            for value in self.request.filters.get(skip, ()):
                job = POOL.submit(hit_count, self.snap.searcher, self._only(skip, value))
                self._selected.append(partial(_one, skip, value, job))

    def _only(self, facet: str, value: str) -> Query:
        r = self.request
        filters = {**r.filters, facet: (value,)}
        return self.compiler.compile(SearchRequest(r.query, r.actor, r.today, filters,
                                                   expansions=r.expansions))

    def _may_invert(self, skip: str) -> bool:
        # the counts kept are over everything the reader may see: usable when no other
        # facet narrows this group
        return self.invert != "never" and not any(v for f, v in self.request.filters.items() if f != skip)

    def _invert(self, skip: str, facets: list[str], sampled: list[str],
                total: int | None) -> tuple[list[str], list[str]]:
        """Count what the query leaves out and subtract: exactly for ``facets``, from a sample
        of what is left out for ``sampled`` (cheaper, and closer than a sample of the result:
        the error is that of the smaller count). Returns those left to count directly and to
        sample (those with too many values to keep)."""
        universe = self.snap.universe(self.request.actor, self.request.today, self.compiler,
                                      wait=self.invert == "always")
        if universe is None:  # not made yet for this snapshot: count directly meanwhile
            return facets, sampled
        kept = [f for f in (*facets, *sampled) if f in universe.counts]
        if isinstance(self.request.query, MatchAll) or total == universe.total:
            self._parts.append(partial(_copy, universe, kept))  # exact, and free
        elif kept:
            request = self.request
            everything = self.compiler.compile(SearchRequest(MatchAll(), request.actor, request.today))
            rest = Query.boolean_query([
                (Occur.Must, everything),
                (Occur.MustNot, self.compiler.words(request))])
            estimate = [f for f in kept if f in sampled] if self.sampling else []
            # beside a sample, what is counted exactly is cheap: one thread, one run of the query
            self._subtract_from(universe, rest, [f for f in kept if f not in sampled], None,
                                bins=1 if estimate else 2, into=self._parts)
            if estimate and self.sampling is not None:
                self._subtract_from(universe, sample_of(self.compiler.schema, rest, self.sampling),
                                    estimate, self.sampling, bins=1, into=self._estimates)
                self._mark(skip, estimate)
        return [f for f in facets if f not in kept], [f for f in sampled if f not in kept]

    def _subtract_from(self, universe: Universe, rest: Query, facets: list[str],
                       sampling: Sampling | None, bins: int,
                       into: list[Callable[[], Counts]]) -> None:
        tasks = [t for f in facets for t in split_facet(f, self.slotted)] if bins > 1 else facets
        for part in balanced(tasks, self.slotted, bins) if tasks else []:
            job = POOL.submit(_left_out, self.snap.searcher, rest, part, self.slotted)
            into.append(partial(_subtract, universe, job, part, sampling))

    def _without(self, facet: str) -> Query:
        r = self.request
        filters = {k: v for k, v in r.filters.items() if k != facet}
        return self.compiler.compile(SearchRequest(r.query, r.actor, r.today, filters,
                                                   expansions=r.expansions, meaning=r.meaning))


def _sum_into(counts: dict[str, int], more: dict[str, int]) -> None:
    for value, n in more.items():
        counts[value] = counts.get(value, 0) + n


def _scaled(job: Future[tuple[Counts, set[str]]], sampling: Sampling) -> Counts:
    return {task: estimated(values, sampling) for task, values in _counts_of(job).items()}


def _one(facet: str, value: str, job: Future[int]) -> Counts:
    return {facet: {value: job.result()}}


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


def _counts_of(job: Future[tuple[Counts, set[str]]], incomplete: set[str] | None = None) -> Counts:
    counts, complete = job.result()
    if incomplete is not None:  # the facets (or parts) only their top values came back for
        incomplete.update(f.partition(PART)[0] for f in counts if f not in complete)
    return counts


def _subtract(universe: Universe, job: Future[tuple[Counts, set[str]]], facets: list[str],
              sampling: Sampling | None) -> Counts:
    left_out = _scaled(job, sampling) if sampling else _counts_of(job)
    out: Counts = {}
    for task in facets:
        minus = left_out.get(task, {})
        out[task] = {v: n - minus.get(v, 0) for v, n in universe.of(task).items()
                     if n > minus.get(v, 0)}
    return out

