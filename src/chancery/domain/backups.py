"""What a backup holds, as its manifest says: the catalogue's snapshot and what it names,
every blob by its SHA-256, and when and by which Chancery it was made."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

FORMAT = 1  # the layout of a backup folder; a restore refuses formats it does not know
MANIFEST = "manifest.json"  # written last: a folder without one is an unfinished backup
SETTINGS_FILE = "settings.json"
# in the data folder while a restore writes (what it restores from): left there, the restore
# did not finish, and the archive is neither the old one nor the backup's
RESTORING = "RESTORING"
# the catalogue's snapshot file, by backend: the only names a manifest may give it
SNAPSHOT_FILES = {"sqlite": "catalogue.sqlite3", "postgresql": "catalogue.dump"}
_SHA256 = re.compile(r"[0-9a-f]{64}")


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
    def from_json(cls, data: object) -> Manifest:
        """Read a manifest; BackupError for a format this Chancery does not know, or one
        whose names could reach outside the backup folder (a file name is one of ours, a
        blob's a SHA-256: "../../elsewhere" or "/etc/passwd" were read as given)."""
        if not isinstance(data, dict):
            raise BackupError("the manifest is damaged: not a JSON object")
        if type(data.get("format")) is not int or data["format"] != FORMAT:  # not true
            raise BackupError(f"backup format {data.get('format')!r} is not one this Chancery "
                              f"reads (format {FORMAT})")
        try:
            c = data["catalogue"]
            facts = CatalogueFacts(str(c["backend"]), str(c["file"]), c["revision"],
                                   int(c["documents"]), int(c["vectors"]),
                                   frozenset(str(h) for h in c["named_blobs"]))
            manifest = cls(str(data["chancery_version"]), datetime.fromisoformat(data["created"]),
                           facts, str(c["sha256"]),
                           {str(k): int(v) for k, v in data["blobs"]["sha256"].items()})
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
            raise BackupError(f"the manifest is damaged: {exc!r}") from None
        manifest.check_names()
        return manifest

    def check_names(self) -> None:
        """BackupError unless every name is one a backup writes."""
        c = self.catalogue
        if SNAPSHOT_FILES.get(c.backend) != c.file:
            raise BackupError(f"the manifest is damaged: a {c.backend!r} catalogue in "
                              f"{c.file!r} (a backup keeps it in "
                              f"{SNAPSHOT_FILES.get(c.backend, 'no such backend')!r})")
        odd = sorted(h for h in (*self.blobs, *c.named) if not _SHA256.fullmatch(h))
        if odd:
            raise BackupError("the manifest is damaged: not a stored file's SHA-256: "
                              + ", ".join(repr(h[:80]) for h in odd[:5]))
        if any(size < 0 for size in self.blobs.values()):
            raise BackupError("the manifest is damaged: a stored file of negative size")
