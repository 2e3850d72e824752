"""An archive served over real HTTP on loopback, for clients that need a live server
(Chromium, OAI-PMH harvesters)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import uvicorn

from chancery.bootstrap import App
from chancery.web.server import create_app


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(app: App, port: int | None = None) -> Iterator[str]:
    """The archive's web app on a free port (or the one given); yields its base URL."""
    port = port or free_port()
    here = replace(app, settings=app.settings.served_at("127.0.0.1", port))
    server = uvicorn.Server(uvicorn.Config(create_app(here), host="127.0.0.1", port=port,
                                           log_level="warning", proxy_headers=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
