"""Sign-up, installation and subscription: tenant lifecycle columns, usernames, our invoices.

Existing rows are filled in: language nl, the systems of the first integration, a fresh
installation token, the e-mail address as username.

sign-up, installation, subscription

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 10:38:22.743300
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('invoices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('amount_excl', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('vat_rate', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('vat', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('total', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('payment_id', sa.String(length=40), nullable=True),
    sa.Column('checkout_url', sa.Text(), nullable=True),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_invoices_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoices')),
    sa.UniqueConstraint('number', name=op.f('uq_invoices_number'))
    )
    op.create_index(op.f('ix_invoices_tenant_id'), 'invoices', ['tenant_id'], unique=False)
    op.add_column('tenants', sa.Column('language', sa.String(length=5), nullable=False, server_default='nl'))
    op.add_column('tenants', sa.Column('shop_system', sa.String(length=40), nullable=False, server_default='kmoshops'))
    op.add_column('tenants', sa.Column('accounting_system', sa.String(length=40), nullable=False,
                                       server_default='exact_online'))
    op.add_column('tenants', sa.Column('install_token', sa.String(length=64), nullable=True))
    op.execute("UPDATE tenants SET install_token = md5(random()::text || id::text) || md5(random()::text)")
    op.alter_column('tenants', 'install_token', nullable=False)
    op.add_column('tenants', sa.Column('terms_accepted_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('tenants', sa.Column('configured_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('tenants', sa.Column('trial_ends_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('tenants', sa.Column('paid_until', sa.DateTime(timezone=True), nullable=True))
    op.add_column('tenants', sa.Column('offer_sent_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('tenants', sa.Column('stopped_at', sa.DateTime(timezone=True), nullable=True))
    op.create_unique_constraint(op.f('uq_tenants_install_token'), 'tenants', ['install_token'])
    op.add_column('users', sa.Column('username', sa.String(length=320), nullable=True))
    op.execute("UPDATE users SET username = email")
    op.alter_column('users', 'username', nullable=False)
    op.drop_constraint(op.f('uq_users_email'), 'users', type_='unique')
    op.create_index(op.f('ix_users_email'), 'users', ['email'], unique=False)
    op.create_unique_constraint(op.f('uq_users_username'), 'users', ['username'])


def downgrade() -> None:
    op.drop_constraint(op.f('uq_users_username'), 'users', type_='unique')
    op.drop_index(op.f('ix_users_email'), table_name='users')
    op.create_unique_constraint(op.f('uq_users_email'), 'users', ['email'], postgresql_nulls_not_distinct=False)
    op.drop_column('users', 'username')
    op.drop_constraint(op.f('uq_tenants_install_token'), 'tenants', type_='unique')
    op.drop_column('tenants', 'stopped_at')
    op.drop_column('tenants', 'offer_sent_at')
    op.drop_column('tenants', 'paid_until')
    op.drop_column('tenants', 'trial_ends_at')
    op.drop_column('tenants', 'configured_at')
    op.drop_column('tenants', 'terms_accepted_at')
    op.drop_column('tenants', 'install_token')
    op.drop_column('tenants', 'accounting_system')
    op.drop_column('tenants', 'shop_system')
    op.drop_column('tenants', 'language')
    op.drop_index(op.f('ix_invoices_tenant_id'), table_name='invoices')
    op.drop_table('invoices')
