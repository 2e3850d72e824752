"""redactions: words, fields and scan regions withheld from the public, beside their document

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)
_F = sa.Float(precision=53)


def upgrade() -> None:
    op.create_table(
        'redactions',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('version', sa.String(length=80), nullable=False),
        sa.Column('field', sa.String(length=200), nullable=False),
        sa.Column('media', sa.String(length=64), nullable=False),
        sa.Column('page', sa.Integer(), nullable=False),
        sa.Column('x', _F, nullable=True),
        sa.Column('y', _F, nullable=True),
        sa.Column('w', _F, nullable=True),
        sa.Column('h', _F, nullable=True),
        sa.Column('by', sa.String(length=254), nullable=False),
        sa.Column('at', _TZ, nullable=False),
        sa.Column('changed_by', sa.String(length=254), nullable=False),
        sa.Column('changed_at', _TZ, nullable=True),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE',
                                name=op.f('fk_redactions_document_id_documents')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_redactions')),
    )
    op.create_index(op.f('ix_redactions_document_id'), 'redactions', ['document_id'],
                    unique=False)
    op.create_index(op.f('ix_redactions_media'), 'redactions', ['media'], unique=False)


def downgrade() -> None:
    op.drop_table('redactions')
