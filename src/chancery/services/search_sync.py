"""Keeping the search index in step with the catalogue: what a document is as the index
holds it, and building, following and checking the index (the search service reads it)."""

from __future__ import annotations

from collections.abc import Callable

from chancery.domain.release import public_from
from chancery.search.interface import (
    SCHEMA_VERSION,
    IndexBusy,
    IndexDocument,
    IndexedName,
    IndexUnavailable,
    SearchIndex,
)
from chancery.services.redacting import withheld_words
from chancery.storage.interface import Catalogue, StoredDocument


def check_index(catalogue: Catalogue, index: SearchIndex) -> int:
    """How many catalogue changes the index lags behind; raises when it cannot be used."""
    state = index.state()
    if state is None:
        raise IndexUnavailable("there is no search index yet: run `chancery reindex`")
    version, generation, seen = state
    if version != SCHEMA_VERSION:
        raise IndexUnavailable(f"the search index has layout {version}, this version of "
                               f"Chancery needs {SCHEMA_VERSION}: run `chancery reindex`")
    if generation != catalogue.index_generation():
        raise IndexUnavailable("the search index was not built from this catalogue "
                               "(or a rebuild did not finish): run `chancery reindex`")
    return max(0, catalogue.changes() - seen)


def index_document(editors: StoredDocument) -> IndexDocument:
    """What the index needs of a stored document (as an editor reads it): the public view
    in the public fields, the words its redactions withhold beside them for editors."""
    stored = editors.public()
    names = tuple(IndexedName(la.authority.key, la.authority.kind.value, la.role.value,
                              tuple(dict.fromkeys((la.authority.name, *la.variants))))
                  for la in stored.authorities)
    keys: dict[str, None] = {}
    for c in stored.collections:
        parts = c.key.split("/")
        for i in range(1, len(parts) + 1):
            keys["/".join(parts[:i])] = None
        if c.parent_key:
            keys[c.parent_key] = None
    # "recent" is the order of publication: a document released from an embargo arrives on
    # its release day (known when it is written, so the index needs no visit on the day)
    added = public_from(stored.created_at, stored.document.publication) if stored.created_at \
        else None
    return IndexDocument(stored.document, names, tuple(keys), added,
                         tuple(withheld_words(editors)), key=editors.id)


def sync_index(catalogue: Catalogue, index: SearchIndex) -> int:
    """Bring the index up to the catalogue: re-index every document written since the index
    last caught up (after an import, an edit, or an interrupted run); returns how many.
    Without an index, or with one from another rebuild, only `rebuild_index` will do."""
    state = index.state()
    if state is None or state[0] != SCHEMA_VERSION or state[1] != catalogue.index_generation():
        return 0
    now = catalogue.changes()
    n = index_changed(catalogue, index, catalogue.changed_since(state[2]), None)
    index.commit(now)
    return n


def index_changed(catalogue: Catalogue, index: SearchIndex, ids: list[str],
                  added: set[str] | None) -> int:
    """Re-index these documents (those purged since are removed); ``added`` holds what a
    new index has already been given (None: an index in use, every document replaced)."""
    n = 0
    for start in range(0, len(ids), 500):
        named = ids[start:start + 500]
        found: set[str] = set()
        for chunk in catalogue.documents_for_index(named):
            found |= {s.document.public_id for s in chunk}
            if added is None:
                n += index.upsert(index_document(s) for s in chunk)
                continue
            # replaced, not counted again: the count is of documents, and these were counted
            # when first added (a follower that started while the import stored reads a
            # batch twice, once whole at its start and once by the change counter)
            again = [s for s in chunk if s.document.public_id in added]
            index.upsert(index_document(s) for s in again)
            n += index.upsert((index_document(s) for s in chunk
                               if s.document.public_id not in added), fresh=True)
            added.update(s.document.public_id for s in chunk)
        _delete(index, [pid for pid in named if pid not in found])
    return n


def _delete(index: SearchIndex, gone: list[str]) -> None:
    if gone:  # purged since it was written
        index.delete(gone)


def rebuild_index(catalogue: Catalogue, index: SearchIndex,
                  advance: Callable[[int], None] = lambda n: None, everywhere: bool = False) -> int:
    """Build this node's index anew from the catalogue, beside the one searched, which keeps
    answering until the new one is complete (`chancery reindex` during an upgrade); returns
    the documents indexed. What changes meanwhile is caught up from the changes recorded.
    It is of the catalogue's generation (`own_generation`): the other nodes' indexes stay
    in use. ``everywhere`` starts a new generation instead, which every node's index must
    then be rebuilt to (a catalogue put back from a backup: no index made before fits it)."""
    generation = catalogue.index_generation() + 1 if everywhere else own_generation(catalogue)
    seen = catalogue.changes()
    fresh = index.beside(generation)
    n = 0
    for chunk in catalogue.documents_for_index():
        n += fresh.upsert((index_document(s) for s in chunk), fresh=True)
        advance(len(chunk))
    fresh.commit(seen)
    index.switch(fresh)
    catalogue.set_index_generation(generation)
    return n


def own_generation(catalogue: Catalogue) -> int:
    """The generation a node builds its own index at: the catalogue's (1 when none was ever
    built). A new generation makes every other node's index unusable: when each node's
    rebuild started one, two web nodes on one catalogue rebuilt in turn without end."""
    return catalogue.index_generation() or 1


def index_problems(catalogue: Catalogue, index: SearchIndex) -> list[str]:
    """What keeps search from finding everything the catalogue holds, in words."""
    try:
        behind = check_index(catalogue, index)
    except IndexUnavailable as exc:
        return [str(exc)]
    if behind:
        return [f"the search index is {behind:,} change(s) behind the catalogue (an import was "
                "interrupted?): search misses them; run `chancery check --repair`"]
    return []


def refresh_index(catalogue: Catalogue, index: SearchIndex,
                  advance: Callable[[int], None] = lambda n: None) -> tuple[str, int]:
    """After a write: catch the index up, or build it when there is none usable yet.
    Returns ("synced" | "rebuilt" | "busy", documents indexed): "busy" when another process
    held the index's writer too long; what changed is indexed when the index is next
    caught up (serve's follower does so every few seconds)."""
    try:
        try:
            check_index(catalogue, index)
        except IndexUnavailable:
            return "rebuilt", rebuild_index(catalogue, index, advance)
        return "synced", sync_index(catalogue, index)
    except IndexBusy:
        return "busy", 0


def follow_index(catalogue: Catalogue, index: SearchIndex) -> int:
    """One round of the index follower: nothing when the index is in step with the
    catalogue's change counter (one cheap read), else catch up (or rebuild an index that
    cannot be caught up); returns the documents indexed."""
    state = index.state()
    if (state is not None and state[0] == SCHEMA_VERSION
            and state[1] == catalogue.index_generation() and state[2] == catalogue.changes()):
        return 0
    return refresh_index(catalogue, index)[1]
