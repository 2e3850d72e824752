"""Reciprocal rank fusion: one order from the ranking by words and the ranking by meaning.

Scores of the two sides are not comparable (BM25 against cosine similarity), their ranks are:
a document scores 1 / (k + rank) on each side that found it, summed. A large k flattens the
head of each ranking, so a document both sides place well beats one placed first by either
alone (Cormack, Clarke & Büttcher, SIGIR 2009, where k = 60 was found robust)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

K = TypeVar("K", bound=Hashable)  # how the two sides name a document

RRF_K = 60  # measured on tests/relevance (docs/benchmarks.md): 60 is as good as any


def fuse(words: Mapping[K, int], meaning: Mapping[K, int], k: int = 0) -> list[K]:
    """Ids in fused order, from each side's 1-based ranks; a tie goes to the better rank by
    words, then by meaning, so a ranking by words alone is returned unchanged."""
    k = k or RRF_K
    ids = {*words, *meaning}
    far = len(ids) + 1

    def key(pid: K) -> tuple[float, int, int]:
        return (-fused_score(pid, words, meaning, k), words.get(pid, far), meaning.get(pid, far))

    return sorted(ids, key=key)


def fused_score(pid: K, words: Mapping[K, int], meaning: Mapping[K, int],
                k: int = 0) -> float:
    """The fused score of one id: 1 / (k + rank) summed over the sides that found it."""
    k = k or RRF_K
    return sum(1.0 / (k + side[pid]) for side in (words, meaning) if pid in side)
