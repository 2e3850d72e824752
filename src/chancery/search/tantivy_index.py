"""The embedded Tantivy index in the data folder: one writer, many readers.

Next to Tantivy's own files lives ``chancery-index.json``: the layout version, the generation
(which rebuild this index belongs to; the catalogue keeps the same number) and how many
catalogue changes the index has seen. That is how a missing, stale or outdated index is told
apart from an empty result."""

from __future__ import annotations

import json
import os
import re
import threading
import time
import weakref
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import tantivy
from tantivy import Order, Query

from chancery.domain.publication import Actor
from chancery.search import index_folders
from chancery.search.facet_counts import FacetCounter, Invert, field_of
from chancery.search.facet_sampling import Sampling
from chancery.search.facet_snapshot import Snapshot
from chancery.search.grammar import MatchAll
from chancery.search.highlight import (
    min_han_run,
)
from chancery.search.hit_bounds import hit_bounds
from chancery.search.interface import (
    SCHEMA_VERSION,
    IndexBusy,
    IndexDocument,
    MeaningLater,
    Passage,
    SearchIndex,
    SearchRequest,
    SearchResults,
    Span,
)
from chancery.search.meaning_counts import meaning_alone
from chancery.search.tantivy_hits import Snippets, hit_of, paragraph, paragraph_docs
from chancery.search.tantivy_hybrid import HybridPage, hybrid_page, key_of
from chancery.search.tantivy_query import QueryCompiler
from chancery.search.tantivy_ranking import SORTS, ranked
from chancery.search.tantivy_schema import (
    Respell,
    analyzers,
    build_schema,
    to_tantivy,
)
from chancery.search.tantivy_spellings import held_words, known_spellings

_META = "chancery-index.json"
# what Tantivy writes in an index folder: segment files (<uuid>.<part>, deletes as
# <uuid>.<opstamp>.del) and its metadata; and our own state file. Its lock files are kept:
# a writer of the old version still running would otherwise lose its lock.
_TANTIVY_FILE = re.compile(r"[0-9a-f]{32}\.[a-z0-9.]+|meta\.json|\.managed\.json|"
                           r"chancery-index\.json(\.tmp)?")
_SNIPPET_CHARS = 240
WRITER_WAIT = 30.0  # seconds a write waits for another process's writer to commit


