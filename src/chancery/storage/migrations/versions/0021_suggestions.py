"""suggestions: what the suggest stages found in a document, and what an editor decided

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'suggestions',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('value', sa.Text(), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('confidence', sa.Float(), nullable=False),
        sa.Column('evidence', sa.Text(), nullable=False),
        sa.Column('evidence_start', sa.Integer(), nullable=False),
        sa.Column('evidence_end', sa.Integer(), nullable=False),
        sa.Column('authority_key', sa.String(length=300), nullable=False),
        sa.Column('stage', sa.String(length=60), nullable=False),
        sa.Column('decision', sa.String(length=12), nullable=False),
        sa.Column('decided_by', sa.String(length=320), nullable=False),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('corrected', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'],
                                name=op.f('fk_suggestions_document_id_documents'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_suggestions')),
    )
    op.create_index('ix_suggestions_document', 'suggestions', ['document_id', 'decision'])


def downgrade() -> None:
    op.drop_index('ix_suggestions_document', table_name='suggestions')
    op.drop_table('suggestions')
