"""jobs: one row per document and stage (OCR, suggestions, citations) with its state, and the
heartbeats of the processes that run them

Revision ID: 0023
Revises: 0022
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'jobs',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('stage', sa.String(length=20), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('file', sa.Text(), nullable=False),
        sa.Column('options', sa.JSON(), nullable=False),
        sa.Column('claim', sa.String(length=40), nullable=True),
        sa.Column('queued_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('worker', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'],
                                name=op.f('fk_jobs_document_id_documents'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs')),
        sa.UniqueConstraint('document_id', 'stage', name='uq_jobs_document_stage'),
    )
    op.create_index('ix_jobs_stage_state', 'jobs', ['stage', 'state', 'id'])
    op.create_index('ix_jobs_claim', 'jobs', ['claim'])
    op.create_index('ix_jobs_finished_at', 'jobs', ['finished_at'])
    op.create_table(
        'job_workers',
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_job_workers')),
    )


def downgrade() -> None:
    op.drop_table('job_workers')
    op.drop_index('ix_jobs_finished_at', table_name='jobs')
    op.drop_index('ix_jobs_claim', table_name='jobs')
    op.drop_index('ix_jobs_stage_state', table_name='jobs')
    op.drop_table('jobs')
