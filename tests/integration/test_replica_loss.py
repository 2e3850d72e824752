"""A read-only request whose replica goes away while it reads (the replica stopped or
restarted under load: the multi-node test's 500s) is answered from the primary, not with an
error; other errors are not run twice."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.exc import DataError, OperationalError

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.storage.replicas import ReadRouting
from chancery.web.replica_routing import install
from tests.pg_cluster import Cluster, wait_replayed

# on a replica the connection's own backend ends itself in the middle of the read, as when
# the replica shuts down; the primary answers the same statement
CUT_ON_REPLICA = ("SELECT CASE WHEN pg_is_in_recovery() THEN pg_terminate_backend(pg_backend_pid()) "
                  "END, pg_is_in_recovery()")


@pytest.fixture(scope="module")
def pg(primary_and_replica: tuple[Cluster, Cluster]) -> tuple[Cluster, Cluster]:
    return primary_and_replica


@pytest.fixture
def archive(pg: tuple[Cluster, Cluster], tmp_path: Path) -> Iterator[App]:
    primary, replica = pg
    app = build_app(load_settings(data=str(tmp_path / "data"), database_url=primary.url(),
                                  database_replica_urls=replica.url()))
    wait_replayed(primary, replica)
    yield app
    app.close()


def _site(app: App, statement: str, mounted: bool = False) -> tuple[TestClient, list[bool]]:
    """A site with one page that reads ``statement`` where the routing says, at /read or
    in a mounted app as the API is (/api/read); the runs."""
    web, inner = FastAPI(), FastAPI()
    runs: list[bool] = []

    @inner.get("/read")
    def read() -> dict[str, bool]:
        runs.append(True)
        with app.reads.connect() as conn:
            standby = bool(conn.exec_driver_sql(statement).one()[-1])
        return {"replica": standby}

    if mounted:  # a mounted app answers 500 itself, then raises
        web.mount("/api", inner)
    else:
        web = inner
    install(web, app)
    return TestClient(web, raise_server_exceptions=False), runs


@pytest.mark.parametrize("path", ["/read", "/api/read"])
def test_a_read_cut_off_by_its_replica_is_answered_from_the_primary(
        pg: tuple[Cluster, Cluster], archive: App, path: str) -> None:
    client, runs = _site(archive, CUT_ON_REPLICA, mounted=path.startswith("/api"))
    answer = client.get(path)
    assert (answer.status_code, answer.json()) == (200, {"replica": False})
    assert len(runs) == 2
    assert dict(archive.reads.reads) == {pg[1].url(): 1, "primary": 1}
    assert client.get(path).json() == {"replica": False}  # the replica is passed over now


@pytest.mark.parametrize("mounted", [False, True])
def test_other_errors_are_not_read_twice(archive: App, mounted: bool) -> None:
    client, runs = _site(archive, "SELECT 1 / 0", mounted)
    assert client.get("/api/read" if mounted else "/read").status_code == 500
    assert len(runs) == 1


def test_what_counts_as_a_lost_connection() -> None:
    """psycopg's own errors as SQLAlchemy raises them: a server gone (no SQLSTATE, or an
    administrator's shutdown) may be read again elsewhere; a cancelled or wrong statement
    may not."""
    def raised(orig: Exception) -> Exception:
        kind = OperationalError if isinstance(orig, psycopg.OperationalError) else DataError
        return kind("SELECT 1", None, orig)

    lost = ReadRouting.connection_lost
    assert lost(raised(psycopg.OperationalError(
        "consuming input failed: server closed the connection unexpectedly")))
    assert lost(raised(psycopg.errors.AdminShutdown("terminating connection")))
    assert not lost(raised(psycopg.errors.QueryCanceled("canceling statement")))
    assert not lost(raised(psycopg.errors.DivisionByZero("division by zero")))
    assert not lost(ValueError("not the database's"))
