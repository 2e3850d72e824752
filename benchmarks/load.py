"""The reading room under a crowd: requests/s, p50/p99 and errors with 50 and 100 concurrent
readers, served by one process and by N (`chancery serve --workers N`), side by side.

Run: .venv/bin/python benchmarks/load.py [--data DIR] [--workers 1,2] [--readers 50,100]
                                         [--seconds 25] [--max-requests 20000]

Builds the demo archive in DIR once (`chancery demo --no-serve`; kept for later runs), then for
each worker count starts `chancery serve` on a free loopback port, and for each crowd size lets
that many readers request, each as fast as answers come (no pause), a fixed mix of what readers
do: search pages (with facets), document pages, and API calls (search and records). The
servers run side by side and the cells are taken in turn (1 worker, N workers, for 50 readers,
then for 100), so a change in the machine's other load falls on both columns. Each cell
stops by itself after --seconds or --max-requests, whichever comes first; the servers are
stopped at the end. Only the servers this script started are ever addressed (127.0.0.1).

The rate limits stay on, set far above the load: every search page still draws on the shared
budget in the catalogue, so its cost is in the figures. Errors are answers >= 400 and failed
connections."""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"  # loopback only, always
# a reader's mix: what the reading room's users do most (weights: share of requests)
SEARCHES = ["Khrushchev", "Taiwan", "Quemoy", "Soviet Union", "Chiang Kai-shek", "Dulles",
            "nuclear", "embassy Warsaw", "Mao", "offshore islands", "type:telegram Taipei",
            '"Taiwan Strait"', "date:1958-08..1958-10 Quemoy", "Eisenhower"]
MIX = (("search page", 4), ("document page", 4), ("api search", 1), ("api document", 1))
HIGH = "1000000"  # a limit a minute no crowd here reaches


@dataclass
class Cell:
    """What one crowd measured against one server."""

    latencies: list[float] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)  # status or exception -> count
    seconds: float = 0.0
    cpu: float = 0.0  # CPU seconds the server's processes used meanwhile

    @property
    def errors(self) -> int:
        """Answers >= 400 and requests that got no answer."""
        return sum(self.failures.values())

    def row(self) -> tuple[str, ...]:
        """(requests/s, p50 ms, p99 ms, errors, cores the server used) for printing."""
        done = sorted(self.latencies) or [float("nan")]
        rate = (len(self.latencies) + self.errors) / self.seconds
        return (f"{rate:.1f}", f"{_quantile(done, 0.50) * 1000:.0f}",
                f"{_quantile(done, 0.99) * 1000:.0f}", str(self.errors),
                f"{self.cpu / self.seconds:.2f}")


