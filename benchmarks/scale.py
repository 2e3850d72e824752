"""A million documents on PostgreSQL: the reading room's pages and API under 100 readers while
an import runs, throughput with 1, 2 and 4 web processes, memory per process, and a page mix
behind nginx's cache (issue #14).

Run: .venv/bin/python benchmarks/scale.py --pg URL --out DIR [--docs 1000000] [--seconds 20]
     [--only build,unloaded,workers,import,cache]
Needs: PostgreSQL (URL of an empty or earlier-built database), wrk and nginx (Debian:
apt-get install wrk nginx).

Builds once (kept for later runs: the catalogue in the database, the index in DIR) an archive
of N documents drawn from the real FRUS text by benchmarks/search.py's generator, written
through the catalogue's own write path (the PostgreSQL COPY path) and indexed by
`rebuild_index`; the page styles of a sample of documents are rendered before, as
`chancery import` does for what it writes. Then, each with `chancery serve` on loopback:

- unloaded: one reader, one request at a time: document page p50/p99 (target p99 <= 30 ms);
- workers: wrk (C, one thread, light) keeps C connections busy over distinct URLs (document
  pages, search pages with filters and page numbers, API records and searches) against 1, 2
  and 4 web processes in turn, twice, interleaved: requests/s, and 2 against 1 (target >= 1.6x);
  then PSS of every web process (the pages of the index files it maps reported apart);
- import: 100 readers (40 document pages, 40 search pages, 20 API) on 2 web processes while
  `chancery import` writes FRUS volumes into the same catalogue: p50/p99 per kind, errors
  (targets p99 <= 2 s, 0 errors);
- cache: nginx with the cache of docs/deployment.md in front of 2 web processes, a mix that
  repeats popular pages (Zipf): requests/s (target >= 500) and the share nginx answered.
No page cache of any kind in the first three: every URL is asked once or rarely."""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

sys.path.insert(0, str(Path(__file__).parent))
import frus_corpus as corpus
import pages
import wrk
from scale_site import Site, nginx_cache, warm

from chancery.citing.styles import PAGE_STYLES
from chancery.domain.publication import Actor, is_public
from chancery.http.addresses import doc_url
from chancery.services import citing

ROOT = Path(__file__).resolve().parents[1]
BROKER = "redis://127.0.0.1:6379/14"  # the default of --broker
RENDERED = 10_000  # documents whose page styles are made before (the pages the readers ask)


def ensure_built(site: Site, docs: int, corpus_dir: Path) -> None:
    """The archive of ``docs`` generated documents, built once; the sample's citations made."""
    app = site.open()
    try:
        have = app.catalogue.count_documents(Actor.EDITOR, date.today())
        if have < docs:
            if have:
                raise SystemExit(f"the database holds {have:,} documents, fewer than {docs:,}: "
                                 "give an empty database")
            pool, _, _ = corpus.load_pool(corpus_dir, site.data.parent)
            pages.build(app, docs, pool)
        started = time.perf_counter()
        made = citing.prerender(app.catalogue, app.citer, PAGE_STYLES, rendered_ids(docs))
        if made:
            print(f"citations: {made:,} renderings in {time.perf_counter() - started:.0f} s",
                  flush=True)
    finally:
        app.close()


