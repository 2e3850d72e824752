"""Document pages of real FRUS volumes: server time and catalogue statements per page.

Run (PostgreSQL or SQLite, any archive; the volumes are imported first when given):
  CHANCERY_DATA=/tmp/pages CHANCERY_DATABASE_URL=postgresql+psycopg:///pages?host=/var/run/postgresql \\
    PYTHONPATH=src .venv/bin/python benchmarks/frus_pages.py \\
    [--import ../shared/corpus/frus/core/frus1961-63v06.xml ...] [--rounds 3]

Every document of the archive is asked for at its canonical address through the web app in
this process (no HTTP, no network), once to warm the caches and then ``--rounds`` times. Real
FRUS pages differ from the synthetic ones of benchmarks/pages.py in what the notes cite:
"Document 303" links to a document of the same volume, up to 20 a page."""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import event

from chancery.bootstrap import build_app
from chancery.config import load_settings
from chancery.services.imports import import_paths
from chancery.services.search import rebuild_index
from chancery.web.server import create_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--import", dest="volumes", nargs="*", default=[])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    app = build_app(load_settings())
    if args.volumes:
        assert not import_paths([Path(v) for v in args.volumes], app.import_context()).failed
        rebuild_index(app.catalogue, app.index)
    statements, checkouts = [0], [0]
    event.listen(app.catalogue.engine, "before_cursor_execute",  # type: ignore[attr-defined]
                 lambda *a: statements.__setitem__(0, statements[0] + 1))
    event.listen(app.catalogue.engine, "checkout",  # type: ignore[attr-defined]
                 lambda *a: checkouts.__setitem__(0, checkouts[0] + 1))
    site = TestClient(create_app(app))
    pages = [site.get(f"/documents/{p}", follow_redirects=False).headers["location"]
             for p in app.catalogue.changed_since(0)]
    for page in pages:
        site.get(page)
    times, counts, connections = [], [], []
    for _ in range(args.rounds):
        for page in pages:
            statements[0] = checkouts[0] = 0
            started = time.perf_counter()
            assert site.get(page).status_code == 200, page
            times.append((time.perf_counter() - started) * 1000)
            counts.append(statements[0])
            connections.append(checkouts[0])
    times.sort()
    print(f"{len(pages)} document pages x {args.rounds} ({app.catalogue.dialect}): "
          f"p50 {statistics.median(times):.1f} ms, p90 {times[int(len(times) * 0.9)]:.1f} ms, "
          f"p99 {times[int(len(times) * 0.99)]:.1f} ms; statements per page mean "
          f"{statistics.mean(counts):.1f}, max {max(counts)}; connections taken from the pool "
          f"per page mean {statistics.mean(connections):.1f}")
    app.close()


if __name__ == "__main__":
    main()
