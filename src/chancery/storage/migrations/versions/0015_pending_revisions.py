"""pending_revisions: a change to a published document waiting for a reviewer

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'pending_revisions',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('record', sa.JSON(), nullable=False),
        sa.Column('authors', sa.JSON(), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', _TZ, nullable=False),
        sa.Column('updated_at', _TZ, nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE',
                                name=op.f('fk_pending_revisions_document_id_documents')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_revisions')),
        sa.UniqueConstraint('document_id', name=op.f('uq_pending_revisions_document_id')),
    )


def downgrade() -> None:
    op.drop_table('pending_revisions')
