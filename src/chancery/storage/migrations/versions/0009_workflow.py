"""workflow_events: who moved a document between publication states, when, and why

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
# TEMPORARY: chained to 0007 until the accounts migration (0008) is merged; then '0008'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'workflow_events',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('revision_id', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor', sa.String(length=120), nullable=False),
        sa.Column('from_state', sa.String(length=12), nullable=False),
        sa.Column('to_state', sa.String(length=12), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'],
                                name=op.f('fk_workflow_events_document_id_documents'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['revision_id'], ['revisions.id'],
                                name=op.f('fk_workflow_events_revision_id_revisions'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_workflow_events')),
    )
    with op.batch_alter_table('workflow_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workflow_events_document_id'), ['document_id'],
                              unique=False)


def downgrade() -> None:
    op.drop_table('workflow_events')
