"""What a change of a document's redactions leaves stale on disk, removed at once: the
citations kept in the page's styles, the files made under the keys the public no longer
reads its scans by (an older burn, with fewer boxes), and the dataset downloads, made before
the change (none of them is served again, but each still holds the words on disk)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from chancery.domain.publication import Actor
from chancery.services.clock import today
from chancery.storage.interface import Catalogue


class ScanKeys(Protocol):
    """The key the public reads a stored file by now (storage/scan_redactions.py)."""

    def public_key(self, sha256: str) -> str: ...


class Derived(Protocol):
    """Files made from stored files and the catalogue (blobs/derived.py)."""

    def drop_stale(self, sha256: str, current: str) -> int: ...
    def remove_downloads(self) -> int: ...


class RedactedCaches:
    """Told that a document's redactions changed; drops what was made before."""

    def __init__(self, catalogue: Catalogue, keys: ScanKeys, files: Derived,
                 forget_citations: Callable[[str], None]) -> None:
        self.catalogue, self.keys, self.files = catalogue, keys, files
        self.forget_citations = forget_citations

    def changed(self, public_id: str) -> None:
        """Drop the document's kept citations, the files made under its scans' old keys,
        and the downloads (a server makes them again from the catalogue as it is)."""
        self.forget_citations(public_id)
        stored = self.catalogue.get_document(public_id, Actor.EDITOR, today())
        for m in stored.document.media if stored else ():
            self.files.drop_stale(m.sha256, self.keys.public_key(m.sha256))
        self.files.remove_downloads()
