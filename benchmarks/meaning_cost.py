"""What search by meaning adds to a search at 1M documents (issue #13): run from
benchmarks/facet_sampling.py with ``--meaning``.

1. Tantivy: each plain-words query of the mix (services/search_meaning.asks_meaning) with
   MEANING_LIMIT (200) random public ids of the index ORed in, as the service hands the ids
   found by meaning to tantivy_hybrid (every id a hit: the worst case, a threshold keeps
   fewer), default mode with facets and snippets, interleaved with the same query alone.
2. The query's encoding: USE (multilingual v3, numpy) of each query, after a warm-up.
3. The vector search: the 200 nearest passages in a faiss index at ``--vectors`` when one is
   there (a chancery.meaning.vector_index folder, or a bare ``*.faiss`` file), mapped as the
   product maps it; else reported as not measured.
4. With a vector index, the whole search with meaning both ways, interleaved with the words
   alone: ``after`` (encode, vector search, then the search with the ids: how it ran before)
   and ``beside`` (the lookup in a thread while the words' facets are counted, the ids
   handed over when known: services/search_meaning.MeaningLookup, how it runs now). The
   lookup's last step, the passage keys' documents read from the catalogue, is left out
   (the ids are the random ones of 1.)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from frus_corpus import SEED
from search_engines import BenchQuery, percentiles, tantivy_request

from chancery.meaning.encoder import UseEmbedder
from chancery.search.tantivy_index import TantivyIndex
from chancery.services.search_meaning import MEANING_LIMIT, asks_meaning


def meaning_cost(index: TantivyIndex, mix: list[BenchQuery], executions: int, today: date,
                 vectors: Path | None) -> dict[str, Any]:
    """p50/p95/p99 of the plain queries with and without ids, encoding and vector search."""
    plain = [q for q in mix if asks_meaning(q.text)]
    index.memo_counts = False  # every search counted afresh, as a new one is
    rng = random.Random(SEED)
    docs = index.count()
    samples: dict[str, list[float]] = {"words": [], "words+meaning": []}
    for q in plain:  # warm up
        index.search(tantivy_request(q, today))
    for n in range(executions):
        q = plain[n % len(plain)]
        ids = tuple(f"b{rng.randrange(docs):07d}" for _ in range(MEANING_LIMIT))
        modes = ["words", "words+meaning"][::1 if n % 2 else -1]
        for mode in modes:
            request = tantivy_request(q, today)
            if mode != "words":
                request = replace(request, meaning=ids)
            t0 = time.perf_counter()
            index.search(request)
            samples[mode].append(time.perf_counter() - t0)
    out: dict[str, Any] = {"queries": [q.text for q in plain],
                           **{m: percentiles(s) for m, s in samples.items()}}
    encoder = UseEmbedder()
    encoder.embed(["warm up"])
    took, vectors_of = [], []
    for n in range(max(50, executions // 2)):
        t0 = time.perf_counter()
        vectors_of.append(encoder.embed([plain[n % len(plain)].text])[0])
        took.append(time.perf_counter() - t0)
    out["encode"] = percentiles(took)
    out["vectors"] = _vector_search(vectors, vectors_of) if vectors else None
    found = _searcher_of(vectors) if vectors and out["vectors"] else None
    if found:
        out["pipeline"] = _pipeline(index, plain, executions, today, encoder, found[0], docs)
    return out


def _pipeline(index: TantivyIndex, plain: list[BenchQuery], executions: int, today: date,
              encoder: UseEmbedder, nearest: Any, docs: int) -> dict[str, Any]:
    """The whole search with meaning, its lookup run after or beside the words' search."""
    rng = random.Random(SEED + 1)
    pool = ThreadPoolExecutor(max_workers=1)

    def lookup(text: str) -> tuple[str, ...]:
        nearest(encoder.embed([text])[0])
        return tuple(f"b{rng.randrange(docs):07d}" for _ in range(MEANING_LIMIT))

    samples: dict[str, list[float]] = {"words": [], "after": [], "beside": []}
    for n in range(executions):
        q = plain[n % len(plain)]
        request = tantivy_request(q, today)
        modes = ["words", "after", "beside"]
        rng.shuffle(modes)
        for mode in modes:
            t0 = time.perf_counter()
            if mode == "words":
                index.search(request)
            elif mode == "after":
                index.search(replace(request, meaning=lookup(q.text)))
            else:
                job = pool.submit(lookup, q.text)
                index.search(request, job.result)
            samples[mode].append(time.perf_counter() - t0)
    return {m: percentiles(s) for m, s in samples.items()}


def _vector_search(folder: Path, queries: list[Any]) -> dict[str, Any] | None:
    """200 nearest of each query vector in the faiss index found at ``folder``."""
    found = _searcher_of(folder)
    if found is None:
        return None
    search, size = found
    for v in queries[:5]:  # warm up the mapped pages
        search(v)
    took = []
    for v in queries:
        t0 = time.perf_counter()
        search(v)
        took.append(time.perf_counter() - t0)
    return {"passages": int(size), **percentiles(took)}


def _searcher_of(folder: Path) -> tuple[Callable[[Any], Any], int] | None:
    """The 200-nearest search of the faiss index at ``folder``, and its size."""
    import faiss

    from chancery.meaning.vector_index import LISTS_SEARCHED, VectorIndex
    if (folder / "manifest.json").exists():
        index = VectorIndex.open(folder)
        return (lambda v: index.nearest(v, MEANING_LIMIT)), index.count()
    files = sorted(folder.glob("*.faiss"))
    if not files:
        return None
    raw = faiss.read_index(str(files[-1]), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
    faiss.ParameterSpace().set_index_parameter(raw, "nprobe", LISTS_SEARCHED)
    return (lambda v: raw.search(np.asarray([v], dtype=np.float32), MEANING_LIMIT)), raw.ntotal


def print_meaning(m: dict[str, Any]) -> None:
    """The figures as lines."""
    print(f"\nmeaning side, plain queries ({', '.join(m['queries'])}):")
    for mode in ("words", "words+meaning"):
        x = m[mode]
        print(f"  {mode:<14} p50 {x['p50']:7.1f} ms  p95 {x['p95']:7.1f} ms  p99 {x['p99']:7.1f}"
              f" ms  ({x['n']} searches)")
    e = m["encode"]
    print(f"  encode (USE)   p50 {e['p50']:7.1f} ms  p95 {e['p95']:7.1f} ms  p99 {e['p99']:7.1f} ms")
    v = m["vectors"]
    if v:
        print(f"  faiss, {v['passages']:,} passages: p50 {v['p50']:.1f} ms  p99 {v['p99']:.1f} ms")
    else:
        print("  vector search: no index given or found (see docs/benchmarks.md, Vector index)")
    if m.get("pipeline"):
        print("  the whole search, lookup included (interleaved):")
        for mode, x in m["pipeline"].items():
            print(f"    {mode:<8} p50 {x['p50']:7.1f} ms  p95 {x['p95']:7.1f} ms  "
                  f"p99 {x['p99']:7.1f} ms")
