"""documents.was_public: whether the public has ever seen a document (a withdrawn document
that never was public stays unknown instead of answering 410 with its title)

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('was_public', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    # what is public now was public; a withdrawn document's past is unknown, so it is taken
    # as never public (the safe side: 404 and no deletion record, never a leaked title)
    op.execute("UPDATE documents SET was_public = TRUE WHERE pub_state = 'published' "
               "AND (embargo_until IS NULL OR embargo_until <= CURRENT_DATE)")


def downgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_column('was_public')
