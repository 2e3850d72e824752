"""The Prometheus counts of this machine's processes, kept in one folder so that a scrape of
any web worker sums them all (prometheus-client's multiprocess mode): `serve` empties the
folder and names it before its workers start; a `chancery import` run on the same machine
while it serves adds its own file (documents imported), which the scrape sums in too.

prometheus-client chooses between in-memory and file-backed counts once, when it is first
imported, from PROMETHEUS_MULTIPROC_DIR: so the folder is named before anything imports it."""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from chancery.config import Settings

ENV = "PROMETHEUS_MULTIPROC_DIR"
log = logging.getLogger("chancery.telemetry")
# the request being answered, for every message logged while it is (errors included)
REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="")
# the fields of an access line (web/request_log.py), beside the formatter's own
ACCESS_FIELDS = ("method", "route", "path", "status", "duration_ms", "client")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ms), level, logger, message, request_id, the
    access fields when the record has them, and the traceback of an error."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON."""
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or REQUEST_ID.get()}
        line.update({k: getattr(record, k) for k in ACCESS_FIELDS if hasattr(record, k)})
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def process_logs(settings: Settings) -> None:
    """The logs of a process `serve` starts beside its web workers (the index follower): with
    log_format=json one JSON line per message on stderr, as the workers write them; else each
    message as a line of its own on stdout, as before (it printed them, in either format)."""
    handler = logging.StreamHandler(sys.stderr if settings.log_format == "json" else sys.stdout)
    handler.setFormatter(JsonFormatter() if settings.log_format == "json"
                         else logging.Formatter("%(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)


def use_metrics_dir(settings: Settings) -> None:
    """Before `serve` starts its workers: an empty metrics folder, named for every process
    started from here on (a restart begins the counts again, as Prometheus expects)."""
    if "prometheus_client" in sys.modules and os.environ.get(ENV) != str(settings.metrics_dir):
        # too late for this process (a command run inside another): its counts stay its own
        log.warning("metrics kept per process: prometheus_client was imported before the "
                    "metrics folder was set")
        return
    shutil.rmtree(settings.metrics_dir, ignore_errors=True)
    settings.metrics_dir.mkdir(parents=True)
    os.environ[ENV] = str(settings.metrics_dir)


def shared_counts() -> bool:
    """Whether this process's counts go to the metrics folder (multiprocess mode)."""
    return bool(os.environ.get(ENV))


def import_counter(settings: Settings) -> Callable[[int, int], None]:
    """``stored(imported, updated)``, to call as an import stores each batch: counts of
    documents written, by outcome. When a server on this machine keeps a metrics folder,
    the counts go there and its /metrics reports them; else they stay in this process."""
    if (settings.metrics_dir.is_dir() and not shared_counts()
            and "prometheus_client" not in sys.modules):
        os.environ[ENV] = str(settings.metrics_dir)
    from prometheus_client import Counter

    counter = Counter("chancery_documents_imported", "Documents an import stored, by outcome "
                      "(new, or updated from a changed source).", ["outcome"], registry=None)

    def stored(imported: int, updated: int) -> None:
        if imported:
            counter.labels("new").inc(imported)
        if updated:
            counter.labels("updated").inc(updated)

    return stored
