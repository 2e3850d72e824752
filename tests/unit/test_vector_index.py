"""The passage vector index: recall against exact search, removal, re-embedding, reopening,
and saves a reading process never sees half-written."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import faiss
import numpy as np
import pytest

from chancery.meaning.vector_index import VectorIndex

DIM = 512


def _realish(n: int, seed: int = 7) -> np.ndarray:
    """Unit vectors shaped like sentence embeddings: topics (clusters) of related passages,
    each passage its topic plus its own direction, so neighbours score ~0.4-0.8 as USE's do."""
    rng = np.random.default_rng(seed)
    topics = rng.normal(size=(60, DIM))
    topics /= np.linalg.norm(topics, axis=1, keepdims=True)
    own = rng.normal(size=(n, DIM)) / np.sqrt(DIM)
    vectors = topics[rng.integers(0, len(topics), n)] + own * rng.uniform(0.8, 1.6, (n, 1))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def _build(folder: Path, vectors: np.ndarray) -> VectorIndex:
    keys = np.arange(1000, 1000 + len(vectors))
    batches = [(keys[i:i + 1000], vectors[i:i + 1000]) for i in range(0, len(vectors), 1000)]
    return VectorIndex.build(folder, batches)


@pytest.fixture(scope="module")
def vectors() -> np.ndarray:
    return _realish(4050)[:4000]


@pytest.fixture(scope="module")
def queries() -> np.ndarray:
    """Unseen passages of the same topics."""
    return _realish(4050)[4000:]


def test_nearest_finds_what_exact_search_finds(tmp_path: Path, vectors: np.ndarray,
                                               queries: np.ndarray) -> None:
    """recall@10 against exact cosine search >= 0.95, with the same similarities."""
    index = _build(tmp_path, vectors)
    recalls = []
    for q in queries:
        exact = np.argsort(-(vectors @ q))[:10] + 1000
        found = index.nearest(q, 10)
        recalls.append(len({k for k, _ in found} & set(exact.tolist())) / 10)
        assert [s for _, s in found] == sorted((s for _, s in found), reverse=True)
        for key, score in found:
            assert score == pytest.approx(float(vectors[key - 1000] @ q), abs=0.01)
    assert np.mean(recalls) >= 0.95
    assert index.count() == 4000


def test_removed_keys_are_never_neighbours(tmp_path: Path, vectors: np.ndarray) -> None:
    """A purged passage is not an answer, even to its own vector."""
    index = _build(tmp_path, vectors)
    assert index.nearest(vectors[5], 1)[0][0] == 1005
    assert index.remove([1005, 1006, 999_999]) == 2
    assert 1005 not in {k for k, _ in index.nearest(vectors[5], 50)}
    assert len(index.nearest(vectors[5], 50)) == 50
    assert index.count() == 3998


def test_a_reembedded_passage_answers_with_its_new_vector(tmp_path: Path,
                                                         vectors: np.ndarray) -> None:
    """add() replaces a key's vector without rebuilding the graph."""
    index = _build(tmp_path, vectors)
    index.add([1005], vectors[7:8])
    hits = dict(index.nearest(vectors[7], 2))
    assert set(hits) == {1005, 1007} and hits[1005] == pytest.approx(1.0, abs=1e-5)
    assert 1005 not in dict(index.nearest(vectors[5], 3))
    assert index.count() == 4000 and index.stale_fraction() == pytest.approx(2 / 4000)


def test_reopening_after_save_keeps_removals_and_additions(tmp_path: Path,
                                                         vectors: np.ndarray) -> None:
    index = _build(tmp_path, vectors)
    index.remove([1010])
    index.add([9_000_000], vectors[11:12])
    index.save()
    again = VectorIndex.open(tmp_path)
    assert again.count() == 4000
    assert 1010 not in dict(again.nearest(vectors[10], 20))
    assert again.nearest(vectors[11], 2)[0][1] == pytest.approx(1.0, abs=1e-3)
    assert 9_000_000 in dict(again.nearest(vectors[11], 2))


def test_unsaved_changes_stay_in_their_process(tmp_path: Path, vectors: np.ndarray) -> None:
    index = _build(tmp_path, vectors)
    index.remove([1010])
    assert VectorIndex.open(tmp_path).count() == 4000


def test_a_failed_save_leaves_the_last_good_state(tmp_path: Path, vectors: np.ndarray,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The rename is the commit: a crash before it leaves the old file and no temp file."""
    index = _build(tmp_path, vectors)
    index.remove([1010])
    index.save()
    index.remove([1011])

    def crash(src: object, dst: object) -> None:
        raise OSError("disk full")
    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        index.save()
    monkeypatch.undo()
    assert VectorIndex.open(tmp_path).count() == 3999
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_reader_keeps_its_generation_while_a_rebuild_lands(tmp_path: Path,
                                                           vectors: np.ndarray) -> None:
    """A serving process mapped the old file; a rebuild replaces it; the reader still answers,
    and the next open sees the new generation."""
    reader = _build(tmp_path, vectors)
    _build(tmp_path, vectors[:1000])
    assert reader.nearest(vectors[3000], 1)[0][0] == 4000
    assert reader.count() == 4000
    assert VectorIndex.open(tmp_path).count() == 1000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keys-2.npy", "manifest.json", "vectors-2.faiss"]


def test_an_empty_folder_is_not_an_index(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        VectorIndex.open(tmp_path)


@pytest.fixture
def one_thread() -> Iterator[None]:
    """k-means of 4,096 cells over a few thousand vectors is thousands of tiny parallel steps:
    on a busy machine two OpenMP threads spun on them for minutes; one takes a second."""
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    yield
    faiss.omp_set_num_threads(before)


@pytest.mark.usefixtures("one_thread")
def test_an_index_of_many_lists_searches_one_list_in_64(tmp_path: Path) -> None:
    """At 4,096 lists, what a follower builds past 164k passages, 48 lists searched gave
    recall@10 0.949 at 8.7M passages and 64 gave 0.954 (docs/benchmarks.md "Vector index");
    a small index keeps 48, and never more lists than it has."""
    vectors = _realish(4200)
    keys = np.arange(len(vectors))
    many = VectorIndex.build(tmp_path / "many", [(keys, vectors)], total=4096 * 1024)
    assert (many.lists, many.lists_searched) == (4096, 64)
    assert many.nearest(vectors[9], 1)[0][0] == 9
    mid = VectorIndex.build(tmp_path / "mid", [(keys, vectors)], total=1024 * 1024)
    assert (mid.lists, mid.lists_searched) == (1024, 48)
    few = VectorIndex.build(tmp_path / "few", [(keys, vectors)])
    assert few.lists_searched == few.lists == 4
