"""A node's copy of the archive's embedded vocabulary (meaning.interface.WordTable): a flat
8-bit faiss index (exhaustive, so no recall lost; 512 bytes a word: 100,000 words are 51 MB),
and the words by sound key. Built in memory from the catalogue's word vectors; never saved
(a node rebuilds it in about a second when the vocabulary grows)."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import faiss
import numpy as np

from chancery.domain.spellings import sound_key
from chancery.meaning.interface import Vectors

SHORTEST_KEY = 3  # a shorter sound key is shared by too many words to bridge a name by it


class FaissWordTable:
    """Words and their vectors, commonest first (the order the catalogue gives them)."""

    def __init__(self, words: Sequence[str], vectors: Vectors) -> None:
        self._words = list(words)
        self._held = set(self._words)
        dims = int(vectors.shape[1]) if len(vectors) else 1
        self._index = faiss.IndexScalarQuantizer(dims, faiss.ScalarQuantizer.QT_8bit,
                                                 faiss.METRIC_INNER_PRODUCT)
        if len(vectors):
            self._index.train(vectors)
            self._index.add(vectors)
        self._by_sound: dict[str, list[str]] = {}
        for word in self._words:  # commonest first, so each key's list is too
            key = sound_key(word)
            if len(key) >= SHORTEST_KEY and len(word) > SHORTEST_KEY:
                self._by_sound.setdefault(key, []).append(word)

    def count(self) -> int:
        return len(self._words)

    def nearest(self, vectors: Vectors, k: int) -> list[list[tuple[str, float]]]:
        if not self._words or not len(vectors):
            return [[] for _ in range(len(vectors))]
        scores, ids = self._index.search(np.ascontiguousarray(vectors, dtype=np.float32),
                                         min(k, len(self._words)))
        return [[(self._words[i], float(s)) for i, s in zip(row_ids, row_scores, strict=True)
                 if i >= 0] for row_ids, row_scores in zip(ids, scores, strict=True)]

    def has(self, word: str) -> bool:
        return word in self._held

    def sounding(self, key: str, k: int) -> list[str]:
        return self._by_sound.get(key, [])[:k] if len(key) >= SHORTEST_KEY else []


def chinese_words(text: str) -> list[str]:
    """A Chinese run cut into words by jieba's dictionary (shipped in its wheel; loaded
    once, on the first Chinese query)."""
    return [w for w in _jieba().lcut(text) if w.strip()]


@lru_cache(maxsize=1)
def _jieba() -> Any:
    with warnings.catch_warnings():  # jieba 0.42 imports the deprecated pkg_resources
        warnings.simplefilter("ignore")
        import jieba  # its dictionary takes ~1 s to load: only when Chinese is typed
    jieba.setLogLevel(logging.WARNING)
    return jieba
