"""Each stage's findings, kept by (content hash, stage name, stage version) so that a text
read before is not read again, and a new version of a stage reads everything afresh.

A small file cache: one JSON file per key under the derived folder's ``suggestions/``
(``<hash[:2]>/<hash>-<stage>-<version>.json``), like the kept citations. No catalogue
table: findings are derived data, rebuilt from the text whenever they are missing."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Protocol

from chancery.domain.suggestions import Finding, Kind


class StageCache(Protocol):
    """Where the pipeline keeps what a stage found in a text."""

    def get(self, digest: str, stage: str, version: str) -> list[Finding] | None:
        """The findings kept for this text and stage version, or None."""

    def put(self, digest: str, stage: str, version: str, findings: list[Finding]) -> None:
        """Keep the findings."""


class NoCache:
    """Reads every time (a text file suggested once, tests)."""

    def get(self, digest: str, stage: str, version: str) -> list[Finding] | None:
        """Nothing is kept."""
        return None

    def put(self, digest: str, stage: str, version: str, findings: list[Finding]) -> None:
        """Nothing is kept."""


class FileCache:
    """Findings as JSON files in a folder; written atomically, so that two workers reading
    the same text at once leave one whole file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, digest: str, stage: str, version: str) -> Path:
        return self.folder / digest[:2] / f"{digest}-{stage}-{version}.json"

    def get(self, digest: str, stage: str, version: str) -> list[Finding] | None:
        """The kept findings, or None when missing or unreadable (then read again)."""
        try:
            rows = json.loads(self._path(digest, stage, version).read_text("utf-8"))
            return [_finding(row) for row in rows]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, digest: str, stage: str, version: str, findings: list[Finding]) -> None:
        """Keep the findings (a cache that cannot be written only costs time)."""
        path = self._path(digest, stage, version)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump([_row(f) for f in findings], fh, ensure_ascii=False)
            os.replace(tmp, path)
        except OSError:
            return


def _row(f: Finding) -> dict[str, object]:
    return {"kind": f.kind.value, "value": f.value, "confidence": f.confidence,
            "evidence": f.evidence, "start": f.start, "end": f.end, "data": dict(f.data),
            "authority_key": f.authority_key, "stage": f.stage}


def _finding(row: dict[str, object]) -> Finding:
    data = row["data"]
    if not isinstance(data, dict):
        raise TypeError("data is not an object")
    return Finding(Kind(str(row["kind"])), str(row["value"]), float(str(row["confidence"])),
                   str(row["evidence"]), int(str(row["start"])), int(str(row["end"])),
                   {str(k): str(v) for k, v in data.items()}, str(row["authority_key"]),
                   str(row["stage"]))
