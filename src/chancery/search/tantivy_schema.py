"""The Tantivy index layout: fields, analyzers per language, and how a document fills them."""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable, Iterable
from datetime import date

import tantivy
from tantivy import Filter, TextAnalyzer, TextAnalyzerBuilder, Tokenizer

from chancery.domain.authorities import Role
from chancery.domain.dates import Precision
from chancery.domain.texts import TextKind
from chancery.search.interface import IndexDocument

# Languages with their own stemmed body field; any other language goes to body_xx.
STEMMED = {"en": "english", "de": "german", "ru": "russian", "fr": "french", "es": "spanish",
           "it": "italian"}
BODY_LANGS = ("en", "de", "ru", "fr", "es", "it", "zh", "xx")
# The spelling-corrected reading of OCR texts ("perforzod" read as "performed"): found by the
# right spelling, weighed below the real text (a guess, on top of the raw words it repeats),
# stored only so a snippet can point at the raw words in the same place; never shown.
RESPELLED = "respelled"
# Text fields a plain word is looked for in, with their relevance boost.
TEXT_FIELDS = {"title": 2.0, "summary": 1.5, "names": 1.5,
               **{f"body_{lang}": 1.0 for lang in BODY_LANGS}, RESPELLED: 0.3}
# How the index corrects an OCR text: (text, language, names not to touch) -> the text with
# the same words in the same order (word n of the result is word n of the text, words being
# what whitespace separates), misread ones corrected; the text itself when it cannot help.
Respell = Callable[[str, str, tuple[str, ...]], str]
# The words redactions withhold, for editors' searches only: never stored (no snippet or
# highlight can show them), never in a public query's fields, facets or suggestions.
EDITOR_FIELDS = {"withheld": 1.0}
# name fields a field query (author:Herter) searches, and the roles that fill them
NAME_ROLES = {"author": {Role.AUTHOR}, "recipient": {Role.RECIPIENT},
              "person": {Role.AUTHOR, Role.RECIPIENT, Role.SIGNER, Role.MENTIONED,
                         Role.TRANSLATOR},
              "place": {Role.ORIGIN, Role.PLACE_MENTIONED}, "subject": {Role.SUBJECT}}
# raw keyword fields behind facets and exact field queries
KEYWORD_FACETS = ("type", "classification", "language", "collection", "archive", "author",
                  "recipient", "person", "place", "subject")
NUMERIC_FACETS = ("year", "decade", "month", "day")
# Facets a document may have several values of are also kept in "slots": single-valued
# columns s_<facet>_<k>, every document filling each ("" when it has nothing to put there),
# plus o_<facet> for what does not fit. Tantivy counts a column every document has exactly
# one value in about five times faster per value than a multi-valued one (measured: 3 vs
# 16 ns), and a value's documents are the sum over the slots, since a document puts each
# value in one slot only. Each value has a home slot (a hash of it), so a slot holds few
# distinct values and counting them all stays cheap. Only facets with few values gain
# (measured at 1M documents: 195 places 2.3x faster; 2,966 people slower than their one
# column), so people, authors and recipients have none. Slots per facet: about the values a
# document has.
SLOTS = {"place": 4, "collection": 3}
EMPTY_SLOT = ""
# Facets with many values per document are also split by value (a stable hash) into
# multi-valued columns p_<facet>_<k>: two threads count the parts at once, and since a value
# lives in one part only, the largest counts overall are among each part's largest.
PARTS = {"person": 2}
# Every document's sample bucket: a stable hash of its public id in [0, SAMPLE_BUCKETS). The
# documents of buckets [0, k) are a fixed sample of k / SAMPLE_BUCKETS of any result set,
# the same for every search and every reader, from which a broad result's facets with many
# values are estimated (search/facet_sampling.py).
SAMPLE = "sample"
SAMPLE_BUCKETS = 1024
# Every order ends with the document's catalogue id ("key"), so that a page holds the same
# documents on every index built from one catalogue: Tantivy breaks ties by where a document
# lies in its segments, which differ between two nodes' indexes (#14). The date orders carry
# it inside their sort value, date * 2**KEY_BITS + key, so that they stay one fast-field sort.
KEY = "key"
KEY_BITS = 36  # the dates (yyyymmdd < 2**27) and a key below 2**36 fit a signed 64-bit value


def _analyzer(tokenizer: tantivy.Tokenizer, stemmer: str = "", fold: bool = True) -> TextAnalyzer:
    b = TextAnalyzerBuilder(tokenizer).filter(Filter.remove_long(60)).filter(Filter.lowercase())
    if fold:
        b = b.filter(Filter.ascii_fold())
    if stemmer:
        b = b.filter(Filter.stemmer(stemmer))
    return b.build()


