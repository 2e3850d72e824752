"""PostgreSQL clusters of a test's own: a primary and its streaming replicas (Debian's
PostgreSQL server binaries), each on a free loopback port in one temporary folder. Run as the
postgres user when the tests run as root (PostgreSQL refuses root). Reused by the multi-node
test: ``with clusters() as pg: primary = pg.primary(); replica = pg.replica(primary)``."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from tests.serving import free_port

ROOT_BINS = Path("/usr/lib/postgresql")
DATABASE = "chancery"  # made on the primary before any replica is cloned, so theirs too
# small and fast: the machine is shared; a crash of a test cluster loses nothing we keep
_SETTINGS = """
listen_addresses = '127.0.0.1'
unix_socket_directories = '{folder}'
shared_buffers = 32MB
max_connections = 60
fsync = off
full_page_writes = off
wal_level = replica
max_wal_senders = 8
hot_standby = on
hot_standby_feedback = on
"""


def server_bin() -> Path | None:
    """The newest installed PostgreSQL's server binaries (as .ci/run picks its version)."""
    found = sorted((p for p in ROOT_BINS.glob("*/bin") if (p / "initdb").is_file()),
                   key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    return found[-1] if found else None


def unavailable() -> str:
    """Why clusters cannot be made here ('' when they can)."""
    if server_bin() is None:
        return f"PostgreSQL server binaries (initdb) not found under {ROOT_BINS}"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a postgres user to run PostgreSQL as"
        if not shutil.which("runuser"):
            return "running as root without runuser to run PostgreSQL as postgres"
    return ""


def _as_owner(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _run(*args: str) -> None:
    bindir = server_bin()
    assert bindir is not None, unavailable()
    subprocess.run(_as_owner([str(bindir / args[0]), *args[1:]]), check=True,
                   capture_output=True, timeout=120)


@dataclass
class Cluster:
    """One running PostgreSQL server: a primary or a streaming replica."""

    name: str
    folder: Path
    port: int
    running: bool = False

    @property
    def log(self) -> Path:
        """Its server log (beside its folder: pg_basebackup would copy one inside)."""
        return self.folder.parent / f"{self.name}.log"

    def url(self, database: str = DATABASE) -> str:
        """Its SQLAlchemy URL (trust authentication on loopback, user postgres)."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        """Start it and wait until it takes connections."""
        _run("pg_ctl", "-D", str(self.folder), "-l", str(self.log), "-w",
             "-t", "60", "start")
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        """Stop it: "fast", or "immediate" (as a crash would)."""
        _run("pg_ctl", "-D", str(self.folder), "-m", mode, "-w", "stop")
        self.running = False

    def sql(self, query: str, *params: Any, database: str = DATABASE) -> list[tuple[Any, ...]]:
        """Run one statement (autocommit); its rows, if any."""
        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=database,
                             autocommit=True) as conn:
            cur = conn.execute(query, params or None)
            return cur.fetchall() if cur.description else []

    def pause_replay(self) -> None:
        """A replica stops applying the primary's WAL (it still receives it)."""
        self.sql("SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        """A replica applies the WAL again."""
        self.sql("SELECT pg_wal_replay_resume()")


@dataclass
class Clusters:
    """Clusters in one temporary folder, all stopped and removed together."""

    root: Path
    made: list[Cluster] = field(default_factory=list)

    def _folder(self, name: str) -> Path:
        folder = self.root / name
        folder.mkdir(mode=0o700)
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
        return folder

    def primary(self, name: str = "primary") -> Cluster:
        """A new primary, started, with the database DATABASE."""
        cluster = Cluster(name, self._folder(name), free_port())
        _run("initdb", "-D", str(cluster.folder), "-U", "postgres", "-A", "trust", "-E", "UTF8",
             "--locale=C.UTF-8", "--no-sync")
        with open(cluster.folder / "postgresql.conf", "a") as conf:
            conf.write(_SETTINGS.format(folder=self.root) + f"port = {cluster.port}\n")
        self.made.append(cluster)
        cluster.start()
        cluster.sql(f"CREATE DATABASE {DATABASE}", database="postgres")
        return cluster

    def replica(self, primary: Cluster, name: str = "replica") -> Cluster:
        """A streaming replica of ``primary`` (pg_basebackup -R), started and caught up."""
        cluster = Cluster(name, self._folder(name), free_port())
        _run("pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
             "-D", str(cluster.folder), "-R", "-X", "stream", "-c", "fast", "--no-sync",
             "-d", f"application_name={name}")
        # its own port (postgresql.auto.conf is read after the conf copied from the primary)
        with open(cluster.folder / "postgresql.auto.conf", "a") as conf:
            conf.write(f"port = {cluster.port}\n")
        self.made.append(cluster)
        cluster.start()
        wait_replayed(primary, cluster)
        return cluster

    def close(self) -> None:
        """Stop every cluster still running; remove the folder."""
        for cluster in reversed(self.made):
            if cluster.running:
                cluster.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def clusters() -> Iterator[Clusters]:
    """A folder for clusters, which are all gone after the block."""
    root = Path(tempfile.mkdtemp(prefix="chancery-pg-"))
    if os.geteuid() == 0:  # the servers write their logs and sockets there
        shutil.chown(root, "postgres", "postgres")
    made = Clusters(root)
    try:
        yield made
    finally:
        made.close()


def wait_replayed(primary: Cluster, replica: Cluster, timeout: float = 30) -> None:
    """Wait until ``replica`` has replayed everything ``primary`` has written so far."""
    (target,), = primary.sql("SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            (done,), = replica.sql("SELECT coalesce(pg_last_wal_replay_lsn() >= %s::pg_lsn, false)",
                                   target)
        except psycopg.OperationalError:  # still starting up
            done = False
        if done:
            return
        time.sleep(0.05)
    raise TimeoutError(f"{replica.name} did not replay up to {target} in {timeout} s")
