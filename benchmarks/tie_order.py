"""What a fixed order of ties costs (#14): one page of each query of the search benchmark's
mix ranked as Tantivy orders it (ties by where documents lie in the index) and as the
product ranks it (search/tantivy_ranking.py: ties by catalogue id), interleaved, on page 1
and page 6, on an index benchmarks/search.py built.

Run: .venv/bin/python benchmarks/tie_order.py [--out DIR] [--runs 300]
(DIR as given to benchmarks/search.py; it holds the index and the pool of sentences)."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from chancery.search import tantivy_ranking
from chancery.search.interface import SearchRequest
from chancery.search.tantivy_index import TantivyIndex

sys.path.insert(0, str(Path(__file__).parent))  # the sibling modules, run or imported
from frus_corpus import PER_PAGE, ROOT, load_pool
from search_engines import query_mix, tantivy_request


def _tantivys_order(searcher: Any, query: Any, request: SearchRequest) -> Any:
    """The ranking before #14: Tantivy's own paging."""
    if request.sort in tantivy_ranking.SORTS:
        field, order = tantivy_ranking.SORTS[request.sort]
        return searcher.search(query, request.limit, count=True, order_by_field=field,
                               offset=request.offset, order=order)
    return searcher.search(query, request.limit, count=True, offset=request.offset)


def _timed(run: Callable[[], Any], times: list[float]) -> None:
    start = time.perf_counter()
    run()
    times.append((time.perf_counter() - start) * 1e6)


def main() -> None:
    """Print, per query and page, the median microseconds of both rankings."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "search")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared/corpus/frus")
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    pool, _, _ = load_pool(args.corpus, args.out)
    index = TantivyIndex(args.out / "tantivy")
    searcher = index.snapshot().searcher
    sums = [0.0, 0.0]
    for q in query_mix(pool):
        for page in (1, 6):
            request = replace(tantivy_request(q, date.today()), offset=(page - 1) * PER_PAGE)
            query = index.compiler.compile(request)
            before: list[float] = []
            after: list[float] = []
            for _ in range(args.runs):
                _timed(partial(_tantivys_order, searcher, query, request), before)
                _timed(partial(tantivy_ranking.ranked, searcher, query, request), after)
            old, new = statistics.median(before), statistics.median(after)
            sums = [sums[0] + old, sums[1] + new]
            print(f"{q.label:<28} {q.sort:<9} page {page}: Tantivy's order {old:7.0f} us, "
                  f"ties by key {new:7.0f} us (+{new - old:.0f})", flush=True)
    print(f"all: {sums[0]:,.0f} us -> {sums[1]:,.0f} us")


if __name__ == "__main__":
    main()