def analyzers() -> dict[str, TextAnalyzer]:
    """Analyzer name -> analyzer; the same objects analyze query words, so both sides agree."""
    out = {f"lang_{lang}": _analyzer(Tokenizer.simple(), stem) for lang, stem in STEMMED.items()}
    # Chinese: one token per Han character, words found as phrases of characters, which
    # needs no dictionary and highlights exactly what matched (measured in docs/search.md).
    out["lang_zh"] = _analyzer(Tokenizer.regex(r"\p{Han}|[\p{L}\p{N}]+"), fold=True)
    out["lang_xx"] = _analyzer(Tokenizer.simple())
    out["plain"] = _analyzer(Tokenizer.simple())
    return out


def field_analyzer(name: str) -> str:
    """The analyzer a text field is indexed with."""
    if name.startswith("body_"):
        return "lang_" + name.removeprefix("body_")
    return "lang_en" if name in ("title", "summary", RESPELLED) else "plain"


def build_schema() -> tantivy.Schema:
    """The index schema."""
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    sb.add_bytes_field("hit", stored=True)  # JSON: what a result line shows
    for name in TEXT_FIELDS:
        sb.add_text_field(name, stored=name != "names", tokenizer_name=field_analyzer(name))
    for name in NAME_ROLES:
        sb.add_text_field(f"n_{name}", tokenizer_name="plain")
    for name in EDITOR_FIELDS:
        sb.add_text_field(name, stored=False, tokenizer_name="plain")
    for name in KEYWORD_FACETS:
        sb.add_text_field(f"f_{name}", tokenizer_name="raw", fast=True, index_option="basic")
    for name, slots in SLOTS.items():
        for field in (*slot_fields(name, slots), f"o_{name}"):
            sb.add_text_field(field, tokenizer_name="raw", fast=True, index_option="basic")
    for name, parts in PARTS.items():
        for k in range(parts):
            sb.add_text_field(f"p_{name}_{k}", tokenizer_name="raw", fast=True,
                              index_option="basic")
    for name in (*NUMERIC_FACETS, "date_start", "date_end", "date_sort", "date_sort_desc",
                 "embargo", "added", SAMPLE, KEY):
        sb.add_integer_field(name, indexed=True, fast=True)
    sb.add_text_field("pub_state", tokenizer_name="raw", index_option="basic")
    return sb.build()


def slot_fields(facet: str, slots: int | None = None) -> list[str]:
    """The single-valued columns a facet's values are spread over."""
    return [f"s_{facet}_{k}" for k in range(SLOTS[facet] if slots is None else slots)]


def spread(values: Iterable[str], slots: int) -> tuple[list[str], list[str]]:
    """Each distinct value in its home slot, or the next free one; (slots, what did not fit).
    The home is a stable hash (not Python's, which changes between runs)."""
    filled = [EMPTY_SLOT] * slots
    rest: list[str] = []
    for value in dict.fromkeys(v for v in values if v != EMPTY_SLOT):
        first = home(value, slots)
        for step in range(slots):
            k = (first + step) % slots
            if filled[k] == EMPTY_SLOT:
                filled[k] = value
                break
        else:
            rest.append(value)
    return filled, rest


def home(value: str, among: int) -> int:
    """Which of ``among`` slots or parts a value belongs in: a stable hash of it."""
    return zlib.crc32(value.encode()) % among