class TantivyIndex:
    """A search index in a folder; the writer is opened only by a process that writes."""

    def __init__(self, path: Path, heap_bytes: int = 256 * 1024 * 1024, threads: int = 0,
                 respell: Respell | None = None) -> None:
        self.root = path  # the index folder: the index, or its generations (index_folders)
        self._at: Path | None = None  # the folder the open index was opened in
        self.heap_bytes, self.threads = heap_bytes, threads
        self.respell = respell  # the corrected reading of OCR texts, searched beside them
        self.schema = build_schema()
        self.analyzers = analyzers()
        self.compiler = QueryCompiler(self.schema, self.analyzers)
        self._index: tantivy.Index | None = None
        self._writer: Any = None
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        # the rebuild lock of an index made by beside(): closed once, when it is switched
        # to or dropped (a rebuild that failed half-way must not keep it for the process)
        self._rebuilding: weakref.finalize[Any, Any] | None = None
        self._spans: dict[Any, list[Span]] = {}  # over everything, for the snapshot they were made on
        # count a broad query's complement once the counts over everything are ready
        self.invert_broad: Invert = "when-ready"
        # facets with many values over a broad result are estimated (None: always exact)
        self.sampling: Sampling | None = Sampling()
        # start counting the facets before the top of the page, from bounds on the total
        # (search/hit_bounds.py); False waits for the total (compared in the benchmarks)
        self.count_early = True
        # a broad search's facet counts are kept with the snapshot (search/facet_memo.py);
        # False counts every search afresh (the benchmarks' cold figures)
        self.memo_counts = True

    # -- state -------------------------------------------------------------------------

    @property
    def path(self) -> Path:
        """The folder of the index searched now (a rebuild beside it moves searches on)."""
        return index_folders.current(self.root)

    def beside(self, generation: int) -> TantivyIndex:
        """A new, empty index of ``generation`` beside this one, for a rebuild that searches
        do not see until ``switch``."""
        held = index_folders.hold_rebuild(self.root)
        try:
            other = TantivyIndex(index_folders.beside(self.root, generation), self.heap_bytes,
                                 self.threads, self.respell)
            other.clear(generation)
        except BaseException:
            os.close(held)
            raise
        other._rebuilding = weakref.finalize(other, os.close, held)
        return other

    def switch(self, other: SearchIndex) -> None:
        """Searches (in every process) move to ``other``, made by ``beside``, in one rename;
        the index searched until then is removed."""
        if not isinstance(other, TantivyIndex):
            raise TypeError("an index made by beside()")
        with self._lock:
            self._index, self._writer, self._snapshot = None, None, None
            try:
                index_folders.switch(self.root, other.root)
            finally:
                other.release_rebuild()

    def release_rebuild(self) -> None:
        """The rebuild this index was made for is over (switched to, or given up)."""
        if self._rebuilding is not None:
            self._rebuilding()  # runs once: a finalize object does not close it again

    def state(self) -> tuple[int, int, int] | None:
        """(layout version, generation, catalogue changes seen), or None when missing."""
        try:
            meta = json.loads((self.path / _META).read_text())
            return int(meta["schema"]), int(meta["generation"]), int(meta["changes"])
        except (OSError, ValueError, KeyError):
            return None

    def _write_state(self, generation: int, changes: int) -> None:
        # beside the index written, which a rebuild in another process may have replaced
        folder = self._at or self.path
        tmp = folder / (_META + ".tmp")
        tmp.write_text(json.dumps({"schema": SCHEMA_VERSION, "generation": generation,
                                   "changes": changes}))
        tmp.replace(folder / _META)

    def _open(self) -> tantivy.Index:
        at = self.path
        if self._index is not None and at != self._at:
            # rebuilt beside by another process: this one moves to the new index (a writer
            # of the old one is dropped before it commits: the new one was built from the
            # catalogue after, and catches up from the changes it records)
            self._index, self._writer, self._snapshot = None, None, None
        if self._index is None:
            at.mkdir(parents=True, exist_ok=True)
            index = tantivy.Index(self.schema, path=str(at), reuse=True)
            for name, analyzer in self.analyzers.items():
                index.register_tokenizer(name, analyzer)
            self._index, self._at = index, at
        return self._index

    def _foreign(self) -> bool:
        """Whether the folder holds an index whose schema is not this one."""
        try:
            self._open()
        except ValueError as e:
            if "schema does not match" not in str(e):
                raise
            return True
        return False

    def _discard(self) -> None:
        """Remove the index's own files (nothing else that may share the folder)."""
        self._index, self._writer, self._snapshot = None, None, None
        for entry in self.path.iterdir():
            if entry.is_file() and _TANTIVY_FILE.fullmatch(entry.name):
                entry.unlink()

    # -- writing -----------------------------------------------------------------------

    def _writer_(self) -> Any:
        if self._writer is None:
            self._writer = self._locked_writer()
        return self._writer

    def _locked_writer(self) -> Any:
        """Tantivy allows one writer per index folder, across processes: another process
        writing (the index follower of `serve`, a web worker saving an edit, an import)
        holds the lock for the second or so its commit takes, so wait for it rather than
        fail; after WRITER_WAIT seconds the error is raised as it is."""
        deadline = time.monotonic() + WRITER_WAIT
        while True:
            try:
                return self._open().writer(heap_size=self.heap_bytes, num_threads=self.threads)
            except ValueError as exc:
                if "LockBusy" not in str(exc):
                    raise
                if time.monotonic() > deadline:
                    raise IndexBusy(f"the search index at {self.path} is being written by "
                                    "another process") from exc
                time.sleep(0.05)

    def upsert(self, docs: Iterable[IndexDocument], fresh: bool = False) -> int:
        """Add or replace documents by public id; ``fresh`` (an index just cleared) skips the
        deletes, which a rebuild would otherwise queue by the million until it commits."""
        writer, n = self._writer_(), 0
        for item in docs:
            if not fresh:
                writer.delete_documents_by_term("id", item.document.public_id)
            writer.add_document(to_tantivy(item, self.respell))
            n += 1
        return n

    def delete(self, public_ids: Iterable[str]) -> None:
        """Remove documents by public id (a purge); gone once committed."""
        writer = self._writer_()
        for public_id in public_ids:
            writer.delete_documents_by_term("id", public_id)

    def commit(self, seen_changes: int) -> None:
        """Make the writes visible and record the catalogue changes they reflect."""
        state = self.state()
        generation = state[1] if state else 0
        if self._writer is not None:
            self._writer.commit()
            self._writer.wait_merging_threads()
            self._writer = None  # frees the lock for the next process that writes
        self._write_state(generation, seen_changes)
        self._open().reload()

    def clear(self, generation: int) -> None:
        """Empty the index and start a new generation (a rebuild). An index of an older
        layout is removed first: Tantivy will not open it with this schema."""
        state = self.state()
        if (state is not None and state[0] != SCHEMA_VERSION) or self._foreign():
            self._discard()
        writer = self._writer_()
        writer.delete_all_documents()
        writer.commit()
        self._write_state(generation, 0)

    # -- reading -----------------------------------------------------------------------

    def count(self) -> int:
        """Documents in the index."""
        index = self._open()
        index.reload()
        return int(index.searcher().num_docs)

    def snapshot(self) -> Snapshot:
        """The searcher for the index as last committed, with the counts kept for it. A
        new one is taken only when a commit has replaced Tantivy's meta.json."""
        folder = self.path
        try:
            st = (folder / "meta.json").stat()
            key: Any = (folder, st.st_ino, st.st_mtime_ns, st.st_size)
        except OSError:
            key = None
        with self._lock:
            snap = self._snapshot
            if snap is None or snap.key != key or key is None:
                index = self._open()
                index.reload()
                snap = self._snapshot = Snapshot(index.searcher(), key)
            return snap

    def search(self, request: SearchRequest,
               meaning_later: MeaningLater | None = None) -> SearchResults:
        """A page of hits with snippets, the total, and facet counts."""
        snap = self.snapshot()
        searcher = snap.searcher
        # the facets are counted in other threads while this one ranks and makes snippets,
        # over the words alone: the ids found by meaning may still be on their way
        words = replace(request, meaning=())
        words_query = self.compiler.compile(words)
        early = request.facets and self.count_early
        counter = (FacetCounter(self.compiler, snap, words, words_query,
                                hit_bounds(searcher, self.compiler, words),
                                self.invert_broad, self.sampling, self.memo_counts)
                   if early else None)
        if meaning_later is not None and not request.meaning:
            request = replace(request, meaning=meaning_later())
        added = (meaning_alone(searcher, self.compiler, request)
                 if request.meaning and request.facets else [])
        if request.meaning:
            descending = SORTS.get(request.sort, ("", Order.Asc))[1] == Order.Desc
            hybrid = hybrid_page(searcher, self.compiler, request, words_query, ranked,
                                 descending)
        else:
            hybrid = HybridPage(*ranked(searcher, words_query, request), {}, 0)
        total = hybrid.total
        by_words = total - hybrid.by_meaning
        if counter is not None:
            counter.settle(by_words)
        elif request.facets:
            counter = FacetCounter(self.compiler, snap, words, words_query, by_words,
                                   self.invert_broad, self.sampling, self.memo_counts)
        if counter is not None:
            counter.add(added)
        snippets = (Snippets(searcher, self.schema, words_query, request.query)
                    if request.snippets else None)
        hits = [hit_of(searcher.doc(addr), key, snippets,
                     hybrid.matched.get(key_of(addr), "words"))
                for key, addr in hybrid.page[:request.limit]]
        return SearchResults(total, hits, counter.result() if counter else {},
                             by_meaning=hybrid.by_meaning)

    def spans(self, request: SearchRequest, facet: str, values: list[str]) -> list[Span]:
        """Count and year span per value, in one pass (a terms count with the least and
        greatest year of each). Those over everything a reader may see (the home page's
        collections) are kept for the snapshot."""
        snap = self.snapshot()
        everything = isinstance(request.query, MatchAll) and not request.filters
        key = (snap.key, request.actor, request.today, facet, tuple(values))
        found = self._spans.get(key) if everything and snap.key is not None else None
        if found is None:
            found = _spans(snap.searcher, self.compiler.compile(request), facet, values)
            if everything:
                if len(self._spans) > 32:  # old snapshots' entries
                    self._spans.clear()
                self._spans[key] = found
        return found

    def spellings(self, word: str, actor: Actor, today: date) -> list[tuple[str, int]]:
        """Spellings the index knows near ``word``, in documents ``actor`` may see."""
        snap = self.snapshot()
        return known_spellings(snap.searcher, self.schema, self.analyzers, word, actor, today)

    def held(self, words: list[str], actor: Actor, today: date) -> set[str]:
        """The words some document ``actor`` may see holds."""
        snap = self.snapshot()
        return held_words(snap.searcher, self.schema, self.analyzers, words, actor, today)

    def search_within(self, item: IndexDocument, request: SearchRequest) -> list[Passage]:
        """Every paragraph of one document's texts that matches, highlighted, in text order.

        The paragraphs go into a small index in memory, analyzed exactly as the main index
        analyzes them, so a match here is a match there."""
        index = tantivy.Index(self.schema)
        for name, analyzer in self.analyzers.items():
            index.register_tokenizer(name, analyzer)
        writer = index.writer(heap_size=15_000_000, num_threads=1)
        for doc in paragraph_docs(item, self.respell):
            writer.add_document(doc)
        writer.commit()
        index.reload()
        searcher = index.searcher()
        within = SearchRequest(request.query, Actor.EDITOR, request.today,
                               expansions=request.expansions)
        query = QueryCompiler(self.schema, self.analyzers).compile(within)
        found = searcher.search(query, 10_000, order_by_field="date_sort", order=Order.Asc)
        out = []
        for _, addr in found.hits:
            doc = searcher.doc(addr)
            shown = paragraph(searcher, query, self.schema, doc, min_han_run(request.query))
            if shown:
                out.append(Passage(str(doc.get_first("id")), shown))
        return out


def _spans(searcher: tantivy.Searcher, query: Query, facet: str, values: list[str]) -> list[Span]:
    if not values:
        return []
    spec = {"spans": {"terms": {"field": field_of(facet), "size": len(values), "include": values},
                      "aggs": {"first": {"min": {"field": "year"}},
                               "last": {"max": {"field": "year"}}}}}
    buckets = searcher.aggregate(query, spec).get("spans", {}).get("buckets", [])
    return [Span(str(b["key"]), int(b["doc_count"]), _year(b["first"]), _year(b["last"]))
            for b in buckets]


def _year(metric: dict[str, Any]) -> int | None:
    value = metric.get("value")  # None when no document of the bucket is dated
    return int(value) if value is not None else None
