"""Hardening: sign-in attempts for rate limits, chosen passwords and TOTP, outbox retries.

Existing users keep their password (password_set_at is their creation time); existing outbox
messages start with no attempts.

hardening

Revision ID: 0007
Revises: 0003
Create Date: 2026-12-02 02:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('auth_attempts',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=400), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_auth_attempts')),
    )
    op.create_index('ix_auth_attempts_scope_key', 'auth_attempts', ['scope', 'key', 'created_at'])
    op.add_column('users', sa.Column('password_set_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('users', sa.Column('totp_secret', sa.Text(), nullable=True))
    op.add_column('users', sa.Column('totp_last_step', sa.BigInteger(), nullable=True))
    op.execute("UPDATE users SET password_set_at = created_at")
    op.add_column('outbox_emails', sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
    op.add_column('outbox_emails', sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('outbox_emails', sa.Column('last_error', sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column('outbox_emails', 'last_error')
    op.drop_column('outbox_emails', 'next_attempt_at')
    op.drop_column('outbox_emails', 'attempts')
    op.drop_column('users', 'totp_last_step')
    op.drop_column('users', 'totp_secret')
    op.drop_column('users', 'password_set_at')
    op.drop_index('ix_auth_attempts_scope_key', table_name='auth_attempts')
    op.drop_table('auth_attempts')
