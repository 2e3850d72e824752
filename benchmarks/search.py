"""Search at scale: Tantivy (through our adapter) against SQLite FTS5, on the same documents.

Run: .venv/bin/python benchmarks/search.py [--docs 1000000] [--out DIR] [--json FILE]

1. Extracts sentences, titles, dates, people (the volumes' lists of persons), places, archives
   and classification markings from the real FRUS TEI once (cached as DIR/frus-pool.json.gz).
2. Generates N documents by resampling those sentences (300-600 words each; seeded, lazy), and
   indexes them into a fresh TantivyIndex (upsert/commit, the product's code path) and into
   SQLite FTS5 (title/summary/body, plus facet columns and a table of person keys).
3. Runs a fixed mix of queries, every one with all facets and snippets, 20 per page, through
   both engines: p50/p95/p99, and the FTS5/Tantivy ratio at p99.
4. Runs the same mix while a second process imports into the Tantivy index (commit every
   1,000): p99 under import against idle.

Targets at 1M documents (issue #3): p99 <= 50 ms with facets and snippets; >= 5x FTS5 at p99;
indexing >= 5,000 docs/s; p99 while importing <= 3x idle. Figures go to docs/benchmarks.md."""

from __future__ import annotations

import argparse
import contextlib
import gzip
import itertools
import json
import math
import multiprocessing as mp
import random
import re
import shutil
import sqlite3
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from lxml import etree

from chancery.domain.authorities import fold, slugify
from chancery.domain.classification import Classification
from chancery.domain.dates import FuzzyDate, parse_iso_date
from chancery.domain.documents import Document, guess_document_type
from chancery.domain.provenance import Provenance
from chancery.domain.publication import Actor, Publication, PublicationState
from chancery.domain.texts import TextKind, TextVersion
from chancery.ingest.frus_fields import citation_parts, classification_of, is_source_text, marking_in
from chancery.search.grammar import parse_query
from chancery.search.interface import Expansion, IndexDocument, IndexedName, SearchRequest
from chancery.search.tantivy_index import TantivyIndex

ROOT = Path(__file__).resolve().parents[1]
POOL_VERSION = 1
SEED = 1958
PER_PAGE = 20

TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[“\"(\[A-Z])")
_NUMBER = re.compile(r"^\s*\d+[a-z]?\.\s*")


# -- 1. the pool of real FRUS material -----------------------------------------------------


@dataclass
class Pool:
    """Real FRUS material to resample; lists keep duplicates, so sampling keeps frequencies."""

    corpus: str
    sentences: list[str]
    words: list[int]  # words per sentence
    titles: list[str]
    dates: list[str]  # ISO days as printed in the datelines
    markings: list[str]  # classification markings of the source notes ("" when none)
    archives: list[str]  # holding archives of the source notes ("" when none)
    persons: list[tuple[str, int]]  # name as listed ("Dulles, John Foster"), mentions
    places: list[tuple[str, int]]  # dateline place, documents written there


def _text(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).split())


def _source_note(div: etree._Element) -> str:
    for note in div.iter(f"{TEI}note"):
        if note.get("type") == "source":
            return _text(note)
    head = div.find(f"{TEI}head")
    for note in head.iterchildren(f"{TEI}note") if head is not None else ():
        text = _text(note)
        if note.get("n") == "0" or is_source_text(text):
            return text
    return ""


def _dateline(div: etree._Element, pool: Pool, places: Counter[str]) -> None:
    line = div.find(f"{TEI}dateline")
    if line is None:
        line = div.find(f"{TEI}opener/{TEI}dateline")
    if line is None:
        return
    when = next((d.get("when", "") for d in line.iter(f"{TEI}date") if d.get("when")), "")
    if re.match(r"^(19[4-6]\d|1970)-\d\d-\d\d", when):
        pool.dates.append(when[:10])
    place = next((_text(p) for p in line.iter(f"{TEI}placeName")), "")
    if 2 < len(place) < 40:
        places[place] += 1


def _paragraphs(div: etree._Element, pool: Pool) -> bool:
    found = False
    for p in div.iter(f"{TEI}p"):
        for sentence in _SENTENCE_END.split(_text(p)):
            words = len(sentence.split())
            if 4 <= words <= 120:
                pool.sentences.append(sentence)
                pool.words.append(words)
                found = True
    return found


