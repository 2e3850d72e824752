"""Importing sources: detect the format, parse, match authorities, store each document whole."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path
from time import perf_counter
from typing import Protocol

from chancery.domain.authorities import Authority, Link
from chancery.domain.documents import Document, ParsedDocument
from chancery.domain.jobs import Job, StageRequest
from chancery.domain.media import MEDIA_TYPES
from chancery.domain.publication import Actor
from chancery.domain.records import Record, content_hash, document_record
from chancery.domain.revisions import Revision
from chancery.ingest.base import Failure, Importer, ImportRefused, Limits, SourceBatch
from chancery.lifetime import die_with_parent
from chancery.services.authorities import AuthorityResolver, PhoneticKey, VariantMaker
from chancery.services.clock import today, utc_now
from chancery.services.import_redactions import RedactionRestore, restore_redactions
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
    queued: dict[str, int] = field(default_factory=dict)  # jobs queued after it, by stage
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


class PendingImports(Protocol):
    """Where a re-import that meets workspace edits leaves its version (storage/pending.py)."""

    def held_for_review(self, document_ids: Iterable[int]) -> set[int]:
        """The documents edited since their last import, or with a change waiting."""
        ...

    def steered(self, document_ids: Iterable[int]) -> set[int]:
        """The documents whose publication someone set outside an import (a step, an
        embargo): a re-import keeps it; the file's state rules the others."""
        ...

    def propose_import(self, document_id: int, record: Record, author: str, comment: str,
                       content_hash: str) -> bool:
        """Keep the source's version as the pending revision (False: an editor's change is
        waiting already and stays, or the same version waits already)."""
        ...

    def authority_keys(self, ids: Iterable[int]) -> dict[int, str]:
        """Authority keys by stored id."""
        ...


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


def choose_importer(path: Path, importers: Sequence[Importer]) -> Importer | None:
    """The importer that matches a path best, if any matches at all."""
    scored = [(imp.score(path), i, imp) for i, imp in enumerate(importers)]
    best = max(scored, default=(0.0, 0, None))
    return best[2] if best[0] > 0 else None


def expand_paths(paths: Sequence[Path], importers: Sequence[Importer],
                 under_csv: bool = False) -> Iterator[Path]:
    """Files and bundle folders to import: a folder no importer claims is walked. Below a
    folder holding a CSV, scans are the CSV's to describe, not a document each."""
    for path in paths:
        if path.is_dir() and choose_importer(path, importers) is None:
            children = sorted(p for p in path.iterdir() if not p.name.startswith("."))
            csv_here = under_csv or any(p.suffix.lower() == ".csv" for p in children)
            yield from expand_paths([p for p in children if not (csv_here and _is_scan(p))],
                                    importers, csv_here)
        else:
            yield path


def _is_scan(path: Path) -> bool:
    return path.suffix.lower() in MEDIA_TYPES and path.is_file()


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size if path.exists() else 0


def read_source(path: Path, importers: Sequence[Importer], limits: Limits) -> list[SourceBatch]:
    """Parse one source into batches; a file that cannot be read becomes a failed batch."""
    name = str(path)
    if not path.exists():
        return [SourceBatch(name, "", items=[Failure(name, "no such file or folder")])]
    importer = choose_importer(path, importers)
    if importer is None:
        return [SourceBatch(name, "", items=[Failure(name, "unrecognised format: not FRUS TEI, "
                                                           "a Chancery bundle, a CSV or a scan")])]
    try:
        return [_with_digests(b) for b in importer.read(path, limits)]
    except ImportRefused as exc:
        return [SourceBatch(name, importer.name, items=[Failure(name, str(exc))])]
    except (OSError, UnicodeDecodeError) as exc:
        return [SourceBatch(name, importer.name, items=[Failure(name, f"cannot read: {exc}")])]


def _with_digests(batch: SourceBatch) -> SourceBatch:
    batch.digests = [content_hash(i.document, list(i.authorities))
                     if isinstance(i, ParsedDocument) else "" for i in batch.items]
    return batch


def _digest(parsed: ParsedDocument, known: dict[int, str]) -> str:
    """A document's content hash: as its reader made it, else made now."""
    return known.get(id(parsed)) or content_hash(parsed.document, list(parsed.authorities))


def import_paths(paths: Sequence[Path], ctx: ImportContext,
                 progress: Progress | None = None) -> ImportSummary:
    """Import files and folders; every document lands whole or not at all."""
    progress = progress or NoProgress()
    sources = list(expand_paths(paths, ctx.importers))
    sizes = [_size(p) for p in sources]
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
    parsed = _parsed_sources(sources, ctx, parallel)
    for nbytes, batches in zip(sizes, _timed(parsed, summary), strict=True):
        started = perf_counter()
        for batch in batches:
            store_batch(batch, ctx, summary)
        summary.files += 1
        summary.add_time("store", perf_counter() - started)
        progress.advance(nbytes, sum(len(b.documents) for b in batches))
    if summary.imported or summary.updated:
        started = perf_counter()
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
_READ_AHEAD = 2  # sources parsed ahead of the writer: bounds memory to a few volumes