def _quantile(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def cpu_seconds(pid: int) -> float:
    """CPU time of a process and everything it started (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    return own + sum(cpu_seconds(int(c)) for c in children)


def _chancery(data: Path, *args: str) -> list[str]:
    return [sys.executable, "-c", "from chancery.cli import app; app()", "--data", str(data), *args]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT / "src"),
            **{f"CHANCERY_{n}_RATE_LIMIT": HIGH for n in ("API", "SEARCH", "OAI", "EXPORT")}}


def ensure_demo(data: Path) -> None:
    """The demo archive in ``data``, built once."""
    if (data / "catalogue.sqlite3").exists():
        return
    print(f"building the demo archive in {data} ...", flush=True)
    subprocess.run(_chancery(data, "demo", "--no-serve"), env=_env(), check=True,
                   stdout=subprocess.DEVNULL)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(data: Path, workers: int) -> Iterator[tuple[str, int]]:
    """`chancery serve --workers N` on a free loopback port, stopped when the block ends."""
    port = _free_port()
    log = (data.parent / f"load-serve-{workers}.log").open("wb")
    server = subprocess.Popen(_chancery(data, "serve", "--host", HOST, "--port", str(port),
                                        "--workers", str(workers)),
                              env=_env(), stdout=log, stderr=subprocess.STDOUT)
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            try:
                httpx.get(base + "/static/chancery.css", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise SystemExit(f"serve did not start (see {log.name})")
        yield base, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def document_ids(base: str, count: int = 300) -> list[str]:
    """Public ids of documents to read (through the API, as a reader's links would lead)."""
    ids: list[str] = []
    cursor = ""
    with httpx.Client(base_url=base, timeout=30) as client:
        while len(ids) < count:
            page = client.get("/api/v1/documents", params={"limit": 100, "cursor": cursor}
                              if cursor else {"limit": 100}).json()
            ids += [d["public_id"] for d in page["items"]]
            cursor = page.get("next_cursor") or ""
            if not cursor:
                break
    return ids


def _address(kind: str, ids: list[str], rng: random.Random) -> str:
    q = quote(rng.choice(SEARCHES))
    return {"search page": f"/search?q={q}",
            "document page": f"/documents/{rng.choice(ids)}",
            "api search": f"/api/v1/search?q={q}",
            "api document": f"/api/v1/documents/{rng.choice(ids)}"}[kind]


async def _reader(client: httpx.AsyncClient, ids: list[str], cell: Cell, stop_at: float,
                  budget: list[int], seed: int) -> None:
    rng = random.Random(seed)
    kinds, weights = zip(*MIX, strict=True)
    while time.monotonic() < stop_at and budget[0] > 0:
        budget[0] -= 1
        path = _address(rng.choices(kinds, weights)[0], ids, rng)
        started = time.monotonic()
        try:
            answer = await client.get(path)
            failure = str(answer.status_code) if answer.status_code >= 400 else ""
        except httpx.HTTPError as exc:
            failure = type(exc).__name__
        if failure:
            cell.failures[failure] += 1
        else:
            cell.latencies.append(time.monotonic() - started)


async def crowd(base: str, ids: list[str], readers: int, seconds: float, max_requests: int) -> Cell:
    """``readers`` readers at once until the time or the request count runs out."""
    cell, budget = Cell(), [max_requests]
    limits = httpx.Limits(max_connections=readers, max_keepalive_connections=readers)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60,
                                 follow_redirects=True) as client:  # as a browser does
        started = time.monotonic()
        await asyncio.gather(*(_reader(client, ids, cell, started + seconds, budget, i)
                               for i in range(readers)))
        cell.seconds = time.monotonic() - started
    return cell


def main() -> None:
    """Measure every (workers, readers) cell and print them side by side."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=Path("/tmp/chancery-load-demo"))
    ap.add_argument("--workers", default=f"1,{os.cpu_count() or 1}")
    ap.add_argument("--readers", default="50,100")
    ap.add_argument("--seconds", type=float, default=25.0)
    ap.add_argument("--max-requests", type=int, default=20_000)
    args = ap.parse_args()
    workers = [int(w) for w in dict.fromkeys(args.workers.split(","))]
    crowds = [int(r) for r in args.readers.split(",")]
    ensure_demo(args.data)
    cells: dict[tuple[int, int], Cell] = {}
    with ExitStack() as servers:
        # all servers at once (an idle one costs nothing), their cells taken in turn: on a
        # machine shared with other work, a drift in its load then touches every column alike
        started = {w: servers.enter_context(serving(args.data, w)) for w in workers}
        ids = document_ids(started[workers[0]][0])
        for base, _ in started.values():
            asyncio.run(crowd(base, ids, 5, 3, 200))  # warm: caches, counts over everything
        for r in crowds:
            for w in workers:
                base, pid = started[w]
                before = cpu_seconds(pid)
                cells[w, r] = asyncio.run(crowd(base, ids, r, args.seconds, args.max_requests))
                cells[w, r].cpu = cpu_seconds(pid) - before
                print(f"workers {w}, readers {r}: {cells[w, r].row()} "
                      f"{dict(cells[w, r].failures)}; load average {os.getloadavg()[0]:.1f}",
                      flush=True)
    _print(cells, workers, crowds, args.seconds)


def _print(cells: dict[tuple[int, int], Cell], workers: list[int], crowds: list[int],
           seconds: float) -> None:
    head = " | ".join(f"{w} worker{'s' if w > 1 else ''}: req/s, p50 ms, p99 ms, errors, "
                      "cores used" for w in workers)
    print(f"\n{os.cpu_count()} cores; {seconds:.0f} s per cell\n\n| readers | {head} |")
    print("|---|" + "---|" * len(workers))
    for r in crowds:
        print(f"| {r} | " + " | ".join(", ".join(cells[w, r].row()) for w in workers) + " |")


if __name__ == "__main__":
    main()
