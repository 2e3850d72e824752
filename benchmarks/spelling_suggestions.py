"""What "did you mean" costs at 1M documents (issue #13): `TantivyIndex.spellings`, asked
when a search finds nothing, for misspellings of the benchmark corpus's names and words.

Run: .venv/bin/python benchmarks/spelling_suggestions.py [--index /tmp/facets-1m/tantivy]
     [--rounds 3]

The index is the one benchmarks/facet_sampling.py builds (1M synthetic FRUS documents).
Prints p50/p95/p99 over every lookup and what a few misspellings are told."""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

from chancery.domain.publication import Actor
from chancery.search.tantivy_index import TantivyIndex

WORDS = ["Krushchev", "Khruschev", "Berln", "Moskow", "Eisenhowr", "Dulels", "Kenedy", "Quemoi",
         "Formossa", "Pekng", "Laoss", "Vietnan", "Indonsia", "Sukarnoo", "Adenuer",
         "Macmillian", "Gaule", "Chaing", "Maoo", "nuclaer", "missle", "misile", "embasy",
         "telegarm", "secrtary", "memorandom", "Titto", "Naser", "Castor", "Havanna", "Cubaa",
         "Berlinn", "Warshaw", "Pragu", "Hungery", "Polland", "Yugoslavai", "Rusia", "Peking",
         "Eisenhower", "Adenauer", "Chiang", "Mao", "Tito", "Nasser", "Castro", "Warsaw",
         "Yugoslavia", "DeGaulle", "Sukarno"]


def main() -> None:
    """Time every lookup; print the percentiles and a few answers."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path("/tmp/facets-1m/tantivy"))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    index, today = TantivyIndex(args.index), date.today()
    for word in WORDS[:5]:  # warm up
        index.spellings(word, Actor.PUBLIC, today)
    took = []
    for _ in range(args.rounds):
        for word in WORDS:
            t0 = time.perf_counter()
            index.spellings(word, Actor.PUBLIC, today)
            took.append((time.perf_counter() - t0) * 1000)
    took.sort()
    at = lambda q: took[min(len(took) - 1, int(len(took) * q))]  # noqa: E731
    print(f"{index.count():,} documents, {len(took)} lookups: p50 {at(0.5):.1f} ms, "
          f"p95 {at(0.95):.1f} ms, p99 {at(0.99):.1f} ms, max {took[-1]:.1f} ms")
    for word in ("Krushchev", "Berln", "missle", "Yugoslavai", "Peking"):
        print(f"  {word}: {index.spellings(word, Actor.PUBLIC, today)}")


if __name__ == "__main__":
    main()
