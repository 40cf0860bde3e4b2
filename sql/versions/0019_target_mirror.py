"""The mirror of each target administration's debtors and items (worker.mirror).

Revision ID: 0019
Revises: 0014
Create Date: 2026-12-02 07:40:00
"""
from alembic import op


revision = '0019'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # One row per remote record (remote_id set), or per creation whose answer never came (remote_id
    # NULL: the next attempt looks the key up instead of creating it again). A key may occur more
    # than once: an administration may hold two debtors with one e-mail address.
    op.execute("""
        CREATE TABLE mirror_records (
            id bigserial CONSTRAINT pk_mirror_records PRIMARY KEY,
            connection_id integer NOT NULL
                CONSTRAINT fk_mirror_records_connection_id_connections REFERENCES connections (id) ON DELETE CASCADE,
            kind varchar(32) NOT NULL,
            key varchar(320) NOT NULL,
            remote_id varchar(64),
            modified timestamptz,
            seen_at timestamptz NOT NULL DEFAULT now()
        )""")
    op.execute("CREATE UNIQUE INDEX uq_mirror_records_remote ON mirror_records (connection_id, kind, remote_id)")
    op.execute("CREATE INDEX ix_mirror_records_key ON mirror_records (connection_id, kind, key)")
    # The administration the mirror is of: a connection moved to another one (a division changed by
    # hand) starts its mirror afresh, never booking on the other administration's ids.
    op.execute("""
        CREATE TABLE mirror_states (
            connection_id integer NOT NULL
                CONSTRAINT fk_mirror_states_connection_id_connections REFERENCES connections (id) ON DELETE CASCADE,
            kind varchar(32) NOT NULL,
            administration varchar(200) NOT NULL,
            complete_at timestamptz,
            resume text,
            watermark timestamptz,
            synced_at timestamptz,
            CONSTRAINT pk_mirror_states PRIMARY KEY (connection_id, kind)
        )""")


def downgrade() -> None:
    op.execute("DROP TABLE mirror_states")
    op.execute("DROP TABLE mirror_records")
