"""Reciprocal rank fusion of the ranking by words and the ranking by meaning (issue #13)."""

from __future__ import annotations

import pytest

from chancery.search.fusion import fuse, fused_score


def test_a_document_both_sides_rank_well_beats_one_ranked_first_by_either_alone() -> None:
    words = {"a": 1, "b": 2, "c": 3}
    meaning = {"x": 1, "b": 2}
    assert fuse(words, meaning)[0] == "b"
    assert set(fuse(words, meaning)) == {"a", "b", "c", "x"}


def test_without_meaning_the_ranking_by_words_is_unchanged() -> None:
    words = {f"d{n}": n for n in range(1, 30)}
    assert fuse(words, {}) == [f"d{n}" for n in range(1, 30)]


def test_ties_go_to_the_better_rank_by_words() -> None:
    # a at words rank 1 and x at meaning rank 1 score the same: words first
    assert fuse({"a": 1}, {"x": 1}) == ["a", "x"]


def test_the_fused_score_is_one_over_k_plus_rank_summed() -> None:
    assert fused_score("b", {"b": 2}, {"b": 4}, k=60) == pytest.approx(1 / 62 + 1 / 64)
    assert fused_score("z", {"b": 2}, {}, k=60) == 0.0
    # a smaller k lets the head of each ranking count for more
    assert fuse({"a": 1, "b": 5}, {"b": 5, "x": 1}, k=1)[0] in {"a", "x"}
    assert fuse({"a": 1, "b": 5}, {"b": 5, "x": 1}, k=60)[0] == "b"
