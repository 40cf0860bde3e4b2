"""What a posting booked: the order's lines, VAT and totals as they left, for the order page.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-02 14:00:00
"""
from alembic import op


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Re-reading the payload with today's VAT table can show a VAT split other than the one booked
    # (worker/pipeline/booked.py). Postings from before stay NULL: their page falls back to today's reading.
    op.execute("ALTER TABLE postings ADD COLUMN booked jsonb")


def downgrade() -> None:
    op.execute("ALTER TABLE postings DROP COLUMN booked")
