"""The estimator of facets over broad results: its rounding, its scale, and the stable sample
buckets it draws on."""

from __future__ import annotations

from collections import Counter

import pytest

from chancery.search.facet_sampling import Sampling, estimated, two_figures
from chancery.search.hit_bounds import Bounds, plan
from chancery.search.tantivy_schema import SAMPLE_BUCKETS, sample_bucket


@pytest.mark.parametrize(("n", "shown"), [
    (0, 0), (7, 7), (99, 99), (100, 100), (104, 100), (105, 110), (1_234, 1_200),
    (12_345, 12_000), (12_500, 13_000), (99_499, 99_000), (99_500, 100_000),
    (987_654, 990_000),
])
def test_estimates_are_shown_to_two_significant_figures(n: int, shown: int) -> None:
    assert two_figures(n) == shown


def test_a_sample_count_is_scaled_by_the_share_sampled() -> None:
    """1 in 4 takes 256 of the 1,024 buckets: each document in it stands for four."""
    sampling = Sampling(above=200_000, one_in=4)
    assert sampling.buckets == SAMPLE_BUCKETS // 4 and sampling.scale == 4.0
    assert estimated({"person/dulles": 301, "person/herter": 0}, sampling) == {
        "person/dulles": 1_204, "person/herter": 0}
    third = Sampling(one_in=3)  # 341 of 1,024 buckets: a scale of 3.003, not 3
    assert estimated({"x": 1_000}, third) == {"x": 3_003}


def test_only_names_over_broad_results_are_estimated() -> None:
    sampling = Sampling(above=200_000, one_in=3)
    assert sampling.applies("person", 200_001) and sampling.applies("place", 500_000)
    assert not sampling.applies("person", 200_000)  # more than the threshold, not as many
    assert not sampling.applies("year", 900_000) and not sampling.applies("type", 900_000)


def test_sample_buckets_are_stable_and_even() -> None:
    """The same id has the same bucket in every run; one import's numbered ids spread evenly
    (each quarter of the buckets within 1 % of a quarter of them)."""
    assert sample_bucket("frus1958-60v19/d3") == sample_bucket("frus1958-60v19/d3")
    assert 0 <= sample_bucket("b0000001") < SAMPLE_BUCKETS
    quarters = Counter(sample_bucket(f"b{n:07d}") * 4 // SAMPLE_BUCKETS for n in range(100_000))
    assert all(abs(quarters[q] - 25_000) < 1_000 for q in range(4)), quarters
    volume = Counter(sample_bucket(f"frus1958-60v19/d{n}") < SAMPLE_BUCKETS // 2
                     for n in range(1, 2_001))
    assert abs(volume[True] - 1_000) < 100, volume


@pytest.mark.parametrize(("low", "high", "docs", "invert", "how"), [
    (0, 150_000, 1_000_000, True, "direct"),  # can never pass the threshold
    (250_000, 450_000, 1_000_000, True, "sample"),  # always passes it, never half
    (257_000, 801_000, 1_000_000, True, "sample"),  # maybe half: sampled directly, at once
    (780_000, 840_000, 1_000_000, True, "invert"),  # more than half for sure
    (780_000, 840_000, 1_000_000, False, "sample"),  # ... but another facet narrows it
    (108_000, 206_000, 1_000_000, True, "wait"),  # either side of the threshold
    (0, 90_000, 150_000, True, "direct"),  # an archive below the threshold never samples
    (80_000, 90_000, 150_000, True, "invert"),
])
def test_the_bounds_on_a_total_decide_how_its_facets_are_counted(
        low: int, high: int, docs: int, invert: bool, how: str) -> None:
    assert plan(Bounds(low, high), docs, Sampling(), invert) == how


def test_exact_counts_never_wait_for_the_total() -> None:
    """Without sampling only "more than half" matters, and counting directly is as cheap
    as by what is left out near half."""
    assert plan(Bounds(108_000, 206_000), 1_000_000, None, True) == "direct"
    assert plan(Bounds(0, 1_000_000), 1_000_000, None, True) == "direct"
    assert plan(Bounds(600_000, 1_000_000), 1_000_000, None, True) == "invert"
