"""Stalled-job requeues recorded apart from other retries (the health page counts them), and the
Message-ID of a merchant's e-mailed ticket reply (a provider that posts the same mail twice adds it once).

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-02 05:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('stalled_requeues',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('job_id', sa.BigInteger(), nullable=False),
    sa.Column('task_name', sa.String(length=200), nullable=False),
    sa.Column('requeued_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stalled_requeues'))
    )
    op.create_index('ix_stalled_requeues_requeued_at', 'stalled_requeues', ['requeued_at'])
    op.add_column('ticket_messages', sa.Column('message_id', sa.String(length=300), nullable=True))
    op.create_index('uq_ticket_messages_message_id', 'ticket_messages', ['message_id'], unique=True,
                    postgresql_where=sa.text('message_id IS NOT NULL'))


def downgrade() -> None:
    op.drop_index('uq_ticket_messages_message_id', table_name='ticket_messages')
    op.drop_column('ticket_messages', 'message_id')
    op.drop_index('ix_stalled_requeues_requeued_at', table_name='stalled_requeues')
    op.drop_table('stalled_requeues')
