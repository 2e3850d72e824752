"""Both engines of the search benchmark on the same documents: building a Tantivy index and
an SQLite FTS5 database, the fixed query mix, and timing it."""

from __future__ import annotations

import itertools
import math
import random
import shutil
import sqlite3
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from chancery.domain.authorities import fold
from chancery.domain.publication import Actor, PublicationState
from chancery.search.grammar import parse_query
from chancery.search.interface import Expansion, IndexDocument, SearchRequest
from chancery.search.tantivy_index import TantivyIndex

sys.path.insert(0, str(Path(__file__).parent))  # the sibling modules, run or imported
from frus_corpus import PER_PAGE, Pool, Timed, natural_name, person_key

# -- indexing -------------------------------------------------------------------------------


def _status_mb() -> dict[str, float]:
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS", "RssAnon", "RssFile"):
            out[key] = int(value.split()[0]) / 1024
    return out


class Memory:
    """This process's resident memory, sampled in a thread: the peak of all of it (VmHWM,
    which also counts touched pages of memory-mapped index files, i.e. page cache) and the
    peak of its own (anonymous) memory, per phase."""

    def __init__(self, every: float = 0.1) -> None:
        self.every, self.anon, self.phases = every, 0.0, {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.anon = max(self.anon, _status_mb().get("RssAnon", 0.0))

    def phase(self, name: str) -> None:
        """Close a phase: record its peak anonymous memory and start the next."""
        self.anon = max(self.anon, _status_mb().get("RssAnon", 0.0))
        self.phases[name], self.anon = round(self.anon), 0.0

    def peaks(self) -> dict[str, Any]:
        """Peak anonymous memory per phase and overall, and VmHWM, in MB."""
        self._stop.set()
        self._thread.join()
        anon = max([self.anon, *self.phases.values()])
        return {"anon_mb": round(anon), "hwm_mb": round(_status_mb().get("VmHWM", 0.0)),
                "phases_anon_mb": self.phases}


def size_mb(path: Path) -> float:
    """Bytes on disk under a file or folder, in MB."""
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def build_tantivy(path: Path, docs: Timed, heap_mb: int, threads: int) -> dict[str, float]:
    """Index through the adapter as ``chancery reindex`` does: clear, upsert, one commit."""
    shutil.rmtree(path, ignore_errors=True)
    index = TantivyIndex(path, heap_bytes=heap_mb * 1024 * 1024, threads=threads)
    started = time.perf_counter()
    index.clear(1)
    n = index.upsert(docs)
    upserted = time.perf_counter()
    index.commit(n)
    seconds = time.perf_counter() - started
    return {"docs": n, "seconds": seconds, "generate_seconds": docs.seconds,
            "commit_seconds": seconds - (upserted - started)}


FTS_SCHEMA = """
CREATE VIRTUAL TABLE fts USING fts5(title, summary, body,
    tokenize = 'porter unicode61 remove_diacritics 2');
CREATE TABLE docs (id INTEGER PRIMARY KEY, public_id TEXT NOT NULL, published INTEGER NOT NULL,
    date_start INTEGER NOT NULL, date_end INTEGER NOT NULL, date_sort INTEGER NOT NULL,
    year INTEGER, type TEXT, classification TEXT, language TEXT, collection TEXT, archive TEXT,
    title TEXT, date_display TEXT, marking TEXT);
CREATE TABLE doc_names (doc INTEGER NOT NULL, facet TEXT NOT NULL, key TEXT NOT NULL,
    PRIMARY KEY (doc, facet, key)) WITHOUT ROWID;
"""
# facet rows per role, as tantivy_schema._add_names fills its f_* fields
_FACETS_OF_ROLE = {"author": ("author", "person"), "recipient": ("recipient", "person"),
                   "signer": ("person",), "mentioned": ("person",), "translator": ("person",),
                   "origin": ("place",), "place-mentioned": ("place",), "subject": ("subject",)}


def _day(d: date | None, missing: int) -> int:
    return d.year * 10000 + d.month * 100 + d.day if d else missing


def fts_rows(rowid: int, item: IndexDocument) -> tuple[tuple[Any, ...], tuple[Any, ...],
                                                       set[tuple[int, str, str]]]:
    """The FTS row, the facet row and the name rows of one document."""
    d = item.document
    body = "\n\n".join(t.body for t in d.texts)
    start = d.date.start
    row = (rowid, d.public_id, int(d.publication.state is PublicationState.PUBLISHED),
           _day(start, 0), _day(d.date.end or start, 99991231), _day(start, 99991231),
           start.year if start else None, d.doc_type.value, d.classification.level.value,
           d.texts[0].language if d.texts else "", item.collections[-1] if item.collections else "",
           d.provenance.holding_archive, d.title, d.date.display, d.classification.marking)
    names = {(rowid, facet, n.key) for n in item.names for facet in _FACETS_OF_ROLE.get(n.role, ())
             if facet != "person" or n.kind in ("person", "organization")}
    return (rowid, d.title, d.summary, body), row, names


def connect_fts(path: Path) -> sqlite3.Connection:
    """A connection with the settings both build and search use."""
    con = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = NORMAL")
    con.execute("PRAGMA cache_size = -262144")  # 256 MB, like the Tantivy writer heap
    con.execute("PRAGMA temp_store = MEMORY")
    con.execute("PRAGMA mmap_size = 34359738368")
    return con


def build_fts(path: Path, docs: Timed, batch: int = 2_000, commit_every: int = 50_000) -> dict[str, float]:
    """Index into FTS5 in transactions of ``commit_every`` documents."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    con = connect_fts(path)
    started = time.perf_counter()
    con.executescript(FTS_SCHEMA)
    con.execute("INSERT INTO fts(fts, rank) VALUES ('rank', 'bm25(3.0, 2.0, 1.0)')")
    n = 0
    con.execute("BEGIN")
    while chunk := list(itertools.islice(docs, batch)):
        rows = [fts_rows(n + i + 1, item) for i, item in enumerate(chunk)]
        con.executemany("INSERT INTO fts(rowid, title, summary, body) VALUES (?, ?, ?, ?)",
                        [r[0] for r in rows])
        con.executemany(f"INSERT INTO docs VALUES ({', '.join('?' * 15)})", [r[1] for r in rows])
        con.executemany("INSERT INTO doc_names VALUES (?, ?, ?)", [x for r in rows for x in r[2]])
        before, n = n, n + len(chunk)
        if n // commit_every != before // commit_every:
            con.execute("COMMIT")
            con.execute("BEGIN")
    con.execute("CREATE INDEX doc_names_key ON doc_names (facet, key)")
    con.execute("COMMIT")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    seconds = time.perf_counter() - started
    con.close()
    return {"docs": n, "seconds": seconds, "generate_seconds": docs.seconds}


# -- 3. the query mix -----------------------------------------------------------------------


@dataclass(frozen=True)
class BenchQuery:
    """One query of the mix: our grammar for Tantivy, its translation for FTS5."""

    label: str
    text: str
    sort: str = "relevance"
    expansions: dict[str, Expansion] = field(default_factory=dict)
    match: str = ""  # FTS5 MATCH expression ("" when the query has no words)
    where: str = ""  # SQL over docs d
    params: tuple[Any, ...] = ()
    keys: tuple[str, tuple[str, ...], str] | None = None  # (facet, keys, "or" | "and")


def _keys_named(pool: Pool, word: str) -> tuple[str, ...]:
    # as the service resolves a name field or an expansion: authority records whose name
    # holds the word
    folded = fold(word)
    return tuple(sorted({person_key(name) for name, _ in pool.persons
                         if folded in fold(natural_name(name)).split()}))


def query_mix(pool: Pool) -> list[BenchQuery]:
    """The fixed mix: one word, several words, phrases, field + date range, a name, sorts."""
    dulles = _keys_named(pool, "Dulles")
    khrushchev = _keys_named(pool, "Khrushchev")[:10]
    spellings = sorted({natural_name(n).split()[-1] for n, _ in pool.persons
                        if person_key(n) in khrushchev} - {"Khrushchev"})
    expansion = {"khrushchev": Expansion(khrushchev, tuple(spellings))}
    name_match = " OR ".join(['"khrushchev"', *(f'"{s}"' for s in spellings)])
    years = "d.date_start BETWEEN 1 AND ? AND d.date_end >= ?"
    return [
        BenchQuery("one word", "Berlin", match='"berlin"'),
        BenchQuery("one word, rare", "Quemoy", match='"quemoy"'),
        BenchQuery("one word, by date", "Soviet", "date", match='"soviet"'),
        BenchQuery("several words", "Soviet nuclear test ban",
                   match='"soviet" "nuclear" "test" "ban"'),
        BenchQuery("several words, newest first", "economic aid Indonesia", "-date",
                   match='"economic" "aid" "indonesia"'),
        BenchQuery("phrase", '"Central Committee"', match='"central committee"'),
        BenchQuery("phrase, by date", '"Taiwan Strait"', "date", match='"taiwan strait"'),
        BenchQuery("field + date range", "author:Dulles date:1958..1960", "date",
                   where=years, params=(19601231, 19580101), keys=("author", dulles, "and")),
        BenchQuery("word + field + date range", "Berlin author:Dulles date:1958..1960",
                   match='"berlin"', where=years, params=(19601231, 19580101),
                   keys=("author", dulles, "and")),
        BenchQuery("word + date range", "Laos date:1961..1962", match='"laos"',
                   where=years, params=(19621231, 19610101)),
        BenchQuery("name with variants", "Khrushchev", expansions=expansion, match=name_match,
                   keys=("person", khrushchev, "or")),
        BenchQuery("word + classification", "missile classification:secret", match='"missile"',
                   where="d.classification = ?", params=("secret",)),
        BenchQuery("OR + exclusion", "(Cuba OR Laos) -Vietnam",
                   match='("cuba" OR "laos") NOT "vietnam"'),
    ]


def tantivy_request(q: BenchQuery, today: date) -> SearchRequest:
    """What the service hands the index for this query (public reader, page 1)."""
    return SearchRequest(parse_query(q.text), Actor.PUBLIC, today, sort=q.sort, limit=PER_PAGE,
                         expansions=q.expansions, snippets=True, facets=True)


def run_tantivy(index: TantivyIndex, q: BenchQuery, today: date) -> tuple[int, int]:
    """One search; (total, snippets returned)."""
    results = index.search(tantivy_request(q, today))
    assert len(results.facets) >= 10, results.facets.keys()
    return results.total, sum(len(h.snippets) for h in results.hits)


_FACET_COLUMNS = {"year": 300, "type": 50, "classification": 50, "language": 50,
                  "collection": 50, "archive": 50}


def _match_set_sql(q: BenchQuery) -> tuple[str, list[Any]]:
    # bm25 over every match costs ~7 us a row: computed only when the order needs it
    rank = "rank" if q.sort == "relevance" else "0.0"
    cols = "d." + ", d.".join(["date_sort", "date_start", *_FACET_COLUMNS])
    where = " AND ".join(["d.published = 1", *([q.where] if q.where else [])])
    params: list[Any] = []
    if q.keys is None or q.keys[2] == "and":
        if q.match:
            source, params = f"SELECT rowid AS id, {rank} AS score FROM fts WHERE fts MATCH ?", [q.match]
        else:
            source = "SELECT DISTINCT doc AS id, 0.0 AS score FROM doc_names WHERE facet = ? AND key IN ({})"
            source = source.format(", ".join("?" * len(q.keys[1]))) if q.keys else source
            params = [q.keys[0], *q.keys[1]] if q.keys else []
        if q.keys and q.match:
            where += (f" AND d.id IN (SELECT doc FROM doc_names WHERE facet = ? AND key IN "
                      f"({', '.join('?' * len(q.keys[1]))}))")
    else:  # text matches, or documents linked to the named records
        source = (f"SELECT id, min(score) AS score FROM (SELECT rowid AS id, {rank} AS score FROM fts "
                  "WHERE fts MATCH ? UNION ALL SELECT doc, 0.0 FROM doc_names WHERE facet = ? AND "
                  f"key IN ({', '.join('?' * len(q.keys[1]))})) GROUP BY id")
        params = [q.match, q.keys[0], *q.keys[1]]
    params += list(q.params)
    if q.keys and q.match and q.keys[2] == "and":
        params += [q.keys[0], *q.keys[1]]
    sql = (f"CREATE TEMP TABLE m AS SELECT s.id, s.score, {cols} FROM ({source}) s "
           f"JOIN docs d ON d.id = s.id WHERE {where}")
    return sql, params


def run_fts(con: sqlite3.Connection, q: BenchQuery) -> tuple[int, int]:
    """The same search in FTS5: match set with the published-only filter, top 20 by bm25 or
    date with snippets, facet counts with GROUP BY over the whole match set."""
    sql, params = _match_set_sql(q)
    con.execute("DROP TABLE IF EXISTS temp.m")
    con.execute(sql, params)
    total = con.execute("SELECT count(*) FROM m").fetchone()[0]
    order = {"relevance": "m.score", "date": "m.date_sort", "-date": "m.date_start DESC"}[q.sort]
    top = con.execute(f"SELECT m.id, d.public_id, d.title, d.date_display, d.type, d.marking "
                      f"FROM m JOIN docs d ON d.id = m.id ORDER BY {order}, m.id LIMIT ?",
                      (PER_PAGE,)).fetchall()
    snippets = 0
    if q.match:
        for row in top:
            found = con.execute("SELECT snippet(fts, -1, '<b>', '</b>', '…', 32) FROM fts "
                                "WHERE fts MATCH ? AND rowid = ?", (q.match, row[0])).fetchone()
            snippets += bool(found and "<b>" in found[0])
    facets: dict[str, list[tuple[Any, int]]] = {}
    for column, size in _FACET_COLUMNS.items():
        facets[column] = con.execute(f"SELECT {column}, count(*) FROM m GROUP BY 1 "
                                     f"ORDER BY 2 DESC LIMIT {size}").fetchall()
    decades: Counter[int] = Counter()
    for year, count in facets["year"]:
        if year is not None:
            decades[year // 10 * 10] += count
    facets["decade"] = list(decades.items())
    people: dict[str, list[tuple[str, int]]] = {}
    # a small match set looks its documents' names up; a large one is best met by a scan of
    # the names (SQLite's own choice, 4x faster than lookups at 800k matches, 13x slower at 10k)
    join = "CROSS JOIN" if total < 150_000 else "JOIN"
    for facet, key, count in con.execute(f"SELECT n.facet, n.key, count(*) FROM m "
                                         f"{join} doc_names n ON n.doc = m.id GROUP BY 1, 2"):
        people.setdefault(facet, []).append((key, count))
    for facet, buckets in people.items():
        facets[facet] = sorted(buckets, key=lambda b: -b[1])[:50]
    con.execute("DROP TABLE m")
    return total, snippets


def percentiles(samples: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99 (nearest rank) and the mean, in ms."""
    ordered = sorted(samples)

    def rank(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))] * 1000

    return {"p50": rank(50), "p95": rank(95), "p99": rank(99),
            "mean": sum(ordered) / len(ordered) * 1000, "n": len(ordered)}


def schedule(mix: list[BenchQuery], executions: int, seed: int) -> list[int]:
    """Which query runs when: every query equally often, in a shuffled (seeded) order."""
    reps = max(1, math.ceil(executions / len(mix)))
    order = [i for i in range(len(mix)) for _ in range(reps)]
    random.Random(seed).shuffle(order)
    return order


def time_queries(run: Callable[[BenchQuery], tuple[int, int]], mix: list[BenchQuery],
                 order: list[int], budget: float = math.inf) -> tuple[list[float], dict[str, list[float]],
                                                                   dict[str, tuple[int, int]]]:
    """Warm up (each query once), then run ``order``; stops early past ``budget`` seconds."""
    answers = {q.label: run(q) for q in mix}
    samples: list[float] = []
    per_query: dict[str, list[float]] = {q.label: [] for q in mix}
    started = time.perf_counter()
    for i in order:
        t0 = time.perf_counter()
        run(mix[i])
        took = time.perf_counter() - t0
        samples.append(took)
        per_query[mix[i].label].append(took)
        if time.perf_counter() - started > budget and all(per_query.values()):
            break
    return samples, per_query, answers


