"""A purged document is not brought back by importing its source again: the import refuses
it, naming the file and the day of the purge, and lands the rest; `--allow-purged` brings it
back, on the audit log (services/imports.py, storage/purge.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from chancery.bootstrap import App, build_app
from chancery.cli import app as cli
from chancery.config import load_settings
from chancery.domain import clock
from chancery.domain.publication import Actor
from chancery.services import search
from chancery.services.imports import import_paths
from tests.e2e.test_purge import GONE, KEPT, _bundle

runner = CliRunner()


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[App]:
    """The purge tests' two documents, the first purged."""
    app = build_app(load_settings(data=str(tmp_path / "data"), database_url=""))
    assert not import_paths([_bundle(tmp_path / "bundle")], app.import_context()).failed
    search.rebuild_index(app.catalogue, app.index)
    done = _cli(app, "purge", GONE, "--reason", "court order 2026-114", "--yes")
    assert done.exit_code == 0, done.output
    yield app
    app.catalogue.dispose()


def _cli(app: App, *args: str) -> object:
    return runner.invoke(cli, ["--data", str(app.settings.data), *args], env={"COLUMNS": "250"})


def _with_new_document(folder: Path) -> Path:
    """The same bundle with one more document in it."""
    record = yaml.safe_load((folder / f"{KEPT}.yaml").read_text())
    record.update(public_id="newcomer", relations=[])
    (folder / "newcomer.yaml").write_text(yaml.safe_dump(record))
    (folder / "newcomer.en.txt").write_text("A newcomer on Canberra.\n")
    return folder


def _exists(app: App, ident: str) -> bool:
    return app.catalogue.get_document(ident, Actor.EDITOR, clock.today()) is not None


def test_a_reimport_refuses_the_purged_document_and_lands_the_rest(archive: App,
                                                                   tmp_path: Path) -> None:
    """Exit 1; the failure names the file and "purged on DATE (see the audit log)"; the new
    document is imported; the purged one stays gone."""
    folder = _with_new_document(tmp_path / "bundle")
    done = _cli(archive, "import", "--json", str(folder))
    assert done.exit_code == 1, done.output  # type: ignore[attr-defined]
    said = json.loads(done.output)  # type: ignore[attr-defined]
    assert said["imported"] == 1 and _exists(archive, "newcomer")
    [failure] = said["failed"]
    assert failure["item"] == GONE and str(folder) in failure["file"]
    assert f"purged on {clock.today():%Y-%m-%d} (see the audit log)" in failure["reason"]
    assert not _exists(archive, GONE)


def test_allow_purged_brings_it_back_on_the_audit_log(archive: App, tmp_path: Path) -> None:
    """--allow-purged imports it, and the audit log says who did; later imports update it as
    any other document."""
    done = _cli(archive, "import", "--allow-purged", str(tmp_path / "bundle"))
    assert done.exit_code == 0, done.output  # type: ignore[attr-defined]
    assert _exists(archive, GONE)
    assert [e.subject for e in archive.accounts.audit(None, 100)
            if e.action == "import-purged"] == [GONE]
    again = _cli(archive, "import", str(tmp_path / "bundle"))
    assert again.exit_code == 0, again.output  # type: ignore[attr-defined]


def test_a_purged_source_id_is_known_again_under_another_public_id(archive: App,
                                                                   tmp_path: Path) -> None:
    """The purge keeps a hash of the source id (not the id), and a re-import by it is refused
    even when the source now gives another public id."""
    folder = tmp_path / "bundle"
    record = yaml.safe_load((folder / f"{KEPT}.yaml").read_text())
    record.update(public_id="sourced1", source_id="NARA 104-10001-10001", relations=[])
    (folder / "sourced1.yaml").write_text(yaml.safe_dump(record))
    assert import_paths([folder], archive.import_context()).imported == 1
    assert _cli(archive, "purge", "sourced1", "--reason", "privacy", "--yes").exit_code == 0
    record.update(public_id="renamed1")
    (folder / "sourced1.yaml").write_text(yaml.safe_dump(record))
    result = import_paths([folder], archive.import_context())
    assert sorted(f.item for f in result.failed) == ["NARA 104-10001-10001", GONE]
    refused = next(f for f in result.failed if f.item != GONE)
    assert refused.reason.startswith("NARA 104-10001-10001 was purged on ")
    assert not _exists(archive, "renamed1")
