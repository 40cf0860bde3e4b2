"""Errors rendered in the viewer's language: an order keeps its error's placeholder values.

The code and these values render the message again in whatever language the merchant (or a
digest, or a ticket e-mail) reads it in; ``error_message`` stays as the text at the time, for
grouping and for orders of older versions without values.

Revision ID: 0018
Revises: 0012
Create Date: 2026-12-02 05:40:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0018'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("error_values", postgresql.JSONB, nullable=True))


def downgrade() -> None:
    op.drop_column("orders", "error_values")
