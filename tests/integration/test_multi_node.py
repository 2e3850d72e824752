"""Chancery on several nodes, on this one machine: a PostgreSQL primary and a streaming
replica, Redis, one Celery worker, two `chancery serve` nodes (each its own data folder and
search index; one shared blob folder and one shared derived folder) behind HAProxy, all
started here. An import through node one becomes searchable on node two within seconds (the
index lag is measured); node two killed mid-load loses no request and no data; the replica
stopped mid-load sends the reads to the primary without one failing. Select it with `-m multinode`."""

from __future__ import annotations

import itertools
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import CORPUS, need
from tests.multinode import (
    Balancer,
    Process,
    haproxy,
    is_ready,
    missing_programs,
    redis_server,
    run_chancery,
    wait_until,
    web_node,
    worker,
)
from tests.pg_cluster import Cluster, clusters, unavailable, wait_replayed
from tests.serving import free_port

pytestmark = pytest.mark.multinode

CORE = CORPUS / "frus" / "core"
SEED = "frus1961-63v06"  # 120 documents, there before the nodes start
IMPORTED = ("frus1961-63v15", "frus1958-60v09", "frus1958-60v10p2")  # 969, imported while served
LOAD_SECONDS = 10.0


@dataclass
class Deployment:
    """What the test started, and the settings every node shares."""

    root: Path
    primary: Cluster
    replica: Cluster
    shared: dict[str, str]
    nodes: dict[str, Process] = field(default_factory=dict)
    addresses: dict[str, str] = field(default_factory=dict)
    balancer: Balancer | None = None

    def settings(self, node: str) -> dict[str, str]:
        """A node's settings: the shared ones, and its own data folder (its index)."""
        return {**self.shared, "data": str(self.root / node)}

    def start_node(self, name: str) -> None:
        """Start a node (again) and wait until it says it is ready."""
        self.nodes[name].start()
        wait_until(lambda: is_ready(self.addresses[name]), 120,
                   lambda: f"{name} was not ready:\n{self.nodes[name].tail()}")

    def count(self, table: str) -> int:
        """Rows of a catalogue table, on the primary."""
        return int(self.primary.sql(f"SELECT count(*) FROM {table}")[0][0])


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    need(not unavailable(), f"cannot run PostgreSQL clusters here: {unavailable()}")
    need(not missing_programs(), f"not installed: {', '.join(missing_programs())} "
                                 "(apt-get install haproxy redis-server)")
    need(CORE.is_dir(), f"FRUS core volumes not found at {CORE}")
    root = tmp_path_factory.mktemp("multinode")
    with clusters() as pg, ExitStack() as stack:
        primary = pg.primary()
        replica = pg.replica(primary)
        redis, broker = redis_server(root)
        stack.callback(redis.stop)
        front = free_port()
        shared = {"database_url": primary.url(), "database_replica_urls": replica.url(),
                  "broker_url": broker, "blobs_dir": str(root / "blobs"),
                  # one derived folder: a redaction or a purge on one node clears every node's
                  "derived_dir": str(root / "derived"),
                  # every node gives the balancer's address in links and citations
                  "public_url": f"http://127.0.0.1:{front}", "trusted_proxies": "127.0.0.1",
                  # the load comes from one address: it is not a reader to be limited
                  "search_rate_limit": "0", "api_rate_limit": "0"}
        made = Deployment(root, primary, replica, shared)
        run_chancery(made.settings("node1"), "import", "--no-wait", "--no-progress",
                     str(CORE / f"{SEED}.xml"))
        for name in ("node1", "node2"):  # node2 starts with an empty index folder
            made.nodes[name], made.addresses[name] = web_node(name, made.settings(name), root)
            stack.callback(made.nodes[name].kill)
            made.start_node(name)
        jobs = worker(made.settings("worker"), root)
        jobs.start()
        stack.callback(jobs.stop)
        made.balancer = haproxy(made.addresses, root, front)
        stack.callback(made.balancer.process.stop)
        wait_until(lambda: made.balancer and set(made.balancer.states().values()) == {"UP"},
                   30, "haproxy did not see both nodes up")
        yield made


def _search(client: httpx.Client, volume: str, limit: int, cursor: str | None) -> dict[str, Any]:
    params = {"f": f"collection:frus/{volume}", "limit": str(limit), "meaning": "0",
              **({"cursor": cursor} if cursor else {})}
    page = client.get("/api/v1/search", params=params)
    assert page.status_code == 200, page.text
    return dict(page.json())


def _search_ids(address: str, volume: str) -> set[str]:
    """The public ids a node's search finds in a volume (the API, page by page)."""
    found: set[str] = set()
    cursor: str | None = None
    with httpx.Client(base_url=address, timeout=30) as client:
        while True:
            body = _search(client, volume, 100, cursor)
            found |= {h["public_id"] for h in body["hits"]}
            cursor = body["next_cursor"]
            if not cursor:
                return found


