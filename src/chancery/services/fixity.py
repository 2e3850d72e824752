"""Fixity: every stored file the catalogue names is there and still has its SHA-256."""

from __future__ import annotations

from typing import Protocol

from chancery.services.backup import Steps
from chancery.storage.interface import BlobStore


class NamedFiles(Protocol):
    """The files the catalogue names (storage/fixity.py)."""

    def named_files(self) -> dict[str, str]:
        """sha256 -> which file it is ("scan.pdf (public id)")."""
        ...


def file_problems(named: NamedFiles, blobs: BlobStore, rehash: bool, steps: Steps) -> list[str]:
    """Each named file that is missing from the blob store or, when ``rehash``, whose content
    no longer has its hash, in words naming the file; empty when all are sound."""
    files = named.named_files()
    steps.start("Re-hashing files" if rehash else "Looking for files", len(files))
    problems = []
    for sha, which in sorted(files.items(), key=lambda item: item[1]):
        if not blobs.exists(sha):
            problems.append(f"stored file missing or damaged: {which}, sha256 {sha} (not in "
                            "the blob store)")
        elif rehash and not blobs.verify(sha):
            problems.append(f"stored file missing or damaged: {which}, sha256 {sha} (its "
                            "content no longer has its hash)")
        steps.advance()
    return problems
