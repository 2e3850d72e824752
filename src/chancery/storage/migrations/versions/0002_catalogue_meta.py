"""catalogue meta: change counter, search-index generation, documents.change_no

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
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('change_no', sa.BigInteger(), nullable=False,
                                      server_default='0'))
        batch_op.create_index(batch_op.f('ix_documents_change_no'), ['change_no'], unique=False)
    with op.batch_alter_table('document_collections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('date_key', sa.Integer(), nullable=False, server_default='0'))
        batch_op.create_index('ix_document_collections_order',
                              ['collection_id', 'date_key', 'document_id'], unique=False)
    _fill_date_keys()


def _fill_date_keys() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, date_start FROM documents")).all()
    for doc_id, start in rows:
        if isinstance(start, str):
            y, m, d = (int(x) for x in start[:10].split("-"))
            key = y * 10000 + m * 100 + d
        else:
            key = start.year * 10000 + start.month * 100 + start.day if start else 99999999
        conn.execute(sa.text("UPDATE document_collections SET date_key = :k WHERE document_id = :i"),
                     {"k": key, "i": doc_id})


def downgrade() -> None:
    with op.batch_alter_table('document_collections', schema=None) as batch_op:
        batch_op.drop_index('ix_document_collections_order')
        batch_op.drop_column('date_key')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_change_no'))
        batch_op.drop_column('change_no')
    op.drop_table('catalogue_meta')