class Found:
    """How many of some volumes' documents a node's search finds, and since when: one short
    request per volume (its total, one hit), every ``every`` seconds, in a thread until
    stopped. Cheap on purpose: listing the ids while they arrive took a busy node seconds,
    which the lag measured then carried. ``at`` holds (time of the answer, documents found)
    each time the number moved."""

    def __init__(self, address: str, volumes: tuple[str, ...], every: float) -> None:
        self.address, self.volumes, self.every = address, volumes, every
        self.at: list[tuple[float, int]] = []
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        with httpx.Client(base_url=self.address, timeout=30) as client:
            while not self._stop.is_set():
                try:
                    n = sum(_search(client, v, 1, None)["total"] for v in self.volumes)
                except Exception as exc:  # reported by the test, not lost in a thread
                    self.errors.append(repr(exc))
                else:
                    if not self.at or self.at[-1][1] != n:
                        self.at.append((time.monotonic(), n))
                self._stop.wait(self.every)

    def found(self) -> int:
        """Documents found at the last answer."""
        return self.at[-1][1] if self.at else 0

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(30)


def _lags(committed: list[float], found: list[tuple[float, int]]) -> list[float]:
    """Each document's lag, from its commit to the node's search finding it. The follower
    catches up on everything committed before each of its rounds, so what a node finds is
    always the oldest commits: the i-th document committed is found once i are."""
    lags, step = [], 0
    for i, at in enumerate(sorted(committed), start=1):
        while found[step][1] < i:
            step += 1
        lags.append(found[step][0] - at)
    return lags


class FirstSeen:
    """When each public id was first seen by a poller, in a thread, until stopped."""

    def __init__(self, look: Callable[[], set[str]], every: float) -> None:
        self.look, self.every = look, every
        self.at: dict[str, float] = {}
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                ids = self.look()
            except Exception as exc:  # reported by the test, not lost in a thread
                self.errors.append(repr(exc))
                ids = set()
            now = time.monotonic()
            for pid in ids:
                self.at.setdefault(pid, now)
            self._stop.wait(self.every)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(30)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def test_an_import_through_node_one_is_searchable_on_node_two(deployment: Deployment) -> None:
    """The index lag: from a document's commit in the catalogue (polled on the primary every
    0.1 s) to node two's search finding it (polled through its API), over an import of three
    volumes through node one; p99 within 5 s. The balancer finds them all too."""
    d = deployment
    old = {r[0] for r in d.primary.sql("SELECT public_id FROM documents")}
    committed = FirstSeen(lambda: {r[0] for r in d.primary.sql(
        "SELECT public_id FROM documents")}, 0.1)
    searchable = Found(d.addresses["node2"], IMPORTED, 0.1)
    started = time.monotonic()
    run_chancery(d.settings("node1"), "import", "--no-wait", "--no-progress",
                 *(str(CORE / f"{v}.xml") for v in IMPORTED))
    took = time.monotonic() - started
    wait_until(lambda: searchable.found() >= d.count("documents") - len(old), 60,
               lambda: f"node two did not find every imported document: {searchable.errors[-3:]}")
    committed.stop()
    searchable.stop()
    assert not searchable.errors and not committed.errors, searchable.errors + committed.errors
    new = set(committed.at) - old
    assert len(new) == searchable.found() == 969
    on_two = {v: _search_ids(d.addresses["node2"], v) for v in IMPORTED}
    assert set().union(*on_two.values()) == new  # the very documents, not only as many
    lags = _lags([committed.at[pid] for pid in new], searchable.at)
    p50, p99 = statistics.median(lags), _percentile(lags, 0.99)
    print(f"\nimport of {len(new)} documents through node1 took {took:.1f} s; index lag on "
          f"node2: p50 {p50:.2f} s, p99 {p99:.2f} s, max {max(lags):.2f} s "
          f"({len(set(committed.at[p] for p in new))} commits seen)")
    rounds = [line for line in d.nodes["node2"].tail(20_000).splitlines()
              if "follower:" in line]
    commits = sorted({round(committed.at[p] - started, 2) for p in new})
    found = [(round(t - started, 2), n) for t, n in searchable.at]
    # when it fails: when each commit was seen and node two found how many (seconds after
    # the import started), and what node two's follower did (documents, seconds per round)
    assert p99 <= 5.0, f"commits {commits}; node2 found {found}; its follower: {rounds[-12:]}"
    # the imports' jobs (citations, embeddings) went through Redis to the one worker
    wait_until(lambda: d.primary.sql("SELECT count(*) FROM jobs WHERE state = 'done'")[0][0], 60,
               "the worker did no job")
    # what the nodes and the worker made (the downloads, at least) is in the one shared
    # derived folder; none of them keeps a derived folder of its own
    assert (d.root / "derived" / "downloads").is_dir()
    assert not [n for n in ("node1", "node2", "worker") if (d.root / n / "derived").exists()]
    assert set().union(*(_search_ids(d.addresses["node1"], v) for v in IMPORTED)) == new
    # through the balancer, each round goes to the other node: the same counts from both
    # (not the ids page by page: the order of equal scores is each index's own)
    assert d.balancer is not None
    with httpx.Client(base_url=d.balancer.address, timeout=30) as client:
        for _ in range(4):
            assert {v: _search(client, v, 1, None)["total"] for v in IMPORTED} == \
                {v: len(ids) for v, ids in on_two.items()}