def _parsed_sources(sources: list[Path], ctx: ImportContext,
                    parallel: bool) -> Iterator[list[SourceBatch]]:
    """Each source's batches, in order. In parallel mode a reader process parses the next
    sources while this one writes: parsing and storing each take about half of an import,
    so on two cores the pipeline nearly halves the time."""
    if not parallel or len(sources) < 2:
        yield from (read_source(p, ctx.importers, ctx.limits) for p in sources)
        return
    # spawn, not fork: the parent holds database connections and a progress-bar thread.
    with ProcessPoolExecutor(1, mp_context=get_context("spawn"), initializer=die_with_parent,
                             initargs=(os.getpid(),)) as pool:
        pending: deque[Future[list[SourceBatch]]] = deque()
        for path in sources:
            pending.append(pool.submit(read_source, path, list(ctx.importers), ctx.limits))
            if len(pending) > _READ_AHEAD:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


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
    summary.asked.update(attempt.asked)
    summary.sources.update(attempt.sources)
    summary.redactions += restore_redactions(docs, ctx.redactions, f"import:{batch.format}")


def _store(batch: SourceBatch, docs: list[ParsedDocument], ctx: ImportContext,
           summary: ImportSummary, undo_on_failure: bool = False) -> None:
    held: list[_Held] = []
    with ctx.catalogue.session() as session:
        if batch.collections:
            session.upsert_collections(batch.collections)
        states = session.document_states([_ident(p.document) for p in docs])
        known = {id(i): d for i, d in zip(batch.items, batch.digests, strict=False) if d}
        todo = [(p, _digest(p, known)) for p in docs]
        changed = [(p, h) for p, h in todo
                   if states.get(_ident(p.document)) is None
                   or states[_ident(p.document)].content_hash != h]
        summary.unchanged += len(todo) - len(changed)
        _write_changed(batch, changed, states, session, ctx, summary, held)
        if undo_on_failure and summary.failed:
            raise _Undone(summary.failed)
    _hold_for_review(held, ctx, summary)


@dataclass(frozen=True)
class _Held:
    """A changed source over a document edited in the workspace: kept for a reviewer."""

    write: DocumentWrite
    author: str
    path: str


def _write_changed(batch: SourceBatch, changed: list[tuple[ParsedDocument, str]],
                   states: dict[str, DocumentState], session: CatalogueSession,
                   ctx: ImportContext, summary: ImportSummary, held: list[_Held]) -> None:
    resolver = AuthorityResolver(session, ctx.make_variants, ctx.phonetic)
    ids = resolve_keeping_keys(resolver, ctx.catalogue, [a for p, _ in changed for a in p.authorities])
    summary.authorities_created += resolver.created
    review, steered = _for_review(changed, states, ctx)
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
        elif write.existing_id in review:
            held.append(_Held(write, f"import:{batch.format}", batch.path))
            if state is not None and state.id not in steered:
                at_once += _publication_now(write, state, batch, ctx)
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


def _publication_now(held: DocumentWrite, state: DocumentState, batch: SourceBatch,
                     ctx: ImportContext) -> list[DocumentWrite]:
    """The file's publication, at once, for a document no one steered whose other changes
    wait for review: a source's withdrawal is not held back (taking away is immediate)."""
    old = ctx.catalogue.get_document(held.document.public_id, Actor.EDITOR, today())
    if old is None or old.document.publication == held.document.publication:
        return []
    new = replace(old.document, publication=held.document.publication)
    revision = Revision(utc_now(), f"import:{batch.format}",
                        f"publication from {batch.path}; its other changes wait for review",
                        diff_records(old.document, new, ()))
    links = [LinkWrite(la.authority.id, la.role, la.as_written) for la in old.authorities]
    return [DocumentWrite(new, links, state.content_hash, revision, state.id)]


def _for_review(changed: list[tuple[ParsedDocument, str]], states: dict[str, DocumentState],
                ctx: ImportContext) -> tuple[set[int], set[int]]:
    """Among the changed stored documents: those editors changed since their import, and
    those whose publication someone set in the workspace or by command."""
    stored = [states[_ident(p.document)].id for p, _ in changed if _ident(p.document) in states]
    if ctx.pending is None or not stored:
        return set(), set()
    return ctx.pending.held_for_review(stored), ctx.pending.steered(stored)


def _hold_for_review(held: list[_Held], ctx: ImportContext, summary: ImportSummary) -> None:
    """Leave each held source version as its document's pending revision, and report it."""
    if not held or ctx.pending is None:
        return
    keys = ctx.pending.authority_keys(lk.authority_id for h in held for lk in h.write.links)
    for h in held:
        record = document_record(h.write.document)
        record["links"] = [{"ref": keys[lk.authority_id], "role": lk.role.value,
                            "as_written": lk.as_written} for lk in h.write.links]
        assert h.write.existing_id is not None
        ctx.pending.propose_import(h.write.existing_id, record, h.author,
                                   f"re-imported from {h.path} over edits made in the "
                                   "workspace", h.write.content_hash)
        summary.conflicts.append(h.write.document.public_id)


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


def diff_records(old: Document | None, new: Document,
                 authorities: tuple[Authority, ...]) -> dict[str, list[object]]:
    """Top-level fields that differ between the stored and the incoming document."""
    before = document_record(old) if old else {}
    after = document_record(new)
    skip = {"links"}  # stored links name authority keys, incoming ones batch refs
    return {k: [before.get(k), v] for k, v in after.items()
            if k not in skip and before.get(k) != v}
