"""What the search side promises, whatever the engine: the documents it indexes, the request
it answers, the results it returns. Services depend on this, never on the engine."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from chancery.domain.documents import Document
from chancery.domain.publication import Actor
from chancery.search.grammar import Node

# Facets a search counts over its whole result set, in the order pages show them.
FACETS = ("year", "decade", "type", "classification", "language", "collection", "archive",
          "author", "recipient", "person", "place", "subject")
# Counts a caller may ask for besides the facets: documents by month (yyyymm) and by day
# (yyyymmdd), for browsing by date; only dates precise to the month or day are counted.
HISTOGRAMS = ("month", "day")
SORTS = ("relevance", "date", "-date", "recent")  # recent: newest in the archive first
SCHEMA_VERSION = 9  # bump when the index layout changes: older indexes are then refused
# 6: documents indexed as the public reads them, the words redactions withhold in "withheld"
# 7: OCR texts' spelling-corrected reading in the hidden field "respelled"
# 8: "sample", a stable hash of the public id, for facets estimated from a fixed sample
# 9: "key", the catalogue id, breaks ties in every order (inside the date orders' values)


class IndexUnavailable(Exception):
    """The index cannot answer (missing, stale, or from an older schema), with the fix."""


class IndexBusy(ValueError):
    """Another process held the index's one writer for longer than a write waits (a large
    import indexing as it stores): the write is left to whoever catches the index up next
    (the index follower of `serve`, the next command), never an error for a reader."""


@dataclass(frozen=True)
class IndexedName:
    """An authority linked to a document, with every name a reader might search it by."""

    key: str
    kind: str  # person | organization | place | subject
    role: str  # author | recipient | signer | mentioned | origin | place-mentioned | subject
    names: tuple[str, ...]


@dataclass(frozen=True)
class IndexDocument:
    """One document as the index sees it: the record, its authorities and collections."""

    document: Document
    names: tuple[IndexedName, ...] = ()
    collections: tuple[str, ...] = ()  # keys of its collections and all their ancestors
    # when the document entered the archive, to the microsecond: the "recent" order must
    # tell apart documents added the same day (5: was the day alone)
    added: datetime | None = None
    # the words redactions withhold from the public (the document above is the public view):
    # editors find the document by them, nobody else
    withheld: tuple[str, ...] = ()
    # the document's catalogue id: every result order ends with it, so that two indexes of
    # one catalogue (two nodes') page alike whatever order they were written in (0: unknown)
    key: int = 0


@dataclass(frozen=True)
class Expansion:
    """Authority records a query word names: their keys, and other spellings to look for."""

    keys: tuple[str, ...] = ()
    spellings: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchRequest:
    """A parsed query with its facet selections, sort, page and reader."""

    query: Node
    actor: Actor
    today: date
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = "relevance"
    limit: int = 20
    offset: int = 0
    expansions: dict[str, Expansion] = field(default_factory=dict)  # by folded word/phrase
    snippets: bool = True
    facets: bool = True
    histograms: tuple[str, ...] = ()  # any of HISTOGRAMS, counted like facets
    # every facet counted exactly, even over a result broad enough for the names to be
    # estimated from a sample (search/facet_sampling.py)
    exact: bool = False
    # public ids found by meaning, best first: matched besides the query (inside the facet
    # filters and the access rule, so a hidden document never comes back), and for the
    # relevance order the two rankings are fused (see search.fusion)
    meaning: tuple[str, ...] = ()


@dataclass(frozen=True)
class Fragment:
    """A piece of snippet text, highlighted when it matched the query."""

    text: str
    highlighted: bool = False


@dataclass(frozen=True)
class Snippet:
    """Matching text from one text version of a hit."""

    version: str  # the text version's key ("en-original"), or "title" / "summary"
    language: str
    fragments: tuple[Fragment, ...]


@dataclass(frozen=True)
class Passage:
    """A matching paragraph inside one document: "<version key>#<n>", highlighted."""

    where: str
    fragments: tuple[Fragment, ...]

    @property
    def version(self) -> str:
        """The text version key ("en-translation"), or "title" / "summary"."""
        return self.where.split("#")[0]


@dataclass(frozen=True)
class Hit:
    """A matching document as a result list shows it."""

    public_id: str
    source_id: str
    title: str
    date_display: str
    date_start: date | None
    doc_type: str
    classification: str  # the marking as printed
    level: str
    score: float
    snippets: tuple[Snippet, ...] = ()
    scan: str = ""  # SHA-256 of the first scan, whose first page is the result's thumbnail
    matched_by: str = "words"  # words | meaning | both (a request with ids found by meaning)


@dataclass(frozen=True)
class Bucket:
    """One facet value with its count; labels are filled in by the service."""

    value: str
    count: int
    label: str = ""
    selected: bool = False
    # estimated from a sample of a broad result, rounded to two significant figures
    approximate: bool = False


@dataclass(frozen=True)
class Span:
    """One facet value: how many documents have it, and the years of the first and last dated
    one (None when none is dated)."""

    value: str
    count: int
    first_year: int | None = None
    last_year: int | None = None


@dataclass(frozen=True)
class SearchResults:
    """A page of hits, the total, and the facet counts over the whole result set."""

    total: int
    hits: list[Hit]
    facets: dict[str, list[Bucket]] = field(default_factory=dict)
    stale_by: int = 0  # catalogue changes the index has not seen yet
    by_meaning: int = 0  # of the total, documents found by meaning and not by the words

    @property
    def estimated(self) -> list[str]:
        """The facets whose counts are estimated from a sample (SearchRequest.exact)."""
        return [f for f, buckets in self.facets.items() if any(b.approximate for b in buckets)]


# the public ids found by meaning, best first, waited for (search by meaning runs beside the
# words' search: services/search_meaning.MeaningLookup)
MeaningLater = Callable[[], tuple[str, ...]]


class SearchIndex(Protocol):
    """A full-text index derived from the catalogue: one writer, many readers."""

    def upsert(self, docs: Iterable[IndexDocument], fresh: bool = False) -> int:
        """Add or replace documents (by public id); returns how many were written. ``fresh``:
        the index was just cleared, so there is nothing to replace."""
        ...

    def delete(self, public_ids: Iterable[str]) -> None:
        """Remove documents (a purge): they are gone once the writes are committed."""
        ...

    def commit(self, seen_changes: int) -> None:
        """Make writes visible; record the catalogue change count they reflect."""
        ...

    def clear(self, generation: int) -> None:
        """Start a new, empty index of the given generation (a rebuild)."""
        ...

    def beside(self, generation: int) -> SearchIndex:
        """A new, empty index of ``generation`` that searches do not see until ``switch``
        (a rebuild while this one keeps answering)."""
        ...

    def switch(self, other: SearchIndex) -> None:
        """Move every search to ``other`` (made by ``beside``) at once."""
        ...

    def state(self) -> tuple[int, int, int] | None:
        """(schema version, generation, catalogue changes seen), or None when missing."""
        ...

    def search(self, request: SearchRequest,
               meaning_later: MeaningLater | None = None) -> SearchResults:
        """Answer a search request. ``meaning_later``, for a request without ``meaning``,
        gives the ids found by meaning when they are known: the words' facets are counted
        meanwhile (the documents found by meaning alone are then counted and added)."""
        ...

    def spans(self, request: SearchRequest, facet: str, values: list[str]) -> list[Span]:
        """The count and year span of each of ``values`` of a facet among the documents a
        request matches, largest first; values it does not match are left out."""
        ...

    def spellings(self, word: str, actor: Actor, today: date) -> list[tuple[str, int]]:
        """Up to two spellings the index holds a few edits from ``word`` and likelier than it
        (as documents print them), each with how many documents ``actor`` may see on
        ``today`` hold it, likeliest first; [] when ``word`` is as likely as any."""
        ...

    def held(self, words: list[str], actor: Actor, today: date) -> set[str]:
        """Which of these single words some document ``actor`` may see on ``today`` holds
        (in any text field, as the field analyzes it)."""
        ...

    def search_within(self, item: IndexDocument, request: SearchRequest) -> list[Passage]:
        """Every matching paragraph of one document, highlighted, in text order."""
        ...

    def count(self) -> int:
        """Documents in the index."""
        ...
