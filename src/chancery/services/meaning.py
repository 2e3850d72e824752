"""Search by meaning: documents' passages embedded into vectors kept in the catalogue (the
embed job), each node's vector index following them, and the two questions asked of it —
which documents are near a text, and which are near a document ("more like this").

The answers are NOT filtered by the access rule: whoever shows them to a reader takes them
through the search index as that reader first (a hidden document is never a hit there).
What is embedded is each document's public view, so a redacted passage's words are never
in a vector at all."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np

from chancery.domain.jobs import Stage
from chancery.domain.passages import TextPassage, passages_of
from chancery.meaning.interface import Embedder, Neighbour, VectorIndex, Vectors
from chancery.services.bridge_words import WordBridge
from chancery.storage.interface import Catalogue, StoredDocument, VectorPage

POOL = 1000  # passages asked of the index per question, then grouped by document
CHUNK = 64  # documents embedded, then stored, at a time
FOLLOW_PAGE = 5000  # vectors read from the catalogue at a time by a follower


class PassageVectors(Protocol):
    """The passage vectors kept in the catalogue (storage/vectors.py): written by the embed
    job, followed by each node's vector index through a sequence number, as the search index
    follows the change counter. Removals (a document embedded again, or purged) are kept
    as removed keys with their sequence number, so a follower drops them too."""

    def pending(self, model: str, after: int, limit: int, every: bool = False) -> list[int]:
        """Ids of documents (after ``after``, in id order) with no vectors of this model or
        changed since they were embedded; ``every``: all documents."""
        ...

    def count_pending(self, model: str, every: bool = False) -> int:
        """How many documents ``pending`` would give in all."""
        ...

    def public_ids(self, document_ids: list[int]) -> dict[int, str]:
        """Public ids of stored documents by catalogue id (the gone are left out)."""
        ...

    def text_hashes(self, document_ids: list[int], model: str) -> dict[int, str]:
        """The hash of the passages each document's vectors of this model were made from."""
        ...

    def store(self, document_id: int, model: str, as_of: int, text_hash: str,
              wheres: list[str], vectors: Vectors) -> bool:
        """Replace a document's vectors, in one transaction, as embedded at change count
        ``as_of``; False (nothing written) when the document is gone."""
        ...

    def mark_embedded(self, document_id: int, model: str, as_of: int) -> None:
        """Its text is what its vectors were made from: they stand as of change ``as_of``."""
        ...

    def queue_changed(self, model: str, stage: str) -> list[int]:
        """Ids of documents written since the last call (by any process) whose vectors are
        stale and that have no job of ``stage`` waiting: what a worker's sweep queues."""
        ...

    def sequence(self) -> int:
        """The sequence number of the last vector write."""
        ...

    def vectors_since(self, seen: int, after: int, limit: int, model: str = "") -> VectorPage:
        """Vectors (of ``model``, or any) stored after sequence number ``seen``, by key
        after ``after``."""
        ...

    def removed_since(self, seen: int) -> list[int]:
        """Keys removed after sequence number ``seen``."""
        ...

    def prune_removed(self, keep: int) -> int:
        """Forget all but about the ``keep`` newest removed keys."""
        ...

    def pruned_to(self) -> int:
        """The sequence number up to which removals were forgotten."""
        ...

    def passages_at(self, keys: list[int]) -> dict[int, tuple[str, str]]:
        """Key -> (public id, passage) for the keys still stored."""
        ...

    def vectors_of(self, public_id: str, model: str) -> tuple[list[str], VectorPage]:
        """A document's own vectors: their passages, and them under their keys."""
        ...


class FollowMark(Protocol):
    """Where a node's vector index records the catalogue's vector sequence it has caught up
    to, and the lock that keeps two followers of one node from writing it at once."""

    def read(self) -> int | None:
        """The sequence number the saved index holds; None: no index yet."""
        ...

    def write(self, seen: int) -> None:
        """Record it, once the index holding it is saved."""
        ...

    def held(self) -> AbstractContextManager[None]:
        """The node's follow lock, for one round."""
        ...


# A node's vector index: given (keys, vectors) batches, a new one built from them and saved
# in place of the old; given None, the one saved (None when none was built yet).
Batches = Iterable[tuple[Sequence[int], Vectors]]
OpenIndex = Callable[[Batches | None], VectorIndex | None]
REBUILD_AT = 0.1  # changes held beside the built index, as a share of it, that start a rebuild
KEEP_REMOVED = 10_000  # removed keys kept at least, however small the index


@dataclass(frozen=True)
class EmbedReport:
    """What an embedding run did, for an honest summary."""

    documents: int = 0  # documents read
    embedded: int = 0  # of them, embedded (the others' public text had not changed)
    passages: int = 0  # passages embedded
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        """Passages embedded per second."""
        return self.passages / self.seconds if self.seconds > 0 else 0.0

    def __add__(self, other: EmbedReport) -> EmbedReport:
        return EmbedReport(self.documents + other.documents, self.embedded + other.embedded,
                           self.passages + other.passages, self.seconds + other.seconds)


