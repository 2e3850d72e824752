"""Search by meaning in tests: the archive's own meaning service (the real encoder, the
catalogue's passage vectors, the node's faiss index), with the documents a test names
embedded and the index following. Like the service, nothing here filters by access: every
document is embedded (drafts too, as the public would read them), so the tests show that the
search side filters."""

from __future__ import annotations

from collections.abc import Iterable

from chancery.bootstrap import App
from chancery.services.meaning import Meaning


def embedded(app: App, public_ids: Iterable[str] | None = None) -> Meaning:
    """The archive's meaning service once these documents (all, when None) are embedded as
    they now read (a document embedded before and unchanged since is only checked) and the
    node's vector index has caught up; the archive's search uses it."""
    meaning = app.meaning
    every = meaning.vectors.pending(meaning.embedder.model, 0, 10_000_000, True)
    if public_ids is not None:
        wanted = set(public_ids)
        every = [i for i, p in meaning.vectors.public_ids(every).items() if p in wanted]
    meaning.embed_documents(sorted(every))
    meaning.follow()
    return meaning
