"""The whole-archive downloads are files made ahead of time: sent whole from the file, made
again after every change, and never sent when made before the latest one."""

from __future__ import annotations

import fcntl
import json
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from chancery.bootstrap import App
from chancery.services.clock import today
from chancery.services.downloads import PublicDownloads
from chancery.services.imports import import_paths
from chancery.web.server import create_app
from tests.e2e.test_limits import reference_archive


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[App]:
    """The reference pair (7da35b31, 0874552c), both public."""
    app = reference_archive(tmp_path)
    yield app
    app.catalogue.dispose()


def _folder(app: App) -> Path:
    return app.settings.derived_path / "downloads"


def _ids(body: str) -> set[str]:
    return {json.loads(line)["public_id"] for line in body.splitlines()}


def _withdraw(app: App, name: str) -> None:
    bundle = app.settings.data.parent / "reference"
    meta = yaml.safe_load((bundle / name).read_text())
    meta["publication"] = {"state": "withdrawn"}
    (bundle / name).write_text(yaml.safe_dump(meta, allow_unicode=True))
    summary = import_paths([bundle], app.import_context())
    assert summary.updated == 1 and not summary.failed


def test_a_download_is_sent_from_the_file_made_ahead(archive: App) -> None:
    site = TestClient(create_app(archive))
    first = site.get("/downloads/documents.jsonl")
    made = list(_folder(archive).glob("documents-*.jsonl"))
    assert first.status_code == 200 and len(made) == 1
    assert first.content == made[0].read_bytes()
    assert int(first.headers["content-length"]) == made[0].stat().st_size
    assert 'filename="documents.jsonl"' in first.headers["content-disposition"]
    assert _ids(first.text) == {"7da35b31", "0874552c"}
    stamp = made[0].stat().st_mtime_ns
    part = site.get("/downloads/documents.jsonl", headers={"Range": "bytes=0-9"})
    assert part.status_code == 206 and part.content == first.content[:10]  # resumable
    assert made[0].stat().st_mtime_ns == stamp  # not made again per request
    assert site.get("/downloads/documents.csv").text.startswith("public_id,")


def test_after_an_import_the_download_is_made_again(archive: App) -> None:
    site = TestClient(create_app(archive))
    assert _ids(site.get("/downloads/documents.jsonl").text) == {"7da35b31", "0874552c"}
    _withdraw(archive, "001.yaml")
    after = site.get("/downloads/documents.jsonl")
    assert after.status_code == 200 and _ids(after.text) == {"7da35b31"}


def test_a_file_made_before_the_latest_change_is_never_sent(archive: App) -> None:
    site = TestClient(create_app(archive))
    assert site.get("/downloads/documents.jsonl").status_code == 200
    _withdraw(archive, "001.yaml")
    # another process is making the new file and has not finished
    with (_folder(archive) / ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        busy = site.get("/downloads/documents.jsonl")
    assert busy.status_code == 503 and int(busy.headers["retry-after"]) > 0
    assert _ids(site.get("/downloads/documents.jsonl").text) == {"7da35b31"}


def test_yesterdays_file_is_sent_while_todays_is_made(archive: App) -> None:
    """With no change since, a day later means only ended embargoes: nothing to hide."""
    files = PublicDownloads(archive.catalogue, _folder(archive))
    assert files.refresh()
    made = next(_folder(archive).glob("documents-*.jsonl"))
    day = today()
    older = made.with_name(made.name.replace(f"{day:%Y%m%d}", f"{day - timedelta(days=1):%Y%m%d}"))
    made.rename(older)
    with (_folder(archive) / ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # today's cannot be made yet
        assert files.current("jsonl") == older


def test_the_server_makes_the_files_at_start_and_after_a_change(archive: App) -> None:
    with TestClient(create_app(archive)):  # the server's lifespan, no request
        assert _wait_for(lambda: len(list(_folder(archive).glob("documents-*.jsonl"))) == 1)
    files = PublicDownloads(archive.catalogue, _folder(archive), poll_s=0.1)
    files.start()
    try:
        _withdraw(archive, "001.yaml")  # as an import run from another process
        assert _wait_for(lambda: len(list(_folder(archive).glob("documents-*.jsonl"))) == 2)
        newest = max(_folder(archive).glob("documents-*.jsonl"), key=lambda p: p.name)
        assert _ids(newest.read_text()) == {"7da35b31"}
    finally:
        files.stop()


def _wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False
