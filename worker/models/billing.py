"""Our own invoices to merchants for their subscription."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import orm

from worker.models.base import Base, created_column


class Invoice(Base):
    """An invoice from Koppel to a merchant (subscription or migration); paid through the payment provider."""

    __tablename__ = "invoices"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    tenant_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    number: orm.Mapped[str] = orm.mapped_column(sa.String(30), unique=True)
    description: orm.Mapped[str] = orm.mapped_column(sa.String(200))
    amount_excl: orm.Mapped[Decimal] = orm.mapped_column(sa.Numeric(12, 2))
    vat_rate: orm.Mapped[Decimal] = orm.mapped_column(sa.Numeric(5, 2))
    vat: orm.Mapped[Decimal] = orm.mapped_column(sa.Numeric(12, 2))
    total: orm.Mapped[Decimal] = orm.mapped_column(sa.Numeric(12, 2))
    period_start: orm.Mapped[dt.date]
    period_end: orm.Mapped[dt.date]
    status: orm.Mapped[str] = orm.mapped_column(sa.String(20), default="open")
    # "subscription" (a paid year) or "migration" (past orders back-filled by webcare).
    kind: orm.Mapped[str] = orm.mapped_column(sa.String(20), default="subscription")
    payment_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(40))
    checkout_url: orm.Mapped[str | None] = orm.mapped_column(sa.Text)
    paid_at: orm.Mapped[dt.datetime | None]
    created_at: orm.Mapped[dt.datetime] = created_column()
