"""documents.public_from: a document's datestamp, the later of its last write and the start
(00:00 UTC) of its embargo day, indexed with id, so OAI-PMH harvests, feeds and sitemaps take
a release for a publication on its day

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

from datetime import UTC, datetime, time

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

_EPOCH = "1970-01-01 00:00:00"  # only while the column is filled; no write relies on it
_docs = sa.table("documents", sa.column("id", sa.Integer), sa.column("pub_state", sa.String),
                 sa.column("embargo_until", sa.Date),
                 sa.column("updated_at", sa.DateTime(timezone=True)),
                 sa.column("public_from", sa.DateTime(timezone=True)),
                 sa.column("change_no", sa.BigInteger))
_meta = sa.table("catalogue_meta", sa.column("key", sa.String), sa.column("value", sa.BigInteger))


def upgrade() -> None:
    # a plain ADD COLUMN with a default (SQLite would otherwise copy the table, and dropping
    # the old one with foreign keys on would take every child row with it)
    op.add_column('documents', sa.Column('public_from', sa.DateTime(timezone=True),
                                         nullable=False, server_default=_EPOCH))
    op.execute(_docs.update().values(public_from=_docs.c.updated_at))
    _date_releases()
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column('documents', 'public_from', server_default=None)
    op.create_index('ix_documents_public_from', 'documents', ['public_from', 'id'], unique=False)


def _date_releases() -> None:
    """Embargoed published documents: dated by their release day, and marked changed so the
    search index takes their release day as their arrival ("recent") on its next sync."""
    conn = op.get_bind()
    held = conn.execute(sa.select(_docs.c.id, _docs.c.updated_at, _docs.c.embargo_until).where(
        _docs.c.pub_state == "published", _docs.c.embargo_until.is_not(None))).all()
    if not held:
        return
    conn.execute(_meta.update().where(_meta.c.key == "changes").values(value=_meta.c.value + 1))
    change_no = conn.execute(sa.select(_meta.c.value).where(_meta.c.key == "changes")).scalar()
    rows = [{"doc_id": r.id, "at": max(_utc(r.updated_at),
                                       datetime.combine(r.embargo_until, time(0), tzinfo=UTC)),
             "no": change_no} for r in held]
    conn.execute(_docs.update().where(_docs.c.id == sa.bindparam("doc_id"))
                 .values(public_from=sa.bindparam("at"), change_no=sa.bindparam("no")), rows)


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def downgrade() -> None:
    op.drop_index('ix_documents_public_from', table_name='documents')
    # a plain DROP COLUMN (SQLite 3.35+): a batch copy would drop the old table, see upgrade
    op.drop_column('documents', 'public_from')
