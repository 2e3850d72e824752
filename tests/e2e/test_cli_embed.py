"""`chancery import --embed` and `chancery embed`: the documents embedded before the command
returns, an honest count, nothing embedded twice unless asked (--all)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chancery.cli import app

runner = CliRunner()


def _run(data: Path, *args: str) -> dict[str, object]:
    result = runner.invoke(app, ["--data", str(data), *args], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


def test_import_embeds_when_asked_and_embed_does_only_what_changed(
        tmp_path: Path, reference_bundle: Path) -> None:
    data = tmp_path / "archive"
    imported = _run(data, "import", "--json", "--embed", str(reference_bundle))
    embedding = imported["embedding"]
    assert isinstance(embedding, dict)
    assert embedding["documents"] == embedding["embedded"] == 2
    assert embedding["passages"] == embedding["index_added"] and int(embedding["passages"]) > 2
    again = _run(data, "embed", "--json")
    assert (again["documents"], again["passages"], again["index_added"]) == (0, 0, 0)
    every = _run(data, "embed", "--all", "--json")
    assert every["embedded"] == 2 and every["passages"] == embedding["passages"]
    assert every["index_added"] == every["passages"]  # new keys; the old ones left the index


def test_import_does_not_embed_unless_asked(tmp_path: Path, reference_bundle: Path) -> None:
    data = tmp_path / "archive"
    imported = _run(data, "import", "--json", str(reference_bundle))
    assert "embedding" not in imported
    assert _run(data, "embed", "--json")["embedded"] == 2


def test_embed_words_counts_the_vocabulary_again_from_every_document(
        tmp_path: Path, reference_bundle: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`chancery embed --words`, for an archive embedded before the vocabulary was kept:
    every document's words counted anew (a second run does not count them twice) and the
    common ones embedded."""
    from sqlalchemy import create_engine, select

    from chancery.services import bridge_words
    from chancery.storage.word_vectors import word_vectors

    monkeypatch.setattr(bridge_words, "MIN_DOCUMENTS", 2)  # the bundle has two documents
    data = tmp_path / "archive"
    _run(data, "import", "--json", str(reference_bundle))
    first = _run(data, "embed", "--words", "--json")
    assert first["embedded"] == 2 and int(first["words_embedded"]) > 10
    again = _run(data, "embed", "--words", "--json")
    assert again["words_embedded"] == first["words_embedded"] and again["embedded"] == 0
    engine = create_engine(f"sqlite:///{data / 'catalogue.sqlite3'}")
    with engine.connect() as conn:
        most = max(conn.execute(select(word_vectors.c.documents)).scalars())
    engine.dispose()
    assert most == 2  # each document counted once, however often counted again
    assert "words_embedded" not in _run(data, "embed", "--json")
