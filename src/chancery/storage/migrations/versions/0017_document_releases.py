"""document_releases: a declassified document's release history (when, by which agency or
programme, under which authority or review case, with a note), in its order

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'document_releases',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('released', sa.String(length=10), nullable=False),
        sa.Column('agency', sa.Text(), nullable=False),
        sa.Column('authority', sa.Text(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'],
                                name=op.f('fk_document_releases_document_id_documents'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_document_releases')),
    )
    op.create_index(op.f('ix_document_releases_document_id'), 'document_releases',
                    ['document_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_document_releases_document_id'), table_name='document_releases')
    op.drop_table('document_releases')
