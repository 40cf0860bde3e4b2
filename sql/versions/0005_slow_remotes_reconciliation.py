"""Slow remotes: when a posting was sent, an order's real failures and wake-up time; reconciliation findings.

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-02 02:30:00
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = '0005'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('postings', sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('orders', sa.Column('remote_failures', sa.Integer(), server_default='0', nullable=False))
    op.add_column('orders', sa.Column('retry_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table('reconciliation_findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('document_type', sa.String(length=40), nullable=False),
    sa.Column('documents', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('first_seen_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['connection_id'], ['connections.id'],
                            name=op.f('fk_reconciliation_findings_connection_id_connections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'],
                            name=op.f('fk_reconciliation_findings_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reconciliation_findings')),
    sa.UniqueConstraint('connection_id', 'kind', 'reference', name=op.f('uq_reconciliation_findings_connection_id'))
    )
    op.create_index(op.f('ix_reconciliation_findings_tenant_id'), 'reconciliation_findings', ['tenant_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_reconciliation_findings_tenant_id'), table_name='reconciliation_findings')
    op.drop_table('reconciliation_findings')
    op.drop_column('orders', 'retry_at')
    op.drop_column('orders', 'remote_failures')
    op.drop_column('postings', 'sent_at')
