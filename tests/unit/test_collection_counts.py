"""The collection tree's counts (services/collection_editing.py): a document filed in a
volume and in one of its chapters is one document of the volume."""

from __future__ import annotations

from typing import Any

from chancery.domain.collections import Collection
from chancery.services.collection_editing import CollectionEditor


class _Store:
    """Only what counted_tree reads: the collections and who is directly in each."""

    def every(self) -> list[Collection]:
        return [Collection("vol", "Volume"), Collection("vol/ch1", "Chapter 1", "vol"),
                Collection("vol/ch2", "Chapter 2", "vol")]

    def counts(self) -> dict[str, set[int]]:
        return {"vol": {1, 2, 3}, "vol/ch1": {1, 2}, "vol/ch2": {3, 4}}


def test_a_document_in_a_volume_and_its_chapter_counts_once_below() -> None:
    store: Any = _Store()
    counted = {c.collection.key: (c.documents, c.in_all)
               for c in CollectionEditor(store, lambda *a, **k: None).counted_tree()}
    assert counted == {"vol": (3, 4), "vol/ch1": (2, 2), "vol/ch2": (2, 2)}
