"""Search by meaning on a real FRUS volume (1958-60 vol. XIX, China): a question in English or
Russian finds the documents that talk about it; an edit is embedded again by the job worker
and its old vectors leave the node's index; a purge takes its vectors away; a redacted
passage's words never reach the encoder.

Embedding runs at tens of passages a second on one core, so the volume is imported whole and
a sample of it embedded: the documents that mention Soviet technicians or specialists (what
the questions ask about) among 40 others."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from chancery.bootstrap import App, build_app, vector_index
from chancery.config import load_settings
from chancery.domain.documents import Document
from chancery.domain.jobs import Stage
from chancery.domain.publication import Actor
from chancery.domain.revisions import Revision
from chancery.domain.texts import TextVersion
from chancery.domain.workflow import Acting
from chancery.meaning.interface import Embedder, Vectors
from chancery.services.imports import import_paths
from chancery.services.meaning import REBUILD_AT, Meaning
from chancery.services.redacting import Wanted
from chancery.storage.interface import DocumentWrite
from chancery.tasks.local import work
from tests.conftest import CORPUS, need

V19 = CORPUS / "frus" / "core" / "frus1958-60v19.xml"
TODAY = datetime.now(UTC).date()


class Recording:
    """The real encoder, with every text it is given kept."""

    def __init__(self, inner: Embedder) -> None:
        self.inner, self.seen = inner, list[str]()

    @property
    def model(self) -> str:
        return self.inner.model

    @property
    def dims(self) -> int:
        return self.inner.dims

    def embed(self, texts: Sequence[str]) -> Vectors:
        self.seen.extend(texts)
        return self.inner.embed(texts)


def _text(app: App, public_id: str) -> str:
    stored = app.catalogue.get_document(public_id, Actor.EDITOR, TODAY)
    assert stored is not None
    return " ".join(t.body for t in stored.document.texts)


def _about_technicians(text: str) -> bool:
    low = text.lower()
    return "soviet" in low and ("technicians" in low or "specialists" in low) and "withdr" in low


@pytest.fixture(scope="module")
def v19(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """Vol. XIX imported into SQLite; the sample embedded and the node's index following."""
    need(V19.is_file(), f"FRUS volume not found at {V19}")
    app = build_app(load_settings(data=str(tmp_path_factory.mktemp("meaning") / "data"),
                                  database_url=""))
    import_paths([V19], app.import_context())
    everything = app.meaning.queue_changed()  # the sweep has seen the import: none queued
    ids = app.meaning.vectors.public_ids(everything)
    about = [i for i in everything if _about_technicians(_text(app, ids[i]))]
    assert len(about) >= 2
    sample = sorted(set(about) | set(everything[:40]))
    app.meaning.embed_documents(sample)
    app.meaning.follow()
    yield app
    app.close()


def _index_keys(app: App) -> set[int]:
    index = vector_index(app.settings.data / "vectors")
    assert index is not None, "the follower built no vector index"
    return {k for k, _ in index.nearest(np.ones((1, 512), dtype=np.float32), index.count())}


@pytest.mark.parametrize("question", ["withdrawal of Soviet technicians from China",
                                      "отзыв советских специалистов из Китая"])
def test_a_question_finds_documents_about_it_in_english_or_russian(v19: App, question: str) -> None:
    """Among the first three documents for the question, one talks of the withdrawal of
    Soviet technicians (or specialists), though the Russian question shares no word with it."""
    hits = v19.meaning.near_text(question, 3)
    assert len(hits) == 3 and hits[0].score >= hits[-1].score
    assert len({h.public_id for h in hits}) == 3  # one entry per document
    assert any(_about_technicians(_text(v19, h.public_id)) for h in hits)


def test_more_like_this_leaves_the_document_out_and_finds_its_subject(v19: App) -> None:
    """A document about the technicians has another about them among its five nearest."""
    first = v19.meaning.near_text("withdrawal of Soviet technicians from China", 1)[0]
    like = v19.meaning.near_document(first.public_id, 5)
    assert first.public_id not in {h.public_id for h in like} and len(like) == 5
    assert any(_about_technicians(_text(v19, h.public_id)) for h in like)


def test_an_edit_is_embedded_again_by_the_worker_and_old_vectors_leave(v19: App) -> None:
    """A document written anew is queued by the worker's sweep, embedded through the job
    system, and after the follower's round only its new vectors are in the node's index."""
    meaning = v19.meaning
    target = meaning.near_text("a telegram about rice harvests", 1)[0].public_id
    _, old = meaning.vectors.vectors_of(target, meaning.embedder.model)
    assert set(old.keys) <= _index_keys(v19)
    stored = v19.catalogue.get_document(target, Actor.EDITOR, TODAY)
    assert stored is not None
    body = "The delegation discussed whaling quotas in the Antarctic at length."
    edited = replace(stored.document, texts=(TextVersion("en", body=body, key="en-edit"),))
    _rewrite(v19, edited, stored.id)
    stop = threading.Event()
    assert v19.jobs.sweep([Stage.EMBED]) == 1
    assert work(v19.jobs, "test:1", stop, [Stage.EMBED], until_idle=True) >= 1
    meaning.follow()
    keys = _index_keys(v19)
    assert not set(old.keys) & keys
    _, new = meaning.vectors.vectors_of(target, meaning.embedder.model)
    assert new.keys and set(new.keys) <= keys
    assert meaning.near_text("whaling in the Antarctic", 1)[0].public_id == target


