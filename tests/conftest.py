"""Shared fixtures: catalogues on SQLite and a real PostgreSQL, the corpus, the reference pair.

In CI (CI=true) nothing may be skipped: a missing service or corpus is a failure."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.web.views.citations import settle

IN_CI = os.environ.get("CI") == "true"
ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CHANCERY_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
REFERENCE = SHARED / "reference"
FIXTURES = Path(__file__).parent / "fixtures"


def _own_services(worker: str) -> None:
    """Under pytest-xdist, give each worker (gw0, gw1, ...) its own PostgreSQL database and
    Redis db: the tests reset the schema and flush the db they are given, and two workers
    sharing one would wipe each other's archive mid-test. Set in the environment, so that
    the servers and workers a test starts as subprocesses use the same ones."""
    if not worker:
        return
    # xdist starts its workers with COLUMNS=80, which Rich fixes as the CLI's width at import;
    # the CLI tests set their own width per invocation, as a serial run lets them.
    os.environ.pop("COLUMNS", None)
    number = int(worker.removeprefix("gw"))
    pg = os.environ.get("CHANCERY_TEST_PG_URL", "")
    if pg:
        url = make_url(pg)
        own = f"{url.database}_{worker}"
        base = url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(base, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (own,)).fetchone():
                conn.execute(f'CREATE DATABASE "{own}"')
        os.environ["CHANCERY_TEST_PG_URL"] = url.set(database=own).render_as_string(
            hide_password=False)
    redis = os.environ.get("CHANCERY_TEST_REDIS_URL", "")
    if redis:
        head, _, db = redis.rpartition("/")
        os.environ["CHANCERY_TEST_REDIS_URL"] = f"{head}/{(int(db or 0) - number) % 16}"


_own_services(os.environ.get("PYTEST_XDIST_WORKER", ""))
PG_URL = os.environ.get("CHANCERY_TEST_PG_URL", "")


def need(condition: bool, why: str) -> None:
    """Skip locally when a service or data set is missing; in CI that is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{why} (required in CI)")
    pytest.skip(why)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "multinode: starts PostgreSQL with a replica, Redis, "
                            "web nodes, a worker and HAProxy (tests/integration/test_multi_node.py)")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI a skipped test means a missing service went unnoticed: fail the run."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if IN_CI and skipped and exitstatus == 0:
        session.exitstatus = 1
        if reporter:
            reporter.write_line(f"CI: {skipped} test(s) skipped; every service must be present")


def _reset_postgres(url: str) -> None:
    # psycopg itself, in a with-block: the connection is closed here, whatever happens
    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[App]:
    """A fresh, migrated archive on each catalogue backend."""
    url = ""
    if request.param == "postgresql":
        need(bool(PG_URL), "PostgreSQL not configured: set CHANCERY_TEST_PG_URL")
        _reset_postgres(PG_URL)
        url = PG_URL
    built = build_app(load_settings(data=str(tmp_path / "data"), database_url=url))
    yield built
    settle()  # background citation rendering reads the catalogue: let it finish first
    built.close()  # every engine the app made (the rate budgets have one of their own)


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Iterator[App]:
    """A fresh archive on SQLite only (for tests about the CLI or files)."""
    built = build_app(load_settings(data=str(tmp_path / "data"), database_url=""))
    yield built
    built.catalogue.dispose()


def _reference_text(name: str, start: str, end: str | None) -> str:
    raw = next(REFERENCE.glob(f"{name}_*.txt")).read_text(encoding="utf-8")
    body = raw[raw.index(start):]
    if end:
        body = body[:body.index(end) + len(end)]
    # Paragraphs are separated by blank lines, some holding only a no-break space.
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", body)]
    return "\n\n".join(p for p in paragraphs if p) + "\n"


@pytest.fixture
def reference_bundle(tmp_path: Path) -> Path:
    """The two reference records as a bundle, texts copied from ../shared/reference."""
    return write_reference_bundle(tmp_path / "reference-bundle")


def write_reference_bundle(dest: Path) -> Path:
    """The two reference records as a bundle in ``dest``, texts copied from ../shared/reference."""
    need(REFERENCE.is_dir(), f"reference documents not found at {REFERENCE}")
    shutil.copytree(FIXTURES / "reference", dest)
    (dest / "000.en.txt").write_text(_reference_text(
        "000", "The Embassy of the Union", None), encoding="utf-8")
    (dest / "001.en.txt").write_text(_reference_text(
        "001", "TO THE CENTRAL COMMITTEE", "18 July 1960"), encoding="utf-8")
    return dest
