"""`chancery import --embed` and `chancery embed`: the documents embedded before the command
returns, an honest count, nothing embedded twice unless asked (--all)."""

from __future__ import annotations

import json
from pathlib import Path

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
