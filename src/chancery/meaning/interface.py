"""The seams of search by meaning, so services depend on what they need and not on a model
or an index library: an embedder turns text into vectors, a vector index finds the nearest
stored vectors, and a neighbour is what a service hands back (a document, the passage that
matched it best, and how closely)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]  # (n, dims), each row L2-normalised


@dataclass(frozen=True)
class Neighbour:
    """A document found by meaning. Not yet checked against the access rule: whoever shows
    it to a reader filters it through the search index as that reader first."""

    public_id: str
    where: str  # the passage that matched best, "<version key>#<n>" (see domain.passages)
    score: float  # cosine similarity of that passage, -1..1


class Embedder(Protocol):
    """A sentence encoder."""

    @property
    def model(self) -> str:
        """Name and version, stored with every vector, so a new model means re-embedding."""
        ...

    @property
    def dims(self) -> int:
        """Length of a vector."""
        ...

    def embed(self, texts: Sequence[str]) -> Vectors:
        """One L2-normalised row per text."""
        ...


class VectorIndex(Protocol):
    """Stored vectors under integer keys (the caller maps keys to passages), searched by
    cosine similarity. A node's copy is derived data, rebuilt from the catalogue."""

    def add(self, keys: Sequence[int], vectors: Vectors) -> None:
        """Add or replace vectors under these keys."""
        ...

    def remove(self, keys: Sequence[int]) -> int:
        """Forget these keys (a document re-embedded or purged); unknown keys are ignored.
        How many were held."""
        ...

    def nearest(self, vector: Vectors, k: int) -> list[tuple[int, float]]:
        """The k keys whose vectors are most similar to ``vector`` (one row), best first."""
        ...

    def count(self) -> int:
        """How many vectors the index holds."""
        ...

    def stale_fraction(self) -> float:
        """Changes held beside the built index against its size: the follower builds the
        index anew from the catalogue when this grows (0 for an index that needs no rebuild)."""
        ...

    def save(self) -> None:
        """Write the index to its folder atomically: a reader never opens half a file."""
        ...


class Neighbours(Protocol):
    """Documents near a text or a document by meaning, one per document at its best passage,
    best first. Not access-filtered: callers filter through the search index as the reader."""

    def near_text(self, text: str, limit: int) -> list[Neighbour]:
        """The documents whose passages are nearest to ``text`` (any language)."""
        ...

    def near_document(self, public_id: str, limit: int) -> list[Neighbour]:
        """The documents nearest to one document, itself left out."""
        ...


class WordTable(Protocol):
    """The archive's embedded vocabulary held by one node: nearest words by meaning, words by
    sound, and the segmentation of a Chinese run into words to look up."""

    def count(self) -> int:
        """How many words it holds."""
        ...

    def nearest(self, vectors: Vectors, k: int) -> list[list[tuple[str, float]]]:
        """For each row, the k nearest words with their cosine similarity, best first."""
        ...

    def has(self, word: str) -> bool:
        """Whether the word (lowercased) is one of the table's."""
        ...

    def sounding(self, key: str, k: int) -> list[str]:
        """Up to k words with this sound key (domain.spellings.sound_key), commonest first."""
        ...


class Glossary(Protocol):
    """A bilingual dictionary: the English glosses of a word of another language."""

    def __call__(self, word: str) -> list[str]:
        ...


class Segmenter(Protocol):
    """Cuts a run of Chinese characters into words (Chinese is written without spaces)."""

    def __call__(self, text: str) -> list[str]:
        ...
