"""Search by meaning reads the passage vectors where the page's other reads go (#14): an
anonymous reader's from the replica, a reader who just wrote from the primary, everyone's from
the primary when the replica is down. Shown on a real primary and streaming replica whose
vectors differ: with the replica's replay paused, the primary's vectors are deleted, so only
a read of the replica finds the documents by meaning."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.web.replica_routing import LSN_COOKIE
from chancery.web.server import create_app
from tests.editorial import DOCS, import_bundle
from tests.meaning_helpers import embedded
from tests.pg_cluster import Cluster, wait_replayed

QUESTION = "okapi question telegram"  # plain words: meaning is asked too


@pytest.fixture(scope="module")
def pg(primary_and_replica: tuple[Cluster, Cluster]) -> tuple[Cluster, Cluster]:
    return primary_and_replica


@pytest.fixture
def archive(pg: tuple[Cluster, Cluster], tmp_path: Path) -> Iterator[App]:
    """The okapi papers, published and embedded, replayed by the replica and read once; then
    the replica stops replaying and the primary loses every passage vector (the node's vector index
    keeps them: its follower is not run)."""
    primary, replica = pg
    primary.sql("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")  # a fresh archive
    app = build_app(load_settings(data=str(tmp_path / "data"), database_url=primary.url(),
                                  database_replica_urls=replica.url(),
                                  database_replica_max_lag="60"))
    import_bundle(app, tmp_path / "bundle", state="published")
    embedded(app)
    wait_replayed(primary, replica)
    # a first read takes the primary's position: the replica may lag up to max_lag behind it
    assert TestClient(create_app(app)).get(f"/documents/{DOCS[0]}").status_code == 200
    wait_replayed(primary, replica)  # and what that read wrote (its rate budget)
    replica.pause_replay()
    primary.sql("DELETE FROM passage_vectors")
    try:
        yield app
    finally:
        if not replica.running:
            replica.start()
        replica.resume_replay()
        app.close()


def _by_meaning(client: TestClient) -> set[str]:
    """The documents the search found by meaning (as well as by its words, or alone)."""
    answer = client.get("/api/v1/search", params={"q": QUESTION})
    assert answer.status_code == 200, answer.text
    return {h["public_id"] for h in answer.json()["hits"] if h["matched_by"] != "words"}


def test_an_anonymous_meaning_search_reads_the_vectors_on_the_replica(
        pg: tuple[Cluster, Cluster], archive: App) -> None:
    """Only the replica still has the vectors: the anonymous reader's search finds the
    documents by meaning; a reader whose write the replica has not replayed reads the
    primary, which has none."""
    primary, replica = pg
    before = archive.reads.reads[replica.url()]
    assert _by_meaning(TestClient(create_app(archive))) == set(DOCS)
    assert archive.reads.reads[replica.url()] > before
    writer = TestClient(create_app(archive))
    (position,), = primary.sql("SELECT pg_current_wal_lsn()::text")
    writer.cookies.set(LSN_COOKIE, position)  # as the answer to a write sets it
    assert _by_meaning(writer) == set()


def test_with_the_replica_down_the_vectors_are_read_on_the_primary(
        pg: tuple[Cluster, Cluster], archive: App) -> None:
    """The replica stopped: the same search is answered, from the primary's vectors."""
    client = TestClient(create_app(archive))
    assert _by_meaning(client) == set(DOCS)
    pg[1].stop()
    before = archive.reads.reads["primary"]
    assert _by_meaning(client) == set()
    assert archive.reads.reads["primary"] > before
