"""Removing a stored file and everything made from it (a purge): the original in the blob
store, its page images and thumbnails, its IIIF renderings; and the dataset downloads, which
hold every public document's record."""

from __future__ import annotations

import shutil
from pathlib import Path

from chancery.blobs.folder import FolderBlobStore


class DerivedFiles:
    """The files of the data folder made from the blob store and the catalogue."""

    def __init__(self, blobs: FolderBlobStore, pages: Path, iiif: Path, downloads: Path) -> None:
        self.blobs, self.pages, self.iiif, self.downloads = blobs, pages, iiif, downloads

    def remove_file(self, sha256: str) -> int:
        """Remove a stored file, its page images (``{sha}-{page}-{width}.png``, thumbnails
        included) and its IIIF renderings (``iiif/{sha[:2]}/{sha}-{page}/``); returns how
        many files and folders went."""
        gone = 0
        original = self.blobs.path_of(sha256)  # ValueError for what is not a hash
        if original.is_file():
            original.unlink()
            gone += 1
        for image in (self.pages / sha256[:2]).glob(f"{sha256}-*.png"):
            image.unlink(missing_ok=True)
            gone += 1
        for folder in (self.iiif / sha256[:2]).glob(f"{sha256}-*"):
            shutil.rmtree(folder, ignore_errors=True)
            gone += 1
        return gone

    def remove_downloads(self) -> int:
        """Remove the dataset downloads made so far: each was made before the purge, so none
        may be served again (a server makes them anew, without the document)."""
        gone = 0
        for made in self.downloads.glob("documents-*"):
            made.unlink(missing_ok=True)
            gone += 1
        return gone
