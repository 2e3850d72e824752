"""The benchmarks' corpus: real FRUS material (sentences, titles, dates, people, places,
markings) extracted once, and synthetic documents resampled from it, seeded and lazy."""

from __future__ import annotations

import gzip
import itertools
import json
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from lxml import etree

from chancery.domain.authorities import fold, slugify
from chancery.domain.classification import Classification
from chancery.domain.dates import FuzzyDate, parse_iso_date
from chancery.domain.documents import Document, guess_document_type
from chancery.domain.provenance import Provenance
from chancery.domain.publication import Publication, PublicationState
from chancery.domain.texts import TextKind, TextVersion
from chancery.ingest.frus_fields import citation_parts, classification_of, is_source_text, marking_in
from chancery.search.interface import IndexDocument, IndexedName

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