def _rewrite(app: App, document: Document, existing: int) -> None:
    rev = Revision(datetime.now(UTC), "test", "text replaced")
    with app.catalogue.session() as s:
        assert s.write_documents([DocumentWrite(document, [], "edited", rev,
                                                existing_id=existing)]) == {}


def test_a_purged_document_is_no_neighbour(v19: App) -> None:
    """After a purge and a follower's round, the document's vectors are gone from the
    catalogue and the node's index, and its own words no longer find it."""
    meaning = v19.meaning
    hit = meaning.near_text("Taiwan Strait crisis and the offshore islands", 1)[0]
    _, page = meaning.vectors.vectors_of(hit.public_id, meaning.embedder.model)
    v19.purging.purge([hit.public_id], "court order", Acting.operator())
    meaning.follow()
    assert meaning.vectors.vectors_of(hit.public_id, meaning.embedder.model)[1].keys == []
    assert not set(page.keys) & _index_keys(v19)
    assert hit.public_id not in {h.public_id for h in meaning.near_text(
        "Taiwan Strait crisis and the offshore islands", 20)}


def test_a_redacted_passage_never_reaches_the_encoder(v19: App) -> None:
    """Embedded with the real encoder, recorded: before the redaction the words are given to
    it, after it they are not, in any passage."""
    meaning = v19.meaning
    recording = Recording(meaning.embedder)
    watched: Meaning = replace(meaning, embedder=recording)
    document_id = meaning.vectors.pending(meaning.embedder.model, 0, 1, every=True)[0]
    public_id = meaning.vectors.public_ids([document_id])[document_id]
    stored = v19.catalogue.get_document(public_id, Actor.EDITOR, TODAY)
    assert stored is not None
    version, paragraph = next((t, p) for t in stored.document.texts for p in t.paragraphs
                              if len(p.split()) > 30)
    words = " ".join(paragraph.split()[10:16])
    watched.embed_documents([document_id], force=True)
    assert any(words in t for t in recording.seen)
    v19.redacting.redact(public_id, Wanted("(b)(1)", text=words, version=version.version_key),
                         Acting.operator())
    recording.seen.clear()
    report = watched.embed_documents([document_id])
    assert report.embedded == 1 and recording.seen
    assert not any(words in t for t in recording.seen)


def test_embedding_needs_no_network(tmp_path: Path) -> None:
    """The encoder's weights come with the package: loading it reads only local files."""
    from chancery.meaning.encoder import UseEmbedder
    vectors = UseEmbedder().embed(["a short sentence", "eine kurze Satz"])
    assert vectors.shape == (2, 512)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-4)


def test_the_follower_builds_the_index_anew_when_changes_pile_up(v19: App) -> None:
    """Re-embedded passages wait beside the built index (searched exactly); once they pass a
    tenth of it the follower builds a new generation from the catalogue's vectors."""
    folder = v19.settings.data / "vectors"
    before = vector_index(folder)
    assert before is not None and before.stale_fraction() <= REBUILD_AT
    keys = _index_keys(v19)
    model = v19.meaning.embedder.model
    every = v19.meaning.vectors.pending(model, 0, 10_000, True)
    embedded = sorted(v19.meaning.vectors.text_hashes(every, model))
    v19.meaning.embed_documents(embedded, force=True)  # every vector replaced, new keys
    v19.meaning.follow()
    after = vector_index(folder)
    assert after is not None and after.generation > before.generation  # built anew
    assert after.stale_fraction() == 0.0 and after.count() == len(keys)
    assert _index_keys(v19).isdisjoint(keys)
    hits = v19.meaning.near_text("withdrawal of Soviet technicians from China", 3)
    assert len(hits) == 3


def test_a_follower_older_than_the_removals_kept_builds_anew(v19: App) -> None:
    """Removals are forgotten once old (every follow prunes them); a node whose index is
    older than what was forgotten cannot drop those keys one by one, so it builds anew and
    no replaced passage stays in its index."""
    v19.meaning.follow()
    folder = v19.settings.data / "vectors"
    before = vector_index(folder)
    assert before is not None
    model = v19.meaning.embedder.model
    every = v19.meaning.vectors.pending(model, 0, 10_000, True)
    one = sorted(v19.meaning.vectors.text_hashes(every, model))[:1]
    old = set(v19.meaning.vectors.vectors_of(
        v19.meaning.vectors.public_ids(one)[one[0]], model)[1].keys)
    v19.meaning.embed_documents(one, force=True)  # its keys are removed, new ones given
    assert v19.meaning.vectors.prune_removed(keep=0) >= len(old)  # another node pruned
    v19.meaning.follow()
    after = vector_index(folder)
    assert after is not None and after.generation > before.generation  # built anew
    assert _index_keys(v19).isdisjoint(old)


def test_an_archive_with_nothing_embedded_answers_without_the_model(tmp_path: Path) -> None:
    app = build_app(load_settings(data=str(tmp_path), database_url=""))
    try:
        assert app.meaning.follow() == 0  # no vectors: nothing to build
        assert app.meaning.near_text("Soviet technicians", 5) == []
        assert app.meaning.embedder._use is None  # type: ignore[attr-defined]
    finally:
        app.close()
