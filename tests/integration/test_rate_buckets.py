"""Rate-limit budgets kept in the catalogue: every process draws on one budget per client,
and a catalogue too busy to count falls back to this process's own buckets."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.http.limits import SharedLimiter
from chancery.storage.interface import BucketsBusy
from chancery.storage.limits import SqlRateBuckets
from chancery.storage.tables import rate_buckets


@pytest.fixture
def two_processes(app: App) -> Iterator[tuple[SqlRateBuckets, SqlRateBuckets]]:
    """Two separate connections to one catalogue, as two server processes have."""
    first, second = SqlRateBuckets(app.settings.catalogue_url), SqlRateBuckets(app.settings.catalogue_url)
    yield first, second
    first.dispose()
    second.dispose()


def test_two_processes_share_one_budget(two_processes: tuple[SqlRateBuckets, SqlRateBuckets]) -> None:
    first, second = two_processes
    now = 1_000_000.0
    taken = [(first if i % 2 else second).take("api:198.51.100.1", 6, now) for i in range(8)]
    assert taken[:6] == [0.0] * 6 and all(w > 0 for w in taken[6:])
    assert taken[6] == pytest.approx(10.0)  # one request's share of the minute
    assert first.take("api:198.51.100.2", 6, now) == 0.0  # another client, another budget
    assert first.take("search:198.51.100.1", 6, now) == 0.0  # another budget
    assert second.take("api:198.51.100.1", 6, now + 10.0) == 0.0  # refilled by one
    assert first.take("api:198.51.100.1", 6, now + 10.0) > 0


def test_buckets_that_are_whole_again_are_forgotten(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    buckets = SqlRateBuckets(app.settings.catalogue_url)
    try:
        for i in range(50):
            buckets.take(f"api:198.51.100.{i}", 60, 1_000.0)
        monkeypatch.setattr("chancery.storage.limits._PRUNE_EVERY", 1)
        buckets.take("api:203.0.113.1", 60, 1_000.0 + 120)  # two minutes later
        with buckets.engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(rate_buckets)).scalar() == 1
    finally:
        buckets.dispose()


def test_a_locked_catalogue_is_counted_in_the_process(tmp_path: Path) -> None:
    """An import holding SQLite's write lock neither stalls requests nor lifts the limit."""
    app = build_app(load_settings(data=str(tmp_path / "data"), database_url=""))
    holder = sqlite3.connect(app.settings.data / "catalogue.sqlite3", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # as an import's transaction does
        with pytest.raises(BucketsBusy):
            app.buckets.take("api:198.51.100.1", 2, 1_000.0)
        limiter = SharedLimiter("api", 2, app.buckets)
        assert [limiter.wait_for("198.51.100.1") > 0 for _ in range(3)] == [False, False, True]
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        app.catalogue.dispose()
        app.buckets.dispose()
