"""Which requests may read from a replica, and how a WAL position is read from a cookie."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import create_engine

from chancery.config import load_settings
from chancery.storage.replicas import ReadRouting, parse_lsn
from chancery.web.replica_routing import may_read_replica


def _scope(method: str, path: str, *headers: tuple[bytes, bytes]) -> dict[str, Any]:
    return {"type": "http", "method": method, "path": path, "headers": list(headers)}


def test_only_anonymous_reads_of_public_addresses_may_use_a_replica() -> None:
    """Pages, the API and HEAD may; a POST, the workspace, logging in and a token may not."""
    assert may_read_replica(_scope("GET", "/documents/frus1958-60v19/d3"))
    assert may_read_replica(_scope("HEAD", "/api/v1/search"))
    assert not may_read_replica(_scope("POST", "/api/v1/documents/x/state"))
    assert not may_read_replica(_scope("GET", "/workspace/documents/x"))
    assert not may_read_replica(_scope("GET", "/login"))
    assert not may_read_replica(_scope("GET", "/set-password/abc"))
    assert not may_read_replica(_scope("GET", "/api/v1/documents/x",
                                       (b"authorization", b"Bearer chy_x")))


def test_a_wal_position_is_read_as_postgresql_writes_it_and_anything_else_ignored() -> None:
    """"16/B374D848" is 0x16 * 2^32 + 0xB374D848; a forged or broken value counts as none."""
    assert parse_lsn("16/B374D848") == 0x16 * 2**32 + 0xB374D848
    assert parse_lsn("0/0") == 0
    assert parse_lsn("0/16B3748") is not None and parse_lsn("0/16B3748") > parse_lsn("0/16B3747")
    for bad in (None, "", "16", "16/", "x/1", "1/2/3", "123456789/1", " 0/1", "0/1\n"):
        assert parse_lsn(bad) is None


def test_the_replica_urls_setting_is_a_comma_separated_list() -> None:
    """Spaces and empty items are dropped; none by default."""
    assert load_settings(database_replica_urls="").replica_urls == ()
    urls = load_settings(database_replica_urls=" postgresql://a/x, ,postgresql://b/x").replica_urls
    assert urls == ("postgresql://a/x", "postgresql://b/x")


def test_replicas_are_refused_for_a_sqlite_catalogue() -> None:
    """SQLite has no replicas: configuring some is an error, not silently ignored."""
    with pytest.raises(ValueError, match="PostgreSQL"):
        ReadRouting(create_engine("sqlite://"), ["postgresql+psycopg://h/x"])
    assert not ReadRouting(create_engine("sqlite://"), []).has_replicas
