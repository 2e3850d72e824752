"""text bodies and their notes compressed with lz4 on PostgreSQL (where the server has it):
pglz, the default, cost the server ~0.7 s of CPU for the 42 FRUS volumes' 38 MB of texts

Revision ID: 0027
Revises: 0026
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None

_COLUMNS = [('text_versions', 'body'), ('text_versions', 'notes')]


def _has_lz4() -> bool:
    """Whether this is a PostgreSQL built with lz4 (SQLite compresses nothing; a server
    built without it refuses the method)."""
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return False
    methods = bind.execute(sa.text(
        "SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")).scalar()
    return 'lz4' in (methods or [])


def _compress(method: str) -> None:
    # only values written from now on: the rows stored already keep theirs until rewritten
    for table, column in _COLUMNS:
        op.execute(f'ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION {method}')


def upgrade() -> None:
    if _has_lz4():
        _compress('lz4')


def downgrade() -> None:
    if _has_lz4():
        _compress('default')
