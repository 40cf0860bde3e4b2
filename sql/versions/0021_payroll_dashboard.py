"""Payroll journals on the dashboard: a mapping may send new runs by itself; a ticket may be about a journal.

Revision ID: 0021
Revises: 0019
Create Date: 2026-12-02 07:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('payroll_mappings', sa.Column('auto_send', sa.Boolean(), server_default=sa.text('false'),
                                                nullable=False))
    op.add_column('tickets', sa.Column('payroll_run_id', sa.Integer(), nullable=True))
    op.create_foreign_key('fk_tickets_payroll_run', 'tickets', 'payroll_runs', ['payroll_run_id'], ['id'],
                          ondelete='SET NULL')
    # The journals' tabs page by (created_at, id) within one tenant's states, as the orders' tabs do.
    op.create_index('ix_payroll_runs_tenant_state_id', 'payroll_runs', ['tenant_id', 'state', 'created_at', 'id'])


def downgrade() -> None:
    op.drop_index('ix_payroll_runs_tenant_state_id', table_name='payroll_runs')
    op.drop_constraint('fk_tickets_payroll_run', 'tickets', type_='foreignkey')
    op.drop_column('tickets', 'payroll_run_id')
    op.drop_column('payroll_mappings', 'auto_send')
