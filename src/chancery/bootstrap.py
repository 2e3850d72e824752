"""The composition root: the one place adapters are built and wired together."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path

from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError

from chancery.blobs.burning import BurnedFiles
from chancery.blobs.derived import DerivedFiles
from chancery.blobs.folder import FolderBlobStore
from chancery.blobs.pages import PDFIUM_LOCK, PageImages
from chancery.blobs.searchable import SearchablePdfMaker
from chancery.citing.cache import CitationCache
from chancery.citing.pandoc import PandocEngine
from chancery.citing.styles import PAGE_STYLES
from chancery.config import Settings
from chancery.domain import clock
from chancery.domain.jobs import Stage
from chancery.domain.media import MediaFile
from chancery.domain.ocr import OcrMode
from chancery.domain.suggestions import Finding
from chancery.domain.workflow import Acting as AccountActing
from chancery.enrich import gazetteer
from chancery.enrich.names import phonetic_key, with_generated_variants
from chancery.enrich.ocr.reader import ScanReader
from chancery.http.cache_purge import CachePurger, PagePurge
from chancery.ingest.base import Importer, Limits
from chancery.ingest.bundle import BundleImporter
from chancery.ingest.csvfiles import CsvImporter
from chancery.ingest.frus import FrusImporter
from chancery.ingest.media import read_media
from chancery.ingest.scans import ScanImporter
from chancery.meaning.encoder import UseEmbedder
from chancery.meaning.glossary import english_glosses
from chancery.meaning.interface import VectorIndex
from chancery.meaning.marks import FileMark
from chancery.meaning.vector_index import VectorIndex as FaissVectorIndex
from chancery.meaning.word_table import FaissWordTable, chinese_words
from chancery.ocr.spelling import respell_ocr
from chancery.search import index_folders
from chancery.search.tantivy_index import TantivyIndex
from chancery.search.word_terms import IndexTerms
from chancery.services.accounts import Accounts
from chancery.services.acting import Acting
from chancery.services.authority_editing import AuthorityEditor
from chancery.services.bridge_words import WordBridge
from chancery.services.citing import Citer, CiteStage
from chancery.services.collection_editing import CollectionEditor
from chancery.services.editing import Editing, Names
from chancery.services.editor import Editor
from chancery.services.health import Health, Thresholds
from chancery.services.imports import ImportContext
from chancery.services.jobs import BatchRun, Dispatch, Jobs, Polled, StageRun
from chancery.services.known_names import KnownNames
from chancery.services.meaning import Batches, Meaning
from chancery.services.name_seeding import lay_entries, prints_any, seed_names
from chancery.services.name_suggest import NameSuggester
from chancery.services.ocr import Ocr
from chancery.services.publishing import Publishing
from chancery.services.purging import Kept, Purging
from chancery.services.redacted_caches import RedactedCaches
from chancery.services.redacting import Redacting, Wanted
from chancery.services.respelling import Respeller, gazetteer_spellings
from chancery.services.scan_redacting import ScanRedacting
from chancery.services.search import Search
from chancery.services.suggest_stage import SuggestStage
from chancery.services.suggesting import Suggesting
from chancery.services.suggestion_review import SuggestionReview
from chancery.services.tokens import Tokens
from chancery.services.transcribing import Transcribing
from chancery.services.word_boxes import WordBoxes
from chancery.storage.accounts import SqlAccounts
from chancery.storage.audit import SqlAuditReads
from chancery.storage.authority_edits import SqlAuthorityEdits
from chancery.storage.authority_respell import SqlRespellStore
from chancery.storage.backup import SqlCatalogueCopy
from chancery.storage.collection_edits import SqlCollectionEdits
from chancery.storage.database import SqlCatalogue
from chancery.storage.fixity import SqlFixity
from chancery.storage.import_runs import SqlImportRuns
from chancery.storage.jobs import SqlJobs
from chancery.storage.limits import SqlRateBuckets
from chancery.storage.ocr_texts import SqlOcrTexts
from chancery.storage.pending import SqlPending
from chancery.storage.purge import SqlPurge
from chancery.storage.redacting import SqlRedacting
from chancery.storage.replicas import ReadRouting
from chancery.storage.rows import short_error
from chancery.storage.scan_redactions import SqlScanRedactions
from chancery.storage.suggestions import SqlSuggestions
from chancery.storage.tokens import SqlTokens
from chancery.storage.vectors import SqlPassageVectors
from chancery.storage.word_vectors import SqlWordVectors
from chancery.storage.words import SqlWordLayers
from chancery.storage.workflow import SqlEditorial
from chancery.storage.workspace import SqlWorkspaceReads
from chancery.suggest.cache import FileCache, StageCache
from chancery.suggest.pipeline import SuggestContext, suggest
from chancery.suggest.sources import read_text
from chancery.tasks.broker import broker_ping
from chancery.tasks.index_follower import start_index_follower
from chancery.telemetry import import_counter


@dataclass
class App:
    """Everything an entry point needs, built from settings."""

    settings: Settings
    catalogue: SqlCatalogue
    blobs: FolderBlobStore
    index: TantivyIndex
    pages: PageImages
    engine: PandocEngine
    buckets: SqlRateBuckets  # rate limits shared by every server process

    @property
    def citer(self) -> Citer:
        """Citations as this archive makes them: its name, its address, the kept renderings."""
        return Citer(self.engine, self.citation_cache, self.settings.archive_name,
                     self.settings.base_url)

    @property
    def citation_cache(self) -> CitationCache:
        """The renderings kept in the derived folder (shared by every node that names one)."""
        return CitationCache(self.settings.derived_path / "citations")

    @cached_property
    def accounts(self) -> Accounts:
        """Accounts, logins and sessions, kept in the catalogue."""
        return Accounts(SqlAccounts(self.catalogue.engine))

    @cached_property
    def audit_reads(self) -> SqlAuditReads:
        """The audit log as the admins' workspace page reads it."""
        return SqlAuditReads(self.catalogue.engine)

    @cached_property
    def fixity(self) -> SqlFixity:
        """The stored files the catalogue names, for `chancery check` to re-hash."""
        return SqlFixity(self.catalogue.engine)

    @cached_property
    def import_runs(self) -> SqlImportRuns:
        """The record of imports (who, when, counts, failures) the dashboard shows."""
        return SqlImportRuns(self.catalogue.engine)

    @cached_property
    def workspace(self) -> SqlWorkspaceReads:
        """The workspace's own lists (drafts, in review), through the access rule."""
        return SqlWorkspaceReads(self.catalogue.engine)

    @cached_property
    def search(self) -> Search:
        """The search every entry point uses, built once with the phonetic key."""
        return Search(self.catalogue, self.index, phonetic_key, neighbours=self.meaning,
                      bridge=self.meaning.words)

    @cached_property
    def name_suggester(self) -> NameSuggester:
        """Names suggested as a reader types, kept in memory per reader role and day."""
        return NameSuggester(self.catalogue)

    @cached_property
    def meaning(self) -> Meaning:
        """Search by meaning: the embed job's code, this node's vector index (under
        data/vectors, following the catalogue's vectors) and the questions asked of it."""
        folder = self.settings.data / "vectors"
        embedder = UseEmbedder()
        engine, reads = self.catalogue.engine, self.catalogue.reads  # a page's: a replica's
        words = WordBridge(SqlWordVectors(engine, embedder.dims, reads), embedder,
                           FaissWordTable, chinese_words, english_glosses)
        return Meaning(self.catalogue, SqlPassageVectors(engine, embedder.dims, reads),
                       embedder, lambda build: vector_index(folder, build),
                       FileMark(folder), words)

    @cached_property
    def publishing(self) -> Publishing:
        """The editorial workflow, history and revert over this catalogue."""
        return Publishing(self.catalogue, SqlEditorial(self.catalogue.engine),
                          self.settings.allow_self_approval, self.accounts.record,
                          self.page_purge.changed)

    @cached_property
    def authorities(self) -> AuthorityEditor:
        """The authority editor: names, identifiers, merge and split, audited."""
        return AuthorityEditor(SqlAuthorityEdits(self.catalogue.engine), phonetic_key,
                               self.accounts.record)

    @cached_property
    def respeller(self) -> Respeller:
        """`chancery authority respell`: every record's generated spellings made again as a
        fresh import makes them, and the gazetteer laid (services/respelling.py)."""
        entries = gazetteer.as_authorities()
        return Respeller(SqlRespellStore(self.catalogue.engine), with_generated_variants,
                         phonetic_key, self.accounts.record,
                         lambda session: lay_entries(session, entries, with_generated_variants,
                                                     phonetic_key,
                                                     prints_any(self.index, date.today())),
                         gazetteer_spellings(entries, with_generated_variants))

    @cached_property
    def collections(self) -> CollectionEditor:
        """The collection editor: title, description, parent and order, audited."""
        return CollectionEditor(SqlCollectionEdits(self.catalogue.engine), self.accounts.record)

    @cached_property
    def scan_files(self) -> BurnedFiles:
        """The files a scan is served as: the original, or its burned copy (redacted key)."""
        return BurnedFiles(self.blobs, self.settings.derived_path / "files", PDFIUM_LOCK,
                           self.pages.keys)

    @cached_property
    def word_boxes(self) -> WordBoxes:
        """The words of scan pages as readers are shown them (hit boxes, IIIF Content Search,
        searchable PDFs kept beside the burned files), through the redaction rule."""
        layers = SqlWordLayers(self.catalogue.engine, self.reads)
        return WordBoxes(self.catalogue, layers, IndexTerms(),
                         SearchablePdfMaker(self.pages, self.settings.derived_path / "files"))

    @cached_property
    def scan_redacting(self) -> ScanRedacting:
        """Boxes on scan pages: checked, stored with a revision, audited."""
        return ScanRedacting(self.catalogue, SqlScanRedactions(self.catalogue.engine),
                             self.pages, self.accounts.record, self._view_changed)

    @cached_property
    def redacting(self) -> Redacting:
        """Redactions: added at once, lifted on review, each dropping what was made before
        (kept citations, old burns, downloads: the words must not outlive it on disk)."""
        return Redacting(self.catalogue, SqlRedacting(self.catalogue.engine),
                         self.settings.allow_self_approval, self.accounts.record,
                         self._view_changed, self._page_size)

    @cached_property
    def redacted_caches(self) -> RedactedCaches:
        """What a redaction makes stale on disk: kept citations, files made under a scan's
        old keys, the downloads made before."""
        return RedactedCaches(self.catalogue, SqlScanRedactions(self.catalogue.engine),
                              self.derived_files, self.citation_cache.forget)

    @cached_property
    def derived_files(self) -> DerivedFiles:
        """The files made from the blobs and the catalogue, in the one derived folder a
        redaction or a purge clears (shared by every node that names one: docs/architecture.md)."""
        return DerivedFiles(self.blobs, self.settings.derived_path, self.pages.keys)

    def _view_changed(self, public_id: str) -> None:
        """A redaction changed what the public reads: drop what was made before, on disk and
        in the shared caches."""
        self.redacted_caches.changed(public_id)
        self.page_purge.changed(public_id)

    @cached_property
    def page_purge(self) -> PagePurge:
        """The shared caches told to drop a document's pages when readers lose something;
        with replicas once more after their longest lag (http/cache_purge.py)."""
        s = self.settings
        return PagePurge(self.catalogue, CachePurger(
            s.purge_urls, s.database_replica_max_lag if s.replica_urls else 0.0))

    def _page_size(self, media: MediaFile, page: int) -> tuple[int, int] | None:
        """A scan page's full size as IIIF serves it, so a box in pixels means what a viewer
        shows (the same measure `redact-scan` takes)."""
        sizes = self.pages.sizes(media.sha256, media.media_type)
        return sizes[page - 1] if 1 <= page <= len(sizes) else None

    @cached_property
    def editing(self) -> Editing:
        """Editing records by hand: drafts at once, published documents through review."""
        return Editing(self.catalogue, SqlEditorial(self.catalogue.engine),
                       SqlPending(self.catalogue.engine),
                       Names(with_generated_variants, phonetic_key),
                       self.settings.allow_self_approval, self.accounts.record)

    @cached_property
    def purging(self) -> Purging:
        """Purging documents for good, with their files, derived images, citations and index
        entries."""
        kept = Kept(self.citation_cache.forget)
        return Purging(self.catalogue, SqlPurge(self.catalogue.engine),
                       SqlEditorial(self.catalogue.engine), self.derived_files, self.index, kept,
                       self.accounts.record, self.page_purge.gone)

    @cached_property
    def editor(self) -> Editor:
        """The document editor's uploads (the import's checks) and pickers."""
        return Editor(self.catalogue, self.blobs, read_media, self.limits,
                      self.search, phonetic_key)

    @cached_property
    def suggestion_review(self) -> SuggestionReview:
        """Suggested metadata for the staff, accepted into records through editing; its
        ``store(document_id, findings)`` is what a suggest stage calls with its findings."""
        return SuggestionReview(self.catalogue, SqlSuggestions(self.catalogue.engine), self.editing,
                                self.editor.authorities, self.accounts.record)

    @cached_property
    def transcribing(self) -> Transcribing:
        """OCR corrected by hand into a transcription, redactions carried over."""
        def redact(public_id: str, version: str, words: str, reason: str,
                   actor: AccountActing) -> None:
            self.redacting.redact(public_id, Wanted(reason, text=words, version=version), actor)
        return Transcribing(self.catalogue, self.editing, redact)

    @cached_property
    def ocr(self) -> Ocr:
        """The OCR stage (a job runs ``ocr.run``): scans read into a text version and words."""
        return Ocr(self.catalogue, self.blobs, ScanReader(PDFIUM_LOCK),
                   SqlOcrTexts(self.catalogue.engine))

    @cached_property
    def tokens(self) -> Tokens:
        """API tokens, kept in the catalogue beside the accounts they act as."""
        return Tokens(SqlTokens(self.catalogue.engine), self.accounts.store)

    @cached_property
    def acting(self) -> Acting:
        """What a token's account does through the API (steps, embargoes, edits, review,
        redactions), checked and audited."""
        return Acting(self.catalogue, self.publishing, self.accounts.store,
                      editing=self.editing, redacting=self.redacting)

    @cached_property
    def suggesting(self) -> Suggesting:
        """Suggested metadata, each stage's findings kept under derived/suggestions."""
        return build_suggesting(self.catalogue,
                                FileCache(self.settings.derived_path / "suggestions"))

    @property
    def limits(self) -> Limits:
        """What an import or an upload reads at most: bytes of a file, pages of a scan."""
        return Limits(self.settings.max_file_size, self.settings.max_scan_pages)

    @cached_property
    def jobs(self) -> Jobs:
        """The job queue with the code of each stage; through Celery when a broker is set."""
        return Jobs(SqlJobs(self.catalogue.engine), self.job_stages(), self._job_batches(),
                    self._dispatch(), {Stage.EMBED: self.meaning.queue_changed})

    @cached_property
    def health(self) -> Health:
        """This node's readiness checks: catalogue, index, job queue (and broker), disk."""
        s = self.settings
        return Health(self.catalogue, self.index, SqlJobs(self.catalogue.engine).counts, s.data,
                      Thresholds(s.ready_index_lag, s.ready_free_disk),
                      broker_ping(s.broker_url) if s.broker_url else None)

    def job_stages(self) -> dict[Stage, StageRun]:
        """The code of each stage, a callable ``run(document_id, options)``. OCR and
        suggestions join here: ``Stage.OCR: self.<service>.run``, ``Stage.SUGGEST: ...``."""
        return {Stage.OCR: self.ocr.run, Stage.SUGGEST: self.suggest_stage.run,
                Stage.CITE: self._cite_stage, Stage.EMBED: self.meaning.run}

    @cached_property
    def suggest_stage(self) -> SuggestStage:
        """The suggest stage a job runs: findings on a stored document, kept for review."""
        return SuggestStage(self.catalogue, self.suggesting,
                            SqlJobs(self.catalogue.engine).public_ids,
                            self.suggestion_review.store)

    def _job_batches(self) -> dict[Stage, BatchRun]:
        """Stages that run many documents at once."""
        return {Stage.CITE: self._cite_stage.run_many, Stage.EMBED: self.meaning.run_many}

    @cached_property
    def _cite_stage(self) -> CiteStage:
        return CiteStage(self.catalogue, self.citer, PAGE_STYLES,
                         SqlJobs(self.catalogue.engine).public_ids)

    def _dispatch(self) -> Dispatch:
        """How queued jobs reach workers: Celery messages with a broker, else none (the
        archive's own workers poll the catalogue)."""
        if not self.settings.broker_url:
            return Polled()
        from chancery.tasks.celery import CeleryDispatch  # celery is loaded only when used
        return CeleryDispatch(self.settings)

    @property
    def reads(self) -> ReadRouting:
        """Where the catalogue reads: a replica inside a read-only request, else the primary."""
        return self.catalogue.reads

    @property
    def database(self) -> str:
        """The kind of database the catalogue is kept in ("sqlite", "postgresql")."""
        return self.catalogue.dialect

    def close(self) -> None:
        """Let go of the catalogue's pooled connections (a command's end, a server's parent
        process before its workers start), the rate budgets' own engine too."""
        self.catalogue.dispose()
        self.buckets.dispose()

    def lay_gazetteer(self) -> int:
        """After an import is indexed: the gazetteer's entries that no record carries become
        records where a document prints one of their names (services/name_seeding.py)."""
        with self.catalogue.session() as session:
            return seed_names(session, gazetteer.as_authorities(), with_generated_variants,
                              phonetic_key, prints_any(self.index, date.today()))

    def import_context(self, parallel: bool = False, allow_purged: bool = False,
                       ocr: OcrMode = OcrMode.AUTO) -> ImportContext:
        """The parts an import works with; ``parallel`` parses in a second process;
        ``allow_purged`` imports a purged document again (else it is refused); ``ocr`` is
        the OCR asked for scans whose source does not say."""
        return ImportContext(self.catalogue, self.blobs, importers(ocr), with_generated_variants,
                             phonetic_key, self.limits,
                             SqlPending(self.catalogue.engine), parallel,
                             SqlPurge(self.catalogue.engine), allow_purged,
                             SqlRedacting(self.catalogue.engine),
                             lambda: start_index_follower(self.settings),
                             lambda session: seed_names(session, gazetteer.as_authorities(),
                                                        with_generated_variants, phonetic_key),
                             gazetteer.same_as, import_counter(self.settings))


