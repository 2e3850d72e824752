"""Server time of the reading room's document and search pages, through HTTP on loopback.

Run: .venv/bin/python benchmarks/pages.py --docs 1000000 --out DIR [--requests 400]

Builds once (kept in DIR for later runs) an archive of N documents drawn from the real FRUS
text by benchmarks/search.py's generator, written through the catalogue's own write path
(SQLite) and indexed by `rebuild_index`; then serves it with uvicorn in a child process and
requests, one at a time from this process, document pages of random documents and search
pages (every facet, snippets, the year histogram) for a fixed query mix. Prints p50/p95/p99
per page type against the targets of issue #4 (document p99 <= 30 ms, search p99 <= 80 ms).
The mix repeats ten queries, so each search is counted afresh unless ``--kept`` (the facet
counts kept for a broad search, search/facet_memo.py, as the product serves)."""

from __future__ import annotations

import argparse
import json
import random
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

sys.path.insert(0, str(Path(__file__).parent))
import frus_corpus as corpus

from chancery.bootstrap import App, build_app
from chancery.citing.styles import PAGE_STYLES
from chancery.config import load_settings
from chancery.domain.authorities import Authority, AuthorityKind, NameVariant, Role, fold
from chancery.domain.collections import Collection, Membership
from chancery.domain.publication import Actor
from chancery.domain.revisions import Revision
from chancery.search.interface import IndexDocument
from chancery.services import citing
from chancery.services import search as searching
from chancery.services.downloads import PublicDownloads
from chancery.storage.interface import DocumentWrite, LinkWrite, NameRow

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ["Khrushchev", "Berlin Soviet", '"Soviet Union"', "Taiwan date:1958..1960",
           "nuclear test", "Kennedy -Cuba", "type:telegram embassy", "Laos OR Vietnam",
           "classification:secret Germany", "Mao"]
BATCH = 2_000


def _key(generated: str) -> str:
    return generated.replace(":", "/", 1)  # the generator's keys are "person:slug"


def _collections(item: IndexDocument) -> list[Collection]:
    out, parent = [], ""
    for key in item.collections:
        out.append(Collection(key, key.rsplit("/", 1)[-1].upper(), parent))
        parent = key
    return out


def build(app: App, docs: int, pool: Any) -> None:
    """Write the generated documents into the catalogue, then build the index."""
    generator = corpus.Generator(pool)
    ids: dict[str, int] = {}
    seen_collections: set[str] = set()
    started, written = time.perf_counter(), 0
    revision = Revision(datetime.now(UTC), "benchmark", "generated")
    batch: list[IndexDocument] = []
    for item in generator.documents(0, docs):
        batch.append(item)
        if len(batch) == BATCH:
            written += _write(app, batch, ids, seen_collections, revision)
            batch = []
            _progress("catalogue", written, docs, started)
    if batch:
        written += _write(app, batch, ids, seen_collections, revision)
    print(f"catalogue: {written:,} documents in {time.perf_counter() - started:.0f} s")
    app.catalogue.refresh_statistics()  # as `chancery import` does after writing
    started = time.perf_counter()
    n = searching.rebuild_index(app.catalogue, app.index,
                                lambda k: _progress("index", k, docs, started, add=True))
    print(f"index: {n:,} documents in {time.perf_counter() - started:.0f} s")


_counted = {"index": 0}


def _progress(label: str, n: int, total: int, started: float, add: bool = False) -> None:
    if add:
        _counted[label] += n
        n = _counted[label]
    if n % 50_000 < BATCH or n == total:
        rate = n / max(time.perf_counter() - started, 1e-6)
        print(f"  {label}: {n:,}/{total:,} ({rate:,.0f}/s)", flush=True)


def _write(app: App, batch: list[IndexDocument], ids: dict[str, int], seen: set[str],
           revision: Revision) -> int:
    with app.catalogue.session() as session:
        new = [c for item in batch for c in _collections(item) if c.key not in seen]
        if new:
            session.upsert_collections(list({c.key: c for c in new}.values()))
            seen.update(c.key for c in new)
        writes = []
        for item in batch:
            links = []
            for name in item.names:
                key = _key(name.key)
                if key not in ids:
                    kind = AuthorityKind(name.kind)
                    record = Authority(kind, name.names[0], key=key)
                    rows = [NameRow(NameVariant(n), fold(n), "") for n in name.names]
                    ids[key] = session.create_authority(record, rows)
                links.append(LinkWrite(ids[key], Role(name.role)))
            doc = replace(item.document, collections=(Membership(item.collections[-1]),))
            writes.append(DocumentWrite(doc, links, "bench", revision))
        failures = session.write_documents(writes)
        return len(writes) - len(failures)


