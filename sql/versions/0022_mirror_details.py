"""What a target needs to know of a mirrored record besides its key (Visma: whether a customer is a private person).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02 09:00:00
"""
from alembic import op


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Visma eAccounting prices a document incl. or excl. VAT by the customer's IsPrivatePerson; kept
    # with the mirrored customer so a returning customer's order needs no read of the customer.
    op.execute("ALTER TABLE mirror_records ADD COLUMN details jsonb")


def downgrade() -> None:
    op.execute("ALTER TABLE mirror_records DROP COLUMN details")