def build_suggesting(catalogue: SqlCatalogue | None, cache: StageCache | None = None) -> Suggesting:
    """Suggestions through the pipeline; without a catalogue (no archive) for files only,
    and without a cache nothing is written (a file suggested outside any archive)."""
    known = KnownNames(catalogue) if catalogue is not None else None

    def pipeline(text: str, language: str) -> list[Finding]:
        return suggest(text, SuggestContext(language=language, known_names=known,
                                            today=clock.today()), cache)

    return Suggesting(catalogue, pipeline, lambda path: read_text(path, PDFIUM_LOCK))




def vector_index(folder: Path, build: Batches | None = None) -> VectorIndex | None:
    """A node's vector index in ``folder``: built anew from ``build`` (key, vector batches),
    else the one saved there (None: none yet). The one place the kind is chosen: faiss
    IVF-SQ8, memory-mapped (docs/benchmarks.md "Vector index": at the 8.7M passages of 1M
    documents, recall@10 0.954 at p50 11-13 ms, 37 MB private per process, 4.3 GB mapped);
    below a list's worth of vectors it scans every one, so a small archive searches exactly."""
    if build is not None:
        return FaissVectorIndex.build(folder, build)
    try:
        return FaissVectorIndex.open(folder)
    except FileNotFoundError:
        return None


