"""catalogue meta: change counter and search-index generation

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        'catalogue_meta',
        sa.Column('key', sa.String(length=40), nullable=False),
        sa.Column('value', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_catalogue_meta')),
    )
    op.bulk_insert(table, [{'key': 'changes', 'value': 0}, {'key': 'index_generation', 'value': 0}])


def downgrade() -> None:
    op.drop_table('catalogue_meta')
