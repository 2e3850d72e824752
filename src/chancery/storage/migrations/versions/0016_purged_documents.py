"""purged_documents: the public ids of documents purged for good, with the change number of
the purge, so the search index drops them as it catches up

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'purged_documents',
        sa.Column('public_id', sa.String(length=40), nullable=False),
        sa.Column('change_no', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('public_id', name=op.f('pk_purged_documents')),
    )
    op.create_index(op.f('ix_purged_documents_change_no'), 'purged_documents', ['change_no'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_purged_documents_change_no'), table_name='purged_documents')
    op.drop_table('purged_documents')
