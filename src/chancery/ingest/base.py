"""What every importer shares: the batch it returns, failures, limits, and the interface."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from chancery.domain.collections import Collection
from chancery.domain.documents import ParsedDocument


class ImportRefused(Exception):
    """A file that cannot be imported, with a reason a person can act on."""


@dataclass(frozen=True)
class Failure:
    """One file (or one item inside a file) that was refused, and why."""

    path: str
    reason: str
    item: str = ""  # the document inside the file, when only that one failed


@dataclass(frozen=True)
class Limits:
    """Input limits; anything larger is refused rather than read. No default here: the one
    default is the max_file_size setting (config.py), so the limit cannot say two things."""

    max_file_bytes: int
    max_pages: int  # of one scan file (PDF, TIFF): the max_scan_pages setting


@dataclass
class SourceBatch:
    """What one source file or folder yields: its collections and its documents."""

    path: str
    format: str
    collections: list[Collection] = field(default_factory=list)
    items: list[ParsedDocument | Failure] = field(default_factory=list)
    # spellings a source tags as a person that are not plausibly their name, kept as evidence
    held_back: list[str] = field(default_factory=list)
    # each item's content hash (domain/records.py; "" for a failure), made where the batch
    # was read: in a parallel import, the reader process has time to spare, the writer none
    digests: list[str] = field(default_factory=list)

    @property
    def documents(self) -> list[ParsedDocument]:
        """The documents that were read successfully."""
        return [i for i in self.items if isinstance(i, ParsedDocument)]

    @property
    def failures(self) -> list[Failure]:
        """The items that were refused."""
        return [i for i in self.items if isinstance(i, Failure)]


class Importer(Protocol):
    """A source format. ``score`` says how well a path matches (0 = not at all, 1 = surely)."""

    name: str

    def score(self, path: Path) -> float:
        """How well this importer matches the path."""
        ...

    def read(self, path: Path, limits: Limits) -> Iterator[SourceBatch]:
        """Parse the path; raise ImportRefused for a file that cannot be read at all."""
        ...


def check_size(path: Path, limits: Limits) -> None:
    """Refuse a file over the configured size limit before reading it."""
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise ImportRefused(
            f"file is {size:,} bytes, over the limit of {limits.max_file_bytes:,} "
            "(raise it with --max-file-size)")
