"""The index follower of `chancery serve`: what a job worker writes to the catalogue (the OCR
text of a scan) becomes searchable without any import or edit through this machine, and two
processes writing one index folder wait for each other instead of failing."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from sqlalchemy import select

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.domain.publication import Actor
from chancery.search.tantivy_index import TantivyIndex
from chancery.services import search
from chancery.services.imports import import_paths
from chancery.storage.tables import documents
from chancery.tasks.follower import follow, start_follower
from chancery.tasks.local import stop_workers
from tests.conftest import CORPUS, need

DISPATCH = CORPUS / "scans" / "104-10007-10345_ocr.pdf"


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[tuple[App, int]]:
    """A published scan (the Djakarta page) whose text no one has read yet, indexed."""
    need(DISPATCH.is_file(), f"scans not found at {DISPATCH}")
    with pikepdf.open(DISPATCH) as src:
        page = pikepdf.new()
        page.pages.append(src.pages[2])
        page.save(tmp_path / "page.pdf")
    (tmp_path / "box.csv").write_text("id,title,files,state,ocr\n"
                                      "djakarta,Distribution list,page.pdf,published,never\n")
    app = build_app(load_settings(data=str(tmp_path / "data"), database_url=""))
    assert not import_paths([tmp_path / "box.csv"], app.import_context()).failed
    search.refresh_index(app.catalogue, app.index)
    with app.catalogue.engine.connect() as conn:
        doc_id = conn.execute(select(documents.c.id)).scalar_one()
    yield app, doc_id
    app.close()


def _finds(app: App, word: str) -> bool:
    return bool(app.search.documents(word, actor=Actor.PUBLIC).results.hits)


def _eventually(check: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.2)
    return False


def test_the_follower_indexes_what_a_worker_wrote(archive: tuple[App, int]) -> None:
    app, doc_id = archive
    app.ocr.run(doc_id, {"mode": "never"})  # as a job worker does: the catalogue only
    assert not _finds(app, "Djakarta")
    stop = threading.Event()
    thread = threading.Thread(target=follow, args=(app, stop, 0.1), daemon=True)
    thread.start()
    try:
        assert _eventually(lambda: _finds(app, "Djakarta"), 10)
    finally:
        stop.set()
        thread.join(5)
    assert search.follow_index(app.catalogue, app.index) == 0  # in step: nothing to do


def test_serves_follower_process_follows_the_catalogue(archive: tuple[App, int]) -> None:
    app, doc_id = archive
    proc = start_follower(app.settings)
    try:
        app.ocr.run(doc_id, {"mode": "never"})
        assert _eventually(lambda: _finds(app, "Djakarta"), 60)
    finally:
        stop_workers([proc])


def test_a_second_writer_waits_for_the_first_to_commit(archive: tuple[App, int]) -> None:
    app, _ = archive
    other = TantivyIndex(app.settings.index_dir)
    other.upsert([])  # holds the folder's one writer
    released = threading.Timer(0.5, lambda: other.commit(app.catalogue.changes()))
    released.start()
    started = time.monotonic()
    app.index.upsert([])  # would fail with LockBusy without waiting
    assert time.monotonic() - started >= 0.3
    app.index.commit(app.catalogue.changes())
    released.join()


def test_a_write_that_finds_the_index_busy_too_long_is_left_to_the_follower(
        archive: tuple[App, int], monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit saved while a large import holds the writer answers, not fails: its change is
    indexed when the index is next caught up."""
    app, doc_id = archive
    monkeypatch.setattr("chancery.search.tantivy_index.WRITER_WAIT", 0.2)
    other = TantivyIndex(app.settings.index_dir)
    other.upsert([])  # the import's follower, holding the writer
    app.ocr.run(doc_id, {"mode": "never"})
    assert search.refresh_index(app.catalogue, app.index) == ("busy", 0)
    other.commit(other.state()[2] if other.state() else 0)  # type: ignore[index]
    assert search.follow_index(app.catalogue, app.index) == 1
    assert _finds(app, "Djakarta")
