"""Counting facets with Tantivy's aggregations: a facet over its multi-valued column, in parts
(``person#0``, ``person#1``: each value lives in one), or summed over its single-valued slot
columns; and the facets of one count put in groups of about equal cost, one per thread.
search/facet_counts.py plans the counts of a search with these; ``buckets`` makes what a
search returns of them."""

from __future__ import annotations

from typing import Any

import tantivy
from tantivy import Query

from chancery.search.facet_sampling import estimated_buckets
from chancery.search.interface import Bucket
from chancery.search.tantivy_schema import EMPTY_SLOT, NUMERIC_FACETS, PARTS, SLOTS, slot_fields

Counts = dict[str, dict[str, int]]
FACET_SIZE = {"year": 300, "decade": 50, "month": 1200, "day": 4000}  # default 50
ALL_VALUES = 20_000  # a facet with more values than this is always counted directly
PART = "#"  # person#1: the second part of the people facet
_SLOT_SIZE = 20_000  # values asked of each slot column: all of them, so the sums are exact
# what counting a facet costs, in ms for 426k hits of 1M documents (measured: "Berlin" in the
# benchmark corpus); used only to balance the threads
_COST = {"person": 44.0, "place": 16.0, "collection": 9.0, "author": 8.5, "recipient": 4.0,
         "archive": 2.5, "year": 2.0, "classification": 1.8, "day": 6.0}
_COST_SLOTTED = {"place": 4.0, "collection": 1.6}


def size_of(facet: str) -> int:
    """How many values of a facet are reported."""
    return FACET_SIZE.get(facet, 50)


def field_of(facet: str) -> str:
    """The index field a facet (or one part of it: ``person#1``) is counted on."""
    if PART in facet:
        name, _, part = facet.partition(PART)
        return f"p_{name}_{part}"
    return facet if facet in NUMERIC_FACETS else f"f_{facet}"


def split_facet(facet: str, slotted: frozenset[str]) -> list[str]:
    """What counting a facet directly takes: the facet, or its parts (``person#0``...)."""
    if facet in slotted or facet not in PARTS:
        return [facet]
    return [f"{facet}{PART}{k}" for k in range(PARTS[facet])]


def _cost(task: str, slotted: frozenset[str]) -> float:
    facet, _, part = task.partition(PART)
    if facet in slotted:
        return _COST_SLOTTED.get(facet, 0.5)
    return _COST.get(facet, 0.5) / (PARTS[facet] if part else 1)


def balanced(facets: list[str], slotted: frozenset[str] = frozenset(),
             bins: int = 2) -> list[list[str]]:
    """Facets (or their parts) in groups of about equal counting cost, one per thread."""
    groups: list[tuple[float, list[str]]] = [(0.0, []) for _ in range(bins)]
    for f in sorted(facets, key=lambda f: -_cost(f, slotted)):
        cost, members = min(groups, key=lambda g: g[0])
        groups.remove((cost, members))
        groups.append((cost + _cost(f, slotted), [*members, f]))
    return [members for _, members in groups if members]


def aggregate(searcher: tantivy.Searcher, query: Query, facets: list[str], size: int,
              slotted: frozenset[str] = frozenset()) -> tuple[Counts, set[str]]:
    """Counts per facet, and which facets came back complete (every value counted).
    ``size`` 0 asks for the reported number of values only; facets in ``slotted`` are
    counted over their slot columns."""
    try:
        return collect(searcher, query, facets, size, slotted)
    except ValueError:  # too many buckets at once for Tantivy: the columns of many values
        if not slotted.intersection(facets):
            raise
        return collect(searcher, query, facets, size, frozenset())


def collect(searcher: tantivy.Searcher, query: Query, facets: list[str], size: int,
            slotted: frozenset[str]) -> tuple[Counts, set[str]]:
    """As ``aggregate``, in one aggregation; a slotted facet whose sums would not be exact
    is counted again over its column."""
    spec: dict[str, Any] = {}
    for f in facets:
        if f in slotted:  # every value of every slot, summed below
            spec.update({f"{f}/{col}": {"terms": {"field": col, "size": _SLOT_SIZE,
                                                  "segment_size": _SLOT_SIZE}}
                         for col in slot_columns(f)})
        else:
            spec[f] = {"terms": {"field": field_of(f), "size": size or size_of(f.partition(PART)[0]),
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
        merged = summed(result, f)
        if merged is None:
            recount.append(f)
        else:
            counts[f] = merged
            complete.add(f)
    if recount:
        got, done = collect(searcher, query, recount, size, frozenset())
        counts.update(got)
        complete |= done
    return counts, complete


def summed(result: dict[str, Any], facet: str) -> dict[str, int] | None:
    """A slotted facet's counts: the sum over its columns; None when a column has more
    values than were asked for, so the sums would not be exact."""
    merged: dict[str, int] = {}
    for col in slot_columns(facet):
        got = result.get(f"{facet}/{col}", {})
        if got.get("sum_other_doc_count"):
            return None
        for b in got.get("buckets", []):
            if b["key"] != EMPTY_SLOT:
                merged[b["key"]] = merged.get(b["key"], 0) + int(b["doc_count"])
    return merged


def slot_columns(facet: str) -> list[str]:
    """The columns a slotted facet is summed over: its slots and its overflow column."""
    return [*slot_fields(facet), f"o_{facet}"]


def hit_count(searcher: tantivy.Searcher, query: Query) -> int:
    """How many documents a query matches."""
    return int(getattr(searcher.search(query, 1, count=True), "count", 0) or 0)


def buckets(counts: Counts, totals: dict[str, int], filters: dict[str, tuple[str, ...]],
             estimated: set[str], exact: Counts) -> dict[str, list[Bucket]]:
    """Largest first (ties by value), cut to the facet's size; decades summed from years;
    documents without a year are counted as undated. An estimated facet's counts are shown
    to two figures, but for its selected values, counted exactly and always shown."""
    if "year" in counts and "decade" not in counts:
        decades: dict[str, int] = {}
        for year, n in counts["year"].items():
            key = str(int(year) // 10 * 10)
            decades[key] = decades.get(key, 0) + n
        counts["decade"] = decades
        totals["decade"] = totals["year"]
    out = {}
    for f, values in counts.items():
        if f in estimated:
            out[f] = estimated_buckets(values, exact.get(f, {}), filters.get(f, ()), size_of(f))
            continue
        pairs = sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))[:size_of(f)]
        if f in ("year", "decade"):  # a document has one year or none: the rest are undated
            undated = totals[f] - sum(values.values())
            if undated > 0:
                pairs.append(("undated", undated))
        chosen = set(filters.get(f, ()))
        out[f] = [Bucket(v, n, selected=v in chosen) for v, n in pairs]
    return out

