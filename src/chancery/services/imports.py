"""Importing sources: detect the format, parse, match authorities, store each document whole."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from time import perf_counter
from typing import Protocol

from chancery.domain.authorities import Link
from chancery.domain.documents import Document, ParsedDocument
from chancery.domain.jobs import Job, StageRequest
from chancery.domain.publication import Actor
from chancery.domain.records import content_hash
from chancery.domain.revisions import Revision
from chancery.ingest.base import Failure, Importer, Limits, SourceBatch
from chancery.services.authorities import AuthorityResolver, PhoneticKey, SameAs, VariantMaker
from chancery.services.clock import today, utc_now
from chancery.services.import_redactions import RedactionRestore, restore_redactions
from chancery.services.import_review import (
    Held,
    PendingImports,
    for_review,
    hold_for_review,
    publication_now,
)
from chancery.services.import_review import diff_records as diff_records  # callers import it from here
from chancery.services.import_sources import choose_importer as choose_importer  # callers import it from here
from chancery.services.import_sources import expand_paths, parsed_sources, source_size
from chancery.services.import_sources import read_source as read_source  # callers import it from here
from chancery.services.matching import resolve_keeping_keys, same_as_stored
from chancery.services.purged_imports import PurgedLookup, not_purged
from chancery.storage.interface import (
    BlobStore,
    Catalogue,
    CatalogueSession,
    DocumentState,
    DocumentWrite,
    LinkWrite,
)


@dataclass
class ImportSummary:
    """What an import did, for people (the closing table) and machines (``--json``)."""

    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: list[Failure] = field(default_factory=list)
    files: int = 0
    authorities_created: int = 0
    # spellings a source tags as a person but that are not plausibly their name ("Stalin"
    # tagged as Khrushchev): stored as evidence, not searched; counted, a few shown
    held_back: int = 0
    held_back_examples: list[str] = field(default_factory=list)
    # seconds spent per step: "parse" (waiting for the reader), "store"; the CLI adds
    # "index" and "citations"
    timings: dict[str, float] = field(default_factory=dict)
    # documents edited in the workspace since their last import (or with a change waiting
    # for review) whose source changed: the source's version waits for a reviewer instead
    conflicts: list[str] = field(default_factory=list)  # public ids
    # documents purged before and imported again, as asked (--allow-purged): to be audited
    readmitted: list[str] = field(default_factory=list)  # public ids
    redactions: int = 0  # redactions an editor's export carried, added to its documents
    # what to queue for the documents written (public id -> the stages their importer
    # asked for, and the file they came from, for the job list)
    asked: dict[str, tuple[StageRequest, ...]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    # the same for documents stored already and unchanged: their stages are queued again only
    # where the options differ from those of the stage's last job (another --ocr, language)
    unchanged_asked: dict[str, tuple[StageRequest, ...]] = field(default_factory=dict)
    unchanged_sources: dict[str, str] = field(default_factory=dict)
    queued: dict[str, int] = field(default_factory=dict)  # jobs queued after it, by stage
    # of those, the jobs of unchanged documents queued again because their options changed
    requeued: dict[str, int] = field(default_factory=dict)
    waited: bool = False  # whether the command waited for its jobs (all but citations)
    job_failures: list[Job] = field(default_factory=list)  # its documents' failed jobs
    indexed: int | None = None  # documents indexed while storing (None: not followed)

    def hold_back(self, spellings: list[str]) -> None:
        """Count spellings kept as evidence only, keeping the first few as examples."""
        self.held_back += len(spellings)
        self.held_back_examples += spellings[:_EXAMPLES - len(self.held_back_examples)]

    def add_time(self, step: str, seconds: float) -> None:
        """Count time spent on a step of the import."""
        self.timings[step] = self.timings.get(step, 0.0) + seconds

    @property
    def documents(self) -> int:
        """Documents read successfully, whatever happened to them."""
        return self.imported + self.updated + self.unchanged + len(self.conflicts)

    def as_dict(self) -> dict[str, object]:
        """The summary as JSON-ready data."""
        return {"imported": self.imported, "updated": self.updated, "unchanged": self.unchanged,
                "failed": [{"file": f.path, "item": f.item, "reason": f.reason}
                           for f in self.failed],
                "files": self.files, "authorities_created": self.authorities_created,
                "held_back": {"count": self.held_back, "examples": self.held_back_examples},
                "conflicts": {"count": len(self.conflicts), "ids": self.conflicts},
                "redactions": self.redactions}


_EXAMPLES = 5


class Progress(Protocol):
    """Where an import reports progress (a Rich bar in the CLI, nothing in tests)."""

    def start(self, total_bytes: int) -> None:
        """The work ahead, in bytes of source files."""

    def advance(self, nbytes: int, documents: int) -> None:
        """A file is done."""


class IndexFollowing(Protocol):
    """Indexing what an import stores while it stores (services/index_follow.py, run in its
    own process by tasks/index_follower.py)."""

    def finish(self) -> int | None:
        """Storing is over: wait for its one commit; the documents it indexed, or None when
        it failed (the caller's own catch-up then does the work)."""
        ...

    def cancel(self) -> None:
        """Stop it without committing (an import that was interrupted)."""
        ...


class NoProgress:
    """Progress that shows nothing."""

    def start(self, total_bytes: int) -> None:
        """Nothing to show."""

    def advance(self, nbytes: int, documents: int) -> None:
        """Nothing to show."""


@dataclass(frozen=True)
class ImportContext:
    """The parts an import works with, wired by the composition root."""

    catalogue: Catalogue
    blobs: BlobStore
    importers: Sequence[Importer]
    make_variants: VariantMaker
    phonetic: PhoneticKey
    limits: Limits  # the max_file_size setting
    # where a changed source over workspace edits goes to wait for review (None: nowhere,
    # the import overwrites as before; only tests of the import alone leave it out)
    pending: PendingImports | None = None
    # Parse in a second process while storing (large imports only). Off by default: a spawned
    # process re-imports the caller's main module, so only entry points with a main guard
    # (the CLI, the benchmarks) turn it on.
    parallel: bool = False
    # a purged document is not brought back by an import unless asked (None: not checked)
    purged: PurgedLookup | None = None
    allow_purged: bool = False
    redactions: RedactionRestore | None = None  # where an export's redactions are restored
    # starts indexing what a large (parallel) import stores while it stores (None: the
    # caller indexes afterwards)
    follow_index: Callable[[], IndexFollowing] | None = None
    # lays the gazetteer's names onto the records once documents are stored
    # (services/name_seeding.py); returns the records it made (None: not done)
    seed_names: Callable[[CatalogueSession], int] | None = None
    # the curated records an incoming person is known to be (the gazetteer's, by name)
    same_as: SameAs | None = None
    # told (new, updated) as each batch is stored: the import rate /metrics reports
    stored: Callable[[int, int], None] | None = None


def import_paths(paths: Sequence[Path], ctx: ImportContext,
                 progress: Progress | None = None) -> ImportSummary:
    """Import files and folders; every document lands whole or not at all."""
    progress = progress or NoProgress()
    sources = list(expand_paths(paths, ctx.importers))
    sizes = [source_size(p) for p in sources]
    progress.start(sum(sizes))
    summary = ImportSummary()
    large = ctx.parallel and sum(sizes) >= _PARALLEL_BYTES
    follower = ctx.follow_index() if large and ctx.follow_index else None
    try:
        _store_sources(sources, sizes, ctx, summary, progress, large)
    except BaseException:
        if follower is not None:
            follower.cancel()
        raise
    if follower is not None:
        started = perf_counter()
        summary.indexed = follower.finish()
        summary.add_time("index", perf_counter() - started)
    return summary


def _store_sources(sources: list[Path], sizes: list[int], ctx: ImportContext,
                   summary: ImportSummary, progress: Progress, parallel: bool) -> None:
    parsed = parsed_sources(sources, ctx.importers, ctx.limits, parallel)
    for nbytes, batches in zip(sizes, _timed(parsed, summary), strict=True):
        started = perf_counter()
        for batch in batches:
            store_batch(batch, ctx, summary)
        summary.files += 1
        summary.add_time("store", perf_counter() - started)
        progress.advance(nbytes, sum(len(b.documents) for b in batches))
    if summary.imported or summary.updated:
        started = perf_counter()
        if ctx.seed_names is not None:
            with ctx.catalogue.session() as session:
                summary.authorities_created += ctx.seed_names(session)
        ctx.catalogue.refresh_statistics()
        summary.add_time("store", perf_counter() - started)


def _timed(parsed: Iterator[list[SourceBatch]],
           summary: ImportSummary) -> Iterator[list[SourceBatch]]:
    """The parsed sources, counting the time spent waiting for each as "parse" (in parallel
    mode, only what the reader process did not hide behind storing)."""
    while True:
        started = perf_counter()
        batches = next(parsed, None)
        summary.add_time("parse", perf_counter() - started)
        if batches is None:
            return
        yield batches


# Below this much source, starting a reader process costs more than it saves.
_PARALLEL_BYTES = 8 * 1024 * 1024


def _ident(doc: Document) -> str:
    return doc.source_id or doc.public_id


def _with_media(item: ParsedDocument, blobs: BlobStore) -> ParsedDocument:
    for path, scan in zip(item.files, item.document.media, strict=False):
        sha256, _ = blobs.put(Path(path))
        if sha256 != scan.sha256:  # the file changed between reading and storing
            raise OSError(f"{Path(path).name} changed while it was being imported")
    return item


class _Undone(Exception):
    """Documents of a batch failed to store: the batch's transaction is undone."""

    def __init__(self, failed: list[Failure]) -> None:
        super().__init__(f"{len(failed)} document(s) failed")
        self.failed = failed


def store_batch(batch: SourceBatch, ctx: ImportContext, summary: ImportSummary) -> None:
    """Store one parsed batch: collections, authorities, then documents, in one transaction.

    When a document fails to store, the transaction is undone and the batch stored again
    without it, so that no authority record made only for that document remains."""
    summary.failed += batch.failures
    summary.hold_back(batch.held_back)
    docs, refused, readmitted = not_purged(batch, ctx.purged, ctx.allow_purged)
    summary.failed += refused
    summary.readmitted += readmitted
    if not docs and not batch.collections:
        return
    attempt = ImportSummary()
    try:
        _store(batch, docs, ctx, attempt, undo_on_failure=True)
    except _Undone as undone:
        failed = {f.item for f in undone.failed}
        attempt = ImportSummary(failed=undone.failed)
        _store(batch, [p for p in docs if _ident(p.document) not in failed], ctx, attempt)
    for name in ("imported", "updated", "unchanged", "failed", "authorities_created",
                 "conflicts"):
        setattr(summary, name, getattr(summary, name) + getattr(attempt, name))
    for name in ("asked", "sources", "unchanged_asked", "unchanged_sources"):
        getattr(summary, name).update(getattr(attempt, name))
    if ctx.stored is not None:
        ctx.stored(attempt.imported, attempt.updated)
    summary.redactions += restore_redactions(docs, ctx.redactions, f"import:{batch.format}")


def _store(batch: SourceBatch, docs: list[ParsedDocument], ctx: ImportContext,
           summary: ImportSummary, undo_on_failure: bool = False) -> None:
    held: list[Held] = []
    with ctx.catalogue.session() as session:
        if batch.collections:
            session.upsert_collections(batch.collections)
        states = session.document_states([_ident(p.document) for p in docs])
        changed: list[tuple[ParsedDocument, str]] = []
        known = {id(i): d for i, d in zip(batch.items, batch.digests, strict=False) if d}
        for parsed in docs:
            digest = _digest(parsed, known)
            state = states.get(_ident(parsed.document))
            if state is not None and state.content_hash == digest:
                summary.unchanged += 1
                _ask_again(summary, parsed, batch.path)
            else:
                changed.append((parsed, digest))
        _write_changed(batch, changed, states, session, ctx, summary, held)
        if undo_on_failure and summary.failed:
            raise _Undone(summary.failed)
    summary.conflicts += hold_for_review(held, ctx.pending)


def _digest(parsed: ParsedDocument, known: dict[int, str]) -> str:
    """A document's content hash: as its reader made it, else made now."""
    return known.get(id(parsed)) or content_hash(parsed.document, list(parsed.authorities))


def _write_changed(batch: SourceBatch, changed: list[tuple[ParsedDocument, str]],
                   states: dict[str, DocumentState], session: CatalogueSession,
                   ctx: ImportContext, summary: ImportSummary, held: list[Held]) -> None:
    resolver = AuthorityResolver(session, ctx.make_variants, ctx.phonetic, ctx.same_as)
    ids = resolve_keeping_keys(resolver, ctx.catalogue, [a for p, _ in changed for a in p.authorities])
    summary.authorities_created += resolver.created
    review, steered = for_review(changed, states, ctx.pending)
    writes, at_once = [], []
    for parsed, digest in changed:
        state = states.get(_ident(parsed.document))
        try:
            _with_media(parsed, ctx.blobs)
            write = _document_write(parsed, digest, ids, state, batch, ctx,
                                    state is not None and state.id in steered)
        except (KeyError, OSError) as exc:
            summary.failed.append(Failure(batch.path, f"cannot store: {exc}", _ident(parsed.document)))
            continue
        if write is None:  # same as stored, though from another source (an exported bundle)
            summary.unchanged += 1
            _ask_again(summary, parsed, batch.path)
        elif write.existing_id in review:
            held.append(Held(write, f"import:{batch.format}", batch.path))
            if state is not None and state.id not in steered:
                at_once += publication_now(write, state, batch, ctx.catalogue)
        else:
            writes.append(write)
            _ask(summary, write.document.public_id, parsed, batch.path)
    session.write_documents(at_once)
    failures = session.write_documents(writes)
    for w in writes:
        if w.document.public_id in failures:
            summary.failed.append(Failure(batch.path, failures[w.document.public_id],
                                          _ident(w.document)))
            summary.asked.pop(w.document.public_id, None)
        elif w.existing_id is None:
            summary.imported += 1
        else:
            summary.updated += 1


def _ask(summary: ImportSummary, public_id: str, parsed: ParsedDocument, path: str) -> None:
    """Keep what to queue for a document about to be written: its stages, its file."""
    summary.sources[public_id] = parsed.files[0] if parsed.files else path
    if parsed.stages:
        summary.asked[public_id] = parsed.stages


def _ask_again(summary: ImportSummary, parsed: ParsedDocument, path: str) -> None:
    """Keep the stages asked for a document left unchanged, for the queue to compare their
    options with those it ran with last."""
    if parsed.stages:
        public_id = parsed.document.public_id
        summary.unchanged_asked[public_id] = parsed.stages
        summary.unchanged_sources[public_id] = parsed.files[0] if parsed.files else path


def _links(links: tuple[Link, ...], ids: dict[str, int]) -> list[LinkWrite]:
    return [LinkWrite(ids[link.ref], link.role, link.as_written) for link in links]


def _document_write(parsed: ParsedDocument, digest: str, ids: dict[str, int],
                    state: DocumentState | None, batch: SourceBatch,
                    ctx: ImportContext, keep_state: bool) -> DocumentWrite | None:
    doc = parsed.document
    if state is None:
        revision = Revision(utc_now(), f"import:{batch.format}", f"imported from {batch.path}")
        return DocumentWrite(doc, _links(doc.links, ids), digest, revision)
    old = ctx.catalogue.get_document(_ident(doc), Actor.EDITOR, today())
    if old is not None and keep_state:  # the state someone set wins over the file's
        doc = replace(doc, publication=old.document.publication)
    if same_as_stored(old, doc, ids):
        return None
    revision = Revision(utc_now(), f"import:{batch.format}", f"updated from {batch.path}",
                        diff_records(old.document if old else None, doc, parsed.authorities))
    # An update keeps the stored public id, so links and URLs stay valid.
    if old is not None and old.document.public_id != doc.public_id:
        doc = _with_public_id(doc, old.document.public_id)
    return DocumentWrite(doc, _links(doc.links, ids), digest, revision, state.id)


def _with_public_id(doc: Document, public_id: str) -> Document:
    return replace(doc, public_id=public_id)