def _persons(root: etree._Element) -> dict[str, str]:
    lists = [d for d in root.iter(f"{TEI}div") if d.get(XML_ID) == "persons"]
    return {el.get(XML_ID, ""): _text(el) for d in lists for el in d.iter(f"{TEI}persName")
            if el.get(XML_ID) and len(_text(el)) > 2}


def _read_volume(path: Path, pool: Pool, persons: Counter[str], places: Counter[str]) -> None:
    root = etree.parse(str(path)).getroot()
    listed = _persons(root)
    mentions = Counter((el.get("corresp") or "").split(" ")[0].lstrip("#")
                       for el in root.iter(f"{TEI}persName") if el.get("corresp"))
    for pid, name in listed.items():
        persons[name] += mentions.get(pid, 0) + 1
    for div in root.iter(f"{TEI}div"):
        if div.get("type") != "document":
            continue
        note = _source_note(div)
        pool.markings.append(marking_in(note) if note else "")
        pool.archives.append(citation_parts(note)[0] if note else "")
        _dateline(div, pool, places)
        etree.strip_elements(div, f"{TEI}note", with_tail=False)
        if not _paragraphs(div, pool):
            continue  # a catalogue entry of a microfiche supplement: no text, odd heading
        head = div.find(f"{TEI}head")
        title = _NUMBER.sub("", _text(head)) if head is not None else ""
        if 3 < len(title) < 300:
            pool.titles.append(title)


def extract_pool(corpus: Path) -> Pool:
    """Read every volume under ``corpus`` once."""
    pool = Pool(str(corpus), [], [], [], [], [], [], [], [])
    persons: Counter[str] = Counter()
    places: Counter[str] = Counter()
    volumes = sorted(corpus.rglob("*.xml"))
    if not volumes:
        raise SystemExit(f"no FRUS volumes under {corpus}")
    for path in volumes:
        _read_volume(path, pool, persons, places)
    by_person: dict[str, tuple[str, int]] = {}  # the same person listed by several volumes
    for name, count in persons.items():
        key = fold(name)
        old = by_person.get(key, (name, 0))
        by_person[key] = (old[0], old[1] + count)
    pool.persons = sorted(by_person.values())
    pool.places = sorted(places.items())
    return pool


def load_pool(corpus: Path, out: Path) -> tuple[Pool, Path, float]:
    """The pool, from the cache in ``out`` when it was made from the same corpus."""
    cache = out / "frus-pool.json.gz"
    started = time.perf_counter()
    if cache.exists():
        with gzip.open(cache, "rt", encoding="utf-8") as f:
            raw = json.load(f)
        if raw.pop("version", 0) == POOL_VERSION and raw["corpus"] == str(corpus):
            raw["persons"] = [tuple(p) for p in raw["persons"]]
            raw["places"] = [tuple(p) for p in raw["places"]]
            return Pool(**raw), cache, time.perf_counter() - started
    pool = extract_pool(corpus)
    out.mkdir(parents=True, exist_ok=True)
    with gzip.open(cache, "wt", encoding="utf-8", compresslevel=6) as f:
        json.dump({"version": POOL_VERSION, **pool.__dict__}, f, ensure_ascii=False)
    return pool, cache, time.perf_counter() - started


def read_pool_file(cache: Path) -> Pool:
    """The cached pool (for the importing process)."""
    with gzip.open(cache, "rt", encoding="utf-8") as f:
        raw = json.load(f)
    raw.pop("version", None)
    raw["persons"] = [tuple(p) for p in raw["persons"]]
    raw["places"] = [tuple(p) for p in raw["places"]]
    return Pool(**raw)


# -- 2. synthetic documents -----------------------------------------------------------------


def natural_name(listed: str) -> str:
    """"Dulles, John Foster" -> "John Foster Dulles"."""
    surname, comma, given = listed.partition(",")
    return f"{given.strip()} {surname.strip()}" if comma and given.strip() else listed


def person_key(name: str) -> str:
    """The synthetic authority key of a listed person."""
    return "person:" + slugify(name)


