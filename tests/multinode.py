"""The processes of a small Chancery deployment, started on this machine for the multi-node
test: a Redis of its own, `chancery serve` web nodes and a `chancery worker` (each process
group its own, so a node is killed whole), and HAProxy from Debian in front of the nodes.
Every one listens on its own free loopback port: one address with many ports is all HAProxy
and the nodes need, so no network namespaces (which would need root and veth pairs)."""

from __future__ import annotations

import csv
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.serving import free_port

SRC = Path(__file__).resolve().parents[1] / "src"
CHANCERY = [sys.executable, "-c", "from chancery.cli import app; app()"]

# roundrobin over the nodes, each checked by /readyz every half second; an idempotent
# request whose node fails (connection refused or reset, an empty answer, a 5xx) is sent
# again, each retry to another node (redispatch 1)
HAPROXY_CONFIG = """\
global
    maxconn 512
defaults
    mode http
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    timeout check 2s
    retries 3
    option redispatch 1
    retry-on all-retryable-errors
    option forwardfor
listen stats
    bind 127.0.0.1:{stats}
    stats enable
    stats uri /stats
listen web
    bind 127.0.0.1:{port}
    http-request set-header X-Request-ID %[uuid]
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
{servers}
"""


def missing_programs() -> list[str]:
    """The programs the deployment needs that are not installed."""
    return [p for p in ("haproxy", "redis-server") if not shutil.which(p)]


def wait_until(ok: Callable[[], object], seconds: float, what: str | Callable[[], str]) -> None:
    """Wait until ``ok()`` is true; fail saying ``what`` (or what it returns then) did not
    happen."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if ok():
                return
        except (httpx.HTTPError, OSError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"{what() if callable(what) else what} (waited {seconds:g} s)")


@dataclass
class Process:
    """One child process (and its group), its log in a file."""

    name: str
    args: list[str]
    env: dict[str, str]
    log: Path
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start it in a process group of its own."""
        with open(self.log, "ab") as out:  # the child keeps its own copy
            self.proc = subprocess.Popen(self.args, env=self.env, stdout=out, stderr=out,
                                         stdin=subprocess.DEVNULL, start_new_session=True)

    def signal(self, sig: int) -> None:
        """Send ``sig`` to the whole group (a node's web workers and follower too)."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)

    def kill(self) -> None:
        """SIGKILL, as a crashed machine: nothing is closed cleanly."""
        self.signal(signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait(10)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 20 s."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.signal(signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.kill()

    def tail(self, chars: int = 3000) -> str:
        """The end of its log, for a failure's message."""
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


def chancery_env(settings: dict[str, str]) -> dict[str, str]:
    """This environment without any CHANCERY_* of its own, with these settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHANCERY_")}
    env["PYTHONPATH"] = str(SRC)
    env.update({f"CHANCERY_{k.upper()}": v for k, v in settings.items()})
    return env


def run_chancery(settings: dict[str, str], *args: str, timeout: float = 300) -> str:
    """Run one `chancery` command to its end; its standard output."""
    done = subprocess.run([*CHANCERY, *args], env=chancery_env(settings), capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, f"chancery {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout


def redis_server(folder: Path) -> tuple[Process, str]:
    """A Redis of the test's own (nothing kept on disk); its URL."""
    port = free_port()
    redis = Process("redis", ["redis-server", "--bind", "127.0.0.1", "--port", str(port),
                              "--save", "", "--appendonly", "no", "--dir", str(folder)],
                    dict(os.environ), folder / "redis.log")
    redis.start()
    wait_until(lambda: subprocess.run(["redis-cli", "-p", str(port), "ping"],
                                      capture_output=True).stdout.strip() == b"PONG",
               20, "redis did not answer")
    return redis, f"redis://127.0.0.1:{port}/0"


def web_node(name: str, settings: dict[str, str], folder: Path) -> tuple[Process, str]:
    """`chancery serve` for one node (not started); its address."""
    port = free_port()
    node = Process(name, [*CHANCERY, "serve", "--host", "127.0.0.1", "--port", str(port),
                          "--workers", "1"], chancery_env(settings), folder / f"{name}.log")
    return node, f"http://127.0.0.1:{port}"


def worker(settings: dict[str, str], folder: Path) -> Process:
    """`chancery worker` with one process, taking jobs from the broker (not started)."""
    return Process("worker", [*CHANCERY, "worker", "--processes", "1"],
                   chancery_env(settings), folder / "worker.log")


def is_ready(address: str) -> bool:
    """Whether a node says it is ready (what HAProxy's check asks)."""
    return httpx.get(f"{address}/readyz", timeout=3).status_code == 200


@dataclass
class Balancer:
    """HAProxy in the foreground, in front of the nodes."""

    process: Process
    address: str
    stats: str

    def states(self) -> dict[str, str]:
        """Each node's state as HAProxy sees it ("UP", "DOWN", ...)."""
        text = httpx.get(f"{self.stats}/stats;csv", timeout=3).text.lstrip("# ")
        return {row["svname"]: row["status"].split()[0] for row in csv.DictReader(io.StringIO(text))
                if row["pxname"] == "web" and row["svname"] not in ("FRONTEND", "BACKEND")}

    def retries(self) -> tuple[int, int]:
        """(requests retried, requests redispatched to another node) so far."""
        text = httpx.get(f"{self.stats}/stats;csv", timeout=3).text.lstrip("# ")
        row = next(r for r in csv.DictReader(io.StringIO(text))
                   if r["pxname"] == "web" and r["svname"] == "BACKEND")
        return int(row["wretr"] or 0), int(row["wredis"] or 0)


def haproxy(nodes: dict[str, str], folder: Path, port: int) -> Balancer:
    """HAProxy on ``port`` balancing over ``nodes`` (name: address), started; waits for it."""
    stats = free_port()
    servers = "\n".join(f"    server {name} {address.removeprefix('http://')} check inter 500ms "
                        "fall 1 rise 2" for name, address in nodes.items())
    config = folder / "haproxy.cfg"
    config.write_text(HAPROXY_CONFIG.format(port=port, stats=stats, servers=servers))
    process = Process("haproxy", ["haproxy", "-f", str(config), "-db"], dict(os.environ),
                      folder / "haproxy.log")
    process.start()
    balancer = Balancer(process, f"http://127.0.0.1:{port}", f"http://127.0.0.1:{stats}")
    wait_until(lambda: balancer.states() is not None, 20, "haproxy did not start")
    return balancer
