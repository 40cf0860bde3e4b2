"""What the merchant and webcare see besides orders: remote calls, tickets and outgoing e-mail."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.dialects import postgresql

from worker.models.base import Base, created_column, updated_column


class RemoteCall(Base):
    """One call to a remote system made while processing an order: what we sent, what came back.

    Authorization headers and secrets are never stored; bodies are cut at 20 kB.
    """

    __tablename__ = "remote_calls"
    __table_args__ = (sa.Index("ix_remote_calls_order", "order_id", "id"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    tenant_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("tenants.id", ondelete="CASCADE"))
    order_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"))
    connection_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("connections.id", ondelete="CASCADE"))
    method: orm.Mapped[str] = orm.mapped_column(sa.String(10))
    url: orm.Mapped[str] = orm.mapped_column(sa.Text)
    request_body: orm.Mapped[dict | list | None] = orm.mapped_column(postgresql.JSONB)
    status: orm.Mapped[int | None]
    response_body: orm.Mapped[dict | list | str | None] = orm.mapped_column(postgresql.JSONB)
    error: orm.Mapped[str | None] = orm.mapped_column(sa.Text)
    created_at: orm.Mapped[dt.datetime] = created_column()


# open: webcare is to act; waiting: webcare answered and waits for the merchant; closed: done.
TICKET_STATES = ("open", "waiting", "closed")


class Ticket(Base):
    """A problem a merchant reported on an order, or a question ("Ask us"), with a frozen snapshot."""

    __tablename__ = "tickets"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    tenant_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    order_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("orders.id", ondelete="SET NULL"))
    # A problem reported on a payroll journal instead of an order.
    payroll_run_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("payroll_runs.id", ondelete="SET NULL", name="fk_tickets_payroll_run"))
    snapshot: orm.Mapped[dict] = orm.mapped_column(postgresql.JSONB)
    status: orm.Mapped[str] = orm.mapped_column(sa.String(20), default="open")
    kind: orm.Mapped[str] = orm.mapped_column(sa.String(20), default="problem")  # "problem" or "question"
    subject: orm.Mapped[str | None] = orm.mapped_column(sa.String(300))
    created_at: orm.Mapped[dt.datetime] = created_column()
    updated_at: orm.Mapped[dt.datetime] = updated_column()

    messages: orm.Mapped[list[TicketMessage]] = orm.relationship(order_by="TicketMessage.id")


class TicketMessage(Base):
    """One message on a ticket: the merchant's question, or webcare's answer (sent through the outbox)."""

    __tablename__ = "ticket_messages"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    ticket_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    author: orm.Mapped[str] = orm.mapped_column(sa.String(200))
    from_staff: orm.Mapped[bool] = orm.mapped_column(default=False)
    body: orm.Mapped[str] = orm.mapped_column(sa.Text)
    # The Message-ID of a reply that came in by e-mail (unique: a mail posted twice is kept once).
    message_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(300))
    created_at: orm.Mapped[dt.datetime] = created_column()


class OutboxEmail(Base):
    """An e-mail to send; SMTP delivers it in production, the outbox page shows it in development."""

    __tablename__ = "outbox_emails"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    tenant_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("tenants.id", ondelete="CASCADE"))
    recipients: orm.Mapped[list] = orm.mapped_column(postgresql.JSONB)
    subject: orm.Mapped[str] = orm.mapped_column(sa.String(300))
    body: orm.Mapped[str] = orm.mapped_column(sa.Text)
    kind: orm.Mapped[str] = orm.mapped_column(sa.String(40))
    sent_at: orm.Mapped[dt.datetime | None]
    # Failed deliveries so far, when to try again, and why the last one failed.
    attempts: orm.Mapped[int] = orm.mapped_column(default=0, server_default="0")
    next_attempt_at: orm.Mapped[dt.datetime | None]
    last_error: orm.Mapped[str | None] = orm.mapped_column(sa.Text)
    created_at: orm.Mapped[dt.datetime] = created_column()


class AuthAttempt(Base):
    """One counted sign-in or sign-up attempt, for rate limits shared by every web process."""

    __tablename__ = "auth_attempts"
    __table_args__ = (sa.Index("ix_auth_attempts_scope_key", "scope", "key", "created_at"),)

    id: orm.Mapped[int] = orm.mapped_column(sa.BigInteger, primary_key=True)
    scope: orm.Mapped[str] = orm.mapped_column(sa.String(20))
    key: orm.Mapped[str] = orm.mapped_column(sa.String(400))
    created_at: orm.Mapped[dt.datetime] = created_column()
