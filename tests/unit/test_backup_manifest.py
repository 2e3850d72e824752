"""A backup's manifest and kept settings: read back as written, an unknown format refused,
and no password of a URL written into the backup."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chancery.domain.backups import BackupError, CatalogueFacts, Manifest
from chancery.services.backup import masked


def test_a_manifest_reads_back_as_written() -> None:
    """Counts, hashes, the snapshot's own hash and the named files survive JSON."""
    facts = CatalogueFacts("postgresql", "catalogue.dump", "0026", 409, 120,
                           frozenset({"a" * 64}))
    manifest = Manifest("0.1.0", datetime(2026, 12, 1, tzinfo=UTC), facts, "c" * 64,
                        {"a" * 64: 10, "b" * 64: 5})
    again = Manifest.from_json(manifest.as_json())
    assert again == manifest and again.size == 15 and again.unbacked() == []


def test_an_unknown_format_or_a_damaged_manifest_is_refused() -> None:
    """A manifest of another format, or one missing a field, is refused in words."""
    with pytest.raises(BackupError, match="format 2"):
        Manifest.from_json({"format": 2})
    with pytest.raises(BackupError, match="damaged"):
        Manifest.from_json({"format": 1, "catalogue": {}})


def test_passwords_in_urls_are_not_kept() -> None:
    """The settings a backup keeps show the URLs without their passwords."""
    kept = masked({"database_url": "postgresql+psycopg://archive:s3cret@db.example:5432/arch",
                   "broker_url": "redis://:hunter2@cache:6379/0", "archive_name": "x://y"})
    assert "s3cret" not in str(kept) and "hunter2" not in str(kept)
    assert kept["database_url"] == "postgresql+psycopg://archive:***@db.example:5432/arch"
    assert kept["archive_name"] == "x://y"
