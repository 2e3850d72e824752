"""Editing authority records and collections: authorities.identifiers (ids in Wikidata, VIAF,
GND, LC), and the keys of merged records and moved collections, so their old addresses
answer a redirect instead of 404

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN with a default (no table copy on SQLite: see 0011)
    # JSONB on PostgreSQL: plain json has no equality, and imports SELECT DISTINCT these rows
    op.add_column('authorities', sa.Column(
        'identifiers', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False,
        server_default='[]'))
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column('authorities', 'identifiers', server_default=None)
    op.create_table(
        'authority_redirects',
        sa.Column('old_key', sa.String(length=160), nullable=False),
        sa.Column('authority_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['authority_id'], ['authorities.id'],
                                name=op.f('fk_authority_redirects_authority_id_authorities'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('old_key', name=op.f('pk_authority_redirects')),
    )
    op.create_index(op.f('ix_authority_redirects_authority_id'), 'authority_redirects',
                    ['authority_id'], unique=False)
    op.create_table(
        'collection_redirects',
        sa.Column('old_key', sa.String(length=300), nullable=False),
        sa.Column('collection_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['collection_id'], ['collections.id'],
                                name=op.f('fk_collection_redirects_collection_id_collections'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('old_key', name=op.f('pk_collection_redirects')),
    )
    op.create_index(op.f('ix_collection_redirects_collection_id'), 'collection_redirects',
                    ['collection_id'], unique=False)


def downgrade() -> None:
    op.drop_table('collection_redirects')
    op.drop_table('authority_redirects')
    op.drop_column('authorities', 'identifiers')
