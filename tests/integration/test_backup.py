"""`chancery backup` and `chancery restore`: the same archive comes back (records, rows,
stored files, search, search by meaning) on SQLite and on PostgreSQL; a backup taken while an
import writes is one consistent moment; a damaged backup is refused before anything is
written; `chancery check` names each missing or damaged stored file."""

from __future__ import annotations

import json
import secrets
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url
from typer.testing import CliRunner, Result

from chancery.bootstrap import App, build_app
from chancery.cli import app as cli
from chancery.config import load_settings
from chancery.demo import DEMO_DIR
from chancery.domain.readers import Reader
from chancery.services import search
from tests.conftest import PG_URL, need
from tests.editorial import import_bundle
from tests.integration.sources import SCANS, archive_records, row_counts, run_import
from tests.meaning_helpers import embedded
from tests.scan_pdfs import text_pdf

FRUS_VOLUME = DEMO_DIR / "frus1958-60v19.xml"
QUERIES = ("Soviet experts", "Taiwan Strait", "Khrushchev Mao", "date:1960 type:telegram")
runner = CliRunner()


def _cli(settings_of: App | tuple[Path, str], *args: str) -> Result:
    data, url = ((settings_of.settings.data, settings_of.settings.database_url)
                 if isinstance(settings_of, App) else settings_of)
    return runner.invoke(cli, ["--data", str(data), *(["--db", url] if url else []),
                               *args, "--no-progress"])


def _said(result: Result) -> str:
    """The output in one line: Rich folds it to the terminal's width (CI's is not ours)."""
    return " ".join(result.output.split())


def _open(data: Path, url: str = "") -> App:
    return build_app(load_settings(data=str(data), database_url=url))


def _fill(app: App, reference_bundle: Path) -> App:
    """The reference pair, the demo's scans and the FRUS volume on China 1958-60, indexed,
    with a slice of them embedded for search by meaning."""
    summary = run_import(app, reference_bundle, SCANS / "scans.csv", FRUS_VOLUME)
    assert (summary.imported, summary.failed) == (409, [])
    search.rebuild_index(app.catalogue, app.index)
    ids = [r.public_id for r in app.search.documents("Soviet experts", per_page=20,
                                                      reader=Reader.editor()).results.hits]
    embedded(app, ids)
    return app


def _blobs(app: App) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in app.settings.blob_dir.rglob("*") if p.is_file()}


def _searches(app: App) -> dict[str, list[str]]:
    """What each query finds, as a set (sorted): a rebuilt index may order ties apart."""
    found = {}
    for q in QUERIES:
        chosen = app.search.select(q, reader=Reader.editor(), meaning=False)
        found[q] = sorted(pid for chunk in chosen.chunks for pid in chunk)
    found["meaning"] = [n.public_id for n in app.meaning.near_text("withdrawal of advisers", 5)]
    return found


def _same_archive(source: App, restored: App) -> None:
    assert archive_records(restored) == archive_records(source)
    assert row_counts(restored) == row_counts(source)
    assert row_counts(restored)["passage_vectors"] > 0
    assert _blobs(restored) == _blobs(source) and len(_blobs(source)) == 3
    searched = _searches(restored)
    assert searched == _searches(source) and all(searched.values())


@pytest.fixture(scope="module")
def sqlite_source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """A SQLite archive with 409 documents, 3 scans and some passage vectors, and a
    backup of it (module-wide: the tests only read them)."""
    from tests.conftest import FIXTURES, REFERENCE, _reference_text
    need(REFERENCE.is_dir(), f"reference documents not found at {REFERENCE}")
    folder = tmp_path_factory.mktemp("source")
    bundle = folder / "reference"
    shutil.copytree(FIXTURES / "reference", bundle)
    (bundle / "000.en.txt").write_text(_reference_text("000", "The Embassy of the Union", None))
    (bundle / "001.en.txt").write_text(_reference_text(
        "001", "TO THE CENTRAL COMMITTEE", "18 July 1960"))
    app = _fill(_open(folder / "data"), bundle)
    result = _cli(app, "backup", str(folder / "backup"))
    assert result.exit_code == 0, result.output
    yield app
    app.close()