def rendered_ids(docs: int) -> list[str]:
    """The documents the readers ask for: every (docs / RENDERED)-th, spread over the archive."""
    step = max(1, docs // RENDERED)
    return [f"b{n:07d}" for n in range(0, docs, step)]


def urls_of(site: Site, docs: int) -> dict[str, list[str]]:
    """Distinct addresses by kind: document pages and API records of the rendered sample, and
    search pages and API searches over words, filters and orders."""
    app = site.open()
    try:
        pages_, records = [], []
        for chunk in app.catalogue.documents_for_index(rendered_ids(docs)):
            for stored in chunk:
                d = stored.document
                if not is_public(d.publication, date.today()):
                    continue  # the generator's drafts (2 %): readers never reach them
                pages_.append(doc_url(d.public_id, d.title))
                records.append(f"/api/v1/documents/{d.public_id}")
    finally:
        app.close()
    rng = random.Random(7)
    rng.shuffle(pages_)
    rng.shuffle(records)
    searches = [f"/search?{urlencode(p, doseq=True)}" for p in search_params(rng, 4_000)]
    api = [f"/api/v1/search?{urlencode(p, doseq=True)}" for p in search_params(rng, 4_000)]
    return {"document": pages_, "search": searches, "api": _mingle(records, api)}


WORDS = ["Khrushchev", "Berlin", "Soviet", "Taiwan", "nuclear", "Kennedy", "Cuba", "embassy",
         "Laos", "Vietnam", "Germany", "Mao", "Eisenhower", "Dulles", "Quemoy", "Moscow",
         "treaty", "missile", "Congo", "Paris", "London", "aid", "Warsaw", "Japan", "Korea",
         "India", "Castro", "NATO", "Adenauer", "de Gaulle", "disarmament", "oil", "Suez"]
FILTERS = [["classification:secret"], ["type:telegram"], ["type:memorandum"],
           ["classification:top_secret"], ["collection:frus/1961-63"], []]


def search_params(rng: random.Random, n: int) -> list[dict[str, Any]]:
    """Searches as readers ask them: one or two words, sometimes a filter, a date range or
    another order."""
    out = []
    for _ in range(n):
        q = " ".join(rng.sample(WORDS, rng.choice((1, 1, 2))))
        if rng.random() < 0.2:
            start = rng.randrange(1945, 1968)
            q += f" date:{start}..{start + rng.randrange(1, 4)}"
        params: dict[str, Any] = {"q": q}
        f = rng.choice(FILTERS)
        if f:
            params["f"] = f
        if rng.random() < 0.15:
            params["sort"] = rng.choice(("date", "-date"))
        out.append(params)
    return out


def _mingle(a: list[str], b: list[str]) -> list[str]:
    return [x for pair in zip(a, b, strict=False) for x in pair]


def mix(urls: dict[str, list[str]]) -> list[str]:
    """A reader's mix, 4 document pages : 4 search pages : 2 API calls."""
    out = []
    doc, search, api = (iter(urls[k]) for k in ("document", "search", "api"))
    for _ in range(min(len(urls["document"]) // 4, len(urls["search"]) // 4)):
        out += [next(doc), next(search), next(doc), next(search), next(api),
                next(doc), next(search), next(doc), next(search), next(api)]
    return out


def unloaded(site: Site, urls: dict[str, list[str]], n: int) -> dict[str, float]:
    """One reader, one request at a time, one web process: document pages."""
    with site.serving(1) as (base, _):
        warm(base, urls["document"][-30:] + urls["search"][-10:])
        times = []
        with httpx.Client(base_url=base, timeout=60) as client:
            for url in urls["document"][:n]:
                started = time.perf_counter()
                answer = client.get(url)
                answer.raise_for_status()
                times.append((time.perf_counter() - started) * 1000)
    times.sort()
    pick = lambda q: round(times[min(len(times) - 1, int(q * len(times)))], 1)  # noqa: E731
    return {"requests": len(times), "p50": pick(0.5), "p99": pick(0.99)}


def processes(pid: int, port: int, index_dir: Path) -> list[dict[str, Any]]:
    """Every process of a `chancery serve`: its role (the web processes hold the listening
    socket; with several, the supervisor that started them holds it too), PSS without the
    index's mapped pages, and the PSS of those pages."""
    family = wrk.tree(pid)
    web = set(wrk.listeners(port, family))
    if len(web) > 1:
        web.discard(pid)
    out = []
    for p in family:
        role = "web" if p in web else "supervisor" if p == pid else "follower/jobs"
        own, mapped = wrk.pss(p, index_dir)
        out.append({"pid": p, "role": role, "pss_mib": round(own), "index_mib": round(mapped)})
    return out


def workers_table(site: Site, urls: dict[str, list[str]], seconds: float,
                  connections: int, rounds: int) -> dict[int, list[dict[str, Any]]]:
    """Throughput of 1, 2 and 4 web processes over the reader's mix, in turn, ``rounds``
    times; the memory of each process after its last run."""
    cells: dict[int, list[dict[str, Any]]] = {1: [], 2: [], 4: []}
    everything = mix(urls)
    for r in range(rounds):
        for workers in cells:
            with site.serving(workers) as (base, pid):
                warm(base, everything[-200:], workers)
                before = sum(wrk.cpu_seconds(p) for p in wrk.tree(pid))
                figures = wrk.measure(base, everything, site.data.parent / "wrk", "mix",
                                      connections, seconds)
                cpu = sum(wrk.cpu_seconds(p) for p in wrk.tree(pid)) - before
                cell = {**asdict(figures), "rate": round(figures.rate, 1),
                        "server_cpu_per_s": round(cpu / figures.seconds, 2),
                        "load": os.getloadavg()[0]}
                if r == rounds - 1:
                    cell["memory"] = processes(pid, int(base.rsplit(":", 1)[1]),
                                               site.data / "index")
                cells[workers].append(cell)
                print(f"  {workers} web process(es), round {r + 1}: {figures.rate:,.0f} req/s, "
                      f"p50 {figures.p50:.0f} ms, p99 {figures.p99:.0f} ms, "
                      f"errors {figures.errors}, server CPU {cpu / figures.seconds:.2f} cores",
                      flush=True)
    return cells


def under_import(site: Site, urls: dict[str, list[str]], volumes: list[Path],
                 seconds: float, nice: int = 0) -> dict[str, Any]:
    """100 readers on 2 web processes while `chancery import` writes ``volumes``: each kind
    measured by its own wrk, all started together with the import."""
    crowd = {"document": 40, "search": 40, "api": 20}
    log = site.data.parent / "import.log"
    with site.serving(2) as (base, _):
        warm(base, mix(urls)[-200:], 2)
        started = time.perf_counter()
        importing = site.start("import", *map(str, fresh_copies(volumes, site.data.parent)),
                               log=log, nice=nice)
        # when the import ended, taken as it ends: an import shorter than the wrk runs
        # was reported as long as they were
        ended: list[float] = []
        watch = threading.Thread(target=_time_end, args=(importing, started, ended), daemon=True)
        watch.start()
        runs = {kind: wrk.start(base, urls[kind], site.data.parent / "wrk", kind, n, seconds)
                for kind, n in crowd.items()}
        figures = {kind: wrk.finish(run) for kind, run in runs.items()}
        during = time.perf_counter() - started
        watch.join()
        code, took = importing.returncode, ended[0]
    if code:
        raise SystemExit(f"the import failed ({code}): see {log}")
    return {"import_seconds": round(took, 1), "readers_seconds": round(during, 1), "nice": nice,
            **{kind: {**asdict(f), "rate": round(f.rate, 1)} for kind, f in figures.items()}}


def fresh_copies(volumes: list[Path], folder: Path) -> list[Path]:
    """The volumes under a volume id of their own for this run, so that the import writes
    every document anew: the same files again are found unchanged and skipped (each run after
    the first measured a re-import that writes nothing). The archive grows by them."""
    stamp = f"b{time.time_ns() // 1_000_000}"
    out = folder / f"import-{stamp}"
    out.mkdir(parents=True)
    copies = []
    for path in volumes:
        text = path.read_text(encoding="utf-8")
        text, n = re.subn(r'(<idno type="frus">)([^<]+)(</idno>)', rf"\g<1>\g<2>-{stamp}\g<3>",
                          text, count=1)
        if n != 1:
            raise SystemExit(f"{path}: no FRUS volume id to rename")
        copy = out / f"{path.stem}-{stamp}.xml"
        copy.write_text(text, encoding="utf-8")
        copies.append(copy)
    return copies


def _time_end(process: subprocess.Popen[bytes], started: float, into: list[float]) -> None:
    process.wait()
    into.append(time.perf_counter() - started)


def zipf_mix(urls: dict[str, list[str]], n: int, rng: random.Random) -> list[str]:
    """A day's popular reading: 600 pages (200 document pages, 200 searches, 200 API calls)
    asked again and again, by Zipf's law (s = 1) over their popularity."""
    pool = mix({k: v[:POPULAR] for k, v in urls.items()})
    weights = [1 / (rank + 1) for rank in range(len(pool))]
    return rng.choices(pool, weights=weights, k=n)


POPULAR = 200


def cached(site: Site, urls: dict[str, list[str]], seconds: float,
           connections: int) -> dict[str, Any]:
    """2 web processes behind nginx's cache: requests/s over the popular mix, once its pages
    are in the cache, and the share of answers nginx gave from its cache."""
    folder = site.data.parent / "nginx"
    with site.serving(2) as (upstream, _), nginx_cache(folder, upstream) as base:
        warm(upstream, mix(urls)[-200:], 2)
        requests = zipf_mix(urls, 20_000, random.Random(11))
        # a site that has been running: its popular pages are in the cache (each asked once
        # first); the long tail is what the runs without a cache measure
        warm(base, sorted(set(requests)), 2, every=True)
        (folder / "access.log").write_text("")
        figures = wrk.measure(base, requests, site.data.parent / "wrk", "cached", connections,
                              seconds)
    statuses = Counter(line.split()[0] for line in
                       (folder / "access.log").read_text().splitlines() if line.strip())
    answered = sum(statuses.values()) or 1
    return {**asdict(figures), "rate": round(figures.rate, 1),
            "from_cache": round(statuses.get("HIT", 0) / answered, 3), "statuses": dict(statuses)}


def report(figures: dict[str, Any]) -> None:
    """The figures against the targets of issue #14."""
    if "unloaded" in figures:
        u = figures["unloaded"]
        print(f"document page, unloaded, {figures['docs']:,} documents: p50 {u['p50']} ms, "
              f"p99 {u['p99']} ms (target p99 <= 30 ms: {_verdict(u['p99'] <= 30)})")
    if "workers" in figures:
        best = {w: max(c["rate"] for c in cells) for w, cells in figures["workers"].items()}
        for w, rate in best.items():
            memory = figures["workers"][w][-1].get("memory", [])
            web = [m["pss_mib"] for m in memory if m["role"] == "web"]
            print(f"{w} web process(es): {rate:,.0f} req/s (best of the rounds, "
                  f"{rate / best[1]:.2f}x one); PSS per web process {web} MiB without the index's "
                  f"mapped pages (target <= 1,024: {_verdict(all(x <= 1024 for x in web))})")
        print(f"2 web processes against 1: {best[2] / best[1]:.2f}x "
              f"(target >= 1.6x: {_verdict(best[2] / best[1] >= 1.6)})")
    if "import" in figures:
        i = figures["import"]
        for kind in ("document", "search", "api"):
            f = i[kind]
            print(f"under import, {kind}: {f['rate']:,.0f} req/s, p50 {f['p50']:.0f} ms, "
                  f"p99 {f['p99']:.0f} ms, errors {f['errors']} (target p99 <= 2,000 ms and no "
                  f"errors: {_verdict(f['requests'] > 0 and f['p99'] <= 2000 and not f['errors'])})")
        after = i["readers_seconds"] - i["import_seconds"]
        print(f"  the import{' at nice ' + str(i['nice']) if i.get('nice') else ''} took "
              f"{i['import_seconds']} s, the readers {i['readers_seconds']} s"
              + (f" (their last {after:.1f} s after the import)" if after > 0.5 else ""))
    if "cache" in figures:
        c = figures["cache"]
        print(f"behind nginx's cache: {c['rate']:,.0f} req/s, p99 {c['p99']:.0f} ms, "
              f"{c['from_cache']:.0%} from the cache, errors {c['errors']} "
              f"(target >= 500 req/s: {_verdict(c['rate'] >= 500)})")


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pg", required=True, help="SQLAlchemy URL of the PostgreSQL database")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared/corpus/frus")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each wrk run")
    parser.add_argument("--connections", type=int, default=16,
                        help="wrk's connections for the throughput and cache runs")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--volumes", default="core/*.xml",
                        help="the FRUS volumes the import writes meanwhile (a glob in --corpus)")
    parser.add_argument("--only", default="unloaded,workers,import,cache")
    parser.add_argument("--import-nice", type=int, default=0,
                        help="run the import under load at this `nice` (19: lowest priority)")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument("--broker", default=BROKER,
                        help="Redis URL the jobs are queued to (emptied first)")
    args = parser.parse_args()
    subprocess.run(["redis-cli", "-u", args.broker, "flushdb"], check=True,
                   stdout=subprocess.DEVNULL)
    if not wrk.has_wrk():
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    site = Site(args.pg, args.out / f"archive-{args.docs}", args.broker)
    ensure_built(site, args.docs, args.corpus)
    urls = urls_of(site, args.docs)
    with site.downloads_made_elsewhere():
        figures = measure_all(args, site, urls)
    print(json.dumps(figures))
    report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))


def measure_all(args: argparse.Namespace, site: Site, urls: dict[str, list[str]]) -> dict[str, Any]:
    only = set(args.only.split(","))
    figures: dict[str, Any] = {"docs": args.docs}
    if "unloaded" in only:
        figures["unloaded"] = unloaded(site, urls, 400)
        report({"docs": args.docs, "unloaded": figures["unloaded"]})
    if "workers" in only:
        figures["workers"] = workers_table(site, urls, args.seconds, args.connections,
                                           args.rounds)
    if "import" in only:
        volumes = sorted(args.corpus.glob(args.volumes))
        if not volumes:  # found before the servers start, not after the load
            raise SystemExit(f"no FRUS volumes match {args.volumes} in {args.corpus}")
        figures["import"] = under_import(site, urls, volumes, args.seconds, args.import_nice)
    if "cache" in only:
        figures["cache"] = cached(site, urls, args.seconds, args.connections * 4)
    return figures


if __name__ == "__main__":
    main()
