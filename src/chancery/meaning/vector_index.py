"""The passage vector index: faiss IVF lists of 8-bit scalar-quantised unit vectors
(inner product = cosine), served memory-mapped (issue #13; why this one, with the figures of
the other candidates, is in docs/benchmarks.md "Vector index").

A folder holds one generation of the index and its small mutable state:

    manifest.json         {"generation": 3}, replaced atomically; names the files below
    vectors-3.faiss       coarse centroids, lists and codes; written once by build()
    keys-3.npy            the keys in the index, sorted (memory-mapped: membership tests)
    state-3.npz           removed keys (tombstones) and vectors added since the build

Readers map the index file (its pages are shared page cache, not private memory). Removal
and re-embedding do not touch it: removed keys are filtered out of every answer, and added
vectors are searched exactly beside it, until the caller rebuilds (``stale_fraction`` says
when) from the stored vectors; a build of 1M passages took 20 s. Every file is written under
a temporary name and renamed, so a reading process never sees a half-written one; a reader
that opened an older generation keeps its mapping until it reopens."""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import faiss
import numpy as np
from numpy.typing import ArrayLike, NDArray

DIM = 512  # multilingual USE v3
# Chosen by benchmarks/vectors.py at 1M passages: about 1,000 vectors a list and 48 lists
# searched gave recall@10 0.97 against exact search at p99 6.6 ms (with 1,024 lists; a
# follower, not knowing the count ahead, builds 4,096 past 164k passages: see
# LISTS_SEARCHED for what that searches). More lists than 4,096 make
# the k-means training too slow for the 2 cores we plan for; 39 training vectors a list is
# faiss's minimum.
VECTORS_PER_LIST = 1024
MAX_LISTS = 4096
TRAIN_PER_LIST = 40
# Lists searched: at least 48, and 1 in 64 of them. Recall depends on the share of lists
# searched, hardly on the vectors a list holds: at 4,096 lists (what a follower builds past
# 164k passages, not knowing the count ahead) 48 gave recall@10 0.949 at 1M passages and
# 0.949 at 8.7M (the passages of 1M documents), 64 gave 0.954 at p50 11 ms (docs/benchmarks.md
# "Vector index", 8.7M).
LISTS_SEARCHED = 48
LISTS_SHARE = 64

Batch = tuple[Sequence[int] | NDArray[np.integer], ArrayLike]


def _replace_atomically(final: Path, write: Callable[[Path], object]) -> None:
    """Write through ``write(temp_path)`` then rename over ``final``."""
    temp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
    try:
        write(temp)
        os.replace(temp, final)
    finally:
        temp.unlink(missing_ok=True)


@contextmanager
def _one_thread() -> Iterator[None]:
    """faiss on one OpenMP thread, as OPENBLAS_NUM_THREADS=1 (chancery/__init__.py) and the
    workers' THREAD_LIMITS have it: on a busy machine OpenMP's helpers spin for one another
    (a restore's build of 31,505 vectors ran >10 min at load average 6 on 2 cores; 0.7 s on
    one thread)."""
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(threads)


def _unit_rows(vectors: ArrayLike, dim: int) -> NDArray[np.float32]:
    rows = np.asarray(vectors, np.float32).reshape(-1, dim)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return (rows / np.where(norms == 0, 1, norms)).astype(np.float32)