def _backup_of(source: App) -> Path:
    return source.settings.data.parent / "backup"


def test_sqlite_round_trip_gives_back_the_same_archive(sqlite_source: App, tmp_path: Path) -> None:
    """Restored into a new data folder, the backup is the same archive: every record, every
    row of every table, the three scans byte for byte, the same search results and the
    same neighbours by meaning; the summary gives the counts."""
    result = _cli((tmp_path / "restored", ""), "restore", str(_backup_of(sqlite_source)))
    assert result.exit_code == 0, result.output
    assert "Restored 409 documents (409 indexed" in result.output
    assert "3 stored files" in result.output
    restored = _open(tmp_path / "restored")
    try:
        _same_archive(sqlite_source, restored)
        assert _cli(restored, "check").exit_code == 0
    finally:
        restored.close()


def test_restore_refuses_an_archive_in_use_unless_forced(sqlite_source: App,
                                                         tmp_path: Path) -> None:
    """Restoring over an archive that holds documents is refused; with --force the archive
    becomes the backup: a document and a scan added since are gone."""
    data = tmp_path / "data"
    shutil.copytree(sqlite_source.settings.data, data)
    later = _open(data)
    try:
        scan = tmp_path / "later.pdf"
        scan.write_bytes(text_pdf([[(72, 700, "A scan imported after the backup")]]))
        assert run_import(later, scan).imported == 1
        extra = _blobs(later).keys() - _blobs(sqlite_source).keys()
        assert len(extra) == 1
    finally:
        later.close()
    refused = _cli((data, ""), "restore", str(_backup_of(sqlite_source)))
    assert refused.exit_code == 1 and "not empty" in refused.output
    forced = _cli((data, ""), "restore", "--force", str(_backup_of(sqlite_source)))
    assert forced.exit_code == 0, forced.output
    restored = _open(data)
    try:
        assert archive_records(restored) == archive_records(sqlite_source)
        assert not extra & _blobs(restored).keys()
    finally:
        restored.close()


