"""Debian's nginx started by a test as its own child process, with a configuration in the
test's folder (no system files touched, nothing left running)."""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# Debian: libnginx-mod-http-cache-purge (ngx_cache_purge 2.3), the PURGE method
PURGE_MODULE = Path("/usr/lib/nginx/modules/ngx_http_cache_purge_module.so")


def has_nginx() -> bool:
    """Whether nginx can be run here."""
    return Path(NGINX).is_file()


def main_config(folder: Path, http: str, modules: tuple[Path, ...] = ()) -> Path:
    """A whole nginx.conf around an ``http`` block's body: every path in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    temp = folder / "temp"
    temp.mkdir(exist_ok=True)
    loads = "".join(f"load_module {m};\n" for m in modules)
    text = f"""{loads}user root;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 64; }}
http {{
  access_log {folder}/access.log;
  client_body_temp_path {temp}/body;
  proxy_temp_path {temp}/proxy;
  fastcgi_temp_path {temp}/fastcgi;
  uwsgi_temp_path {temp}/uwsgi;
  scgi_temp_path {temp}/scgi;
{http}
}}
"""
    config = folder / "nginx.conf"
    config.write_text(text)
    return config


def check(config: Path) -> subprocess.CompletedProcess[str]:
    """``nginx -t`` on a configuration: returncode 0 when it parses and loads."""
    return subprocess.run([NGINX, "-t", "-q", "-c", str(config), "-p", str(config.parent)],
                          capture_output=True, text=True, timeout=30)


@contextmanager
def running(config: Path, port: int) -> Iterator[str]:
    """nginx in the foreground as a child process; yields its base URL."""
    log = config.parent / "stderr.log"
    with log.open("w") as err:
        proc = subprocess.Popen([NGINX, "-c", str(config), "-p", str(config.parent),
                                 "-g", "daemon off;"], stderr=err)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_listening(proc, base, log)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _wait_until_listening(proc: subprocess.Popen[bytes], base: str, log: Path) -> None:
    for _ in range(100):
        if proc.poll() is not None:
            raise RuntimeError(f"nginx stopped: {log.read_text()}")
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("nginx did not answer within 10 s")
