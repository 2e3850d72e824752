"""Read replicas on real PostgreSQL streaming replication (a primary and two replicas the test
makes): anonymous reads come from a replica and never write there, writes go to the primary,
a reader who wrote sees the write at once while the replicas have not replayed it (others do
not yet), a replica too far behind or stopped is passed over with no request failing."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.web.server import create_app
from tests.conftest import need
from tests.e2e.test_routes import EXAMPLES
from tests.editorial import DOCS, WORD, import_bundle
from tests.pg_cluster import Cluster, clusters, unavailable, wait_replayed

DOC = DOCS[0]
PAGES = [f"/documents/{DOC}", f"/api/v1/documents/{DOC}", "/collections/okapi-papers",
         f"/api/v1/search?q={WORD}", "/browse/1961"]


@pytest.fixture(scope="module")
def pg() -> Iterator[tuple[Cluster, Cluster, Cluster]]:
    """A primary and two streaming replicas of it, for the module."""
    need(not unavailable(), f"cannot run PostgreSQL clusters here: {unavailable()}")
    with clusters() as made:
        primary = made.primary()
        yield primary, made.replica(primary, "replica1"), made.replica(primary, "replica2")


def _archive(pg: tuple[Cluster, ...], root: Path, replicas: int = 1, max_lag: str = "60",
             state: str = "draft") -> App:
    """A fresh archive on the primary, reading from ``replicas`` of them; the okapi papers in
    ``state`` and an account per role, everything replayed by the replicas."""
    primary = pg[0]
    for cluster in pg[1:]:
        if not cluster.running:
            cluster.start()
        cluster.resume_replay()
    primary.sql("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
    app = build_app(load_settings(
        data=str(root / "data"), database_url=primary.url(),
        database_replica_urls=",".join(c.url() for c in pg[1:1 + replicas]),
        database_replica_max_lag=max_lag))
    import_bundle(app, root / "bundle", state=state)
    for role in ("editor", "reviewer"):
        app.accounts.add_user(f"{role}@example.org", role, None)
    for cluster in pg[1:]:
        wait_replayed(primary, cluster)
    return app


@pytest.fixture
def archive(pg: tuple[Cluster, Cluster, Cluster], tmp_path: Path) -> Iterator[App]:
    """Drafts on the primary, read through the first replica."""
    app = _archive(pg, tmp_path)
    yield app
    app.close()


def _token(app: App, role: str) -> dict[str, str]:
    _, secret = app.tokens.create(f"{role}@example.org", "write")
    return {"Authorization": f"Bearer {secret}"}


def _act(client: TestClient, headers: dict[str, str], action: str) -> None:
    answer = client.post(f"/api/v1/documents/{DOC}/state", headers=headers,
                         json={"action": action, "comment": "checked"})
    assert answer.status_code == 200, answer.text
    assert answer.cookies.get("chancery_lsn"), "a write's answer carries its WAL position"


def _reads(app: App) -> dict[str, int]:
    return dict(app.reads.reads)


def test_anonymous_reads_come_from_the_replica_and_never_write_there(
        pg: tuple[Cluster, Cluster, Cluster], tmp_path: Path) -> None:
    """Every public address answers (a replica refuses writes: one made through it would be
    a 500), the catalogue's reads for them all the replica's."""
    replica = pg[1]
    with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):  # the safety net
        replica.sql("CREATE TABLE written_on_a_replica (x int)")
    app = _archive(pg, tmp_path, state="published")
    try:
        client = TestClient(create_app(app), follow_redirects=False)
        public = [a.replace("7da35b31", DOC) for p, a in EXAMPLES.items()
                  if not p.startswith(("/workspace", "/login", "/set-password")) and "{" not in a]
        for address in public:
            assert client.get(address).status_code < 500, address
        reads = _reads(app)
        assert reads.get(replica.url(), 0) > len(public) and "primary" not in reads, reads
    finally:
        app.close()


def test_the_writer_sees_the_write_at_once_while_the_replica_has_not_replayed_it(
        pg: tuple[Cluster, Cluster, Cluster], archive: App) -> None:
    """Replay paused: the reviewer who published reads the public page from the primary (the
    cookie), a reader without it still gets 404 from the replica, until it replays."""
    primary, replica = pg[0], pg[1]
    writer, other = (TestClient(create_app(archive)) for _ in range(2))
    assert other.get(f"/documents/{DOC}").status_code == 404  # a draft; the lag clock starts
    replica.pause_replay()
    try:
        _act(writer, _token(archive, "editor"), "submit")
        _act(writer, _token(archive, "reviewer"), "publish")
        seen = writer.get(f"/documents/{DOC}")
        assert seen.status_code == 200 and WORD in seen.text
        assert writer.get(f"/api/v1/documents/{DOC}").status_code == 200
        before = _reads(archive)
        assert other.get(f"/documents/{DOC}").status_code == 404
        assert other.get(f"/api/v1/documents/{DOC}").status_code == 404
        assert _reads(archive)[replica.url()] > before[replica.url()]
    finally:
        replica.resume_replay()
    wait_replayed(primary, replica)
    time.sleep(0.15)  # the replica's position is trusted for 0.1 s
    before = _reads(archive)
    assert other.get(f"/documents/{DOC}").status_code == 200
    assert writer.get(f"/documents/{DOC}").status_code == 200  # the replica has the write now
    assert _reads(archive)[replica.url()] >= before[replica.url()] + 2


def test_a_replica_further_behind_than_max_lag_is_passed_over(
        pg: tuple[Cluster, Cluster, Cluster], tmp_path: Path) -> None:
    """A withdrawal is not served from a stalled replica for longer than the setting says
    (1 s here): after it, a reader who did not withdraw it gets it from the primary."""
    primary, replica = pg[0], pg[1]
    app = _archive(pg, tmp_path, max_lag="1", state="published")
    try:
        reader, reviewer = TestClient(create_app(app)), TestClient(create_app(app))
        assert reader.get(f"/documents/{DOC}").status_code == 200
        assert set(_reads(app)) == {replica.url()}  # the page read from the replica
        replica.pause_replay()
        _act(reviewer, _token(app, "reviewer"), "withdraw")
        time.sleep(1.2)
        assert reader.get(f"/documents/{DOC}").status_code in (404, 410)
        assert reader.get(f"/api/v1/documents/{DOC}").status_code in (404, 410)
        assert _reads(app).get("primary", 0) >= 2
    finally:
        replica.resume_replay()
        app.close()
    wait_replayed(primary, replica)


def test_stopped_replicas_send_reads_elsewhere_and_no_request_fails(
        pg: tuple[Cluster, Cluster, Cluster], tmp_path: Path) -> None:
    """Two replicas share the reads; one stopped as by a crash, the other takes them; both
    stopped, the primary; every request answers. A replica back is read again DOWN_FOR
    seconds later."""
    primary, first, second = pg
    app = _archive(pg, tmp_path, replicas=2, state="published")
    reader = TestClient(create_app(app))
    try:
        for address in PAGES * 2:
            assert reader.get(address).status_code == 200, address
        reads = _reads(app)
        assert reads[first.url()] > 0 and reads[second.url()] > 0
        second.stop("immediate")
        for address in PAGES * 2:
            assert reader.get(address).status_code == 200, address
        assert _reads(app)[second.url()] == reads[second.url()]
        first.stop("immediate")
        before = _reads(app).get("primary", 0)
        for address in PAGES * 2:
            assert reader.get(address).status_code == 200, address
        assert _reads(app)["primary"] > before
        first.start()
        wait_replayed(primary, first)
        deadline = time.monotonic() + 10
        while _reads(app)[first.url()] == reads[first.url()] and time.monotonic() < deadline:
            assert reader.get(PAGES[0]).status_code == 200
            time.sleep(0.2)
        assert _reads(app)[first.url()] > reads[first.url()], "a replica back is read again"
    finally:
        app.close()
        for cluster in (first, second):
            if not cluster.running:
                cluster.start()
