"""Request ids, the JSON log formatter, and the route families metrics and logs label by."""

from __future__ import annotations

import json
import logging
import re
import sys

import pytest

from chancery.web.metrics import FAMILIES, PAGES, family_of
from chancery.web.request_log import JsonFormatter, request_id


def _record(message: str, **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("chancery.access", logging.INFO, __file__, 1, message, (), None)
    record.__dict__.update(extra)
    return record


def test_a_proxy_id_is_kept_only_when_well_formed_and_from_a_trusted_proxy() -> None:
    kept = "7f3c9a1e0b2d4c6e8f0a1b2c3d4e5f60"
    assert request_id(kept, True) == kept
    assert request_id("0A1B:C2_1.7-x", True) == "0A1B:C2_1.7-x"  # HAProxy's unique-id kind
    for bad in ("", "a b", "x\ny", "x" * 129, '"}', "é"):
        made = request_id(bad, True)
        assert made != bad and re.fullmatch(r"[0-9a-f]{32}", made)
    assert request_id(kept, False) != kept
    assert len({request_id("", False) for _ in range(100)}) == 100


def test_the_formatter_writes_one_json_object_per_line() -> None:
    line = JsonFormatter().format(_record("GET /search 200", request_id="abc123", method="GET",
                                          route="search", path="/search", status=200,
                                          duration_ms=12.5, client="198.51.100.4"))
    assert "\n" not in line
    found = json.loads(line)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", found.pop("time"))
    assert found == {"level": "INFO", "logger": "chancery.access", "message": "GET /search 200",
                     "request_id": "abc123", "method": "GET", "route": "search",
                     "path": "/search", "status": 200, "duration_ms": 12.5,
                     "client": "198.51.100.4"}


def test_an_error_keeps_its_traceback_in_the_line() -> None:
    try:
        raise RuntimeError("catalogue gone\nsecond line")
    except RuntimeError:
        record = _record("error serving /x")
        record.exc_info = sys.exc_info()
    found = json.loads(JsonFormatter().format(record))
    assert found["request_id"] == "" and "RuntimeError: catalogue gone" in found["error"]


@pytest.mark.parametrize(("path", "family"), [
    ("/healthz", "health"), ("/readyz", "health"), ("/metrics", "health"),
    ("/static/chancery.css", "static"), ("/search", "search"), ("/search/cite.bib", "search"),
    ("/suggest", "search"), ("/feeds/search.atom", "search"), ("/api/v1/search", "search"),
    ("/api/v1/documents/x", "api"), ("/api/v1/docs", "api"), ("/oai", "oai"),
    ("/iiif/3/manifests/x", "iiif"), ("/workspace/jobs", "workspace"), ("/login", "workspace"),
    ("/set-password/t", "workspace"), ("/files/ab/x.pdf", "files"), ("/scans/ab/1-500.png", "files"),
    ("/downloads/documents.csv", "files"), ("/documents/x", PAGES), ("/", PAGES),
    ("/people/herter", PAGES), ("/searching", PAGES), ("/oaix", PAGES), ("/metrics/x", PAGES),
    ("/loginx", PAGES)])
def test_every_path_falls_in_one_family_of_a_fixed_set(path: str, family: str) -> None:
    assert family_of(path) == family
    assert family_of(path) in {name for name, _ in FAMILIES} | {PAGES}
