"""Dashboard at scale: one partial index per tab, newest first, so a page is a short index scan.

Each index holds only its tab's states, in the tab's order (created_at, id, newest first), and carries
the number and order date so number and period searches and the capped counts are index-only scans.
The Errors tab orders by error code and message first: its index only narrows to the failed orders.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 04:00:00
"""
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# Tab index name → the states it lists (portal/dashboard.py TABS).
TAB_INDEXES = {
    "ix_orders_tab_report": "('posted', 'skipped')",
    "ix_orders_tab_errors": "('failed')",
    "ix_orders_tab_open": "('open', 'queued', 'held')",
}


def upgrade() -> None:
    for name, states in TAB_INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON orders (tenant_id, created_at DESC, id DESC) "
                   f"INCLUDE (number, order_date) WHERE state IN {states}")


def downgrade() -> None:
    for name in TAB_INDEXES:
        op.execute(f"DROP INDEX {name}")
