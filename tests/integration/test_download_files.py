"""The dataset downloads made from the last files and what changed since are, byte for byte,
the files a whole read of the archive makes, after every kind of change that alters a public
record: a write, a new document relating to another, an embargo ending with the day (nobody
writes), a withdrawal, a purge."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from chancery.bootstrap import App
from chancery.cli import app as cli
from chancery.domain import clock
from chancery.services import download_files
from chancery.services.clock import today
from chancery.services.downloads import PublicDownloads
from chancery.services.imports import import_paths
from tests.e2e.test_limits import reference_archive

NOTE, LETTER = "7da35b31", "0874552c"  # the letter encloses the note


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[App]:
    app = reference_archive(tmp_path)
    yield app
    app.catalogue.dispose()


def _edit(app: App, name: str, change: Callable[[dict[str, Any]], None]) -> None:
    bundle = app.settings.data.parent / "reference"
    meta = yaml.safe_load((bundle / name).read_text()) if (bundle / name).exists() \
        else yaml.safe_load((bundle / "000.yaml").read_text())
    change(meta)
    (bundle / name).write_text(yaml.safe_dump(meta, allow_unicode=True))
    assert not import_paths([bundle], app.import_context()).failed


def _made_whole(app: App, folder: Path, write: Callable[..., None]) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    targets = {ext: folder / f"whole.{ext}" for ext in ("jsonl", "csv")}
    write(app.catalogue, targets, today(), lambda: None)
    return targets


def _served_mtime(app: App, ext: str) -> int:
    """When the newest file of that format was dated (its Last-Modified and ETag)."""
    newest = max((app.settings.data.parent / "downloads").glob(f"documents-*.{ext}"),
                 key=lambda p: p.stat().st_ctime_ns)
    return newest.stat().st_mtime_ns


def _ids(path: Path) -> list[str]:
    return [line.split("\t")[1] for line in Path(f"{path}.lines").read_text().splitlines()]


@pytest.fixture
def compare(archive: App, tmp_path: Path,
            monkeypatch: pytest.MonkeyPatch) -> Callable[[], list[str]]:
    """Makes the downloads as the server does, checks them against whole files, and
    returns the public ids in documents.jsonl; counts the whole makes."""
    files = PublicDownloads(archive.catalogue, tmp_path / "downloads")
    wholes: list[int] = []
    real = download_files.write_whole

    def counted(*args: Any) -> None:
        wholes.append(1)
        real(*args)

    monkeypatch.setattr(download_files, "write_whole", counted)

    def check() -> list[str]:
        assert files.refresh()
        whole = _made_whole(archive, tmp_path / "whole", real)
        for ext in ("jsonl", "csv"):
            served = files.current(ext)
            assert served is not None
            assert served.read_bytes() == whole[ext].read_bytes(), ext
            assert _ids(served) == _ids(whole[ext])
        check.wholes = len(wholes)  # type: ignore[attr-defined]
        served = files.current("jsonl")
        assert served is not None
        return _ids(served)

    return check


def test_files_made_from_the_last_ones_are_the_whole_files(
        archive: App, compare: Callable[[], list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    assert compare() == [NOTE, LETTER]
    assert compare.wholes == 1  # type: ignore[attr-defined]

    # the note's title changes: the letter's record names it (encloses)
    _edit(archive, "000.yaml", lambda m: m.update(title="The Soviet note, retitled"))
    assert compare() == [NOTE, LETTER]

    # a new document under an embargo that ends tomorrow, relating to the letter: nothing
    # the public sees changes, and the files keep the date of the last ones (validators)
    dated = {ext: _served_mtime(archive, ext) for ext in ("jsonl", "csv")}
    tomorrow = today() + timedelta(days=1)

    def embargoed(m: dict[str, Any]) -> None:
        m.update(public_id="5e5e5e5e", source_id="test/embargoed", title="Embargoed reply",
                 publication={"state": "published", "embargo_until": tomorrow.isoformat()},
                 relations=[{"type": "reply-to", "target": LETTER}])
    _edit(archive, "002.yaml", embargoed)
    assert compare() == [NOTE, LETTER]
    assert {ext: _served_mtime(archive, ext) for ext in ("jsonl", "csv")} == dated

    # the day after: nobody wrote, the embargo is over; the letter now shows the reply
    later = datetime.combine(tomorrow, datetime.min.time(), tzinfo=UTC) + timedelta(hours=9)
    monkeypatch.setattr(clock, "utc_now", lambda: later)
    assert compare() == [NOTE, LETTER, "5e5e5e5e"]

    # the note withdrawn: gone, and the letter's record no longer names it
    dated = {ext: _served_mtime(archive, ext) for ext in ("jsonl", "csv")}
    _edit(archive, "000.yaml", lambda m: m.update(publication={"state": "withdrawn"}))
    assert compare() == [LETTER, "5e5e5e5e"]
    assert all(_served_mtime(archive, ext) != dated[ext] for ext in ("jsonl", "csv"))

    # the reply purged: the letter's record loses it
    done = CliRunner().invoke(cli, ["--data", str(archive.settings.data), "purge", "5e5e5e5e",
                                    "--reason", "test", "--yes"])
    assert done.exit_code == 0, done.output
    assert compare() == [LETTER]
    assert compare.wholes == 1  # type: ignore[attr-defined]


# Found by review: each made a patched file differ from the whole one (two of them leaked).

def _served(files: PublicDownloads) -> dict[str, bytes]:
    assert files.refresh()
    found = {ext: files.current(ext) for ext in ("jsonl", "csv")}
    return {ext: p.read_bytes() for ext, p in found.items() if p is not None}


def _whole(app: App, folder: Path) -> dict[str, bytes]:
    targets = _made_whole(app, folder, download_files.write_whole)
    return {ext: p.read_bytes() for ext, p in targets.items()}


def test_a_relation_given_up_and_its_document_withdrawn_leave_no_trace(
        archive: App, tmp_path: Path) -> None:
    """The letter stops stating that it encloses the note, then is withdrawn: the note was
    never written, but its record named the letter (its title) and must not any more."""
    files = PublicDownloads(archive.catalogue, tmp_path / "dl")
    assert b"Letter from" in _served(files)["jsonl"]
    _edit(archive, "001.yaml", lambda m: m.pop("relations", None))
    assert _served(files) == _whole(archive, tmp_path / "whole")
    _edit(archive, "001.yaml", lambda m: m.update(publication={"state": "withdrawn"}))
    served = _served(files)
    assert served == _whole(archive, tmp_path / "whole") and b"Letter from" not in served["jsonl"]


def test_files_of_a_later_day_are_not_made_from(archive: App, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Files made while the clock was a day ahead hold a document whose embargo ends
    tomorrow; with the clock put back, the next files are not made from them."""
    tomorrow = today() + timedelta(days=1)
    _edit(archive, "002.yaml", lambda m: m.update(
        public_id="5e5e5e5e", source_id="test/embargoed", title="Embargoed reply",
        publication={"state": "published", "embargo_until": tomorrow.isoformat()}))
    files = PublicDownloads(archive.catalogue, tmp_path / "dl")
    ahead = datetime.combine(tomorrow, datetime.min.time(), tzinfo=UTC) + timedelta(hours=1)
    with monkeypatch.context() as m:
        m.setattr(clock, "utc_now", lambda: ahead)
        assert b"5e5e5e5e" in _served(files)["jsonl"]
    _edit(archive, "000.yaml", lambda m: m.update(title="The Soviet note, retitled"))
    served = _served(files)
    assert served == _whole(archive, tmp_path / "whole") and b"5e5e5e5e" not in served["jsonl"]