class VectorIndex:
    """Nearest passages by cosine similarity; keys are integers the caller maps to passages."""

    def __init__(self, folder: Path, generation: int, index: faiss.Index,
                 keys: NDArray[np.int64]) -> None:
        self.folder, self.generation = folder, generation
        self._index: faiss.Index = index
        self._keys = keys  # sorted
        self._dim = int(self._index.d)
        self._removed: set[int] = set()
        self._added: dict[int, NDArray[np.float32]] = {}
        self._stacked: tuple[NDArray[np.int64], NDArray[np.float32]] | None = None
        state = folder / f"state-{generation}.npz"
        if state.exists():
            with np.load(state) as saved:
                self._removed = set(saved["removed"].tolist())
                self._added = dict(zip(saved["added_keys"].tolist(), saved["added"], strict=True))

    # -- building and opening ---------------------------------------------------------------

    @classmethod
    def build(cls, folder: Path, batches: Iterable[Batch], *, total: int = 0,
              dim: int = DIM) -> VectorIndex:
        """A new generation from (keys, vectors) batches, written atomically, then opened.
        ``total`` (the number of vectors, when known) sizes the lists before all are read."""
        folder.mkdir(parents=True, exist_ok=True)
        stream = ((np.asarray(k, np.int64), _unit_rows(v, dim)) for k, v in batches)
        head, rest = _take(stream, TRAIN_PER_LIST * MAX_LISTS)
        n = total or (sum(len(k) for k, _ in head) if rest is None else 0)
        lists = 1 if rest is None and n == 0 else _lists_for(n)  # nothing yet: one empty list
        index = faiss.index_factory(dim, f"IVF{lists},SQ8", faiss.METRIC_INNER_PRODUCT)
        keys = []
        with _one_thread():
            index.train(np.concatenate([v for _, v in head]) if head else np.zeros((1, dim), "f4"))
            for batch_keys, vectors in itertools.chain(head, rest or ()):
                index.add_with_ids(vectors, batch_keys)
                keys.append(batch_keys)
        generation = cls._current_generation(folder) + 1
        all_keys = np.sort(np.concatenate(keys)) if keys else np.empty(0, np.int64)
        _replace_atomically(folder / f"keys-{generation}.npy", lambda t: _save_npy(t, all_keys))
        _replace_atomically(folder / f"vectors-{generation}.faiss",
                            lambda temp: faiss.write_index(index, str(temp)))
        cls._write_manifest(folder, generation)
        cls._drop_older(folder, generation)
        return cls.open(folder)

    @classmethod
    def open(cls, folder: Path) -> VectorIndex:
        """The folder's current generation, memory-mapped."""
        generation = cls._current_generation(folder)
        if generation == 0:
            raise FileNotFoundError(f"no vector index in {folder}")
        index = faiss.read_index(str(folder / f"vectors-{generation}.faiss"),
                                 faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
        ivf = faiss.extract_index_ivf(index)
        ivf.nprobe = lists_searched(int(ivf.nlist))
        keys = np.load(folder / f"keys-{generation}.npy", mmap_mode="r")
        return cls(folder, generation, index, keys)

    @staticmethod
    def _current_generation(folder: Path) -> int:
        manifest = folder / "manifest.json"
        if not manifest.exists():
            return 0
        return int(json.loads(manifest.read_text(encoding="utf-8"))["generation"])

    @staticmethod
    def _write_manifest(folder: Path, generation: int) -> None:
        text = json.dumps({"generation": generation, "format": "faiss-ivf-sq8-ip"})
        _replace_atomically(folder / "manifest.json",
                            lambda temp: temp.write_text(text, encoding="utf-8"))

    @staticmethod
    def _drop_older(folder: Path, generation: int) -> None:
        # a reader still mapping an old file keeps it alive until it closes (POSIX unlink)
        for path in [*folder.glob("vectors-*.faiss"), *folder.glob("keys-*.npy"),
                     *folder.glob("state-*.npz")]:
            if int(path.stem.split("-")[1]) < generation:
                path.unlink(missing_ok=True)

    # -- reading ----------------------------------------------------------------------------

    def nearest(self, vector: ArrayLike, k: int) -> list[tuple[int, float]]:
        """The k nearest live keys and their cosine similarity, best first."""
        query = _unit_rows(vector, self._dim)
        found: dict[int, float] = {}
        fetch = min(len(self._keys), k + len(self._removed))  # removed keys are skipped
        if fetch > 0:
            scores, keys = self._index.search(query, fetch)
            for key, score in zip(keys[0].tolist(), scores[0].tolist(), strict=True):
                if key >= 0 and key not in self._removed:  # -1: fewer than asked
                    found[key] = float(score)
        if self._added:  # searched exactly, as one matrix
            keys, matrix = self._added_matrix()
            scores = matrix @ query[0]
            for at in np.argsort(-scores)[:k].tolist():
                found[int(keys[at])] = float(scores[at])
        return sorted(found.items(), key=lambda item: -item[1])[:k]

    def _added_matrix(self) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        if self._stacked is None:
            self._stacked = (np.fromiter(self._added, np.int64, len(self._added)),
                             np.stack(list(self._added.values())))
        return self._stacked

    def _holds(self, key: int) -> bool:
        at = int(np.searchsorted(self._keys, key))
        return at < len(self._keys) and int(self._keys[at]) == key

    @property
    def lists(self) -> int:
        """The index's inverted lists (k-means cells)."""
        return int(faiss.extract_index_ivf(self._index).nlist)

    @property
    def lists_searched(self) -> int:
        """The lists a query scans (faiss nprobe)."""
        return int(faiss.extract_index_ivf(self._index).nprobe)

    def count(self) -> int:
        """Live vectors: the index's, less the removed, plus the added."""
        return len(self._keys) - len(self._removed) + len(self._added)

    def stale_fraction(self) -> float:
        """Removed and added vectors against the index's size: rebuild when this grows."""
        return (len(self._removed) + len(self._added)) / max(1, len(self._keys))

    # -- changing ---------------------------------------------------------------------------

    def remove(self, keys: Iterable[int]) -> int:
        """Stop answering with these keys (until save() they live only in this process)."""
        removed = 0
        self._stacked = None
        for key in keys:
            removed += self._added.pop(key, None) is not None
            if key not in self._removed and self._holds(key):
                self._removed.add(key)
                removed += 1
        return removed

    def add(self, keys: Sequence[int], vectors: ArrayLike) -> None:
        """Add or replace vectors (a re-embedded passage) without rebuilding the index."""
        rows = _unit_rows(vectors, self._dim)
        self.remove(keys)
        self._stacked = None
        self._added.update(zip((int(k) for k in keys), rows, strict=True))

    def save(self) -> None:
        """Write removals and additions atomically next to this generation's index."""
        added_keys = np.fromiter(self._added, np.int64, len(self._added))
        added = (np.stack(list(self._added.values())) if self._added
                 else np.empty((0, self._dim), np.float32))
        removed = np.fromiter(sorted(self._removed), np.int64, len(self._removed))

        def write(temp: Path) -> None:
            with temp.open("wb") as fh:
                np.savez(fh, removed=removed, added_keys=added_keys, added=added)
        _replace_atomically(self.folder / f"state-{self.generation}.npz", write)


def _save_npy(path: Path, array: NDArray[np.int64]) -> None:
    with path.open("wb") as fh:
        np.save(fh, array)


def _take(stream: Iterator[tuple[NDArray[np.int64], NDArray[np.float32]]], count: int
          ) -> tuple[list[tuple[NDArray[np.int64], NDArray[np.float32]]],
                     Iterator[tuple[NDArray[np.int64], NDArray[np.float32]]] | None]:
    """The first batches holding at least ``count`` vectors, and the rest (None: no rest)."""
    head, held = [], 0
    for batch in stream:
        head.append(batch)
        held += len(batch[0])
        if held >= count:
            return head, stream
    return head, None


def lists_searched(lists: int) -> int:
    """The lists a query scans in an index of ``lists``: LISTS_SEARCHED, or 1 in LISTS_SHARE
    of them when that is more (never more than there are)."""
    return min(lists, max(LISTS_SEARCHED, lists // LISTS_SHARE))


def _lists_for(n: int) -> int:
    """About VECTORS_PER_LIST vectors a list, a power of two, at most MAX_LISTS (n=0: unknown)."""
    if n == 0:
        return MAX_LISTS
    lists = 1
    while lists * 2 * VECTORS_PER_LIST <= n and lists * 2 <= MAX_LISTS:
        lists *= 2
    return lists
