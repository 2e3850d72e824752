"""Searching the archive, and keeping its index in step with the catalogue.

The catalogue is the system of record; the index is derived from it. Both keep a generation
number and a change count, so a missing, rebuilt-elsewhere or lagging index is reported with
its fix instead of serving silently wrong results."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from chancery.domain.authorities import fold
from chancery.domain.publication import Actor
from chancery.domain.readers import Reader
from chancery.domain.texts import LANGUAGE_NAMES
from chancery.meaning.interface import Neighbours
from chancery.search.grammar import (
    Node,
    QueryError,
    every_word,
    is_relaxed,
    parse_query,
    positive_words,
    relax,
)
from chancery.search.interface import (
    FACETS,
    HISTOGRAMS,
    SORTS,
    Bucket,
    Expansion,
    Passage,
    SearchIndex,
    SearchRequest,
    SearchResults,
)
from chancery.services.bridge_words import WordBridge, bridged_expansions, segmented
from chancery.services.search_meaning import (
    MatchedPassage,
    MeaningLookup,
    SimilarDocument,
    found_by_meaning,
    matched_passages,
    similar_documents,
)
from chancery.services.search_names import PhoneticKey, expand_names, group_names
from chancery.services.search_states import STATE_FACET, count_states, narrowed, split_states
from chancery.services.search_suggest import Suggestion, suggest
from chancery.services.search_sync import check_index as check_index
from chancery.services.search_sync import follow_index as follow_index
from chancery.services.search_sync import index_changed as index_changed
from chancery.services.search_sync import index_document as index_document
from chancery.services.search_sync import index_problems as index_problems
from chancery.services.search_sync import rebuild_index as rebuild_index
from chancery.services.search_sync import refresh_index as refresh_index
from chancery.services.search_sync import sync_index as sync_index
from chancery.storage.interface import Catalogue

MAX_PER_PAGE = 100
MAX_OFFSET = 10_000
SELECT_CHUNK = 2_000  # ids a download reads from the index at a time
_FILTER_FIELDS = ("type", "classification", "lang", "collection", "date", "state")  # no words to rank by


@dataclass(frozen=True)
class SearchPage:
    """One page of a search as entry points show it."""

    query: str
    results: SearchResults
    page: int
    per_page: int
    sort: str
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    suggestions: list[Suggestion] = field(default_factory=list)  # when nothing was found
    all_words: int | None = None  # documents with every word, when a long query was relaxed
    # for the hits on this page that meaning found, the passage that matched, by public id
    passages: dict[str, MatchedPassage] = field(default_factory=dict)
    # words typed in another language or script -> the archive's words also searched for them
    bridged: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def notice(self) -> str:
        """What a reader should know about how the words were matched; empty when every
        result has all of them."""
        if self.all_words is None or self.all_words >= self.results.total:
            return ""
        if self.results.total <= self.results.by_meaning:
            return ""  # none matched by words: the page says they came by meaning
        if self.all_words == 0:
            return "No document has all of your words: showing documents that match most of them."
        first = "come first" if self.sort == "relevance" else "are among them"
        return (f"Showing documents that match most of your words; the {self.all_words:,} "
                f"that have all of them {first}.")

    @property
    def pages(self) -> int:
        """How many pages the results fill (within the paging limit)."""
        reachable = min(self.results.total, MAX_OFFSET + self.per_page)
        return max(1, -(-reachable // self.per_page))


@dataclass(frozen=True)
class Search:
    """The one way every channel searches (pages, API, feeds, citations of a result, exports,
    the CLI): the catalogue, the index and the phonetic key, wired once in bootstrap, so the
    same query finds the same documents wherever it is asked."""

    catalogue: Catalogue
    index: SearchIndex
    phonetic: PhoneticKey
    neighbours: Neighbours | None = None  # search by meaning; without it, words alone
    bridge: WordBridge | None = None  # words of other languages to the archive's, with meaning

    def documents(self, text: str, *, filters: dict[str, tuple[str, ...]] | None = None,
                  sort: str = "relevance", page: int = 1, per_page: int = 20,
                  actor: Actor = Actor.PUBLIC, histograms: tuple[str, ...] = (),
                  facets: bool = True, reader: Reader | None = None,
                  exact: bool = False, meaning: bool = True) -> SearchPage:
        """Search as ``reader`` (or ``actor`` today), by words and, for plain words unless
        ``meaning`` is off, by meaning; raises QueryError for a malformed query or option,
        and IndexUnavailable when the index cannot answer truthfully. Over a broad result the
        facets with many values are estimated (their buckets say so) unless ``exact``."""
        who = reader or Reader.of(actor)
        # by meaning, beside the rest: the words' facets are counted while it runs
        lookup = MeaningLookup.start(self.neighbours if meaning else None, text)
        chosen, states = split_states(filters or {}, who)
        base = self._request(text, chosen, sort, page, per_page, who, facets=facets,
                             histograms=tuple(h for h in histograms if h in HISTOGRAMS),
                             exact=exact, bridged=meaning)
        stale_by = check_index(self.catalogue, self.index)
        request = _variant(base, query=narrowed(base.query, states))
        results = self.index.search(request, lookup.ids if lookup else None)
        near = lookup.found() if lookup else {}
        base = _variant(base, meaning=tuple(near))
        labelled = _label(self.catalogue, results.facets, who)
        if facets and who.is_editor:  # staff see the publication state as a facet too
            labelled[STATE_FACET] = count_states(self.index, base, states)
        results = replace(results, facets=labelled, stale_by=stale_by)
        suggestions = suggest(self, text, filters or {}, who) if results.total == 0 else []
        shown = {**request.filters, **({STATE_FACET: states} if states else {})}
        return SearchPage(text, results, page, per_page, sort, shown, suggestions,
                          self._all_words(request, text),
                          matched_passages(self.catalogue, results.hits, near),
                          self._bridged_shown(base, who))

    def _bridged_shown(self, request: SearchRequest, reader: Reader) -> dict[str, tuple[str, ...]]:
        """The archive's words a query's foreign words were bridged to, those every word of
        which documents the reader may see print (the vocabulary is counted from every
        embedded document, so a word only a hidden one prints is searched but never named).
        A bridged expansion is the one with no authority record's keys. One term-dictionary
        pass for all (index.held), not a search per word: a broad word costs no search."""
        bridged = {f: e.spellings for f, e in request.expansions.items() if not e.keys}
        parts = {s: [p for p in re.split(r"[\s\-]+", s.lower()) if p]
                 for spellings in bridged.values() for s in spellings}
        held = self.index.held(sorted({p for ps in parts.values() for p in ps}),
                               reader.actor, reader.today) if parts else set()
        typed = {fold(w.text): w.text for w in positive_words(request.query)}
        out = {}
        for folded, spellings in bridged.items():
            seen = tuple(s for s in spellings if parts[s] and all(p in held for p in parts[s]))
            if seen:
                out[typed.get(folded, folded)] = seen  # as the reader wrote it
        return out

    def similar(self, ident: str, *, limit: int = 5,
                reader: Reader | None = None) -> list[SimilarDocument] | None:
        """Documents like one (more like this) that ``reader`` may see, nearest first; None
        when the document does not exist for this reader."""
        who = reader or Reader.of(Actor.PUBLIC)
        stored = self.catalogue.get_document(ident, who.actor, who.today)
        if stored is None:
            return None
        return self.similar_to_seen(stored.document.public_id, limit=limit, reader=who)

    def similar_to_seen(self, public_id: str, *, limit: int, reader: Reader) -> list[SimilarDocument]:
        """Documents like one that the caller has just read as ``reader`` (its page), without
        reading it again; the neighbours are matched as that reader all the same."""
        return similar_documents(self.index, self.neighbours, public_id, limit, reader)

    def count(self, text: str, filters: dict[str, tuple[str, ...]], reader: Reader) -> int:
        """How many documents a query finds for ``reader``, and nothing else."""
        chosen, states = split_states(filters, reader)
        request = self._request(text, chosen, "relevance", 1, 1, reader, snippets=False,
                                facets=False)
        return self.index.search(_variant(request, query=narrowed(request.query, states))).total

    def _all_words(self, request: SearchRequest, text: str) -> int | None:
        """For a relaxed query, how many documents have every word (but the stop words)."""
        if not is_relaxed(request.query):
            return None
        strict = _variant(request, query=every_word(request.query), limit=1, offset=0,
                          snippets=False, facets=False, histograms=(), meaning=())
        return self.index.search(strict).total

    def _request(self, text: str, filters: dict[str, tuple[str, ...]] | None, sort: str,
                 page: int, per_page: int, reader: Reader, bridged: bool = False,
                 **options: Any) -> SearchRequest:
        """The request for a query and its options (``bridged``: with the archive's words
        for words of other languages); raises QueryError for a malformed one."""
        parsed = parse_query(text, staff=reader.is_editor)
        if bridged and self.bridge is not None:
            parsed = segmented(parsed, self.bridge.segment)
        tree = relax(group_names(self.catalogue, parsed))
        chosen = _check_options(filters or {}, sort, page, per_page)
        if sort == "relevance" and not any(w.field not in _FILTER_FIELDS for w in positive_words(tree)):
            # nothing to rank by (an empty query, dates or facets alone): every score ties, and
            # ties come back in index order, which a rebuild reshuffles; date order is stable
            sort = "date"
        return SearchRequest(tree, reader.actor, reader.today, chosen, sort, per_page,
                             (page - 1) * per_page,
                             expansions=self._expansions(tree, reader if bridged else None),
                             **options)

    def _expansions(self, tree: Node, bridged_for: Reader | None) -> dict[str, Expansion]:
        """Other spellings of the names a query holds and, ``bridged_for`` a reader, the
        archive's words for its words in other languages or scripts."""
        named = expand_names(self.catalogue, tree, self.phonetic)
        if bridged_for is None:
            return named
        who = bridged_for
        bridged = bridged_expansions(self.bridge, tree, named,
                                     lambda words: self.index.held(words, who.actor, who.today))
        return {**bridged, **named}

    def select(self, text: str, *, filters: dict[str, tuple[str, ...]] | None = None,
               actor: Actor = Actor.PUBLIC, reader: Reader | None = None,
               meaning: bool = True) -> Selection:
        """Every document a search finds (by meaning too, as its page counts them), for a
        download or an export: a set, not a ranking, so oldest first. A malformed query
        raises here, before anything is streamed."""
        who = reader or Reader.of(actor)
        chosen, states = split_states(filters or {}, who)
        request = self._request(text, chosen, "date", 1, 1, who, snippets=False, facets=False,
                                bridged=meaning)
        near = found_by_meaning(self.neighbours if meaning else None, text)
        request = _variant(request, query=narrowed(request.query, states),
                           meaning=tuple(n.public_id for n in near))
        check_index(self.catalogue, self.index)
        total = self.index.search(request).total
        return Selection(total, self._chunks(_variant(request, limit=SELECT_CHUNK), total))

    def _chunks(self, request: SearchRequest, total: int) -> Iterator[list[str]]:
        for offset in range(0, total, SELECT_CHUNK):
            hits = self.index.search(_variant(request, offset=offset)).hits
            if not hits:
                return
            yield [h.public_id for h in hits]

    def within(self, ident: str, text: str, *,
               actor: Actor = Actor.PUBLIC, reader: Reader | None = None) -> list[Passage] | None:
        """Every passage of one document that matches the query, highlighted; None when the
        document does not exist for this reader."""
        who = reader or Reader.of(actor)
        parsed = parse_query(text)
        if self.bridge is not None:
            parsed = segmented(parsed, self.bridge.segment)
        tree = relax(group_names(self.catalogue, parsed))
        stored = self.catalogue.get_document(ident, who.actor, who.today)
        if stored is None:
            return None
        # read the generator to its end: one left suspended holds a database connection
        (full,) = [d for chunk in self.catalogue.documents_for_index([stored.document.public_id])
                   for d in chunk]
        request = SearchRequest(tree, who.actor, who.today,
                                expansions=self._expansions(tree, who))
        return self.index.search_within(index_document(full), request)