def test_a_collection_retitled_by_an_import_reaches_its_documents(archive: App,
                                                                  tmp_path: Path) -> None:
    """An import that changes only the bundle's collection title writes no document; the
    documents in it are written to (their records name it)."""
    files = PublicDownloads(archive.catalogue, tmp_path / "dl")
    _served(files)
    bundle = archive.settings.data.parent / "reference"
    manifest = yaml.safe_load((bundle / "bundle.yaml").read_text())
    manifest["collections"][0]["title"] = "Renamed collection"
    (bundle / "bundle.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True))
    before = archive.catalogue.changes()
    assert not import_paths([bundle], archive.import_context()).failed
    assert set(archive.catalogue.changed_since(before)) == {NOTE, LETTER}
    served = _served(files)
    assert served == _whole(archive, tmp_path / "whole") and b"Renamed collection" in served["jsonl"]
    again = archive.catalogue.changes()
    assert not import_paths([bundle], archive.import_context()).failed
    assert archive.catalogue.changes() == again  # the same title again: nothing written


def test_a_redaction_restored_by_import_reaches_the_documents_sharing_its_scan(
        archive: App, tmp_path: Path) -> None:
    """Two documents carry one scan; an import brings one of them back with a redaction:
    the other's record names the scan's redacted copy, in the files as read whole."""
    from PIL import Image
    bundle = archive.settings.data.parent / "reference"
    Image.new("RGB", (40, 40), "white").save(bundle / "scan.png")
    base = {"type": "note", "publication": {"state": "published"},
            "media": [{"file": "scan.png"}]}

    def doc(name: str, **meta: Any) -> None:
        (bundle / name).write_text(yaml.safe_dump({**base, **meta}, allow_unicode=True))
    doc("010.yaml", public_id="aaaa0001", source_id="t/a", title="Sharer A", summary="a")
    doc("011.yaml", public_id="bbbb0001", source_id="t/b", title="Sharer B", summary="b")
    assert not import_paths([bundle], archive.import_context()).failed
    files = PublicDownloads(archive.catalogue, tmp_path / "dl")
    _served(files)
    doc("011.yaml", public_id="bbbb0001", source_id="t/b", title="Sharer B", summary="b",
        redactions=[{"kind": "field", "field": "summary", "reason": "(b)(1)"}])
    assert not import_paths([bundle], archive.import_context()).failed
    assert _served(files) == _whole(archive, tmp_path / "whole")


@pytest.mark.parametrize("damage", ["cut short", "longer"])
def test_damaged_last_files_are_made_whole_again(archive: App, tmp_path: Path,
                                                 damage: str) -> None:
    """Last files that do not match their lists (cut short by a full disk or a crash, or
    written over) are not copied from: the next files are made whole, and no patch loops."""
    files = PublicDownloads(archive.catalogue, tmp_path / "dl")
    _served(files)
    last = files.current("jsonl")
    assert last is not None
    data = last.read_bytes()
    last.write_bytes(data[:len(data) // 2] if damage == "cut short" else data + b"{}\n")
    _edit(archive, "000.yaml", lambda m: m.update(title="The Soviet note, retitled"))
    assert _served(files) == _whole(archive, tmp_path / "whole")
