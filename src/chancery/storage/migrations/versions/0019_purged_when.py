"""purged_documents.purged_at and .source_hash: when a document was purged, and a hash of its
source id (not the id itself), so a re-import of it is recognised and refused

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('purged_documents') as batch:
        batch.add_column(sa.Column('purged_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('source_hash', sa.String(length=64), nullable=True))
        batch.create_index(op.f('ix_purged_documents_source_hash'), ['source_hash'],
                           unique=False)


def downgrade() -> None:
    with op.batch_alter_table('purged_documents') as batch:
        batch.drop_index(op.f('ix_purged_documents_source_hash'))
        batch.drop_column('source_hash')
        batch.drop_column('purged_at')
