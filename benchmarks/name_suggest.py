"""Name suggestions as a reader types, over 100,000 names (issue #13's target: p99 < 20 ms).

Run: .venv/bin/python benchmarks/name_suggest.py [--data DIR] [--names 100000]

1. Imports the core FRUS volumes into a fresh temporary archive (about 8 s), or opens the one
   in --data, and reads every authority record with its spellings (the FRUS lists of persons
   and the generated spellings: Wade-Giles, pinyin, characters, Cyrillic, exonyms).
2. Resamples them into --names records: each new record joins the spellings of one real
   record with the first word of another's (so the vocabulary grows as a real register's
   does), and is named by a Pareto-distributed number of documents.
3. Times, warm, what the reader's typing costs: the service call (NameSuggester.suggest) and
   the HTTP route the search box's script calls (/suggest, through the ASGI app in
   process), for queries made from real spellings: the first 2 to 8 letters of a word, or
   a word and the start of the next. Also the time to read the names into memory (once per
   catalogue change)."""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import ClassVar

from starlette.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.spellings import CORE, build_archive, open_archive

from chancery.domain.authorities import fold
from chancery.domain.publication import Actor
from chancery.domain.readers import Reader
from chancery.services.name_suggest import NameSuggester
from chancery.storage.database import SqlCatalogue
from chancery.storage.interface import ListedAuthority
from chancery.web.server import create_app


class Resampled(SqlCatalogue):
    """The archive's catalogue, listing the resampled records instead of its own (all the
    suggester reads of it; the HTTP route is the product's own)."""

    records: ClassVar[list[ListedAuthority]] = []

    def listed_authorities(self, actor: Actor, today: date) -> list[ListedAuthority]:
        return self.records


def resample(real: list[ListedAuthority], n: int, rng: random.Random) -> list[ListedAuthority]:
    """``n`` records made from the real ones' spellings, most named first."""
    out = []
    for i in range(n):
        a, b = rng.choice(real), rng.choice(real)
        extra = b.name.replace(",", " ").split()[-1]
        names = tuple(f"{s} {extra}" for s in a.names)
        folded = tuple(f"{f} {fold(extra)}" for f in a.folded)  # as the catalogue stores them
        out.append(ListedAuthority(f"{a.kind.value}/r{i}", a.kind, names[0],
                                   int(rng.paretovariate(1.2)), names, folded))
    return sorted(out, key=lambda r: -r.documents)


def typings(records: list[ListedAuthority], n: int, rng: random.Random) -> list[str]:
    """What readers type: the start of a word of a spelling, or a word and the next one's."""
    out = []
    while len(out) < n:
        words = fold(rng.choice(rng.choice(records).names)).split()
        k = rng.randrange(len(words))
        if rng.random() < 0.3 and k + 1 < len(words):
            out.append(f"{words[k]} {words[k + 1][:rng.randint(1, 4)]}")
        elif len(words[k]) >= 2:
            out.append(words[k][:rng.randint(2, min(8, len(words[k])))])
    return out


def _ms(samples: list[float]) -> str:
    q = statistics.quantiles(samples, n=100)
    return f"p50 {q[49] * 1000:.2f} ms · p99 {q[98] * 1000:.2f} ms · max {max(samples) * 1000:.2f} ms"


def main() -> None:
    """Build, resample, time, print."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path)
    ap.add_argument("--names", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=2_000)
    args = ap.parse_args()
    rng = random.Random(13)
    with tempfile.TemporaryDirectory() as tmp:
        app = open_archive(args.data) if args.data else build_archive(Path(tmp) / "core", CORE)
        real = app.catalogue.listed_authorities(Actor.EDITOR, date.today())
        spellings = sum(len(r.names) for r in real)
        print(f"{len(real):,} real records, {spellings:,} spellings; resampled to {args.names:,}")
        app.catalogue.__class__ = Resampled
        Resampled.records = resample(real, args.names, rng)
        print(f"{sum(len(r.names) for r in Resampled.records):,} spellings in all")
        suggester = NameSuggester(app.catalogue)
        app.__dict__["name_suggester"] = suggester  # the route uses this one
        reader = Reader.public()
        start = time.perf_counter()
        suggester.suggest("kh", reader)
        print(f"read into memory: {time.perf_counter() - start:.2f} s (once per catalogue change)")
        queries = typings(Resampled.records, args.queries, rng)
        service = []
        for q in queries:
            start = time.perf_counter()
            suggester.suggest(q, reader, 8)
            service.append(time.perf_counter() - start)
        print(f"service call ({len(queries):,} typings): {_ms(service)}")
        client = TestClient(create_app(app))
        http = []
        for q in queries[: args.queries // 2]:
            start = time.perf_counter()
            assert client.get("/suggest", params={"q": q, "limit": 8}).status_code == 200
            http.append(time.perf_counter() - start)
        print(f"HTTP /suggest ({len(http):,} typings, in process): {_ms(http)}")
        app.close()


if __name__ == "__main__":
    main()
