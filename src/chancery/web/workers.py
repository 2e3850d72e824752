"""Serving in several processes (`chancery serve --workers N`): uvicorn's workers, each
building the archive's application from the parent's settings. What they share and what each
keeps for itself: docs/serving.md."""

from __future__ import annotations

import os
import socket

import uvicorn
from fastapi import FastAPI
from uvicorn.supervisors import Multiprocess

from chancery.bootstrap import App, build_app
from chancery.config import as_environment, load_settings
from chancery.web.request_log import uvicorn_logging


def serve_in_workers(app: App, host: str, port: int, workers: int) -> None:
    """Serve with ``workers`` processes on one listening socket (the parent has migrated)."""
    os.environ.update(as_environment(app.settings))  # each worker reads the same settings
    app.close()  # the parent serves nothing
    # no proxy headers: CHANCERY_TRUSTED_PROXIES is the only rule (see web.server.run)
    config = uvicorn.Config("chancery.web.workers:worker_app", factory=True, workers=workers,
                            host=host, port=port, log_level="info", proxy_headers=False,
                            **uvicorn_logging(app.settings))
    # what uvicorn.run does for workers (uvicorn 0.54, as locked), with the socket mended
    Multiprocess(config, sockets=[tcp_listener(config.bind_socket())]).run()


def tcp_listener(bound: socket.socket) -> socket.socket:
    """The listening socket, declared TCP. uvicorn binds it with protocol 0; the connections
    it accepts inherit that, asyncio then leaves Nagle's algorithm on, and every request after
    the first on a kept-alive connection waits ~40 ms for a delayed ACK (measured here: one
    reader, 60 ms a request instead of 15; Kludex/uvicorn#3149)."""
    if bound.family not in (socket.AF_INET, socket.AF_INET6):
        return bound
    listener = socket.socket(bound.family, bound.type, socket.IPPROTO_TCP, fileno=bound.detach())
    listener.set_inheritable(True)
    return listener


def worker_app() -> FastAPI:
    """One worker process's application."""
    from chancery.web.server import create_app  # imported here: the server module imports this one
    return create_app(build_app(load_settings(), migrate=False))
