"""`chancery serve` as operators run it (real processes on loopback): several processes draw
on one rate-limit budget, and no proxy header escapes the limit unless the proxy is trusted."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn

import chancery
from chancery.web.workers import tcp_listener

SRC = str(Path(chancery.__file__).resolve().parents[1])  # the code under test, not an install
ADDRESS = "/api/v1/collections"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(data: Path, *args: str, **settings: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`chancery --data DATA serve ARGS` on a free port until the block ends."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": SRC, **{f"CHANCERY_{k.upper()}": v for k, v in settings.items()}}
    log = data.parent / f"serve-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", "from chancery.cli import app; app()", "--data", str(data),
             "serve", "--create", "--port", str(port), *args],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, log)
        yield base, process
    finally:
        process.terminate()  # uvicorn stops its workers itself
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"serve stopped: {log.read_text()[-2000:]}")
        try:
            httpx.get(base + "/static/chancery.css", timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail("serve did not start within 60 s")


def _codes(bases: list[str], n: int, headers: dict[str, str] | None = None) -> list[int]:
    """``n`` requests, each on a new connection, spread over the servers in turn."""
    return [httpx.get(bases[i % len(bases)] + ADDRESS, headers=headers).status_code
            for i in range(n)]


def test_a_rotated_forwarded_for_does_not_escape_the_limit(tmp_path: Path) -> None:
    with serving(tmp_path / "data", api_rate_limit="5") as (base, _):
        codes = [httpx.get(base + ADDRESS, headers={"X-Forwarded-For": f"198.51.100.{i}"}).status_code
                 for i in range(12)]
    assert codes.count(200) == 5 and codes.count(429) == 7


def test_two_server_processes_share_one_budget(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with serving(data, api_rate_limit="6") as (first, _), \
            serving(data, api_rate_limit="6") as (second, _):
        codes = _codes([first, second], 12)
    assert codes.count(200) == 6 and codes.count(429) == 6


def _workers(pid: int) -> int:
    """Python processes started under ``pid`` (uvicorn's workers and its helper)."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return len(children.read_text().split()) if children.exists() else -1


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="counts processes in /proc")
def test_serve_with_workers_runs_them_on_one_budget(tmp_path: Path) -> None:
    with serving(tmp_path / "data", "--workers", "2", api_rate_limit="6") as (base, process):
        assert _workers(process.pid) >= 2
        codes = _codes([base], 12)
    assert codes.count(200) == 6 and codes.count(429) == 6


def _nodelay_of_accepted(listener: socket.socket) -> int:
    """TCP_NODELAY of a connection asyncio accepts on ``listener`` (as uvicorn's workers do)."""
    found: list[int] = []

    class Accepted(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            found.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    async def accept_one() -> None:
        server = await asyncio.get_running_loop().create_server(Accepted, sock=listener)
        _, writer = await asyncio.open_connection(*listener.getsockname()[:2])
        for _ in range(100):
            if found:
                break
            await asyncio.sleep(0.01)
        writer.close()
        server.close()

    asyncio.run(accept_one())
    return found[0]


def test_workers_answer_kept_alive_connections_without_nagles_delay() -> None:
    """uvicorn's worker socket alone leaves Nagle on (each kept-alive request then waits
    ~40 ms for a delayed ACK); the socket the workers get turns it off."""
    config = uvicorn.Config("chancery.web.workers:worker_app", host="127.0.0.1", port=0)
    assert _nodelay_of_accepted(tcp_listener(config.bind_socket())) != 0  # Kludex/uvicorn#3149
