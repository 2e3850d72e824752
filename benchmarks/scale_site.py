"""The archive benchmarks/scale.py measures, served: `chancery serve` and `chancery import`
run as a web machine of a deployment would run them, nginx's cache in front, and the helpers
that warm them up. Loopback only."""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from chancery.bootstrap import App, build_app
from chancery.config import load_settings

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"  # loopback only, always
HIGH = "1000000"  # a rate limit a minute no crowd here reaches
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# The archive's one public address, for the build and every server alike, as a deployment
# sets it: citations name it, so the styles rendered before are found only under the same
# one. Left empty, each server took the port it listened on as its address, and every first
# visit of a page rendered its citation styles again (pandoc, in the web process).
PUBLIC_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class Site:
    """One archive: its catalogue (PostgreSQL), its data folder and the broker of its jobs."""

    pg: str
    data: Path
    broker: str

    def open(self) -> App:
        return build_app(load_settings(data=str(self.data), database_url=self.pg,
                                       public_url=PUBLIC_URL))

    def env(self) -> dict[str, str]:
        """The servers' settings: web processes only, as on a web machine of a deployment:
        with a broker, `serve` and `import` start no job processes (the jobs wait in the
        broker for `chancery worker` machines; none runs here), so a million documents'
        embeddings are not being made behind the measurement."""
        return {**os.environ, "PYTHONPATH": str(ROOT / "src"), "CHANCERY_DATABASE_URL": self.pg,
                "CHANCERY_BROKER_URL": self.broker, "CHANCERY_CACHE_MAX_AGE": "60",
                "CHANCERY_PUBLIC_URL": PUBLIC_URL,
                **{f"CHANCERY_{n}_RATE_LIMIT": HIGH for n in ("API", "SEARCH", "OAI", "EXPORT")}}

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-c", "from chancery.cli import app; app()",
                "--data", str(self.data), *args]

    def start(self, *args: str, log: Path, nice: int = 0) -> subprocess.Popen[bytes]:
        """A `chancery` command in the background, its output in ``log``; ``nice`` > 0 runs
        it at that lower priority (`nice -n`), as an operator may run an import."""
        niced = ["nice", "-n", str(nice)] if nice else []
        with log.open("wb") as out:
            return subprocess.Popen([*niced, *self.command(*args)], env=self.env(), stdout=out,
                                    stderr=subprocess.STDOUT)

    @contextmanager
    def serving(self, workers: int) -> Iterator[tuple[str, int]]:
        """`chancery serve --workers N` on a free loopback port; (base URL, pid)."""
        port = free_port()
        log = self.data.parent / f"serve-{workers}.log"
        server = self.start("serve", "--host", HOST, "--port", str(port),
                            "--workers", str(workers), log=log)
        base = f"http://{HOST}:{port}"
        try:
            wait_for(base, server, str(log))
            yield base, server.pid
        finally:
            server.terminate()
            server.wait(timeout=60)

    @contextmanager
    def downloads_made_elsewhere(self) -> Iterator[None]:
        """Hold the dataset downloads' lock file for the whole run, as the one machine of a
        deployment that makes them holds it on the shared mount: the servers measured here
        then never make them. At 1M documents the first pair takes ~22 min to make (754
        documents/s), in a thread of a web process; after a change, ~10 s (made from the last
        pair: benchmarks/download_files.py)."""
        lock = self.data / "derived" / "downloads" / ".lock"
        lock.parent.mkdir(parents=True, exist_ok=True)
        with lock.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            yield


def wait_for(base: str, server: subprocess.Popen[bytes], log: str) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and server.poll() is None:
        try:
            httpx.get(base + "/static/chancery.css", timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit(f"{base} did not start (see {log})")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def warm(base: str, urls: list[str], workers: int = 1, every: bool = False) -> None:
    """Requests of each kind first, many at once on fresh connections so that every web
    process gets some: imports, templates, citation styles, the model and the OS's caches
    (``every``: each of ``urls``, else 20 per web process)."""
    def one(url: str) -> None:
        for attempt in range(3):  # a worker still starting may drop a connection
            try:
                httpx.get(base + url, timeout=120)
                return
            except httpx.TransportError:
                time.sleep(1 + attempt)

    with ThreadPoolExecutor(max_workers=4 * workers) as pool:
        list(pool.map(one, urls if every else urls[:20 * workers]))


@contextmanager
def nginx_cache(folder: Path, upstream: str) -> Iterator[str]:
    """nginx with the anonymous-page cache of docs/deployment.md in front of ``upstream``, on
    a free loopback port; yields its base URL. Its log lines are the cache status of each
    answer (``folder``/access.log)."""
    port = free_port()
    config = nginx_config(folder, port, upstream)
    proxy = subprocess.Popen([NGINX, "-g", "daemon off;", "-c", str(config), "-p", str(folder)],
                             stderr=subprocess.DEVNULL)
    base = f"http://{HOST}:{port}"
    try:
        wait_for(base, proxy, str(folder / "error.log"))
        yield base
    finally:
        proxy.terminate()
        proxy.wait(timeout=30)


def nginx_config(folder: Path, port: int, upstream: str) -> Path:
    """The anonymous-page cache of docs/deployment.md, on loopback, in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(folder / "cache", ignore_errors=True)
    temp = folder / "temp"
    temp.mkdir(exist_ok=True)
    config = folder / "nginx.conf"
    config.write_text(f"""user root;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  log_format cache '$upstream_cache_status $status';
  access_log {folder}/access.log cache;
  client_body_temp_path {temp}/body;
  proxy_temp_path {temp}/proxy;
  fastcgi_temp_path {temp}/fastcgi;
  uwsgi_temp_path {temp}/uwsgi;
  scgi_temp_path {temp}/scgi;
  upstream chancery {{ server {upstream.removeprefix('http://')}; keepalive 32; }}
  proxy_cache_path {folder}/cache levels=1:2 keys_zone=chancery:50m max_size=2g inactive=10m
                   use_temp_path=off;
  server {{
    listen {HOST}:{port};
    location / {{
      proxy_pass http://chancery;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_cache chancery;
      proxy_cache_key $request_uri;
      proxy_cache_lock on;
      proxy_ignore_headers Vary;
      proxy_cache_bypass $cookie_chancery_session $cookie_chancery_lsn $http_authorization;
      proxy_no_cache $cookie_chancery_session $cookie_chancery_lsn $http_authorization;
    }}
  }}
}}
""")
    return config
