"""Fixtures the integration tests share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chancery.bootstrap import App
from tests.conftest import CORPUS, need
from tests.integration.sources import Clock
from tests.integration.test_spelling_pairs import BENCH
from tests.pg_cluster import Cluster, clusters, unavailable

CORE = CORPUS / "frus" / "core"


@pytest.fixture
def clock() -> Clock:
    """A clock the test moves, for accounts, sessions and tokens."""
    return Clock()


@pytest.fixture(scope="session")
def core_archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """The core volumes imported into a fresh SQLite archive as `chancery import` makes it,
    once for the session: the tests that read it (spelling pairs, suggestions) change
    nothing in it."""
    need(CORE.is_dir(), f"FRUS core volumes not found at {CORE}")
    app: App = BENCH.build_archive(tmp_path_factory.mktemp("core"), CORE)
    yield app
    app.close()


@pytest.fixture(scope="module")
def primary_and_replica() -> Iterator[tuple[Cluster, Cluster]]:
    """A PostgreSQL primary of the test's own and a streaming replica of it, for a module."""
    need(not unavailable(), f"cannot run PostgreSQL clusters here: {unavailable()}")
    with clusters() as made:
        primary = made.primary()
        yield primary, made.replica(primary)