def text_hash(passages: Sequence[TextPassage]) -> str:
    """What a document's vectors are made from, as a hash: the same passages, no new vectors."""
    digest = hashlib.sha256()
    for p in passages:
        digest.update(f"{p.where}\x1f{p.text}\x1e".encode())
    return digest.hexdigest()


@dataclass
class Meaning:
    """Embedding documents and asking the vector index, wired once in bootstrap."""

    catalogue: Catalogue
    vectors: PassageVectors
    embedder: Embedder
    open_index: OpenIndex
    mark: FollowMark
    words: WordBridge | None = None  # the archive's vocabulary, learnt as documents are embedded
    pool: int = POOL
    _index: VectorIndex | None = field(default=None, repr=False)
    _seen: int | None = field(default=None, repr=False)

    # -- asking ---------------------------------------------------------------------------

    def near_text(self, text: str, limit: int) -> list[Neighbour]:
        """The documents whose passages are nearest a text, in any language: one entry per
        document with its best passage, best first. Not access-filtered."""
        if not text.strip() or limit <= 0 or not self._current().count():
            return []  # nothing embedded yet: the question is not embedded either
        return self._grouped(self.embedder.embed([text]), limit, exclude="")

    def near_document(self, public_id: str, limit: int) -> list[Neighbour]:
        """"More like this": the documents nearest a document's own passages (their mean,
        normalised: docs/benchmarks.md "Embeddings" compares it with the best passage),
        itself left out. Empty for a document not embedded. Not access-filtered."""
        _, page = self.vectors.vectors_of(public_id, self.embedder.model)
        if not page.keys or limit <= 0:
            return []
        return self._grouped(_centre(page.vectors), limit, exclude=public_id)

    def near_document_by_best(self, public_id: str, limit: int) -> list[Neighbour]:
        """"More like this" by each passage's own neighbours, a document scored by its best
        match with any of them (the alternative measured against ``near_document``)."""
        _, page = self.vectors.vectors_of(public_id, self.embedder.model)
        index = self._current()
        hits: dict[int, float] = {}
        for row in page.vectors:
            for key, score in index.nearest(row.reshape(1, -1), self.pool // 4 or 1):
                hits[key] = max(score, hits.get(key, -2.0))
        ranked = sorted(hits.items(), key=lambda kv: -kv[1])
        return self._pick(ranked, limit, public_id)

    def _grouped(self, query: Vectors, limit: int, exclude: str) -> list[Neighbour]:
        return self._pick(self._current().nearest(query, self.pool), limit, exclude)

    def _pick(self, hits: list[tuple[int, float]], limit: int, exclude: str) -> list[Neighbour]:
        """The best passage of each document, best first, up to ``limit`` documents; the
        passages are looked up a few hundred keys at a time, as far as needed."""
        best: dict[str, Neighbour] = {}
        for start in range(0, len(hits), 250):
            part = hits[start:start + 250]
            found = self.vectors.passages_at([k for k, _ in part])
            for key, score in part:
                public_id, where = found.get(key, ("", ""))
                if public_id and public_id != exclude and public_id not in best:
                    best[public_id] = Neighbour(public_id, where, score)
                    if len(best) >= limit:
                        return list(best.values())
        return list(best.values())

    def _current(self) -> VectorIndex:
        """This node's index, opened again when its follower has saved a newer one (an empty
        one before its follower built any)."""
        seen = self.mark.read()
        if self._index is None or seen != self._seen:
            self._index, self._seen = self.open_index(None) or _NO_INDEX, seen
        return self._index

    # -- embedding ------------------------------------------------------------------------

    def embed_pending(self, every: bool = False,
                      advance: Callable[[EmbedReport], None] = lambda r: None) -> EmbedReport:
        """Embed every document whose vectors are missing or older than its last change
        (``every``: all documents again, as after a new model); ``advance`` is told of each
        chunk done."""
        total, after, started = EmbedReport(), 0, time.perf_counter()
        while ids := self.vectors.pending(self.embedder.model, after, CHUNK, every):
            done = self.embed_documents(ids, force=every)
            advance(done)
            total, after = total + done, ids[-1]
        return replace(total, seconds=time.perf_counter() - started)  # the wall clock

    def count_pending(self, every: bool = False) -> int:
        """How many documents ``embed_pending`` would read."""
        return self.vectors.count_pending(self.embedder.model, every)

    def embed_documents(self, document_ids: Sequence[int], force: bool = False) -> EmbedReport:
        """Embed these documents' public passages and store them, each replacing its old
        vectors; a document whose passages are those its vectors were made from is only
        marked up to date (``force``: embedded all the same). The embed job runs this."""
        started = time.perf_counter()
        as_of = self.catalogue.changes()  # read first: a write after it leaves them pending
        stored = list(self._public(list(document_ids)))
        known = {} if force else self.vectors.text_hashes([i for i, _ in stored],
                                                         self.embedder.model)
        todo: list[tuple[int, list[TextPassage], str]] = []
        for document_id, passages in stored:
            digest = text_hash(passages)
            if known.get(document_id) == digest:
                self.vectors.mark_embedded(document_id, self.embedder.model, as_of)
            else:
                todo.append((document_id, passages, digest))
        n = self._store(todo, as_of)
        return EmbedReport(len(stored), len(todo), n, time.perf_counter() - started)

    def _public(self, document_ids: list[int]) -> Iterator[tuple[int, list[TextPassage]]]:
        """Each document's passages as the public reads it (its redactions applied)."""
        by_public = {p: i for i, p in self.vectors.public_ids(document_ids).items()}
        if not by_public:
            return
        for chunk in self.catalogue.documents_for_index(list(by_public)):
            for editors in chunk:
                public: StoredDocument = editors.public()
                yield by_public[public.document.public_id], passages_of(public.document)

    def _store(self, todo: list[tuple[int, list[TextPassage], str]], as_of: int) -> int:
        texts = [p.text for _, passages, _ in todo for p in passages]
        vectors = self.embedder.embed(texts)
        at = 0
        for document_id, passages, digest in todo:
            rows = vectors[at:at + len(passages)]
            at += len(passages)
            self.vectors.store(document_id, self.embedder.model, as_of, digest,
                               [p.where for p in passages], rows)
        if self.words is not None:
            self.words.learn([p.text for p in passages] for _, passages, _ in todo)
        return len(texts)

    def learn_words(self) -> int:
        """Count the vocabulary of every document again from its public text and embed what
        is missing (an archive embedded before the vocabulary was kept). Returns the words
        embedded."""
        if self.words is None:
            return 0
        self.words.forget()
        learnt = 0
        for chunk in self.catalogue.documents_for_index():
            learnt += self.words.learn([p.text for p in passages_of(d.public().document)]
                                       for d in chunk)
        return learnt

    def run(self, document_id: int, options: object = None) -> None:
        """The embed job for one document."""
        self.embed_documents([document_id])

    def run_many(self, document_ids: Sequence[int]) -> None:
        """The embed job for a batch of documents (one encoder call for all)."""
        self.embed_documents(document_ids)

    def queue_changed(self) -> list[int]:
        """Documents written since any worker last looked whose vectors are stale and that
        no embed job waits for: what a worker's sweep queues (services/jobs.py)."""
        return self.vectors.queue_changed(self.embedder.model, Stage.EMBED.value)

    # -- following ------------------------------------------------------------------------

    def follow(self) -> int:
        """Bring this node's vector index up to the catalogue's vectors: the keys removed
        since it last caught up leave it and the vectors stored since join it, or, the first
        time, whenever those changes pass REBUILD_AT of its size, and when it is older than
        the removals kept, it is built anew from every stored vector; saved, then its mark.
        Then removals older than a tenth of the index are forgotten (a follower that far
        behind would build anew anyway), so they do not pile up. Returns vectors added (or
        built)."""
        with self.mark.held():
            seen = self.mark.read()
            now = self.vectors.sequence()
            if seen is not None and seen >= now:
                return 0
            # behind what was forgotten of the removals: its index cannot be brought up
            known = seen is not None and seen >= self.vectors.pruned_to()
            index = self.open_index(None) if known else None
            if index is None:
                added = size = self._build()
            else:
                index.remove(self.vectors.removed_since(seen or 0))
                added = 0
                for page in self._pages(seen or 0):
                    index.add(page.keys, page.vectors)
                    added += len(page.keys)
                size = index.count()
                if index.stale_fraction() > REBUILD_AT:
                    self._build()
                else:
                    index.save()
            self.mark.write(now)
            # a node further behind than REBUILD_AT of the index would build anew anyway
            self.vectors.prune_removed(max(KEEP_REMOVED, int(REBUILD_AT * size)))
        self._index = None  # the next question opens what was saved
        return added

    def _build(self) -> int:
        built = self.open_index((page.keys, page.vectors) for page in self._pages(0))
        return built.count() if built is not None else 0

    def _pages(self, seen: int) -> Iterator[VectorPage]:
        after = 0
        while (page := self.vectors.vectors_since(seen, after, FOLLOW_PAGE,
                                                  self.embedder.model)).keys:
            yield page
            after = page.keys[-1]


class _Empty:
    """The index of a node whose follower has built none yet: it holds nothing."""

    def add(self, keys: Sequence[int], vectors: Vectors) -> None:
        raise NotImplementedError("the follower builds the first index")

    def remove(self, keys: Sequence[int]) -> int:
        return 0

    def nearest(self, vector: Vectors, k: int) -> list[tuple[int, float]]:
        return []

    def count(self) -> int:
        return 0

    def stale_fraction(self) -> float:
        return 0.0

    def save(self) -> None:
        return None


_NO_INDEX: VectorIndex = _Empty()


def _centre(vectors: Vectors) -> Vectors:
    """The normalised mean of a document's passage vectors, as one query row."""
    mean = vectors.mean(axis=0, dtype=np.float32)
    norm = float(np.linalg.norm(mean))
    row: Vectors = (mean / norm if norm > 0 else mean).reshape(1, -1).astype(np.float32)
    return row
