"""What a backup holds, as its manifest says: the catalogue's snapshot and what it names,
every blob by its SHA-256, and when and by which Chancery it was made."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

FORMAT = 1  # the layout of a backup folder; a restore refuses formats it does not know
MANIFEST = "manifest.json"  # written last: a folder without one is an unfinished backup
SETTINGS_FILE = "settings.json"


class BackupError(Exception):
    """A backup that cannot be made or restored, with the reason in words."""


@dataclass(frozen=True)
class CatalogueFacts:
    """A catalogue snapshot as it was taken: its file in the backup folder, the database
    it came from, its schema revision and counts, and the blob hashes its rows name."""

    backend: str  # "sqlite" or "postgresql"
    file: str
    revision: str | None
    documents: int
    vectors: int  # passage vectors of search by meaning (kept in the catalogue)
    named: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Manifest:
    """The manifest of one backup folder."""

    version: str  # Chancery's version that made it
    created: datetime
    catalogue: CatalogueFacts
    catalogue_sha256: str  # of the snapshot file, checked before it is loaded
    blobs: dict[str, int]  # sha256 -> size in bytes
    format: int = FORMAT

    @property
    def size(self) -> int:
        """Bytes of every blob together."""
        return sum(self.blobs.values())

    def unbacked(self) -> list[str]:
        """Hashes the catalogue names that the backup holds no file for."""
        return sorted(self.catalogue.named - self.blobs.keys())

    def as_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        c = self.catalogue
        return {"format": self.format, "chancery_version": self.version,
                "created": self.created.isoformat(),
                "catalogue": {"backend": c.backend, "file": c.file,
                              "sha256": self.catalogue_sha256, "revision": c.revision,
                              "documents": c.documents, "vectors": c.vectors,
                              "named_blobs": sorted(c.named)},
                "blobs": {"count": len(self.blobs), "bytes": self.size,
                          "sha256": dict(sorted(self.blobs.items()))}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        """Read a manifest; BackupError for a format this Chancery does not know."""
        if data.get("format") != FORMAT:
            raise BackupError(f"backup format {data.get('format')!r} is not one this Chancery "
                              f"reads (format {FORMAT})")
        try:
            c = data["catalogue"]
            facts = CatalogueFacts(str(c["backend"]), str(c["file"]), c["revision"],
                                   int(c["documents"]), int(c["vectors"]),
                                   frozenset(c["named_blobs"]))
            return cls(str(data["chancery_version"]), datetime.fromisoformat(data["created"]),
                       facts, str(c["sha256"]), {str(k): int(v) for k, v in data["blobs"]["sha256"].items()})
        except (KeyError, TypeError, ValueError) as exc:
            raise BackupError(f"the manifest is damaged: {exc!r}") from None
