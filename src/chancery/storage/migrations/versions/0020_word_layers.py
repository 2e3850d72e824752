"""word_layers: the words read on each scan page with their boxes (OCR or a PDF's text layer)

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'word_layers',
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('media', sa.Integer(), nullable=False),
        sa.Column('page', sa.Integer(), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=40), nullable=False),
        sa.Column('words', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'],
                                name=op.f('fk_word_layers_document_id_documents'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('document_id', 'media', 'page', name='pk_word_layers'),
    )


def downgrade() -> None:
    op.drop_table('word_layers')
