"""A connection that needs its merchant to log in again: marked once per incident, the merchant e-mailed at once.

An incident starts when the connection turns red for this reason and ends when the merchant
connects again (``store_first_tokens`` turns it green); every order failing in between adds no mail.
"""
from __future__ import annotations

from sqlalchemy import orm

from worker import connectors, emails, jobs
from worker.models import Connection, Tenant


def is_marked(connection: Connection, reason: str) -> bool:
    """Whether the connection already waits for a new login for ``reason``."""
    return connection.status == "error" and connection.status_reason == reason


def mark(session: orm.Session, connection: Connection, reason: str, system: str) -> bool:
    """Turn the connection red; at the start of an incident queue the e-mail and send it now. Caller commits.

    Hold the connection's row lock, so two workers failing at once mail once. Returns whether it mailed.
    """
    if is_marked(connection, reason):
        return False
    connection.status, connection.status_reason = "error", reason
    lists = connectors.get(connection.system).dashboard_lists if connection.system in connectors.REGISTRY else "orders"
    emails.reconnect_needed(session, session.get(Tenant, connection.tenant_id), system, lists)
    # Sent by its own job right after this commits, not by the five-minute round or the morning digest.
    jobs.defer(session, "send_mail_now")
    return True
