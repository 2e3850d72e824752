"""public_note on revisions and pending_revisions: a correction the public is told of
("Corrected on DATE: NOTE"), and the note an editor proposes with a change waiting for review

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # nullable, no default: every revision made before is no correction (NULL), and adding
    # the column rewrites no row on either backend
    op.add_column('revisions', sa.Column('public_note', sa.Text(), nullable=True))
    op.add_column('pending_revisions', sa.Column('public_note', sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column('pending_revisions', 'public_note')
    op.drop_column('revisions', 'public_note')
