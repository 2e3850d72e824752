"""word vectors: the archive's vocabulary, each word's count of embedded documents and its
vector once common enough (words typed in another language bridged to the archive's own)

Revision ID: 0026
Revises: 0025
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

_META = sa.table('catalogue_meta', sa.column('key', sa.String), sa.column('value', sa.BigInteger))


def upgrade() -> None:
    op.create_table(
        'word_vectors',
        sa.Column('model', sa.String(length=80), nullable=False),
        sa.Column('word', sa.String(length=40), nullable=False),
        sa.Column('documents', sa.Integer(), nullable=False),
        sa.Column('vector', sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint('model', 'word', name='pk_word_vectors'),
    )
    op.bulk_insert(_META, [{'key': 'words', 'value': 0}])


def downgrade() -> None:
    op.drop_table('word_vectors')
    op.execute(_META.delete().where(_META.c.key == 'words'))
