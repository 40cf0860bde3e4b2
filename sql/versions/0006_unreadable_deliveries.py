"""Unreadable webhook deliveries: why one could not be read, and its exact bytes when text cannot hold them.

unreadable deliveries

Revision ID: 0006
Revises: 0003
Create Date: 2026-12-02 02:50:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('webhook_deliveries', sa.Column('body_bytes', sa.LargeBinary(), nullable=True))
    op.add_column('webhook_deliveries', sa.Column('problem', sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column('webhook_deliveries', 'problem')
    op.drop_column('webhook_deliveries', 'body_bytes')
