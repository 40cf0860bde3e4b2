"""Payroll journals: payroll company → ledger company mappings, runs sent once, one transaction per period.

Revision ID: 0014
Revises: 0017
Create Date: 2026-12-02 05:10:00
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = '0014'
down_revision = '0017'
branch_labels = None
depends_on = None


def _times(*names):
    return [sa.Column(n, sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False) for n in names]


def upgrade() -> None:
    op.create_table('payroll_mappings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('payroll_company_id', sa.String(length=40), nullable=False),
    sa.Column('payroll_company_name', sa.String(length=200), nullable=False),
    sa.Column('ledger_company_id', sa.String(length=40), nullable=False),
    sa.Column('ledger_company_name', sa.String(length=200), nullable=False),
    sa.Column('cost_center_dimension', sa.String(length=100), nullable=True),
    sa.Column('cost_unit_dimension', sa.String(length=100), nullable=True),
    *_times('created_at', 'updated_at'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_payroll_mappings_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payroll_mappings')),
    sa.UniqueConstraint('tenant_id', 'payroll_company_id', name=op.f('uq_payroll_mappings_tenant_id'))
    )
    op.create_index(op.f('ix_payroll_mappings_tenant_id'), 'payroll_mappings', ['tenant_id'])
    op.create_table('payroll_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('mapping_id', sa.Integer(), nullable=False),
    sa.Column('payroll_company_id', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.String(length=40), nullable=False),
    sa.Column('run_number', sa.Integer(), nullable=False),
    sa.Column('period', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=60), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=True),
    sa.Column('total_debit', sa.Numeric(14, 2), nullable=True),
    sa.Column('total_credit', sa.Numeric(14, 2), nullable=True),
    sa.Column('error_code', sa.String(length=40), nullable=True),
    sa.Column('error_message', sa.Text(), nullable=True),
    sa.Column('error_params', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    *_times('created_at', 'updated_at'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_payroll_runs_tenant_id_tenants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mapping_id'], ['payroll_mappings.id'], name=op.f('fk_payroll_runs_mapping_id_payroll_mappings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payroll_runs')),
    sa.UniqueConstraint('tenant_id', 'payroll_company_id', 'year', 'run_id', name=op.f('uq_payroll_runs_tenant_id'))
    )
    op.create_index('ix_payroll_runs_tenant_state', 'payroll_runs', ['tenant_id', 'state', 'created_at'])
    op.create_table('payroll_transactions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('financial_period', sa.String(length=6), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('batch_number', sa.String(length=40), nullable=True),
    sa.Column('debit', sa.Numeric(14, 2), nullable=False),
    sa.Column('credit', sa.Numeric(14, 2), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    *_times('created_at'),
    sa.ForeignKeyConstraint(['run_id'], ['payroll_runs.id'], name=op.f('fk_payroll_transactions_run_id_payroll_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payroll_transactions')),
    sa.UniqueConstraint('run_id', 'financial_period', name=op.f('uq_payroll_transactions_run_id'))
    )
    op.create_index(op.f('ix_payroll_transactions_run_id'), 'payroll_transactions', ['run_id'])


def downgrade() -> None:
    op.drop_table('payroll_transactions')
    op.drop_table('payroll_runs')
    op.drop_table('payroll_mappings')
