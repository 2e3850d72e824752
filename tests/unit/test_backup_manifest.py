"""A backup's manifest and kept settings: read back as written, an unknown format refused,
and no password of a URL written into the backup."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from chancery.domain.backups import BackupError, CatalogueFacts, Manifest
from chancery.services.backup import masked, read_manifest


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


def _manifest(backend: str = "sqlite", file: str = "catalogue.sqlite3",
              blobs: dict[str, int] | None = None) -> dict[str, object]:
    facts = CatalogueFacts(backend, file, "0027", 1, 0, frozenset())
    return Manifest("0.1.0", datetime(2026, 12, 3, tzinfo=UTC), facts, "c" * 64,
                    blobs if blobs is not None else {"a" * 64: 3}).as_json()


@pytest.mark.parametrize("file", ["../../outside/catalogue.sqlite3",
                                  "/tmp/outside/catalogue.sqlite3", "catalogue.dump", ""])
def test_a_manifest_naming_another_snapshot_file_is_refused(file: str) -> None:
    """Found by a hostile test: the snapshot was loaded from wherever the manifest said
    ("../../outside/…", an absolute path), and a dump marked "sqlite" was copied in as the
    SQLite catalogue, leaving an archive no command could open."""
    with pytest.raises(BackupError, match="damaged"):
        Manifest.from_json(_manifest(file=file))


@pytest.mark.parametrize("key", ["/etc/passwd", "../../../../etc/passwd", "A" * 64, "a" * 63])
def test_a_manifest_naming_a_file_that_is_not_a_hash_is_refused(key: str) -> None:
    """Blob names are SHA-256s: anything else reached outside the backup (a traceback)."""
    with pytest.raises(BackupError, match="not a stored file's SHA-256"):
        Manifest.from_json(_manifest(blobs={key: 5}))


@pytest.mark.parametrize("data", [["x"], "manifest", 3, None])
def test_a_manifest_that_is_not_an_object_is_refused(data: object) -> None:
    with pytest.raises(BackupError, match="not a JSON object"):
        Manifest.from_json(data)


def test_every_url_of_a_list_and_the_token_are_masked() -> None:
    """Found by a hostile test: only the first URL of a list lost its password, and the
    metrics token was kept as it is."""
    kept = masked({"database_replica_urls": "postgresql://u:pw1@h1/db,postgresql://u:pw2@h2/db",
                   "cache_purge_urls": "http://a:pwA@c1/,http://b:pwB@c2/",
                   "metrics_token": "s3cr3t-metrics", "broker_url": "redis://h:port/0"})
    assert all(word not in str(kept) for word in ("pw1", "pw2", "pwA", "pwB", "s3cr3t"))
    assert kept["database_replica_urls"] == "postgresql://u:***@h1/db,postgresql://u:***@h2/db"
    assert kept["metrics_token"] == "***" and masked({"metrics_token": ""})["metrics_token"] == ""
    assert kept["broker_url"] == "redis://h:port/0"  # not a URL urllib reads: kept as is


def test_odd_values_in_a_manifest_are_damage_not_tracebacks(tmp_path: Path) -> None:
    """Found by a second hostile test: a number in named_blobs, 1e400, a 5,000-digit count,
    100,000 nested lists each ended in a traceback; `"format": true` read as format 1."""
    good = _manifest()
    cases: list[object] = [
        {**good, "format": True},
        {**good, "catalogue": {**good["catalogue"], "named_blobs": [1]}},  # type: ignore[dict-item]
        {**good, "catalogue": {**good["catalogue"], "documents": float("inf")}},  # type: ignore[dict-item]
    ]
    for case in cases:
        with pytest.raises(BackupError, match=r"damaged|format"):
            Manifest.from_json(case)
    for i, text in enumerate(['{"format": 1, "catalogue": {"documents": ' + "9" * 5000 + "}}",
                              '{"format": 1, "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
                              '{"format": 1, "blobs": 1e400}']):
        folder = tmp_path / str(i)
        folder.mkdir()
        (folder / "manifest.json").write_text(text)
        with pytest.raises(BackupError, match="damaged"):
            read_manifest(folder)


@pytest.mark.parametrize("password", ["p#S3", "p/S4", "p?S7", "pa:ss", "S5"])
def test_a_password_is_masked_as_sqlalchemy_reads_it(password: str) -> None:
    """urllib saw no password in these (it takes "#", "/" and "?" for the URL's other
    parts), and they were kept in clear; SQLAlchemy and libpq read them as passwords."""
    url = f"postgresql+psycopg://u:{password}@r3:5432/db"
    kept = masked({"database_url": url, "database_replica_urls": f"{url},{url}"})
    assert password not in str(kept)
    assert kept["database_url"] == "postgresql+psycopg://u:***@r3:5432/db"
