"""The stored files the catalogue names, each with words that say which it is: what a fixity
check re-hashes and a backup must hold."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, inspect, select
from sqlalchemy.engine import Connection

from chancery.storage.tables import documents, media


def named_files(conn: Connection) -> dict[str, str]:
    """sha256 -> "file.pdf (public id)" for every file a document's record names, and every
    file a change waiting for review names (an upload not yet approved lives only there)."""
    found: dict[str, str] = {}
    rows = conn.execute(select(media.c.sha256, media.c.filename, documents.c.public_id)
                        .join(documents, documents.c.id == media.c.document_id)
                        .order_by(documents.c.public_id, media.c.position))
    for sha, filename, public_id in rows:
        found.setdefault(sha, f"{filename} ({public_id})")
    if inspect(conn).has_table("pending_revisions"):  # an archive from before migration 0013
        pending = conn.exec_driver_sql(
            "SELECT d.public_id, p.record FROM pending_revisions p "
            "JOIN documents d ON d.id = p.document_id")
        for public_id, record in pending:
            for m in _media_of(record):
                found.setdefault(str(m["sha256"]), f"{m.get('filename', '')} ({public_id}, "
                                                   "in a change waiting for review)")
    return found


def _media_of(record: Any) -> list[dict[str, Any]]:
    """The media entries of a pending record (JSON text on SQLite, decoded on PostgreSQL)."""
    data = json.loads(record) if isinstance(record, str) else record
    return [m for m in (data or {}).get("media") or [] if isinstance(m, dict) and m.get("sha256")]


class SqlFixity:
    """The catalogue's named files, on its engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def named_files(self) -> dict[str, str]:
        """sha256 -> which file it is, for every file the catalogue names."""
        with self.engine.connect() as conn:
            return named_files(conn)
