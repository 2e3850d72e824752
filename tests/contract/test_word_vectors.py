"""The archive's vocabulary in the catalogue, on both backends: counts add up across calls,
only words common enough and not yet embedded are handed out (commonest first), vectors come
back as stored, the sequence tells other nodes the vocabulary grew, and the migration makes
what storage declares."""

from __future__ import annotations

import numpy as np

from chancery.bootstrap import App
from chancery.storage.word_vectors import SqlWordVectors

MODEL = "test-model@1"


def _unit(n: int, seed: int) -> np.ndarray:
    rows = np.random.default_rng(seed).normal(size=(n, 512)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_counts_add_up_and_only_common_words_are_handed_out(app: App) -> None:
    words = SqlWordVectors(app.catalogue.engine)
    words.count(MODEL, {"missiles": 2, "turkey": 1, "rare": 1})
    words.count(MODEL, {"missiles": 1, "turkey": 2})
    words.count("other-model@1", {"missiles": 9})
    assert words.unembedded(MODEL, 3, 10) == ["missiles", "turkey"]  # tie: by the word
    words.count(MODEL, {"missiles": 1})
    assert words.unembedded(MODEL, 3, 1) == ["missiles"]  # commonest first
    assert words.unembedded(MODEL, 1, 10) == ["missiles", "turkey", "rare"]
    assert words.unembedded(MODEL, 1, 10, among=["rare", "turkey", "absent"]) == ["turkey", "rare"]


def test_vectors_are_kept_and_the_sequence_moves(app: App) -> None:
    words = SqlWordVectors(app.catalogue.engine)
    words.count(MODEL, {"missiles": 5, "turkey": 3, "rare": 1})
    before = words.sequence()
    vectors = _unit(2, 7)
    words.store(MODEL, ["missiles", "turkey"], vectors)
    assert words.sequence() == before + 1
    assert words.unembedded(MODEL, 1, 10) == ["rare"]
    held, documents, back = words.embedded(MODEL, 10)
    assert held == ["missiles", "turkey"] and documents == [5, 3]
    assert np.all((back * vectors).sum(axis=1) > 0.999)
    assert words.embedded(MODEL, 1)[0] == ["missiles"]
    words.clear(MODEL)
    assert words.embedded(MODEL, 10)[0] == [] and words.unembedded(MODEL, 1, 10) == []
    assert words.sequence() == before + 2


def test_the_migration_matches_the_word_vectors_table(app: App) -> None:
    """What 0026 made is what storage/word_vectors.py declares."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from chancery.storage.tables import metadata

    with app.catalogue.engine.connect() as conn:
        drift = compare_metadata(MigrationContext.configure(conn), metadata)
    assert [d for d in drift if "word_vectors" in repr(d)] == []
