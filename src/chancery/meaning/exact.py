"""An exact vector index in numpy: every stored vector is compared with the query. Right for
small archives and tests (50,000 passages answer in a few milliseconds and it cannot miss a
neighbour); a large archive uses the index library chosen by measurement instead (see
bootstrap.py, ``vector_index``)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from chancery.meaning.interface import Vectors

FILE = "exact.npz"


class ExactVectorIndex:
    """Vectors under integer keys in one float32 matrix, kept in ``folder/exact.npz``."""

    def __init__(self, folder: Path, dims: int = 512, load: bool = True) -> None:
        """The index saved in ``folder`` (``load`` False: a new, empty one in its place)."""
        self.folder, self.dims = folder, dims
        self._keys: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self._vectors: Vectors = np.zeros((0, dims), dtype=np.float32)
        path = folder / FILE
        if load and path.is_file():
            with np.load(path) as saved:
                self._keys, self._vectors = saved["keys"], saved["vectors"]

    def add(self, keys: Sequence[int], vectors: Vectors) -> None:
        """Add or replace vectors under these keys."""
        if not len(keys):
            return
        new = np.asarray(keys, dtype=np.int64)
        keep = ~np.isin(self._keys, new)
        self._keys = np.concatenate([self._keys[keep], new])
        self._vectors = np.vstack([self._vectors[keep], np.asarray(vectors, dtype=np.float32)])

    def remove(self, keys: Sequence[int]) -> None:
        """Forget these keys; unknown keys are ignored."""
        if not len(keys):
            return
        keep = ~np.isin(self._keys, np.asarray(keys, dtype=np.int64))
        self._keys, self._vectors = self._keys[keep], self._vectors[keep]

    def nearest(self, vector: Vectors, k: int) -> list[tuple[int, float]]:
        """The k keys with the highest cosine similarity (rows are normalised), best first."""
        n = min(k, len(self._keys))
        if n <= 0:
            return []
        scores = self._vectors @ np.asarray(vector, dtype=np.float32).reshape(-1)
        top = np.argpartition(-scores, n - 1)[:n] if n < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(self._keys[i]), float(scores[i])) for i in top]

    def count(self) -> int:
        """How many vectors the index holds."""
        return len(self._keys)

    def save(self) -> None:
        """Write keys and vectors to one file beside the old one, then put it in its place:
        a reader opens the old file or the new one, never half of either."""
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".exact-", suffix=".npz")
        try:
            with os.fdopen(fd, "wb") as out:
                np.savez(out, keys=self._keys, vectors=self._vectors)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.folder / FILE)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