def _serve(data: Path, port: int, kept: bool) -> subprocess.Popen[bytes]:
    """The archive served; ``kept``: with the facet counts the index keeps for a broad
    search (search/facet_memo.py), else each search counted afresh."""
    code = ("import uvicorn; from chancery.bootstrap import build_app; "
            "from chancery.config import load_settings; from chancery.web.server import create_app; "
            f"app = build_app(load_settings(data={str(data)!r}, "
            "search_rate_limit='0')); "  # one client asks ~200 searches a minute: no 429s
            f"app.index.memo_counts = {kept!r}; "
            f"uvicorn.run(create_app(app), host='127.0.0.1', port={port}, log_level='warning')")
    return subprocess.Popen([sys.executable, "-c", code])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"p50": round(pick(0.5), 1), "p95": round(pick(0.95), 1), "p99": round(pick(0.99), 1)}


def _urls(docs: int, requests: int, seed: int) -> Iterator[tuple[str, str]]:
    rng = random.Random(seed)
    for n in range(requests):
        if n % 2:
            yield "document", f"/documents/b{rng.randrange(docs):07d}"
        else:
            q = QUERIES[rng.randrange(len(QUERIES))]
            yield "search", f"/search?q={quote(q)}"


def measure(base: str, docs: int, requests: int) -> dict[str, dict[str, float]]:
    """Sequential requests; time from sending to the last byte (follows the slug redirect
    once for document pages, timing only the page itself)."""
    times: dict[str, list[float]] = {"document": [], "search": []}
    statuses: dict[int, int] = {}
    with httpx.Client(base_url=base, timeout=60) as client:
        for _, url in list(_urls(docs, 40, seed=1)):  # warm caches and the OS
            client.get(url, follow_redirects=True)
        for kind, url in _urls(docs, requests, seed=2):
            if kind == "document":
                url = client.get(url).headers.get("location", url)
            started = time.perf_counter()
            answer = client.get(url)
            if answer.status_code == 200:  # a 404 (a document whose write failed) is no page
                times[kind].append((time.perf_counter() - started) * 1000)
            statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
    print(f"statuses: {statuses}")
    return {kind: _percentiles(values) for kind, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared/corpus/frus")
    parser.add_argument("--kept", action="store_true",
                        help="serve with the facet counts kept for broad searches (the "
                             "product's default); without it each search is counted afresh")
    args = parser.parse_args()
    data = args.out / f"archive-{args.docs}"
    app = build_app(load_settings(data=str(data), database_url=""))
    if app.catalogue.count_documents(Actor.EDITOR, date.today()) < args.docs:
        pool, _, _ = corpus.load_pool(args.corpus, args.out)
        build(app, args.docs, pool)
    # as `chancery import` does for what it writes: the page styles of the documents the run
    # will ask for are rendered before (a page never renders them on its request)
    wanted = sorted({url.split("/")[-1] for seed, n in ((1, 40), (2, args.requests))
                     for kind, url in _urls(args.docs, n, seed) if kind == "document"})
    started = time.perf_counter()
    made = citing.prerender(app.catalogue, app.citer, PAGE_STYLES, wanted)
    print(f"citations: {made:,} renderings for {len(wanted)} documents in "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    # the dataset downloads, as a server that has been running has made them: one that starts
    # without them makes them in a background thread, which shares the GIL with every request
    started = time.perf_counter()
    if PublicDownloads(app.catalogue, app.settings.derived_path / "downloads").refresh():
        print(f"downloads: made in {time.perf_counter() - started:.0f} s", flush=True)
    app.catalogue.dispose()
    port = _free_port()
    server = _serve(data, port, args.kept)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(600):
            try:
                httpx.get(base + "/robots.txt", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        figures = measure(base, args.docs, args.requests)
    finally:
        server.terminate()
        server.wait(timeout=30)
    targets = {"document": 30.0, "search": 80.0}
    for kind, lat in figures.items():
        verdict = "meets" if lat["p99"] <= targets[kind] else "misses"
        print(f"{kind:<9} {args.docs:,} documents: p50 {lat['p50']} ms, p95 {lat['p95']} ms, "
              f"p99 {lat['p99']} ms ({verdict} the p99 target of {targets[kind]:.0f} ms)")
    print(json.dumps({"docs": args.docs, **figures}))


if __name__ == "__main__":
    main()