def importers(ocr: OcrMode = OcrMode.AUTO) -> list[Importer]:
    """Every source format Chancery reads, best match chosen per path; ``ocr`` is the
    default for scans (a CSV's ocr column says otherwise per row)."""
    return [FrusImporter(), BundleImporter(), CsvImporter(ocr), ScanImporter(ocr)]


def archive_copy(settings: Settings) -> tuple[SqlCatalogueCopy, FolderBlobStore, list[Path]]:
    """What `backup` and `restore` work on, without opening the archive (a restore replaces
    its catalogue): the catalogue's snapshots, the blob store, and the derived folders a
    restore empties (they are made again from the restored catalogue)."""
    derived = [settings.index_dir, settings.data / "vectors", settings.derived_path]
    return SqlCatalogueCopy(settings.catalogue_url), FolderBlobStore(settings.blob_dir), derived


def unreachable_catalogue(exc: BaseException) -> str | None:
    """In words, when ``exc`` says the catalogue cannot be opened (a URL that is not one, a
    database that does not exist or does not answer, a file that is not SQLite): what a
    command says in one line instead of a traceback. None for any other error."""
    if isinstance(exc, ArgumentError | OperationalError) or type(exc) is DatabaseError:
        return short_error(exc)
    return None


@contextmanager
def no_rebuild_meanwhile(settings: Settings) -> Iterator[None]:
    """Holds this node's index rebuild lock (search/index_folders.py): a restore must not
    empty the index folder under a `reindex` that is building in it (the reindex died, and
    the two rebuilt at once). IndexBusy when a rebuild runs; released on leaving, before the
    restore's own rebuild takes it again."""
    held = index_folders.hold_rebuild(settings.index_dir)
    try:
        yield
    finally:
        os.close(held)