def sample_bucket(public_id: str) -> int:
    """A document's sample bucket: a stable hash of its public id. A cryptographic one: crc32
    is linear, so ids that share a pattern (one import's numbering) could share buckets."""
    digest = hashlib.blake2b(public_id.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % SAMPLE_BUCKETS


def stable_key(item: IndexDocument) -> int:
    """What breaks ties in every order: the catalogue id, the same in every node's index;
    for a document given without one (a benchmark's), a hash of its public id."""
    if 0 < item.key < 1 << KEY_BITS:
        return item.key
    digest = hashlib.blake2b(item.document.public_id.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % (1 << KEY_BITS)


def day_number(d: date | None, missing: int = 0) -> int:
    """A date as yyyymmdd, sortable and range-searchable."""
    return d.year * 10000 + d.month * 100 + d.day if d else missing


def body_field(language: str) -> str:
    """The body field a text version in this language is indexed in."""
    lang = language.split("-")[0].lower()
    return f"body_{lang}" if lang in BODY_LANGS else "body_xx"


def to_tantivy(item: IndexDocument, respell: Respell | None = None) -> tantivy.Document:
    """One index document for one archive document; ``respell`` adds the corrected reading
    of its OCR texts."""
    d = item.document
    doc = tantivy.Document()
    doc.add_text("id", d.public_id)
    doc.add_integer(SAMPLE, sample_bucket(d.public_id))
    doc.add_text("title", d.title)
    if d.summary:
        doc.add_text("summary", d.summary)
    respelled = _add_texts(doc, item, respell)
    for language in dict.fromkeys(lang.split("-")[0].lower() for lang in d.languages):
        doc.add_text("f_language", language)
    for words in item.withheld:
        doc.add_text("withheld", words)
    keys = _add_names(doc, item)
    _add_facets(doc, item)
    keys["collection"] = list(item.collections)
    for facet, slots in SLOTS.items():
        filled, rest = spread(keys.get(facet, ()), slots)
        for field, value in zip(slot_fields(facet, slots), filled, strict=True):
            doc.add_text(field, value)
        for value in rest:
            doc.add_text(f"o_{facet}", value)
    for facet, parts in PARTS.items():
        for value in dict.fromkeys(keys.get(facet, ())):
            doc.add_text(f"p_{facet}_{home(value, parts)}", value)
    doc.add_bytes("hit", _hit_json(item, respelled))
    return doc


def _add_texts(doc: tantivy.Document, item: IndexDocument,
               respell: Respell | None) -> list[tuple[str, int, str]]:
    """Adds the texts and their corrected readings; returns where each reading's raw is."""
    for t in item.document.texts:
        body = "\n\n".join([t.body, *(n.text for n in t.notes)])
        doc.add_text(body_field(t.language), body)
    respelled = _respell(item, respell) if respell else []
    for _, fixed in respelled:
        doc.add_text(RESPELLED, fixed)
    return [where for where, _ in respelled]


def _respell(item: IndexDocument, respell: Respell) -> list[tuple[tuple[str, int, str], str]]:
    """The corrected reading of each OCR text that has a correction, with where its raw text
    is stored: (body field, which of its values, the text's version key)."""
    if not any(t.kind is TextKind.OCR for t in item.document.texts):
        return []
    names = tuple(name for n in item.names for name in n.names)  # the document's own people
    out, seen = [], dict[str, int]()
    for t in item.document.texts:
        field = body_field(t.language)
        nth = seen[field] = seen.get(field, -1) + 1
        if t.kind is TextKind.OCR:
            fixed = respell(t.body, t.language, names)
            if fixed != t.body:
                out.append(((field, nth, t.version_key), fixed))
    return out


def _add_names(doc: tantivy.Document, item: IndexDocument) -> dict[str, list[str]]:
    """Adds the names; returns the authority keys per facet."""
    keys: dict[str, list[str]] = {}
    for n in item.names:
        doc.add_text("names", "\n".join(n.names))
        role = Role(n.role)
        for field, roles in NAME_ROLES.items():
            if role in roles:
                doc.add_text(f"n_{field}", "\n".join(n.names))
                if field != "person" or n.kind in ("person", "organization"):
                    doc.add_text(f"f_{field}", n.key)
                    keys.setdefault(field, []).append(n.key)
    return keys


def _add_facets(doc: tantivy.Document, item: IndexDocument) -> None:
    d = item.document
    doc.add_text("f_type", d.doc_type.value)
    doc.add_text("f_classification", d.classification.level.value)
    for key in item.collections:
        doc.add_text("f_collection", key)
    if d.provenance.holding_archive:
        doc.add_text("f_archive", d.provenance.holding_archive)
    if d.date.start:
        doc.add_integer("year", d.date.start.year)
        doc.add_integer("decade", d.date.start.year // 10 * 10)
        if d.date.precision in (Precision.DAY, Precision.MONTH):
            doc.add_integer("month", d.date.start.year * 100 + d.date.start.month)
        if d.date.precision is Precision.DAY:
            doc.add_integer("day", day_number(d.date.start))
    doc.add_integer("added", round(item.added.timestamp() * 1_000_000) if item.added else 0)
    doc.add_integer("date_start", day_number(d.date.start, 0))
    doc.add_integer("date_end", day_number(d.date.end or d.date.start, 99991231))
    # undated documents sort last both ways; ties by key, ascending both ways
    tie = stable_key(item)
    doc.add_integer(KEY, tie)
    doc.add_integer("date_sort", day_number(d.date.start, 99991231) << KEY_BITS | tie)
    doc.add_integer("date_sort_desc",
                    day_number(d.date.start, 0) << KEY_BITS | (1 << KEY_BITS) - 1 - tie)
    doc.add_text("pub_state", d.publication.state.value)
    doc.add_integer("embargo", day_number(d.publication.embargo_until, 0))
    if d.publication.embargo_until:  # a rare marker lets the access rule skip the others fast
        doc.add_text("pub_state", "embargoed")


def _hit_json(item: IndexDocument, respelled: list[tuple[str, int, str]]) -> bytes:
    d = item.document
    texts = [[t.version_key, t.language] for t in d.texts]
    return json.dumps({"source_id": d.source_id, "title": d.title, "date": d.date.display,
                       # each value of the respelled field: where its raw text is stored
                       # ([body field, nth value]) and the version key it came from
                       "respelled": respelled,
                       "start": d.date.start.isoformat() if d.date.start else None,
                       "type": d.doc_type.value, "marking": d.classification.marking,
                       "level": d.classification.level.value, "texts": texts,
                       # the first scan's hash, for a result's thumbnail of its first page
                       "scan": d.media[0].sha256 if d.media else ""},
                      ensure_ascii=False).encode()
