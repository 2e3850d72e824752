"""Indexing an import while it is being stored.

A large import stores its documents batch by batch; reading them back for the search index
only once storing is over added a third to the command (10 s of 38 for the 42 FRUS volumes).
The follower reads what each stored batch wrote, by the catalogue's change counter (the same
rule `sync_index` follows), while the next batches are parsed and stored, and commits the
index once at the end: search sees every document when the import returns, and the documents
go into the index exactly as a `chancery reindex` would put them (read back from the catalogue
as an editor reads them, the public view and the withheld words made by ``index_document``)."""

from __future__ import annotations

from collections.abc import Callable

from chancery.search.interface import IndexUnavailable, SearchIndex
from chancery.services.search import check_index, index_changed, index_document
from chancery.services.search_sync import own_generation
from chancery.storage.interface import Catalogue

POLL_SECONDS = 0.2  # how long the follower waits for more batches before looking again


def follow_catalogue(catalogue: Catalogue, index: SearchIndex,
                     finished: Callable[[float], bool]) -> int:
    """Index the catalogue's writes as they are committed until ``finished(seconds)`` (which
    waits up to that long for the writer to say so) is true; then one last catch-up and one
    commit. An index that cannot be used is first built anew, as `rebuild_index` does.
    Returns how many documents were indexed."""
    generation, seen, added = _start(catalogue, index)
    n = len(added) if added is not None else 0
    while True:
        done = finished(POLL_SECONDS)  # asked before looking: the last look sees every write
        now = catalogue.changes()  # read before the ids, so no write falls between the two
        n += index_changed(catalogue, index, catalogue.changed_since(seen), added)
        seen = now
        if done:
            break
    index.commit(seen)
    if generation is not None:  # a new index counts only once it is complete
        catalogue.set_index_generation(generation)
    return n


def _start(catalogue: Catalogue, index: SearchIndex) -> tuple[int | None, int, set[str] | None]:
    """(the generation of a new index or None, changes it has seen, the public ids it holds
    when new: they are replaced, not added twice; None for an index in use)."""
    try:
        check_index(catalogue, index)
    except IndexUnavailable:
        generation, seen = own_generation(catalogue), catalogue.changes()
        index.clear(generation)
        added: set[str] = set()
        # only what was written by ``seen``: what is written later, the change counter
        # brings (scanning on, the follower read each such document twice)
        for chunk in catalogue.documents_for_index(as_of=seen):
            index.upsert((index_document(s) for s in chunk), fresh=True)
            added.update(s.document.public_id for s in chunk)
        return generation, seen, added
    state = index.state()
    assert state is not None  # check_index passed
    return None, state[2], None