def has_archive(settings: Settings) -> bool:
    """Whether the settings name an archive made before: the data folder, and in it the
    SQLite catalogue or, with a database URL, a catalogue with its tables. A new web node
    of an archive on a database, its blobs in a shared ``blobs_dir``, starts with a data
    folder of its own not made yet (its index is built there)."""
    if not settings.database_url:
        return (settings.data / "catalogue.sqlite3").is_file()
    if not settings.blobs_dir and not settings.data.is_dir():
        return False  # the blobs would be in it: a mistyped path, not a new node
    catalogue = SqlCatalogue(settings.catalogue_url)
    try:
        return catalogue.schema_status()[0] is not None
    finally:
        catalogue.dispose()


def build_app(settings: Settings, migrate: bool = True) -> App:
    """Build the app; by default bring the catalogue's schema up to date first."""
    settings.data.mkdir(parents=True, exist_ok=True)
    catalogue = SqlCatalogue(settings.catalogue_url, settings.replica_urls,
                             settings.database_replica_max_lag)
    if migrate:
        catalogue.migrate()
        catalogue.refresh_statistics(only_if_missing=True)  # an archive from before they were kept
    blobs = FolderBlobStore(settings.blob_dir)
    # OCR texts are also searched in their spelling-corrected reading (never shown)
    return App(settings, catalogue, blobs, TantivyIndex(settings.index_dir, respell=respell_ocr),
               PageImages(blobs, settings.derived_path), PandocEngine(),
               SqlRateBuckets(settings.catalogue_url))