class Load:
    """Readers in threads asking for document pages, search pages and API records in turn,
    until stopped; every answer's status kept."""

    def __init__(self, addresses: list[str], ids: list[str], threads: int = 4) -> None:
        paths = [p for pid in ids for p in (f"/documents/{pid}", f"/api/v1/documents/{pid}")]
        paths += [f"/search?q={w}" for w in ("Soviet", "Berlin", "nuclear", "Khrushchev")]
        self._paths = itertools.cycle(paths)
        self._addresses = itertools.cycle(addresses)
        self._lock = threading.Lock()
        self.answers: list[tuple[float, str, int | str]] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]
        for t in self._threads:
            t.start()

    def _next(self) -> tuple[str, str]:
        with self._lock:
            return next(self._addresses), next(self._paths)

    def _run(self) -> None:
        # a document's address redirects to its page's (with its title's words): followed
        with httpx.Client(timeout=30, follow_redirects=True) as client:
            while not self._stop.is_set():
                address, path = self._next()
                try:
                    status: int | str = client.get(address + path).status_code
                except httpx.HTTPError as exc:
                    status = f"{type(exc).__name__}: {exc}"
                self.answers.append((time.monotonic(), address + path, status))

    def stop(self) -> list[tuple[float, str, int | str]]:
        """Stop, and every request that was not answered 200."""
        self._stop.set()
        for t in self._threads:
            t.join(60)
        return [a for a in self.answers if a[2] != 200]


def _seed_ids(d: Deployment) -> list[str]:
    """Forty public documents of the volume there from the start."""
    return sorted(_search_ids(d.addresses["node1"], SEED))[:40]


def _catalogue_counts(d: Deployment) -> dict[str, int]:
    return {t: d.count(t) for t in ("documents", "text_versions", "collections", "authorities")}


def test_killing_a_node_mid_load_loses_no_request_and_no_data(deployment: Deployment) -> None:
    """Readers through HAProxy; node two SIGKILLed a third of the way in: every request is
    answered 200 (those node two dropped are retried on node one), the catalogue holds what
    it held; node two, started again, is ready with its index and back in the balancer."""
    d = deployment
    assert d.balancer is not None
    counts, retried = _catalogue_counts(d), d.balancer.retries()
    load = Load([d.balancer.address], _seed_ids(d))
    time.sleep(LOAD_SECONDS / 3)
    d.nodes["node2"].kill()
    killed = time.monotonic()
    time.sleep(LOAD_SECONDS * 2 / 3)
    failed = load.stop()
    after = [a for a in load.answers if a[0] > killed]
    again = d.balancer.retries()
    print(f"\n{len(load.answers)} requests through haproxy, {len(after)} after node2 was "
          f"killed, {len(failed)} failed; retried {again[0] - retried[0]}, redispatched "
          f"{again[1] - retried[1]}")
    assert not failed, failed[:5]
    assert len(after) > 20 and d.balancer.states()["node2"] == "DOWN"
    assert _catalogue_counts(d) == counts
    d.start_node("node2")
    wait_until(lambda: d.balancer and d.balancer.states()["node2"] == "UP", 30,
               "haproxy did not take node2 back")
    assert {v: len(_search_ids(d.addresses["node2"], v)) for v in (SEED, *IMPORTED)} == \
        {v: len(_search_ids(d.addresses["node1"], v)) for v in (SEED, *IMPORTED)}


def _replica_reads(d: Deployment) -> int:
    """Transactions the replica has run in the catalogue's database (its own statistics)."""
    return int(d.replica.sql("SELECT xact_commit FROM pg_stat_database "
                             "WHERE datname = current_database()")[0][0])


def test_stopping_the_replica_sends_the_reads_to_the_primary(deployment: Deployment) -> None:
    """Readers straight at both nodes (no balancer to hide a failure) and through HAProxy;
    the replica, which served their reads, is stopped a third of the way in: not one request
    fails, the primary answers the rest."""
    d = deployment
    assert d.balancer is not None
    before, retried = _replica_reads(d), d.balancer.retries()
    load = Load([d.addresses["node1"], d.addresses["node2"], d.balancer.address], _seed_ids(d))
    time.sleep(LOAD_SECONDS / 3)
    wait_until(lambda: _replica_reads(d) > before + 20, 10, "the replica served no reads")
    d.replica.stop()
    stopped = time.monotonic()
    time.sleep(LOAD_SECONDS * 2 / 3)
    failed = load.stop()
    after = [a for a in load.answers if a[0] > stopped]
    print(f"\n{len(load.answers)} requests straight to the nodes and through haproxy, "
          f"{len(after)} after the replica stopped, {len(failed)} failed; haproxy retried "
          f"{d.balancer.retries()[0] - retried[0]}")
    assert not failed, failed[:5]
    assert len(after) > 20
    d.replica.start()  # it catches up from the primary's WAL
    wait_replayed(d.primary, d.replica)
