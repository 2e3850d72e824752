"""accounts: users, sessions, set-password links, login throttle, audit log

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'users',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('role', sa.String(length=12), nullable=False),
        sa.Column('password_hash', sa.Text(), nullable=True),
        sa.Column('disabled', sa.Boolean(), nullable=False),
        sa.Column('created_at', _TZ, nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
        sa.UniqueConstraint('email', name=op.f('uq_users_email')),
    )
    for name in ('sessions', 'password_links'):
        extra = ([sa.Column('created_at', _TZ, nullable=False),
                  sa.Column('last_seen', _TZ, nullable=False)] if name == 'sessions' else [])
        op.create_table(
            name,
            sa.Column('token_hash', sa.String(length=64), nullable=False),
            sa.Column('user_id', sa.Integer(), nullable=False),
            *extra,
            sa.Column('expires_at', _TZ, nullable=False),
            sa.Column('revoked_at' if name == 'sessions' else 'used_at', _TZ, nullable=True),
            sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE',
                                    name=op.f(f'fk_{name}_user_id_users')),
            sa.PrimaryKeyConstraint('token_hash', name=op.f(f'pk_{name}')),
        )
        op.create_index(op.f(f'ix_{name}_user_id'), name, ['user_id'], unique=False)
    op.create_table(
        'login_throttle',
        sa.Column('key', sa.String(length=300), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('since', _TZ, nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttle')),
    )
    op.create_table(
        'audit_log',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('at', _TZ, nullable=False),
        sa.Column('actor', sa.String(length=254), nullable=False),
        sa.Column('action', sa.String(length=40), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('detail', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log')),
    )
    op.create_index(op.f('ix_audit_log_at'), 'audit_log', ['at'], unique=False)
    op.create_index(op.f('ix_audit_log_action'), 'audit_log', ['action'], unique=False)


def downgrade() -> None:
    for name in ('audit_log', 'login_throttle', 'password_links', 'sessions', 'users'):
        op.drop_table(name)
