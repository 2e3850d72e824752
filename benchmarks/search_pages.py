"""Search pages of the judged queries: server time, catalogue statements and the COinS' part.

Run (PostgreSQL or SQLite, any archive; the volumes are imported first when given):
  CHANCERY_DATA=/tmp/pages CHANCERY_DATABASE_URL=postgresql+psycopg:///pages?host=/var/run/postgresql \\
    PYTHONPATH=src .venv/bin/python benchmarks/search_pages.py \\
    [--import ../shared/corpus/frus/core/frus1961-63v06.xml ...] [--rounds 3]

The judged queries of tests/relevance/queries.yaml, each a search page of 20 results asked
for through the web app in this process (no HTTP), once to warm the caches and then
``--rounds`` times (the search rate limit lifted: it is one client). Apart, the read behind
the page's COinS (one per result, for Zotero) timed alone for the same results."""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import yaml
from fastapi.testclient import TestClient
from sqlalchemy import event

from chancery.bootstrap import build_app
from chancery.config import load_settings
from chancery.domain.readers import Reader
from chancery.services import citing
from chancery.services.imports import import_paths
from chancery.services.search import rebuild_index
from chancery.web.server import create_app

QUERIES = Path(__file__).resolve().parents[1] / "tests" / "relevance" / "queries.yaml"


def _ms(times: list[float]) -> str:
    times = sorted(times)
    return (f"p50 {statistics.median(times):.1f} ms, p90 {times[int(len(times) * 0.9)]:.1f} ms, "
            f"p99 {times[int(len(times) * 0.99)]:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--import", dest="volumes", nargs="*", default=[])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    app = build_app(load_settings(search_rate_limit="1000000"))  # the benchmark is one client
    if args.volumes:
        assert not import_paths([Path(v) for v in args.volumes], app.import_context()).failed
        rebuild_index(app.catalogue, app.index)
    queries = [q["query"] for q in yaml.safe_load(QUERIES.read_text())["queries"]]
    statements = [0]
    event.listen(app.catalogue.engine, "before_cursor_execute",  # type: ignore[attr-defined]
                 lambda *a: statements.__setitem__(0, statements[0] + 1))
    site = TestClient(create_app(app))
    reader = Reader.public()
    hits = {q: [h.public_id for h in app.search.documents(q, per_page=20, reader=reader)
                .results.hits] for q in queries}
    for q in queries:
        assert site.get("/search", params={"q": q}).status_code == 200, q
    pages, coins, counts = [], [], []
    for _ in range(args.rounds):
        for q in queries:
            statements[0] = 0
            started = time.perf_counter()
            assert site.get("/search", params={"q": q}).status_code == 200, q
            pages.append((time.perf_counter() - started) * 1000)
            counts.append(statements[0])
            started = time.perf_counter()
            citing.coins_for(app.catalogue, app.citer, hits[q], reader)
            coins.append((time.perf_counter() - started) * 1000)
    print(f"{len(queries)} search pages x {args.rounds} ({app.catalogue.dialect}, "
          f"{statistics.mean(len(h) for h in hits.values()):.1f} results a page): "
          f"{_ms(pages)}; statements per page mean {statistics.mean(counts):.1f}; "
          f"the COinS' read alone {_ms(coins)}")
    app.close()


if __name__ == "__main__":
    main()
