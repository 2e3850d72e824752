"""Two writers on one SQLite catalogue: a transaction that reads before it writes waits for
the other writer instead of failing. Deferred, it failed at its first write with "database is
locked" (SQLITE_BUSY_SNAPSHOT) as soon as another connection had committed after its first
read, whatever busy_timeout said: an OCR job storing its text while the import's other jobs
wrote failed that way in CI."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import text

from chancery.storage.database import make_engine


def test_a_write_that_reads_first_waits_for_the_other_writer(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'catalogue.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE counts (n INTEGER)"))
    read, other_wrote = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def other() -> None:
        read.wait(10)
        try:
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO counts VALUES (2)"))
            other_wrote.set()
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    thread = threading.Thread(target=other)
    thread.start()
    with engine.begin() as conn:
        seen = conn.execute(text("SELECT count(*) FROM counts")).scalar()
        read.set()
        # deferred, the other writer commits here and the insert below fails at once
        assert not other_wrote.wait(0.5), "another writer committed inside this transaction"
        conn.execute(text("INSERT INTO counts VALUES (:n)"), {"n": seen + 1})
    thread.join(30)
    assert not errors, errors
    with engine.connect() as conn:
        assert sorted(conn.execute(text("SELECT n FROM counts")).scalars()) == [1, 2]
    engine.dispose()


def test_reads_do_not_wait_for_a_writer(tmp_path: Path) -> None:
    """Only ``Engine.begin`` takes the write lock: a read on ``Engine.connect`` goes on while
    a write transaction is open (WAL)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'catalogue.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE counts (n INTEGER)"))
        conn.execute(text("INSERT INTO counts VALUES (1)"))
    with engine.begin() as writer:
        writer.execute(text("INSERT INTO counts VALUES (2)"))
        with engine.connect() as reader:
            assert reader.execute(text("SELECT count(*) FROM counts")).scalar() == 1
    engine.dispose()
