"""The vector index candidates of benchmarks/vectors.py: each builds from the float16 matrix
file and opens the way it would serve (memory-mapped where the library can)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

DIM = 512
BATCH = 65_536


class Candidate:
    """One index kind: build(matrix, folder) -> file; open(file) -> search(q, k)."""

    name = ""
    stem = ""  # the file: candidates that differ only at query time share it

    def build(self, matrix: np.ndarray, folder: Path) -> Path:
        raise NotImplementedError

    def open(self, path: Path, rows: int) -> Callable[[np.ndarray, int], np.ndarray]:
        raise NotImplementedError


def batches(matrix: np.ndarray) -> Any:
    for start in range(0, len(matrix), BATCH):
        yield start, np.asarray(matrix[start:start + BATCH], np.float32)


class Exact(Candidate):
    """A memory-mapped matrix scanned in blocks: float32, float16 or int8 (x127)."""

    def __init__(self, dtype: str) -> None:
        self.dtype, self.name = dtype, f"exact-{dtype}"
        self.stem = self.name

    def build(self, matrix: np.ndarray, folder: Path) -> Path:
        path = folder / f"{self.stem}.npy"
        out = np.lib.format.open_memmap(path, "w+", np.dtype(self.dtype), matrix.shape)
        for start, block in batches(matrix):
            out[start:start + len(block)] = (np.rint(block * 127) if self.dtype == "int8" else block)
        out.flush()
        return path

    def open(self, path: Path, rows: int) -> Callable[[np.ndarray, int], np.ndarray]:
        data = np.load(path, mmap_mode="r")

        def search(q: np.ndarray, k: int) -> np.ndarray:
            scores = np.empty(len(data), np.float32)
            for start in range(0, len(data), BATCH):  # BLAS wants float32: convert per block
                block = data[start:start + BATCH]
                scores[start:start + len(block)] = block.astype(np.float32, copy=False) @ q
            top = np.argpartition(-scores, k)[:k]
            return top[np.argsort(-scores[top])]
        return search


class USearch(Candidate):
    """usearch HNSW (cosine), served with view=True: the file is memory-mapped."""

    def __init__(self, dtype: str, connectivity: int = 16, expansion: int = 160) -> None:
        self.dtype, self.connectivity, self.expansion = dtype, connectivity, expansion
        self.stem = f"usearch-{dtype}-M{connectivity}"
        self.name = f"{self.stem}-ef{expansion}"

    def build(self, matrix: np.ndarray, folder: Path) -> Path:
        from usearch.index import Index

        index = Index(ndim=DIM, metric="cos", dtype=self.dtype, connectivity=self.connectivity,
                      expansion_add=64, expansion_search=self.expansion)
        for start, block in batches(matrix):
            index.add(np.arange(start, start + len(block), dtype=np.uint64), block, threads=2)
        path = folder / f"{self.stem}.usearch"
        index.save(str(path))
        return path

    def open(self, path: Path, rows: int) -> Callable[[np.ndarray, int], np.ndarray]:
        from usearch.index import Index

        index = Index.restore(str(path), view=True)
        index.expansion_search = self.expansion

        def search(q: np.ndarray, k: int) -> np.ndarray:
            return np.asarray(index.search(q, k, threads=1).keys, np.int64)
        return search


class Hnswlib(Candidate):
    """hnswlib (float32 only, loaded whole into RAM)."""

    stem = "hnswlib-M16"

    def __init__(self, ef: int = 160) -> None:
        self.ef, self.name = ef, f"hnswlib-M16-ef{ef}"

    def build(self, matrix: np.ndarray, folder: Path) -> Path:
        import hnswlib

        index = hnswlib.Index(space="ip", dim=DIM)
        index.init_index(max_elements=len(matrix), M=16, ef_construction=64)
        index.set_num_threads(2)
        for start, block in batches(matrix):
            index.add_items(block, np.arange(start, start + len(block)))
        path = folder / f"{self.stem}.bin"
        index.save_index(str(path))
        return path

    def open(self, path: Path, rows: int) -> Callable[[np.ndarray, int], np.ndarray]:
        import hnswlib

        index = hnswlib.Index(space="ip", dim=DIM)
        index.load_index(str(path), max_elements=rows)
        index.set_ef(self.ef)
        index.set_num_threads(1)

        def search(q: np.ndarray, k: int) -> np.ndarray:
            return np.asarray(index.knn_query(q, k)[0][0], np.int64)
        return search


class Faiss(Candidate):
    """faiss-cpu from an index factory string, loaded with IO_FLAG_MMAP where it can."""

    def __init__(self, factory: str, nprobe: int = 0, train: int = 40_960) -> None:
        self.factory, self.nprobe, self.train = factory, nprobe, train
        self.stem = f"faiss-{factory.replace(',', '-')}"
        self.name = self.stem + (f"-np{nprobe}" if nprobe else "")

    def build(self, matrix: np.ndarray, folder: Path) -> Path:
        import faiss

        faiss.omp_set_num_threads(2)
        index = faiss.index_factory(DIM, self.factory, faiss.METRIC_INNER_PRODUCT)
        if not index.is_trained:
            rng = np.random.default_rng(1)
            sample = np.sort(rng.choice(len(matrix), min(self.train, len(matrix)), replace=False))
            index.train(np.asarray(matrix[sample], np.float32))
        for _, block in batches(matrix):
            index.add(block)
        path = folder / f"{self.stem}.faiss"
        faiss.write_index(index, str(path))
        return path

    def open(self, path: Path, rows: int) -> Callable[[np.ndarray, int], np.ndarray]:
        import faiss

        faiss.omp_set_num_threads(1)
        try:
            index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
        except RuntimeError:
            index = faiss.read_index(str(path))
        if self.nprobe:
            faiss.extract_index_ivf(index).nprobe = self.nprobe
        if "HNSW" in self.factory:
            faiss.downcast_index(index).hnsw.efSearch = 160

        def search(q: np.ndarray, k: int) -> np.ndarray:
            return np.asarray(index.search(q[None, :], k)[1][0], np.int64)
        return search


class Product(Candidate):
    """The product's own index, chancery.meaning.vector_index (faiss IVF-SQ8, mapped), built
    through VectorIndex.build from streamed batches (keys: row numbers) and opened with
    VectorIndex.open; ``nprobe`` overrides its lists searched, ``max_lists`` its cap on lists
    (both to measure other choices; 0 keeps the product's)."""

    def __init__(self, nprobe: int = 0, max_lists: int = 0) -> None:
        self.nprobe, self.max_lists = nprobe, max_lists
        self.stem = "product" + (f"-L{max_lists}" if max_lists else "")
        self.name = self.stem + (f"-np{nprobe}" if nprobe else "")

    def build(self, matrix: np.ndarray, folder: Path) -> Path:
        import faiss

        from chancery.meaning import vector_index

        faiss.omp_set_num_threads(2)
        if self.max_lists:
            vector_index.MAX_LISTS = self.max_lists
        stream = ((np.arange(start, start + len(block)), block) for start, block in batches(matrix))
        # no total, as bootstrap.vector_index builds it (the count is not known ahead)
        index = vector_index.VectorIndex.build(folder / self.stem, stream)
        return index.folder / f"vectors-{index.generation}.faiss"

    def open(self, path: Path, rows: int) -> Callable[[np.ndarray, int], np.ndarray]:
        import faiss

        from chancery.meaning.vector_index import VectorIndex

        faiss.omp_set_num_threads(1)
        index = VectorIndex.open(path.parent)
        if self.nprobe:
            faiss.extract_index_ivf(index._index).nprobe = self.nprobe

        def search(q: np.ndarray, k: int) -> np.ndarray:
            return np.asarray([key for key, _ in index.nearest(q, k)], np.int64)
        return search


CANDIDATES: dict[str, Candidate] = {c.name: c for c in (
    Exact("float32"), Exact("float16"), Exact("int8"),
    USearch("i8"), USearch("f16"), USearch("i8", expansion=256), USearch("f16", expansion=256),
    USearch("i8", expansion=100), USearch("i8", expansion=1024),
    USearch("f16", expansion=512), USearch("f16", expansion=1024), USearch("f16", expansion=2048),
    Hnswlib(ef=1024),
    Hnswlib(), Faiss("IVF1024,SQ8", nprobe=16), Faiss("IVF1024,SQ8", nprobe=48),
    Faiss("IVF1024,PQ64", nprobe=48),
    Faiss("HNSW32,SQ8"),
    *(Product(nprobe) for nprobe in (0, 32, 48, 64, 96, 128, 192)),
    *(Product(nprobe, 8192) for nprobe in (0, 48, 64, 96, 128)),
)}
