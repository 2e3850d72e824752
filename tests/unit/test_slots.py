"""Spreading a document's facet values over single-valued slot columns."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from chancery.search.tantivy_schema import EMPTY_SLOT, spread


@given(st.lists(st.text(min_size=0, max_size=6), max_size=20), st.integers(1, 8))
def test_every_distinct_value_is_kept_once(values: list[str], slots: int) -> None:
    filled, rest = spread(values, slots)
    assert len(filled) == slots
    kept = [v for v in filled if v != EMPTY_SLOT] + rest
    assert sorted(kept) == sorted(set(values) - {EMPTY_SLOT})
    assert not rest or EMPTY_SLOT not in filled  # only what finds no free slot overflows


def test_a_value_has_the_same_home_in_every_document() -> None:
    alone, _ = spread(["person/khrushchev-nikita-s"], 8)
    with_others, _ = spread(["person/khrushchev-nikita-s", "person/dulles-john-foster"], 8)
    home = alone.index("person/khrushchev-nikita-s")
    assert with_others[home] == "person/khrushchev-nikita-s"
    assert len(spread(["a", "b", "c"], 2)[1]) == 1  # three values, two slots
