"""The schema comes from Alembic migrations alone, starting from an empty database."""
from __future__ import annotations

import psycopg

from tests.support import postgres
from worker.migrate import upgrade


def test_empty_database_upgrades_to_head_with_every_table(pg_admin):
    url = postgres.with_database(pg_admin, "koppel_migration_check")
    with psycopg.connect(pg_admin, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS koppel_migration_check WITH (FORCE)")
        conn.execute("CREATE DATABASE koppel_migration_check")
    try:
        upgrade(url)
        upgrade(url)  # a second run (the release step on every deploy) changes nothing
        with psycopg.connect(url) as conn:
            tables = {row[0] for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
            version = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        postgres.drop_database(pg_admin, url)
    assert {"tenants", "users", "connections", "orders", "postings", "webhook_deliveries",
            "rate_budgets", "remote_links", "remote_calls", "tickets", "outbox_emails", "invoices", "auth_attempts",
            "reconciliation_findings", "staff_users", "staff_audit", "ticket_messages", "procrastinate_jobs",
            "procrastinate_workers", "stalled_requeues", "poll_states", "password_resets", "payroll_mappings",
            "payroll_runs", "payroll_transactions", "mirror_records", "mirror_states"} <= tables
    assert version == "0023"
