"""Polled sources: per connection a watermark, its last run (when, found, error) and its next run.

Revision ID: 0010
Revises: 0018
Create Date: 2026-12-02 05:50:00
"""
import sqlalchemy as sa
from alembic import op


revision = '0010'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "poll_states",
        sa.Column("connection_id", sa.Integer(), sa.ForeignKey("connections.id", ondelete="CASCADE",
                                                               name="fk_poll_states_connection_id_connections"),
                  nullable=False),
        sa.Column("watermark", sa.DateTime(timezone=True)),
        sa.Column("next_run_at", sa.DateTime(timezone=True)),
        sa.Column("last_started_at", sa.DateTime(timezone=True)),
        sa.Column("last_finished_at", sa.DateTime(timezone=True)),
        sa.Column("last_found", sa.Integer()),
        sa.Column("last_new", sa.Integer()),
        sa.Column("last_error", sa.Text()),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("connection_id", name="pk_poll_states"),
    )
    op.create_index("ix_poll_states_next_run_at", "poll_states", ["next_run_at"])


def downgrade() -> None:
    op.drop_index("ix_poll_states_next_run_at", table_name="poll_states")
    op.drop_table("poll_states")
