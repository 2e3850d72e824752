"""The passage vectors in the catalogue, on both backends: stored as float16 under keys never
given twice, replaced whole, followed by sequence number (additions and removals alike), gone
with a purged document; what needs embedding is what changed since it was embedded."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from sqlalchemy import select

from chancery.bootstrap import App
from chancery.domain.documents import Document
from chancery.domain.jobs import Stage
from chancery.domain.revisions import Revision
from chancery.storage.interface import DocumentWrite
from chancery.storage.jobs import SqlJobs
from chancery.storage.purge import SqlPurge
from chancery.storage.tables import documents
from chancery.storage.vectors import SqlPassageVectors, from_bytes, to_bytes

REV = Revision(datetime(2026, 11, 30, tzinfo=UTC), "test", "vectors")
MODEL = "test-model@1"


def _unit(n: int, seed: int) -> np.ndarray:
    rows = np.random.default_rng(seed).normal(size=(n, 512)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _write(app: App, names: list[str], title: str = "Doc") -> dict[str, int]:
    with app.catalogue.session() as s:
        s.write_documents([DocumentWrite(Document(p, f"{title} {p}", f"t/{p}"), [], f"h{p}{title}",
                                         REV) for p in names])
    with app.catalogue.engine.connect() as conn:
        return {p: i for p, i in conn.execute(select(documents.c.public_id, documents.c.id))}


def test_float16_keeps_the_cosine_within_a_thousandth() -> None:
    rows = _unit(200, 1)
    back = from_bytes([to_bytes(r) for r in rows], 512)
    assert len(to_bytes(rows[0])) == 1024
    assert np.all(np.abs((rows * back).sum(axis=1) - 1) < 1e-3)


def test_vectors_are_stored_replaced_and_followed_by_sequence(app: App) -> None:
    store = SqlPassageVectors(app.catalogue.engine)
    ids = _write(app, ["a", "b"])
    assert store.pending(MODEL, 0, 10) == [ids["a"], ids["b"]]
    assert store.count_pending(MODEL) == 2
    first = _unit(3, 2)
    as_of = app.catalogue.changes()
    assert store.store(ids["a"], MODEL, as_of, "hash1", ["summary#0", "en#0", "en#2"], first)
    assert store.pending(MODEL, 0, 10) == [ids["b"]]
    assert store.pending("other-model@2", 0, 10) == [ids["a"], ids["b"]]
    seq1 = store.sequence()
    page = store.vectors_since(0, 0, 100)
    assert len(page.keys) == 3 and np.allclose(page.vectors, first, atol=2e-3)
    assert store.passages_at(page.keys) == {k: ("a", w) for k, w in
                                            zip(page.keys, ["summary#0", "en#0", "en#2"],
                                                strict=True)}
    # embedded again: the old keys are removed as of the new sequence number, new keys given
    assert store.store(ids["a"], MODEL, as_of, "hash2", ["summary#0"], _unit(1, 3))
    assert store.removed_since(seq1) == page.keys and store.removed_since(store.sequence()) == []
    again = store.vectors_since(seq1, 0, 100)
    assert len(again.keys) == 1 and again.keys[0] > max(page.keys)
    wheres, own = store.vectors_of("a", MODEL)
    assert wheres == ["summary#0"] and own.keys == again.keys
    assert store.text_hashes([ids["a"], ids["b"]], MODEL) == {ids["a"]: "hash2"}


def test_a_document_written_after_it_was_embedded_is_pending_again(app: App) -> None:
    store = SqlPassageVectors(app.catalogue.engine)
    ids = _write(app, ["a"])
    store.store(ids["a"], MODEL, app.catalogue.changes(), "h", ["summary#0"], _unit(1, 4))
    assert store.pending(MODEL, 0, 10) == []
    with app.catalogue.session() as s:
        state = s.document_states(["t/a"])["t/a"]
        s.write_documents([DocumentWrite(Document("a", "Doc a, corrected", "t/a"), [], "h2", REV,
                                         existing_id=state.id)])
    assert store.pending(MODEL, 0, 10) == [ids["a"]]
    store.mark_embedded(ids["a"], MODEL, app.catalogue.changes())  # same passages: no new vectors
    assert store.pending(MODEL, 0, 10) == [] and store.pending(MODEL, 0, 10, every=True) == [ids["a"]]


def test_a_purged_documents_vectors_go_and_their_keys_are_removed(app: App) -> None:
    store = SqlPassageVectors(app.catalogue.engine)
    ids = _write(app, ["a", "b"])
    store.store(ids["a"], MODEL, app.catalogue.changes(), "h", ["summary#0", "en#0"], _unit(2, 5))
    store.store(ids["b"], MODEL, app.catalogue.changes(), "h", ["summary#0"], _unit(1, 6))
    keys = store.vectors_of("a", MODEL)[1].keys
    seen = store.sequence()
    SqlPurge(app.catalogue.engine).purge(ids["a"])
    assert store.removed_since(seen) == keys
    assert store.passages_at(keys) == {} and len(store.vectors_since(0, 0, 10).keys) == 1
    assert not store.store(ids["a"], MODEL, app.catalogue.changes(), "h", [], _unit(0, 7))


def test_a_sweep_takes_each_change_once_and_skips_waiting_jobs(app: App) -> None:
    store = SqlPassageVectors(app.catalogue.engine)
    ids = _write(app, ["a", "b", "c"])
    SqlJobs(app.catalogue.engine).enqueue([(ids["b"], Stage.EMBED, {}, "")])
    store.store(ids["c"], MODEL, app.catalogue.changes(), "h", ["summary#0"], _unit(1, 8))
    assert store.queue_changed(MODEL, "embed") == [ids["a"]]
    assert store.queue_changed(MODEL, "embed") == []  # the mark moved on
    _write(app, ["d"])
    assert store.queue_changed(MODEL, "embed") == [_write(app, [])["d"]]


@pytest.mark.parametrize("n", [0, 1])
def test_nothing_pending_in_an_empty_page(app: App, n: int) -> None:
    store = SqlPassageVectors(app.catalogue.engine)
    ids = _write(app, [f"x{i}" for i in range(n)])
    assert store.pending(MODEL, max(ids.values(), default=0), 10) == []


def test_old_removals_are_forgotten_and_the_horizon_is_kept(app: App) -> None:
    """Removals pile up with every document embedded again; all but the newest are forgotten,
    and how far, so that a follower older than that knows to build anew."""
    store = SqlPassageVectors(app.catalogue.engine)
    ids = _write(app, ["a", "b"])
    as_of = app.catalogue.changes()
    seqs = []
    for n in range(4):  # each store of a document removes its former keys
        store.store(ids["a"], MODEL, as_of, f"h{n}", ["en#0", "en#1"], _unit(2, 10 + n))
        seqs.append(store.sequence())
    assert len(store.removed_since(0)) == 6 and store.pruned_to() == 0
    assert store.prune_removed(keep=10) == 0
    assert store.prune_removed(keep=2) == 4  # the two removals of the last store are kept
    assert store.pruned_to() == seqs[2] and store.removed_since(0) == store.removed_since(seqs[2])
    assert len(store.removed_since(0)) == 2
    assert store.prune_removed(keep=2) == 0 and store.pruned_to() == seqs[2]


def test_a_large_sweep_is_taken_a_part_at_a_time_without_splitting_a_write(app: App) -> None:
    """With at most 2 a sweep, three writes (of 1, 3 and 1 documents) are queued over three
    sweeps, oldest first, the three documents of one write together; nothing twice."""
    store = SqlPassageVectors(app.catalogue.engine)
    _write(app, ["a"])
    _write(app, ["b", "c", "d"])
    ids = _write(app, ["e"])
    first = store.queue_changed(MODEL, "embed", most=2)
    assert first == [ids["a"], ids["b"], ids["c"], ids["d"]]  # b's write kept whole
    assert store.queue_changed(MODEL, "embed", most=2) == [ids["e"]]
    assert store.queue_changed(MODEL, "embed", most=2) == []
    last = _write(app, ["f", "g", "h"])  # the last write, larger than a sweep
    assert store.queue_changed(MODEL, "embed", most=2) == [last["f"], last["g"], last["h"]]
    assert store.queue_changed(MODEL, "embed", most=2) == []
