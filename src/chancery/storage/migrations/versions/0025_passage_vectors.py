"""passage vectors: one row per passage (float16 vector, model, sequence number), the keys
removed since, and what each document's vectors were made from (search by meaning)

Revision ID: 0025
Revises: 0024
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

_META = sa.table('catalogue_meta', sa.column('key', sa.String), sa.column('value', sa.BigInteger))


def upgrade() -> None:
    op.create_table(
        'passage_vectors',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True,
                  nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('passage', sa.String(length=120), nullable=False),
        sa.Column('model', sa.String(length=80), nullable=False),
        sa.Column('vector', sa.LargeBinary(), nullable=False),
        sa.Column('seq', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'],
                                name=op.f('fk_passage_vectors_document_id_documents'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_passage_vectors')),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f('ix_passage_vectors_document_id'), 'passage_vectors', ['document_id'])
    op.create_index(op.f('ix_passage_vectors_seq'), 'passage_vectors', ['seq'])
    op.create_table(
        'removed_vectors',
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('seq', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_removed_vectors')),
    )
    op.create_index(op.f('ix_removed_vectors_seq'), 'removed_vectors', ['seq'])
    op.create_table(
        'document_embeddings',
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('model', sa.String(length=80), nullable=False),
        sa.Column('change_no', sa.BigInteger(), nullable=False),
        sa.Column('text_hash', sa.String(length=64), nullable=False),
        sa.Column('passages', sa.Integer(), nullable=False),
        sa.Column('embedded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'],
                                name=op.f('fk_document_embeddings_document_id_documents'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('document_id', name=op.f('pk_document_embeddings')),
    )
    # the sweep starts from 0: the documents of an archive made before are embedded too
    op.bulk_insert(_META, [{'key': 'vectors', 'value': 0}, {'key': 'embed_swept', 'value': 0}])


def downgrade() -> None:
    op.execute(_META.delete().where(_META.c.key.in_(['vectors', 'embed_swept'])))
    op.drop_table('document_embeddings')
    op.drop_index(op.f('ix_removed_vectors_seq'), table_name='removed_vectors')
    op.drop_table('removed_vectors')
    op.drop_index(op.f('ix_passage_vectors_seq'), table_name='passage_vectors')
    op.drop_index(op.f('ix_passage_vectors_document_id'), table_name='passage_vectors')
    op.drop_table('passage_vectors')
