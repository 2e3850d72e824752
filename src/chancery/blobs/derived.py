"""The files made from the blob store and the catalogue, and their removal: a stored file's
page images and thumbnails, its IIIF renderings, the burned copies and images made under its
redacted keys, and the dataset downloads. A purge removes them all; a change of a file's
redactions removes what was made under the keys the public no longer reads it by."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from chancery.blobs.folder import FolderBlobStore

_KEY = re.compile(r"[0-9a-f]{64}")


class RedactedKeys:
    """Which redacted keys a stored file has had files made under: a key is a one-way hash
    of the file's and its boxes, so the files made under an older key (an earlier set of
    boxes) could not be found from the file's hash otherwise. One empty marker per key,
    ``{sha[:2]}/{sha}/{key}``: written once, by any process, and never read while serving."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _folder(self, sha256: str) -> Path:
        if not _KEY.fullmatch(sha256):
            raise ValueError(f"not a SHA-256 hash: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def note(self, sha256: str, key: str) -> None:
        """Remember that files were made for ``sha256`` under ``key``."""
        marker = self._folder(sha256) / key
        if _KEY.fullmatch(key) and not marker.exists():
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()

    def keys(self, sha256: str) -> list[str]:
        """The keys noted for a file, in order."""
        folder = self._folder(sha256)
        return sorted(p.name for p in folder.iterdir() if _KEY.fullmatch(p.name)) \
            if folder.is_dir() else []

    def forget(self, sha256: str, key: str) -> None:
        """Drop one key's marker (its files are gone)."""
        (self._folder(sha256) / key).unlink(missing_ok=True)


class DerivedFiles:
    """The files of the data folder made from the blob store and the catalogue."""

    def __init__(self, blobs: FolderBlobStore, derived: Path, keys: RedactedKeys) -> None:
        self.blobs, self.keys = blobs, keys
        # page images (`{key}-{page}-{width}.png`) sit in `derived/{key[:2]}/` itself
        self.pages, self.burned = derived, derived / "files"
        self.iiif, self.downloads = derived / "iiif", derived / "downloads"

    def remove_file(self, sha256: str) -> int:
        """Remove a stored file and everything made from it: its page images (thumbnails
        included) and IIIF renderings, and the burned copies, page images and renderings
        made under every redacted key it had; returns how many files and folders went."""
        original = self.blobs.path_of(sha256)  # ValueError for what is not a hash
        gone = 0
        if original.is_file():
            original.unlink()
            gone += 1
        gone += self._remove_made(sha256)
        for key in self.keys.keys(sha256):
            gone += self._remove_made(key)
        shutil.rmtree(self.keys.root / sha256[:2] / sha256, ignore_errors=True)
        return gone

    def drop_stale(self, sha256: str, current: str) -> int:
        """After a change of a file's redactions: remove what was made under the keys the
        public no longer reads it by (an older burn has fewer boxes), and, once the public
        reads it by a redacted key, the original's IIIF renderings (made for the public, now
        unknown to it). The original's page images stay: editors are served them, and every
        burn starts from them. Returns how many files and folders went."""
        gone = 0
        for key in self.keys.keys(sha256):
            if key != current:
                gone += self._remove_made(key)
                self.keys.forget(sha256, key)
        if current != sha256:
            gone += self._remove_renderings(sha256)
        return gone

    def _remove_made(self, key: str) -> int:
        """The page images, IIIF renderings and burned copy made under a key."""
        gone = self._remove_renderings(key)
        for image in (self.pages / key[:2]).glob(f"{key}-*.png"):
            image.unlink(missing_ok=True)
            gone += 1
        burned = self.burned / key[:2] / key
        if burned.is_file():
            burned.unlink()
            gone += 1
        return gone

    def _remove_renderings(self, key: str) -> int:
        gone = 0
        for folder in (self.iiif / key[:2]).glob(f"{key}-*"):  # `{key}-{page}/`
            shutil.rmtree(folder, ignore_errors=True)
            gone += 1
        return gone

    def remove_downloads(self) -> int:
        """Remove the dataset downloads made so far: each was made before the purge or the
        redaction, so none may be served again (a server makes them anew)."""
        gone = 0
        for made in self.downloads.glob("documents-*"):
            made.unlink(missing_ok=True)
            gone += 1
        return gone
