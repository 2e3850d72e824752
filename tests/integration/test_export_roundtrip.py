"""`chancery export --format bundle`, then import: a fresh archive becomes the same archive
(every record, authority, relation, collection and scan), and the archive it came from finds
nothing to change. The source archive is on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from chancery.bootstrap import App, build_app
from chancery.cli import app as cli
from chancery.config import load_settings
from chancery.demo import DEMO_DIR
from chancery.domain.publication import Actor
from chancery.services import documents, search
from tests.integration.sources import SCANS, archive_records, row_counts, run_import

FRUS_VOLUME = DEMO_DIR / "frus1958-60v19.xml"
runner = CliRunner()


def _cli(app: App, *args: str) -> str:
    """Run the CLI on the app's archive (its data folder and, for PostgreSQL, its URL)."""
    db = ["--db", app.settings.database_url] if app.settings.database_url else []
    result = runner.invoke(cli, ["--data", str(app.settings.data), *db, *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def source(app: App, reference_bundle: Path) -> App:
    """An archive holding the reference pair (one of them embargoed and in review), the demo
    scans and the FRUS volume on China, 1958-60."""
    meta_path = reference_bundle / "000.yaml"
    meta = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    meta["publication"] = {"state": "in-review", "embargo_until": "2099-12-31"}
    meta_path.write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    summary = run_import(app, reference_bundle, SCANS / "scans.csv", FRUS_VOLUME)
    assert (summary.imported, summary.failed) == (409, [])
    search.rebuild_index(app.catalogue, app.index)
    app.lay_gazetteer()  # as `chancery import` does once the import is indexed
    return app


def _export(app: App, dest: Path) -> Path:
    out = _cli(app, "export", "--format", "bundle", "--out", str(dest))
    assert "Wrote 409 documents" in out
    return dest


def _authorities(app: App) -> list[object]:
    keys = sorted({lk["key"] for r in archive_records(app).values() for lk in r["links"]})
    return list(app.catalogue.authority_records(keys))


def _check_export_files(bundle: Path) -> None:
    """Every text and scan a document file of the export names is inside the export."""
    metas = sorted((bundle / "documents").glob("*.yaml"))
    assert len(metas) == 409
    for path in metas:
        meta = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        named = [path.parent / t["file"] for t in meta["texts"]]
        named += [path.parent / m["file"] for m in meta["media"]]
        assert all(f.resolve().is_relative_to(bundle) and f.is_file() for f in named), path


def _check_reference_pair(fresh: App) -> None:
    """The enclosure is shown from both ends, and the embargoed note stays hidden."""
    letter = documents.show_document(fresh.catalogue, "0874552c", Actor.EDITOR)
    note = documents.show_document(fresh.catalogue, "7da35b31", Actor.EDITOR)
    assert letter is not None and note is not None
    assert [(r.label, r.public_id) for r in letter.related] == [("Encloses", "7da35b31")]
    assert [(r.label, r.public_id) for r in note.related] == [("Enclosed in", "0874552c")]
    assert documents.show_document(fresh.catalogue, "7da35b31", Actor.PUBLIC) is None


def _check_fresh_import(bundle: Path, data: Path, source: App, records: dict[str, object]) -> None:
    """Imported into a fresh SQLite archive with the CLI, the export gives the same archive."""
    result = runner.invoke(cli, ["--data", str(data), "import", "--json", str(bundle)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["imported"] == 409
    fresh = build_app(load_settings(data=str(data), database_url=""))
    try:
        assert archive_records(fresh) == records
        assert _authorities(fresh) == _authorities(source)
        assert row_counts(fresh)["authorities"] == row_counts(source)["authorities"]
        assert fresh.catalogue.collections(Actor.EDITOR, date.today()) == \
            source.catalogue.collections(Actor.EDITOR, date.today())
        hashes = sorted(source.catalogue.media_hashes())
        assert len(hashes) == 3 and sorted(fresh.catalogue.media_hashes()) == hashes
        assert all(fresh.blobs.verify(h) for h in hashes)
        for actor in (Actor.EDITOR, Actor.PUBLIC):
            assert (documents.archive_stats(fresh.catalogue, actor).as_dict()
                    == documents.archive_stats(source.catalogue, actor).as_dict())
        _check_reference_pair(fresh)
    finally:
        fresh.catalogue.dispose()


def _check_home_import(bundle: Path, source: App, records: dict[str, object]) -> None:
    """Imported into the archive it came from, the export changes nothing at all."""
    counts = row_counts(source)
    blobs = sorted(p.name for p in source.blobs.root.rglob("*") if p.is_file())
    summary = run_import(source, bundle)
    assert (summary.imported, summary.updated, summary.unchanged, summary.failed) == (0, 0, 409, [])
    assert summary.authorities_created == 0
    assert archive_records(source) == records
    assert row_counts(source) == counts
    assert sorted(p.name for p in source.blobs.root.rglob("*") if p.is_file()) == blobs


def test_an_export_is_the_same_archive_fresh_or_at_home(source: App, tmp_path: Path) -> None:
    """In a fresh archive, the export gives back every document's full record (links, texts,
    scans, collections, relations from both ends, publication), the authority records with all
    their names, the collection tree, the scans by hash and the statistics; imported into the
    archive it came from, all 409 documents are unchanged and not one row or scan is added."""
    bundle = _export(source, tmp_path / "export")
    _check_export_files(bundle)
    records = archive_records(source)
    _check_fresh_import(bundle, tmp_path / "fresh", source, records)
    _check_home_import(bundle, source, records)
