"""A content-addressed blob store in a folder: ``ab/cd/abcd…`` by SHA-256, one copy each."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from chancery.fileutil import sha256_of


class FolderBlobStore:
    """Blobs as files under one folder; writes are atomic (temp file + rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a SHA-256 hash: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def path_of(self, sha256: str) -> Path:
        """Where stored content lives on disk (for serving it as a file)."""
        return self._path(sha256)

    def put(self, path: Path) -> tuple[str, int]:
        """Store a file; returns (sha256, size). The same content is kept once.

        The copy is hashed as it is written, so a file that changes while it is stored is
        refused (OSError) rather than kept under a hash that is not its content's."""
        sha = sha256_of(path)
        target = self._path(sha)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
            try:
                with os.fdopen(fd, "wb") as out, path.open("rb") as src:
                    copied = _copy_hashing(src, out)
                if copied != sha:
                    raise OSError(f"{path.name} changed while it was being stored")
                os.replace(tmp, target)
            finally:
                Path(tmp).unlink(missing_ok=True)
        return sha, target.stat().st_size

    def open(self, sha256: str) -> BinaryIO:
        """Read a stored file."""
        return self._path(sha256).open("rb")

    def exists(self, sha256: str) -> bool:
        """Whether content with this hash is stored."""
        return self._path(sha256).is_file()

    def verify(self, sha256: str) -> bool:
        """Whether the stored content is present and still has its hash."""
        path = self._path(sha256)
        return path.is_file() and sha256_of(path) == sha256

    def hashes(self) -> Iterator[str]:
        """The hash of every stored file, in no order (files being written are left out)."""
        if not self.root.is_dir():
            return
        for path in self.root.glob("??/??/*"):
            if len(path.name) == 64 and path.name.startswith(path.parent.parent.name + path.parent.name):
                yield path.name

    def remove(self, sha256: str) -> None:
        """Remove a stored file (a restore drops what its catalogue does not name)."""
        self._path(sha256).unlink(missing_ok=True)


def _copy_hashing(src: BinaryIO, out: BinaryIO) -> str:
    """Copy a stream and return the SHA-256 of what was copied."""
    digest = hashlib.sha256()
    while chunk := src.read(1024 * 1024):
        digest.update(chunk)
        out.write(chunk)
    return digest.hexdigest()
