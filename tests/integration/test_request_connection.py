"""On PostgreSQL a web request reads through one pooled connection, not one per statement:
checking out a connection costs a ping, a BEGIN and a ROLLBACK (three round trips) and a
document page makes about twenty reads. The held connection is in autocommit, so a write
made in the middle of the request is seen by its next read; it goes back to the pool when
the request ends, and only HELD_AT_ONCE requests hold one at a time."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.demo import DEMO_DIR
from chancery.services.imports import import_paths
from chancery.services.search import rebuild_index
from chancery.storage.replicas import HELD_AT_ONCE, _Held
from chancery.web.server import create_app
from chancery.web.views.citations import settle
from tests.conftest import PG_URL, _reset_postgres, need
from tests.integration.test_query_plans import statements

SOURCE = "/documents/frus1958-60v19/d307"  # redirects to the page under its public id


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    need(bool(PG_URL), "PostgreSQL not configured: set CHANCERY_TEST_PG_URL")
    _reset_postgres(PG_URL)
    data: Path = tmp_path_factory.mktemp("held") / "data"
    built = build_app(load_settings(data=str(data), database_url=PG_URL))
    assert not import_paths([DEMO_DIR / "frus1958-60v19.xml"], built.import_context()).failed
    rebuild_index(built.catalogue, built.index)
    yield built
    settle()
    built.close()


@contextmanager
def _checkouts(app: App) -> Iterator[list[int]]:
    """The connections taken from the primary's pool inside the block."""
    seen: list[int] = []

    def counted(*_: object) -> None:
        seen.append(1)

    event.listen(app.reads.primary, "checkout", counted)
    try:
        yield seen
    finally:
        event.remove(app.reads.primary, "checkout", counted)


def test_a_document_page_reads_through_one_connection(archive: App) -> None:
    """The whole page, with its twenty statements, checks out one connection (it took one
    per statement)."""
    site = TestClient(create_app(archive))
    page = site.get(SOURCE, follow_redirects=False).headers["location"]
    assert site.get(page).status_code == 200  # warm: first-request caches
    with _checkouts(archive) as seen, statements(archive.reads.primary) as ran:
        response = site.get(page)
    assert response.status_code == 200 and "Khrushchev" in response.text
    assert len(ran) >= 5 and len(seen) == 1, (len(seen), len(ran))
    # a transcription without scans: no look for the words of scans it does not have
    assert not [s for s, _ in ran if "word_layers" in s]


def test_a_request_sees_its_own_write_and_gives_the_connection_back(archive: App) -> None:
    """Within one request a read after a commit on another connection sees it (autocommit);
    the connection is back in the pool when the request is over."""
    routing = archive.reads
    pool = routing.primary.pool
    before = pool.checkedout()  # type: ignore[attr-defined]
    with routing.per_request():
        with routing.connect() as conn:
            assert conn.connection.driver_connection.autocommit  # type: ignore[union-attr]
            held = conn
        with routing.primary.begin() as writing:
            writing.execute(text("CREATE TABLE IF NOT EXISTS held_probe (n int)"))
            writing.execute(text("INSERT INTO held_probe VALUES (1)"))
        with routing.connect() as conn:
            assert conn is held
            assert conn.execute(text("SELECT count(*) FROM held_probe")).scalar() == 1
            assert pool.checkedout() == before + 1  # type: ignore[attr-defined]
    assert pool.checkedout() == before  # type: ignore[attr-defined]
    with routing.primary.begin() as writing:
        writing.execute(text("DROP TABLE held_probe"))


def test_a_connection_lost_mid_request_is_not_read_through_again(archive: App) -> None:
    """A statement that finds the held connection dead (the server restarted) fails as it
    would have; the request's next read takes a fresh connection, which the pool pings."""
    routing = archive.reads
    with routing.per_request():
        with routing.connect() as conn:
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        with routing.primary.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
        with pytest.raises(DBAPIError), routing.connect() as conn:
            conn.execute(text("SELECT 1"))
        with routing.connect() as conn:
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar() != pid


def test_only_the_first_reading_thread_holds_and_only_so_many_requests() -> None:
    """Threads a request starts beside it read on their own; beyond HELD_AT_ONCE requests
    the rest read as before, so the pool always has connections for everything else."""
    slots = threading.BoundedSemaphore(HELD_AT_ONCE)
    first = _Held(slots)
    assert first.mine()
    other: list[bool] = []
    thread = threading.Thread(target=lambda: other.append(first.mine()))
    thread.start()
    thread.join()
    assert other == [False] and first.mine()
    first.busy = True
    assert not first.mine()  # a read inside a read takes a connection of its own


def test_the_search_page_with_its_side_threads_answers(archive: App) -> None:
    """The search page reads in threads beside the request's own: each gets a working
    connection and the page lists the document."""
    site = TestClient(create_app(archive))
    response = site.get("/search", params={"q": "Khrushchev"})
    assert response.status_code == 200 and "frus1958-60v19/d" in response.text


def test_beyond_the_slots_a_request_reads_as_before(archive: App) -> None:
    """With every slot taken, a request holds nothing (None: it checks out per read); a
    slot given back is taken by the next."""
    slots = threading.BoundedSemaphore(1)
    first, second, third = _Held(slots), _Held(slots), _Held(slots)
    engine = archive.reads.primary
    try:
        assert first.connection(engine) is not None
        assert second.connection(engine) is None and not second.mine()
        first.release()
        assert third.connection(engine) is not None
    finally:
        for held in (first, second, third):
            held.release()
