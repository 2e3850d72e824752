"""Facets with many values estimated from a fixed sample of a broad result set.

Counting the people of half a million hits exactly is most of a broad search's time. Above
``Sampling.above`` hits, the facets whose values are names (people, places, authors,
recipients, subjects) are counted over the hits whose sample bucket (a stable hash of the
public id, stored at index time) is among the first 1 in ``one_in``, and scaled up, as
Elasticsearch's ``random_sampler`` aggregation does. The sample is a sub-query of the same
query, so the access rule applies to it exactly as to the full count. Totals, and the other
facets, stay exact; a reader can always ask for exact counts (``exact``).

The rate was chosen by measurement (benchmarks/facet_sampling.py, docs/benchmarks.md): the
share of estimates within 10 % of the exact count, for values with at least 1,000 documents.
"""

from __future__ import annotations

from dataclasses import dataclass

import tantivy
from tantivy import FieldType, Occur, Query

from chancery.search.interface import Bucket
from chancery.search.tantivy_schema import SAMPLE, SAMPLE_BUCKETS

# facets whose values are authority records: hundreds to thousands of values each, and a
# document carries several, so they are what counting a broad result costs
SAMPLED_FACETS = ("author", "recipient", "person", "place", "subject")


@dataclass(frozen=True)
class Sampling:
    """When and how finely facets are estimated: over results of more than ``above``
    documents, from 1 document in ``one_in``."""

    above: int = 200_000
    one_in: int = 3

    @property
    def buckets(self) -> int:
        """How many of the SAMPLE_BUCKETS sample buckets the sample takes."""
        return max(1, SAMPLE_BUCKETS // self.one_in)

    @property
    def scale(self) -> float:
        """What a count in the sample is multiplied by: the inverse of the share sampled."""
        return SAMPLE_BUCKETS / self.buckets

    def applies(self, facet: str, hits: int) -> bool:
        """Whether a facet over a result of ``hits`` documents is estimated."""
        return facet in SAMPLED_FACETS and hits > self.above


def sample_of(schema: tantivy.Schema, query: Query, sampling: Sampling) -> Query:
    """The documents of ``query`` in the sample: the query itself (with its access rule),
    narrowed to the first sample buckets."""
    buckets = Query.range_query(schema, SAMPLE, FieldType.Integer, 0, sampling.buckets - 1)
    return Query.boolean_query([(Occur.Must, query), (Occur.Must, buckets)])


def estimated(counts: dict[str, int], sampling: Sampling) -> dict[str, int]:
    """Counts in the sample scaled up to the whole result (not yet rounded: the order of
    the values is decided on these)."""
    return {value: round(n * sampling.scale) for value, n in counts.items()}


def two_figures(n: int) -> int:
    """An estimate as shown: rounded to two significant figures (12,345 -> 12,000), since
    the third figure would claim more than a sample knows."""
    if n < 100:
        return n
    step = int(10 ** (len(str(n)) - 2))
    return (n + step // 2) // step * step


def estimated_buckets(values: dict[str, int], exact: dict[str, int], chosen: tuple[str, ...],
                      size: int) -> list[Bucket]:
    """An estimated facet's largest values, shown to two figures, with the reader's chosen
    values (``exact`` holds their counts) always among them."""
    merged = {**values, **exact}
    pairs = sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))[:size]
    missing = [v for v in chosen if v in exact and v not in dict(pairs)]
    pairs += [(v, exact[v]) for v in missing]  # a rare choice the sample missed
    return [Bucket(v, n, selected=True) if v in exact
            else Bucket(v, two_figures(n), selected=v in chosen, approximate=True)
            for v, n in pairs]