@dataclass(frozen=True)
class Selection:
    """The documents of a search as a download takes them: how many, and their public ids
    a chunk at a time."""

    total: int
    chunks: Iterator[list[str]]


def _check_options(filters: dict[str, tuple[str, ...]], sort: str, page: int,
                   per_page: int) -> dict[str, tuple[str, ...]]:
    unknown = sorted(set(filters) - set(FACETS))
    if unknown:
        raise QueryError(f"unknown facet {unknown[0]!r}; the facets are {', '.join(FACETS)}")
    if sort not in SORTS:
        raise QueryError(f"unknown sort {sort!r}; use relevance, date (oldest first), -date "
                         "(newest first) or recent (latest added)")
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise QueryError(f"page must be 1 or more and per_page between 1 and {MAX_PER_PAGE}")
    if (page - 1) * per_page > MAX_OFFSET:
        raise QueryError(f"results beyond the first {MAX_OFFSET:,} are not paged; narrow the search")
    return {k: tuple(v) for k, v in filters.items() if v}


def _label(catalogue: Catalogue, facets: dict[str, list[Bucket]],
           reader: Reader) -> dict[str, list[Bucket]]:
    keys = [b.value for f in ("author", "recipient", "person", "place", "subject")
            for b in facets.get(f, [])]
    names = catalogue.authority_labels(keys) if keys else {}
    titles = ({c.key: c.title for c in catalogue.collections(reader.actor, reader.today)}
              if facets.get("collection") else {})
    out = {}
    for facet, buckets in facets.items():
        if facet in ("year", "decade", "month", "day"):  # a histogram reads in time order
            buckets = sorted(buckets, key=lambda b: b.value)
        out[facet] = [replace(b, label=_bucket_label(facet, b.value, names, titles))
                      for b in buckets]
    return out


def _bucket_label(facet: str, value: str, names: dict[str, str], titles: dict[str, str]) -> str:
    if value == "undated":
        return "Undated"
    if facet == "decade":
        return f"{value}s"
    if facet == "language":
        return LANGUAGE_NAMES.get(value, value)
    if facet == "collection":
        return titles.get(value, value)
    if facet in ("type", "classification"):
        return value.replace("-", " ").replace("_", " ").capitalize()
    return names.get(value, value)


def _variant(request: SearchRequest, **changes: object) -> SearchRequest:
    return replace(request, **changes)  # type: ignore[arg-type]


# -- keeping the index in step ---------------------------------------------------------