def test_a_damaged_backup_is_refused_before_anything_is_written(sqlite_source: App,
                                                                tmp_path: Path) -> None:
    """One flipped byte in one stored file of the backup: restore fails naming that file,
    and the target holds no catalogue and no file; a damaged catalogue snapshot is refused
    the same way."""
    backup = tmp_path / "backup"
    shutil.copytree(_backup_of(sqlite_source), backup)
    bad = sorted((backup / "blobs").rglob("*/*/*"))[1]
    data = bytearray(bad.read_bytes())
    data[len(data) // 2] ^= 0xFF
    bad.write_bytes(bytes(data))
    result = _cli((tmp_path / "target", ""), "restore", str(backup))
    assert result.exit_code == 1
    assert bad.name in result.output.replace("\n", "") and "damaged" in result.output
    target = tmp_path / "target"
    assert not (target / "catalogue.sqlite3").exists()
    assert not [p for p in (target / "blobs").rglob("*") if p.is_file()]

    shutil.copyfile(sorted((_backup_of(sqlite_source) / "blobs").rglob("*/*/*"))[1], bad)
    with sqlite3.connect(backup / "catalogue.sqlite3") as conn:
        conn.execute("UPDATE documents SET title = 'forged' WHERE id = 1")
    conn.close()
    result = _cli((target, ""), "restore", str(backup))
    assert result.exit_code == 1 and "catalogue.sqlite3 (missing or damaged)" in _said(result)
    assert not (target / "catalogue.sqlite3").exists()


def test_a_backup_of_a_newer_chancery_is_refused(sqlite_source: App, tmp_path: Path) -> None:
    """A backup whose catalogue is at a schema this Chancery does not know is refused before
    anything is written, saying to upgrade."""
    backup = tmp_path / "backup"
    shutil.copytree(_backup_of(sqlite_source), backup)
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["catalogue"]["revision"] = "0999"
    (backup / "manifest.json").write_text(json.dumps(manifest))
    result = _cli((tmp_path / "target", ""), "restore", str(backup))
    assert result.exit_code == 1 and "upgrade Chancery first" in _said(result)
    assert not (tmp_path / "target" / "catalogue.sqlite3").exists()


def test_a_backup_during_an_import_is_one_consistent_moment(tmp_path: Path) -> None:
    """While an import stores the FRUS volume and the scans batch by batch, three backups
    each hold exactly the documents their manifest counts and every scan their catalogue
    names; the last one restores into an archive `check` finds sound."""
    app = _open(tmp_path / "data")
    importing = threading.Thread(target=run_import, args=(app, FRUS_VOLUME, SCANS / "scans.csv"))
    importing.start()
    manifests = []
    try:
        for n in range(3):
            while importing.is_alive() and app.catalogue.changes() <= 100 * n:
                threading.Event().wait(0.05)
            result = _cli(app, "backup", str(tmp_path / f"b{n}"))
            assert result.exit_code == 0, result.output
            manifests.append(json.loads((tmp_path / f"b{n}" / "manifest.json").read_text()))
    finally:
        importing.join()
        app.close()
    counts = [m["catalogue"]["documents"] for m in manifests]
    assert counts[0] < 409 and counts == sorted(counts), counts  # taken while it ran
    for n, manifest in enumerate(manifests):
        with sqlite3.connect(tmp_path / f"b{n}" / "catalogue.sqlite3") as conn:
            assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == counts[n]
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
        assert set(manifest["catalogue"]["named_blobs"]) <= set(manifest["blobs"]["sha256"])
    result = _cli((tmp_path / "restored", ""), "restore", str(tmp_path / "b2"))
    assert result.exit_code == 0, result.output
    assert _cli((tmp_path / "restored", ""), "check").exit_code == 0


def test_check_names_a_damaged_and_a_missing_stored_file(sqlite_source: App,
                                                         tmp_path: Path) -> None:
    """`chancery check` re-hashes every stored file the catalogue names: one damaged and
    one deleted, each is named (file name, document, hash) and the exit status is 1."""
    data = tmp_path / "data"
    shutil.copytree(sqlite_source.settings.data, data)
    damaged, missing = sorted(p for p in (data / "blobs").rglob("*/*/*"))[:2]
    damaged.write_bytes(damaged.read_bytes()[:-1] + b"\x00")
    missing.unlink()
    result = _cli((data, ""), "check")
    assert result.exit_code == 1
    lines = [ln for ln in " ".join(result.output.split()).split("✗") if "stored file" in ln]
    assert len(lines) == 2, result.output
    assert any(damaged.name in ln and "no longer has its hash" in ln for ln in lines)
    assert any(missing.name in ln and "not in the blob store" in ln for ln in lines)
    assert all(".pdf (" in ln for ln in lines)


def test_a_derived_folder_elsewhere_is_left_out_and_emptied_by_a_restore(tmp_path: Path) -> None:
    """With ``derived_dir`` outside the data folder (a shared mount): a backup holds none of
    its files, and a restore empties it (a download named by a change count the restored
    catalogue reaches again would be served) while the folder itself, a mount point, stays."""
    derived = tmp_path / "shared-derived"
    env = {"CHANCERY_DERIVED_DIR": str(derived)}
    app = build_app(load_settings(data=str(tmp_path / "data"), derived_dir=str(derived)))
    try:
        import_bundle(app, tmp_path / "bundle")
    finally:
        app.close()
    stale = derived / "downloads" / "documents-0.0-000000000003-20261201.jsonl"
    stale.parent.mkdir(parents=True)
    stale.write_text('{"title": "made from the catalogue before"}\n')
    data = ["--data", str(tmp_path / "data")]
    result = runner.invoke(cli, [*data, "backup", str(tmp_path / "backup"), "--no-progress"],
                           env=env)
    assert result.exit_code == 0, result.output
    kept = {p.name for p in (tmp_path / "backup").iterdir()}
    assert kept <= {"manifest.json", "settings.json", "catalogue.sqlite3", "blobs"}, kept
    assert not any(p.name == stale.name for p in (tmp_path / "backup").rglob("*"))
    result = runner.invoke(cli, [*data, "restore", "--force", str(tmp_path / "backup"),
                                 "--no-progress"], env=env)
    assert result.exit_code == 0, result.output
    assert derived.is_dir() and not stale.exists()
    assert not (tmp_path / "data" / "derived").exists()


def test_a_backup_is_kept_apart_from_the_archive_and_never_restored_from_inside_it(
        sqlite_source: App, tmp_path: Path) -> None:
    """Found by a hostile test: a backup into the data folder was accepted, and a restore
    from one under index/ or derived/ emptied those folders, the backup with them, and
    still said "Restored"."""
    data = tmp_path / "data"
    shutil.copytree(sqlite_source.settings.data, data)
    inside = _cli((data, ""), "backup", str(data / "index" / "nightly"))
    assert inside.exit_code == 1 and "inside the archive's folder" in \
        _said(inside)
    assert not (data / "index" / "nightly").exists()
    kept = data / "derived" / "nightly"
    shutil.copytree(_backup_of(sqlite_source), kept)
    refused = _cli((data, ""), "restore", "--force", str(kept))
    assert refused.exit_code == 1 and "move it out first" in _said(refused)
    assert (kept / "manifest.json").is_file()


def test_a_restore_cut_short_is_told_and_can_be_run_again(sqlite_source: App,
                                                          tmp_path: Path) -> None:
    """Found by a hostile test: a restore killed half-way left files and no catalogue, and
    the next restore said only "not empty". The data folder's RESTORING says a restore is
    under way until it has finished (a restore that ended leaves none)."""
    target = tmp_path / "target"
    target.mkdir()
    (target / "RESTORING").write_text("/backups/earlier\n")  # as a killed restore left it
    (target / "blobs").mkdir()
    told = _cli((target, ""), "restore", str(_backup_of(sqlite_source)))
    assert told.exit_code == 1
    assert "earlier restore into this archive (from /backups/earlier) did not finish" in \
        _said(told)
    again = _cli((target, ""), "restore", "--force", str(_backup_of(sqlite_source)))
    assert again.exit_code == 0, again.output
    assert not (target / "RESTORING").exists()
    assert _cli((target, ""), "check").exit_code == 0
    (target / "RESTORING").write_text("/backups/earlier\n")  # `check` says it too
    checked = _cli((target, ""), "check")
    assert checked.exit_code == 1 and "(from /backups/earlier) did not finish" in _said(checked)


def test_a_restore_waits_for_no_rebuild_and_keeps_its_lock(sqlite_source: App,
                                                          tmp_path: Path) -> None:
    """Found by a hostile test: a restore during a `reindex` emptied the index folder under
    it, its lock file too; the reindex died with a traceback and the restore's own rebuild
    ran beside it. A restore now refuses while a rebuild holds the lock, writing nothing."""
    import os

    from chancery.search.index_folders import REBUILDING, hold_rebuild
    data = tmp_path / "data"
    shutil.copytree(sqlite_source.settings.data, data)
    held = hold_rebuild(data / "index")  # as a `reindex` under way holds it
    try:
        refused = _cli((data, ""), "restore", "--force", str(_backup_of(sqlite_source)))
        assert refused.exit_code == 1, refused.output
        assert "another process is rebuilding the search index" in _said(refused)
        assert not (data / "RESTORING").exists() and (data / "index" / REBUILDING).exists()
    finally:
        os.close(held)
    done = _cli((data, ""), "restore", "--force", str(_backup_of(sqlite_source)))
    assert done.exit_code == 0, done.output
    assert (data / "index" / REBUILDING).exists()


def test_bad_places_and_files_are_said_in_words(sqlite_source: App, tmp_path: Path) -> None:
    """Found by a hostile test: tracebacks for a DEST under a file, a SRC that is a file,
    a manifest that is a folder or not UTF-8; a settings.json that is not an object made a
    finished restore report failure."""
    afile = tmp_path / "afile"
    afile.write_text("x")
    source = (sqlite_source.settings.data, "")  # read only: the backup fails before
    for where, args, said in ((source, ["backup", str(afile / "sub")], "Backup failed:"),
                              ((tmp_path / "t1", ""), ["restore", str(afile)],
                               "Restore failed:")):
        result = _cli(where, *args)
        assert result.exit_code == 1 and said in _said(result), result.output
        assert not isinstance(result.exception, OSError | AttributeError)
    cut = tmp_path / "cut"  # a backup killed before its manifest
    (cut / "blobs" / "ab").mkdir(parents=True)
    result = _cli(source, "backup", str(cut))
    assert result.exit_code == 1 and "did not finish (no manifest.json)" in \
        _said(result)
    odd = tmp_path / "odd"
    shutil.copytree(_backup_of(sqlite_source), odd)
    (odd / "manifest.json").write_bytes(b"\xff\xfe{")
    result = _cli((tmp_path / "t2", ""), "restore", str(odd))
    assert result.exit_code == 1 and "manifest.json is damaged" in \
        _said(result)
    shutil.copyfile(_backup_of(sqlite_source) / "manifest.json", odd / "manifest.json")
    (odd / "settings.json").write_text('["x"]')
    result = _cli((tmp_path / "t3", ""), "restore", str(odd))
    assert result.exit_code == 0, result.output


# -- PostgreSQL -----------------------------------------------------------------------------

@pytest.fixture
def pg_databases() -> Iterator[tuple[str, str]]:
    """Two databases of this test's own on the test server (others use chancery_test)."""
    need(bool(PG_URL), "PostgreSQL not configured: set CHANCERY_TEST_PG_URL")
    base = make_url(PG_URL)
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    names = [f"h16_backup_{secrets.token_hex(4)}_{n}" for n in ("a", "b")]
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    source, target = (base.set(database=n).render_as_string(hide_password=False)
                      for n in names)
    try:
        yield source, target
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_postgresql_round_trip_gives_back_the_same_archive(pg_databases: tuple[str, str],
                                                           reference_bundle: Path,
                                                           tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """pg_dump in, psql out: restored into another database, the backup is the same archive
    (records, rows, scans, search, neighbours by meaning). From a folder whose name starts
    with "-" (pg_restore read it as an option, found by a hostile test); into a database
    that does not exist, refused in words (a traceback of 450 lines)."""
    source_url, target_url = pg_databases
    source = _fill(_open(tmp_path / "source", source_url), reference_bundle)
    try:
        result = _cli(source, "backup", str(tmp_path / "-backup"))
        assert result.exit_code == 0, result.output
        assert (tmp_path / "-backup" / "catalogue.dump").is_file()
        missing = make_url(target_url).set(database="no_such_database_h23").render_as_string(
            hide_password=False)
        result = _cli((tmp_path / "nowhere", missing), "restore", str(tmp_path / "-backup"))
        assert result.exit_code == 1 and "Restore failed: cannot read the catalogue" in \
            _said(result), result.output
        monkeypatch.chdir(tmp_path)
        result = runner.invoke(cli, ["--data", str(tmp_path / "target"), "--db", target_url,
                                     "restore", "--no-progress", "--", "-backup"])
        assert result.exit_code == 0, result.output
        restored = _open(tmp_path / "target", target_url)
        try:
            _same_archive(source, restored)
        finally:
            restored.close()
        _a_dump_whose_manifest_lies_is_caught(tmp_path, target_url)
    finally:
        source.close()


def _a_dump_whose_manifest_lies_is_caught(tmp_path: Path, target_url: str) -> None:
    """Found by a hostile test: a stored file taken out of a PostgreSQL backup and out of
    both lists of its manifest was restored past (the dump cannot be read before it is
    loaded), and --force removed the archive's own good copy. Now what the loaded catalogue
    names is read from it: refused, RESTORING kept, the archive's copy kept."""
    lying = tmp_path / "lying"
    shutil.copytree(tmp_path / "-backup", lying)
    manifest = json.loads((lying / "manifest.json").read_text())
    gone = manifest["catalogue"]["named_blobs"][0]
    manifest["catalogue"]["named_blobs"].remove(gone)
    del manifest["blobs"]["sha256"][gone]
    (lying / "manifest.json").write_text(json.dumps(manifest))
    next((lying / "blobs").rglob(gone)).unlink()
    target = tmp_path / "target"
    result = _cli((target, target_url), "restore", "--force", str(lying))
    assert result.exit_code == 1 and "the backup does not hold" in _said(result), result.output
    assert gone in _said(result) and (target / "RESTORING").is_file()
    assert list((target / "blobs").rglob(gone)), "the archive's own copy was removed"
