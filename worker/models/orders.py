"""Webhook deliveries, orders as they came from the shop, and their postings to the target."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.dialects import postgresql

from worker.models.base import Base, created_column, updated_column


class WebhookDelivery(Base):
    """One webhook delivery as received, raw; a retry of the same delivery is the same row."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (sa.UniqueConstraint("connection_id", "delivery_id"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    tenant_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    connection_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("connections.id", ondelete="CASCADE"))
    delivery_id: orm.Mapped[str] = orm.mapped_column(sa.String(100))
    topic: orm.Mapped[str] = orm.mapped_column(sa.String(60))
    body: orm.Mapped[str] = orm.mapped_column(sa.Text)
    # The exact bytes, only when ``body`` cannot hold them (not UTF-8, or a NUL character).
    body_bytes: orm.Mapped[bytes | None] = orm.mapped_column(sa.LargeBinary)
    order_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("orders.id", ondelete="SET NULL"))
    # Why the delivery could not be read, in the merchant's language; with no order_id the
    # dashboard lists it as an unreadable delivery.
    problem: orm.Mapped[str | None] = orm.mapped_column(sa.Text)
    received_at: orm.Mapped[dt.datetime] = created_column()

    def raw_body(self) -> bytes:
        """The body exactly as the shop sent it."""
        return self.body_bytes if self.body_bytes is not None else self.body.encode("utf-8")


# Where an order is, as the dashboard tabs show it.
ORDER_STATES = ("open", "queued", "held", "posted", "failed", "skipped")  # held: subscription not active


class Order(Base):
    """A shop order, stored once per (source connection, shop order id)."""

    __tablename__ = "orders"
    __table_args__ = (
        sa.UniqueConstraint("connection_id", "shop_order_id"),
        sa.Index("ix_orders_tenant_state_created", "tenant_id", "state", "created_at"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    tenant_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("tenants.id", ondelete="CASCADE"))
    connection_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("connections.id", ondelete="CASCADE"))
    shop_order_id: orm.Mapped[str] = orm.mapped_column(sa.String(100))
    number: orm.Mapped[str] = orm.mapped_column(sa.String(100))
    shop_status: orm.Mapped[str] = orm.mapped_column(sa.String(60))
    order_date: orm.Mapped[dt.date | None]
    customer_name: orm.Mapped[str | None] = orm.mapped_column(sa.String(300))
    total: orm.Mapped[Decimal | None] = orm.mapped_column(sa.Numeric(14, 2))
    currency: orm.Mapped[str] = orm.mapped_column(sa.String(3), default="EUR")
    payload: orm.Mapped[dict] = orm.mapped_column(postgresql.JSONB)
    shop_updated_at: orm.Mapped[dt.datetime | None]
    state: orm.Mapped[str] = orm.mapped_column(sa.String(20), default="queued")
    error_code: orm.Mapped[str | None] = orm.mapped_column(sa.String(60))
    error_message: orm.Mapped[str | None] = orm.mapped_column(sa.Text)
    error_help: orm.Mapped[str | None] = orm.mapped_column(sa.Text)
    # The error's placeholder values, so its message can be rendered in the viewer's language.
    error_values: orm.Mapped[dict | None] = orm.mapped_column(postgresql.JSONB)
    failed_at: orm.Mapped[dt.datetime | None]
    # When we last read the order's status from the shop (webhook, poll or nightly recheck).
    status_checked_at: orm.Mapped[dt.datetime | None]
    # VIES's answer for an intra-EU B2B order: the proof behind a 0 % invoice.
    vat_check: orm.Mapped[dict | None] = orm.mapped_column(postgresql.JSONB)
    # Post-check: the target's total minus ours, when they differ by more than two cents.
    total_difference: orm.Mapped[Decimal | None] = orm.mapped_column(sa.Numeric(14, 2))
    # Real failures (unreachable, in doubt) since the order was last queued; throttling never counts.
    remote_failures: orm.Mapped[int] = orm.mapped_column(default=0, server_default="0")
    # When a waiting order (rate limit, back-off, settle window) is tried again; None when not waiting.
    retry_at: orm.Mapped[dt.datetime | None]
    created_at: orm.Mapped[dt.datetime] = created_column()
    updated_at: orm.Mapped[dt.datetime] = updated_column()

    posting: orm.Mapped[Posting | None] = orm.relationship(back_populates="order", uselist=False)


# The dashboard tabs' pages (migration 0009): one partial index per tab, newest first, carrying what
# the number and period searches filter on so they and the capped counts need not read the table.
TAB_STATES = {"report": ("posted", "skipped"), "errors": ("failed",), "open": ("open", "queued", "held")}
for _tab, _states in TAB_STATES.items():
    sa.Index(f"ix_orders_tab_{_tab}", Order.tenant_id, Order.created_at.desc(), Order.id.desc(),
             postgresql_include=["number", "order_date"], postgresql_where=Order.state.in_(_states))


# pending: not sent yet; in_flight: a call may be under way; in_doubt: the outcome of a call is
# unknown and must be looked up by reference before anything is sent again.
POSTING_STATES = ("pending", "in_flight", "in_doubt", "posted", "failed")


class Posting(Base):
    """The durable record of putting one order into the target: at most one document per order."""

    __tablename__ = "postings"
    __table_args__ = (sa.UniqueConstraint("target_connection_id", "reference"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    tenant_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("tenants.id", ondelete="CASCADE"))
    order_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    target_connection_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("connections.id", ondelete="CASCADE"))
    reference: orm.Mapped[str] = orm.mapped_column(sa.String(100))
    document_type: orm.Mapped[str] = orm.mapped_column(sa.String(40))
    state: orm.Mapped[str] = orm.mapped_column(sa.String(20), default="pending")
    attempts: orm.Mapped[int] = orm.mapped_column(default=0)
    remote_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(64))
    remote_number: orm.Mapped[str | None] = orm.mapped_column(sa.String(64))
    remote_status: orm.Mapped[str | None] = orm.mapped_column(sa.String(20))
    last_request: orm.Mapped[dict | None] = orm.mapped_column(postgresql.JSONB)
    last_response: orm.Mapped[dict | None] = orm.mapped_column(postgresql.JSONB)
    # The order's lines, VAT and totals as the document that left carried them (worker/pipeline/booked.py):
    # the order page shows a posted order from this, not from today's VAT settings. None before 0023.
    booked: orm.Mapped[dict | None] = orm.mapped_column(postgresql.JSONB)
    posted_at: orm.Mapped[dt.datetime | None]
    # When the document last left for the target: an in-doubt posting is looked up only once the
    # settle window after this has passed (a slow remote may still commit it).
    sent_at: orm.Mapped[dt.datetime | None]
    created_at: orm.Mapped[dt.datetime] = created_column()
    updated_at: orm.Mapped[dt.datetime] = updated_column()

    order: orm.Mapped[Order] = orm.relationship(back_populates="posting")
