"""The passage vector index: a usearch HNSW graph over float16 cosine vectors, served
memory-mapped (issue #13; the choice and its figures are in docs/benchmarks.md).

A folder holds one generation of the index and its small mutable state:

    manifest.json         {"generation": 3}, replaced atomically; names the files below
    vectors-3.usearch     the graph and vectors, written once by build(), never changed
    state-3.npz           removed keys (tombstones) and vectors added since the build

Readers map the graph file (its pages are shared page cache, not private memory). Removal
and re-embedding do not touch the graph: removed keys are filtered out of every answer, and
added vectors are searched exactly beside it, until the caller rebuilds (``stale_fraction``
says when) from the stored vectors. Every file is written under a temporary name and
renamed, so a reading process never sees a half-written one; a reader that opened an older
generation keeps its mapping until it reopens."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray
from usearch.index import Index

DIM = 512  # multilingual USE v3
# HNSW links per node and breadth of the search: chosen by benchmarks/vectors.py (recall@10
# against exact search and p99 latency at k=100 on 1M passages)
CONNECTIVITY = 16
EXPANSION_ADD = 64
EXPANSION_SEARCH = 160

Batch = tuple[Sequence[int] | NDArray[np.integer], ArrayLike]


def _replace_atomically(final: Path, write: Callable[[Path], object]) -> None:
    """Write through ``write(temp_path)`` then rename over ``final``."""
    temp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
    try:
        write(temp)
        os.replace(temp, final)
    finally:
        temp.unlink(missing_ok=True)


def _unit_rows(vectors: ArrayLike, dim: int) -> NDArray[np.float32]:
    rows = np.asarray(vectors, np.float32).reshape(-1, dim)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return (rows / np.where(norms == 0, 1, norms)).astype(np.float32)


class VectorIndex:
    """Nearest passages by cosine similarity; keys are integers the caller maps to passages."""

    def __init__(self, folder: Path, generation: int, graph: Index) -> None:
        self.folder, self.generation, self._graph = folder, generation, graph
        self._removed: set[int] = set()
        self._added: dict[int, NDArray[np.float32]] = {}
        state = folder / f"state-{generation}.npz"
        if state.exists():
            with np.load(state) as saved:
                self._removed = set(saved["removed"].tolist())
                self._added = dict(zip(saved["added_keys"].tolist(), saved["added"], strict=True))

    # -- building and opening ---------------------------------------------------------------

    @classmethod
    def build(cls, folder: Path, batches: Iterable[Batch], *, dim: int = DIM,
              threads: int = 0) -> VectorIndex:
        """A new generation from (keys, vectors) batches, written atomically, then opened."""
        folder.mkdir(parents=True, exist_ok=True)
        graph = Index(ndim=dim, metric="cos", dtype="f16", connectivity=CONNECTIVITY,
                      expansion_add=EXPANSION_ADD, expansion_search=EXPANSION_SEARCH)
        for keys, vectors in batches:
            graph.add(np.asarray(keys, np.uint64), _unit_rows(vectors, dim), threads=threads)
        generation = cls._current_generation(folder) + 1
        _replace_atomically(folder / f"vectors-{generation}.usearch",
                            lambda temp: graph.save(str(temp)))
        cls._write_manifest(folder, generation)
        cls._drop_older(folder, generation)
        return cls.open(folder)

    @classmethod
    def open(cls, folder: Path) -> VectorIndex:
        """The folder's current generation, memory-mapped."""
        generation = cls._current_generation(folder)
        if generation == 0:
            raise FileNotFoundError(f"no vector index in {folder}")
        graph = Index.restore(str(folder / f"vectors-{generation}.usearch"), view=True)
        if graph is None:
            raise ValueError(f"not a usearch index: {folder}")
        # the setter is declared apart from the getter in usearch, which mypy reads as read-only
        graph.expansion_search = EXPANSION_SEARCH  # type: ignore[misc]
        return cls(folder, generation, graph)

    @staticmethod
    def _current_generation(folder: Path) -> int:
        manifest = folder / "manifest.json"
        if not manifest.exists():
            return 0
        return int(json.loads(manifest.read_text(encoding="utf-8"))["generation"])

    @staticmethod
    def _write_manifest(folder: Path, generation: int) -> None:
        text = json.dumps({"generation": generation, "format": "usearch-f16-cos"})
        _replace_atomically(folder / "manifest.json",
                            lambda temp: temp.write_text(text, encoding="utf-8"))

    @staticmethod
    def _drop_older(folder: Path, generation: int) -> None:
        # a reader still mapping an old file keeps it alive until it closes (POSIX unlink)
        for path in [*folder.glob("vectors-*.usearch"), *folder.glob("state-*.npz")]:
            if int(path.stem.split("-")[1]) < generation:
                path.unlink(missing_ok=True)

    # -- reading ----------------------------------------------------------------------------

    def nearest(self, vector: ArrayLike, k: int) -> list[tuple[int, float]]:
        """The k nearest live keys and their cosine similarity, best first."""
        query = _unit_rows(vector, self._graph.ndim)[0]
        found: dict[int, float] = {}
        fetch = min(len(self._graph), k + len(self._removed))  # removed keys are skipped
        if fetch > 0:
            matches = self._graph.search(query, fetch, threads=1)
            for key, distance in zip(matches.keys.tolist(), matches.distances.tolist(),
                                     strict=True):
                if key not in self._removed:
                    found[int(key)] = 1.0 - float(distance)
        for key, added in self._added.items():  # few: searched exactly
            found[key] = float(added @ query)
        return sorted(found.items(), key=lambda item: -item[1])[:k]

    def count(self) -> int:
        """Live vectors: the graph's, less the removed, plus the added."""
        return len(self._graph) - len(self._removed) + len(self._added)

    def stale_fraction(self) -> float:
        """Removed and added vectors against the graph's size: rebuild when this grows."""
        return (len(self._removed) + len(self._added)) / max(1, len(self._graph))

    # -- changing ---------------------------------------------------------------------------

    def remove(self, keys: Iterable[int]) -> int:
        """Stop answering with these keys (until save() they live only in this process)."""
        removed = 0
        for key in keys:
            removed += self._added.pop(key, None) is not None
            if key not in self._removed and bool(self._graph.contains(key)):
                self._removed.add(key)
                removed += 1
        return removed

    def add(self, keys: Sequence[int], vectors: ArrayLike) -> None:
        """Add or replace vectors (a re-embedded passage) without rebuilding the graph."""
        rows = _unit_rows(vectors, self._graph.ndim)
        self.remove(keys)
        self._added.update(zip((int(k) for k in keys), rows, strict=True))

    def save(self) -> None:
        """Write removals and additions atomically next to this generation's graph."""
        added_keys = np.fromiter(self._added, np.int64, len(self._added))
        added = (np.stack(list(self._added.values())) if self._added
                 else np.empty((0, self._graph.ndim), np.float32))
        removed = np.fromiter(sorted(self._removed), np.int64, len(self._removed))

        def write(temp: Path) -> None:
            with temp.open("wb") as fh:
                np.savez(fh, removed=removed, added_keys=added_keys, added=added)
        _replace_atomically(self.folder / f"state-{self.generation}.npz", write)
