"""Migration 0027: on a PostgreSQL built with lz4, text bodies and their notes are compressed
with lz4 (cheaper for the server than pglz when an import writes 38 MB of texts)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from chancery.bootstrap import build_app
from chancery.config import load_settings
from tests.conftest import PG_URL, _reset_postgres, need


def test_text_bodies_are_compressed_with_lz4_where_the_server_has_it(tmp_path: Path) -> None:
    """Both columns say "l" (lz4) once the archive is migrated; a server without lz4 keeps
    its default (the migration asks it first)."""
    need(bool(PG_URL), "PostgreSQL not configured: set CHANCERY_TEST_PG_URL")
    _reset_postgres(PG_URL)
    app = build_app(load_settings(data=str(tmp_path / "data"), database_url=PG_URL))
    try:
        with app.catalogue.engine.connect() as conn:
            has_lz4 = "lz4" in conn.execute(text(
                "SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")).scalar()
            methods = dict(conn.execute(text(
                "SELECT attname, attcompression FROM pg_attribute WHERE attrelid = "
                "'text_versions'::regclass AND attname IN ('body', 'notes')")).all())
    finally:
        app.close()
    assert methods == ({"body": "l", "notes": "l"} if has_lz4 else {"body": "", "notes": ""})