def _volume_keys() -> dict[int, list[str]]:
    # 40 synthetic volumes in 3-year periods from 1945, keyed like the product's collections
    periods = list(range(1945, 1971, 3))
    out: dict[int, list[str]] = {}
    for i, start in enumerate(periods):
        period = f"frus/{start}-{(start + 2) % 100:02d}"
        out[start] = [f"{period}/v{n:02d}" for n in range(1, (5 if i < 4 else 4) + 1)]
    return out


class Generator:
    """Documents made of resampled FRUS sentences; the same seed gives the same documents."""

    FIRST_DAY = date(1945, 1, 1).toordinal()
    LAST_DAY = date(1970, 12, 31).toordinal()

    def __init__(self, pool: Pool, seed: int = SEED) -> None:
        self.pool, self.seed = pool, seed
        self.n_sentences = len(pool.sentences)
        self.titles = [(t, guess_document_type(t)) for t in pool.titles]
        self.person_weights = list(itertools.accumulate(c for _, c in pool.persons))
        self.place_weights = list(itertools.accumulate(c for _, c in pool.places))
        self.volumes = _volume_keys()
        self._dates: dict[str, FuzzyDate] = {}
        self._marks = {m: classification_of(m) if m else Classification() for m in set(pool.markings)}
        self._archives = {a: Provenance(holding_archive=a) for a in set(pool.archives)}
        self._names: dict[tuple[int, str, str], IndexedName] = {}
        self._published = Publication()
        self._draft = Publication(PublicationState.DRAFT)

    def documents(self, start: int = 0, count: int | None = None) -> Iterator[IndexDocument]:
        """Documents number start, start + 1, ...; lazily, forever when count is None."""
        rng = random.Random(f"{self.seed}:{start}")
        numbers = itertools.count(start) if count is None else range(start, start + count)
        for n in numbers:
            yield self._document(rng, n)

    def _document(self, rng: random.Random, n: int) -> IndexDocument:
        title, doc_type = self.titles[rng.randrange(len(self.titles))]
        when = self._date(rng)
        summary = self._sentence(rng) if rng.random() < 0.2 else ""
        doc = Document(
            public_id=f"b{n:07d}", title=title, source_id=f"bench/{n}", doc_type=doc_type,
            date=when, summary=summary,
            classification=self._marks[self.pool.markings[rng.randrange(len(self.pool.markings))]],
            texts=(TextVersion("en", TextKind.ORIGINAL, self._body(rng), key="en-original"),),
            provenance=self._archives[self.pool.archives[rng.randrange(len(self.pool.archives))]],
            publication=self._draft if rng.random() < 0.02 else self._published)
        return IndexDocument(doc, self._people(rng), self._collections(rng, when))

    def _sentence(self, rng: random.Random) -> str:
        return self.pool.sentences[rng.randrange(self.n_sentences)]

    def _body(self, rng: random.Random) -> str:
        target, words, paragraphs = rng.randint(300, 600), 0, []
        sentences, counts, total = self.pool.sentences, self.pool.words, self.n_sentences
        while words < target:
            para = []
            for _ in range(rng.randint(2, 6)):
                i = rng.randrange(total)
                para.append(sentences[i])
                words += counts[i]
            paragraphs.append(" ".join(para))
        return "\n\n".join(paragraphs)

    def _date(self, rng: random.Random) -> FuzzyDate:
        roll = rng.random()
        if roll < 0.02:
            return FuzzyDate("undated")
        if roll < 0.8:
            iso = self.pool.dates[rng.randrange(len(self.pool.dates))]
        else:
            iso = date.fromordinal(rng.randint(self.FIRST_DAY, self.LAST_DAY)).isoformat()
        found = self._dates.get(iso)
        if found is None:
            found = self._dates[iso] = parse_iso_date(iso)
        return found

    def _name(self, index: int, kind: str, role: str) -> IndexedName:
        cached = self._names.get((index, kind, role))
        if cached is None:
            name = (self.pool.persons if kind == "person" else self.pool.places)[index][0]
            key = person_key(name) if kind == "person" else "place:" + slugify(name)
            names = tuple(dict.fromkeys((name, natural_name(name))))
            cached = self._names[(index, kind, role)] = IndexedName(key, kind, role, names)
        return cached

    def _people(self, rng: random.Random) -> tuple[IndexedName, ...]:
        n_people = len(self.pool.persons)
        roles = ["author"] * (1 + (rng.random() < 0.1))
        roles += ["recipient"] * (rng.random() < 0.7)
        roles += ["mentioned"] * rng.randint(2, 8)
        chosen = rng.choices(range(n_people), cum_weights=self.person_weights, k=len(roles))
        out = {(i, role): self._name(i, "person", role) for i, role in zip(chosen, roles, strict=True)}
        places = rng.choices(range(len(self.pool.places)), cum_weights=self.place_weights,
                             k=1 + rng.randint(0, 2))
        out.update({(i, "p" + str(k)): self._name(i, "place", "place-mentioned" if k else "origin")
                    for k, i in enumerate(places)})
        return tuple(out.values())

    def _collections(self, rng: random.Random, when: FuzzyDate) -> tuple[str, ...]:
        year = when.start.year if when.start else 1945 + rng.randrange(26)
        volume = rng.choice(self.volumes[1945 + (year - 1945) // 3 * 3])
        period = volume.rsplit("/", 1)[0]
        return ("frus", period, volume)


class Timed:
    """Wraps an iterator; adds the time spent making its items to ``seconds``."""

    def __init__(self, items: Iterator[IndexDocument], total: int, label: str) -> None:
        self.items, self.total, self.label = items, total, label
        self.seconds, self.n = 0.0, 0
        self.step = max(10_000, total // 10)

    def __iter__(self) -> Iterator[IndexDocument]:
        return self

    def __next__(self) -> IndexDocument:
        started = time.perf_counter()
        try:
            item = next(self.items)
        finally:
            self.seconds += time.perf_counter() - started
        self.n += 1
        if self.n % self.step == 0:
            print(f"  {self.label}: {self.n:,}/{self.total:,}", file=sys.stderr, flush=True)
        return item


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


# -- 4. searching while an import runs ------------------------------------------------------


def import_worker(index_dir: str, pool_file: str, start: int, stop: Any, ready: Any,
                  counter: Any, peak: Any) -> None:
    """A second process importing into the index: upsert 1,000, commit, repeat until told."""
    memory = Memory()
    generator = Generator(read_pool_file(Path(pool_file)), seed=SEED + 1)
    docs = generator.documents(start)
    index = TantivyIndex(Path(index_dir))  # the product's writer settings (bootstrap)
    n = 0
    while not stop.is_set():
        n += index.upsert(itertools.islice(docs, 1_000))
        index.commit(n)
        counter.value = n
        ready.set()
    peak.value = memory.peaks()["anon_mb"]


def under_import(index_dir: Path, pool_file: Path, docs: int, mix: list[BenchQuery],
                 order: list[int], today: date) -> dict[str, Any]:
    """The query mix on a fresh reader while another process imports and commits."""
    ctx = mp.get_context("spawn")
    stop, ready = ctx.Event(), ctx.Event()
    counter, peak = ctx.Value("q", 0), ctx.Value("d", 0.0)
    worker = ctx.Process(target=import_worker, args=(str(index_dir), str(pool_file), docs,
                                                     stop, ready, counter, peak))
    worker.start()
    try:
        if not ready.wait(300):
            raise RuntimeError("the importing process made no commit in 5 minutes")
        reader = TantivyIndex(index_dir)  # reads only; search() reloads the searcher
        started = time.perf_counter()
        samples, per_query, _ = time_queries(lambda q: run_tantivy(reader, q, today), mix, order)
        seconds = time.perf_counter() - started
        imported_during = counter.value
    finally:
        stop.set()
        worker.join(600)
    return {"latency": percentiles(samples), "per_query": per_query, "imported": counter.value,
            "import_docs_per_s": imported_during / seconds if seconds else 0.0,
            "worker_peak_anon_mb": peak.value, "seconds": seconds}


# -- the run --------------------------------------------------------------------------------


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "search")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared/corpus/frus")
    parser.add_argument("--queries", type=int, default=0,
                        help="query executions per engine (default: 200 at 500k+ docs, fewer below)")
    parser.add_argument("--fts-budget", type=float, default=1800.0,
                        help="stop timing FTS5 after this many seconds (every query ran at least once)")
    parser.add_argument("--heap-mb", type=int, default=512, help="Tantivy writer heap for the build")
    parser.add_argument("--threads", type=int, default=2, help="Tantivy writer threads for the build")
    parser.add_argument("--skip-build", action="store_true", help="reuse the indexes in --out")
    parser.add_argument("--no-import", action="store_true", help="skip searching under import")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    return parser.parse_args(argv)


def _executions(args: argparse.Namespace) -> int:
    if args.queries:
        return int(args.queries)
    return 200 if args.docs >= 500_000 else 130 if args.docs >= 100_000 else 52


def _build(args: argparse.Namespace, pool: Pool, tantivy_dir: Path, fts_path: Path,
           memory: Memory) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if args.skip_build:
        return out
    generator = Generator(pool)
    print(f"indexing {args.docs:,} documents into Tantivy …", flush=True)
    out["tantivy"] = build_tantivy(tantivy_dir, Timed(generator.documents(0, args.docs), args.docs,
                                                      "tantivy"), args.heap_mb, args.threads)
    memory.phase("tantivy build")
    print(f"indexing {args.docs:,} documents into FTS5 …", flush=True)
    out["fts5"] = build_fts(fts_path, Timed(Generator(pool).documents(0, args.docs), args.docs, "fts5"))
    memory.phase("fts5 build")
    for engine in ("tantivy", "fts5"):
        b = out[engine]
        b["docs_per_s"] = b["docs"] / max(1e-9, b["seconds"] - b["generate_seconds"])
        b["docs_per_s_with_generation"] = b["docs"] / b["seconds"]
    return out


def _print_build(build: dict[str, Any], sizes: dict[str, float]) -> None:
    for engine, b in build.items():
        commit = f", {b['commit_seconds']:.1f} s committing" if "commit_seconds" in b else ""
        print(f"{engine:<8} {b['docs']:,} docs in {b['seconds']:.1f} s "
              f"({b['generate_seconds']:.1f} s of it generating{commit}): "
              f"{b['docs_per_s']:,.0f} docs/s "
              f"indexing ({b['docs_per_s_with_generation']:,.0f} with generation); "
              f"{sizes[engine]:,.0f} MB on disk", flush=True)


def _print_latency(name: str, lat: dict[str, float]) -> None:
    print(f"{name:<22} p50 {lat['p50']:8.1f} ms  p95 {lat['p95']:8.1f} ms  p99 {lat['p99']:8.1f} ms"
          f"  ({lat['n']} searches)", flush=True)


def _per_query_table(mix: list[BenchQuery], runs: dict[str, dict[str, list[float]]],
                     answers: dict[str, dict[str, tuple[int, int]]]) -> list[dict[str, Any]]:
    rows = []
    for q in mix:
        row: dict[str, Any] = {"query": q.text, "label": q.label, "sort": q.sort}
        for engine, per in runs.items():
            if per.get(q.label):
                row[engine] = percentiles(per[q.label])
        for engine, found in answers.items():
            row[f"{engine}_total"], row[f"{engine}_snippets"] = found.get(q.label, (0, 0))
        rows.append(row)
    return rows


def _print_per_query(rows: list[dict[str, Any]]) -> None:
    print(f"\n{'query':<40} {'sort':<9} {'hits T':>9} {'hits F':>9} {'T p50':>8} {'T p99':>8} "
          f"{'F p50':>9} {'F p99':>9}  ms")
    for r in rows:
        t, f = r.get("tantivy", {}), r.get("fts5", {})
        print(f"{r['query'][:40]:<40} {r['sort']:<9} {r.get('tantivy_total', 0):>9,} "
              f"{r.get('fts5_total', 0):>9,} {t.get('p50', 0):8.1f} {t.get('p99', 0):8.1f} "
              f"{f.get('p50', 0):9.1f} {f.get('p99', 0):9.1f}")


def _summary(figures: dict[str, Any]) -> None:
    lat, build, sizes = figures["latency"], figures.get("build", {}), figures["size_mb"]
    load = figures.get("under_import", {}).get("latency", {})
    ratio = lat["fts5"]["p99"] / lat["tantivy"]["p99"]
    print(f"\n{'engine':<8} {'docs':>10} {'index docs/s':>13} {'size MB':>9} {'p50':>8} "
          f"{'p95':>8} {'p99':>8} {'ratio':>7} {'p99 import':>11}")
    for engine in ("tantivy", "fts5"):
        b, lt = build.get(engine, {}), lat[engine]
        rate = f"{b['docs_per_s']:,.0f}" if b else "-"
        extra = (f"{load['p99']:9.1f} ms" if engine == "tantivy" and load else "")
        print(f"{engine:<8} {figures['docs']:>10,} {rate:>13} {sizes[engine]:>9,.0f} "
              f"{lt['p50']:8.1f} {lt['p95']:8.1f} {lt['p99']:8.1f} "
              f"{(ratio if engine == 'fts5' else 1.0):6.1f}x {extra:>11}")
    mem = figures["memory"]
    phases = ", ".join(f"{k} {v:,} MB" for k, v in mem["phases_anon_mb"].items())
    print(f"peak RSS (own memory, without mapped index files): {mem['anon_mb']:,} MB ({phases}); "
          f"importing process {figures.get('under_import', {}).get('worker_peak_anon_mb', 0):,.0f} MB; "
          f"VmHWM incl. mapped index pages {mem['hwm_mb']:,} MB")
    targets = {
        "p99 <= 50 ms (Tantivy, facets + snippets)": lat["tantivy"]["p99"] <= 50,
        ">= 5x faster than FTS5 at p99": ratio >= 5,
        ">= 5,000 docs/s indexing (Tantivy)": bool(build) and build["tantivy"]["docs_per_s"] >= 5000,
        "p99 while importing <= 3x idle": bool(load) and load["p99"] <= 3 * lat["tantivy"]["p99"],
    }
    figures["targets"] = targets
    figures["p99_ratio_fts5_to_tantivy"] = ratio
    if load:
        figures["p99_import_to_idle"] = load["p99"] / lat["tantivy"]["p99"]
        print(f"p99 under import / idle: {figures['p99_import_to_idle']:.2f}x "
              f"({figures['under_import']['imported']:,} documents imported meanwhile, "
              f"{figures['under_import']['import_docs_per_s']:,.0f} docs/s)")
    note = "" if figures["docs"] >= 1_000_000 else f" (targets are for 1M; this run has {figures['docs']:,})"
    print("targets" + note + ":")
    for name, met in targets.items():
        print(f"  [{'x' if met else ' '}] {name}")


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the benchmark; prints the figures and returns them."""
    args = _parse(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    tantivy_dir, fts_path = args.out / "tantivy", args.out / "fts5.sqlite"
    pool, pool_file, pool_seconds = load_pool(args.corpus, args.out)
    print(f"pool: {len(pool.sentences):,} sentences, {len(pool.titles):,} titles, "
          f"{len(pool.persons):,} persons, {len(pool.places):,} places, {len(pool.dates):,} dates "
          f"({pool_seconds:.1f} s)", flush=True)
    memory = Memory()
    figures: dict[str, Any] = {"date": date.today().isoformat(), "docs": args.docs,
                               "build": _build(args, pool, tantivy_dir, fts_path, memory)}
    figures["size_mb"] = {"tantivy": size_mb(tantivy_dir), "fts5": size_mb(fts_path)}
    _print_build(figures["build"], figures["size_mb"])

    mix, today = query_mix(pool), date.today()
    order = schedule(mix, _executions(args), SEED)
    reader = TantivyIndex(tantivy_dir)
    t_samples, t_per, t_answers = time_queries(lambda q: run_tantivy(reader, q, today), mix, order)
    con = connect_fts(fts_path)
    f_samples, f_per, f_answers = time_queries(lambda q: run_fts(con, q), mix, order, args.fts_budget)
    con.close()
    memory.phase("queries")
    figures["latency"] = {"tantivy": percentiles(t_samples), "fts5": percentiles(f_samples)}
    _print_latency("Tantivy, idle", figures["latency"]["tantivy"])
    _print_latency("FTS5", figures["latency"]["fts5"])
    runs = {"tantivy": t_per, "fts5": f_per}
    if not args.no_import:
        load = under_import(tantivy_dir, pool_file, args.docs, mix, order, today)
        runs["tantivy_import"] = load.pop("per_query")
        figures["under_import"] = load
        _print_latency("Tantivy, under import", load["latency"])
    figures["per_query"] = _per_query_table(mix, runs, {"tantivy": t_answers, "fts5": f_answers})
    _print_per_query(figures["per_query"])
    memory.phase("queries under import")
    figures["memory"] = memory.peaks()
    _summary(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str))
    return figures


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
