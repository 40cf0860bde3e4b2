"""A tenant's connections to external systems, their rate budgets and cached remote ids."""
from __future__ import annotations

import datetime as dt
import secrets

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.dialects import postgresql

from worker.models.base import Base, created_column, updated_column


class Connection(Base):
    """One external system a tenant has connected: a shop (source) or an administration (target).

    ``settings`` holds the non-secret settings the connector declares; ``secrets`` holds the
    secret ones (API keys, OAuth tokens) encrypted and bound to the tenant (worker.crypto).
    """

    __tablename__ = "connections"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "role"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    tenant_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    role: orm.Mapped[str] = orm.mapped_column(sa.String(10))  # "source" or "target"
    system: orm.Mapped[str] = orm.mapped_column(sa.String(40))  # registry key, e.g. "kmoshops"
    settings: orm.Mapped[dict] = orm.mapped_column(postgresql.JSONB, default=dict)
    secrets: orm.Mapped[str | None] = orm.mapped_column(sa.Text)
    # Unguessable token in the webhook URL of a source connection.
    webhook_token: orm.Mapped[str] = orm.mapped_column(
        sa.String(64), unique=True, default=lambda: secrets.token_urlsafe(24))
    status: orm.Mapped[str] = orm.mapped_column(sa.String(20), default="not_connected")
    status_reason: orm.Mapped[str | None] = orm.mapped_column(sa.Text)
    status_checked_at: orm.Mapped[dt.datetime | None]
    created_at: orm.Mapped[dt.datetime] = created_column()
    updated_at: orm.Mapped[dt.datetime] = updated_column()

    @property
    def is_connected(self) -> bool:
        return self.status == "connected"


class RateBudget(Base):
    """What is left of one rate-limit window of a connection, shared by every worker."""

    __tablename__ = "rate_budgets"

    connection_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("connections.id", ondelete="CASCADE"), primary_key=True)
    window: orm.Mapped[str] = orm.mapped_column(sa.String(40), primary_key=True)
    limit: orm.Mapped[int]
    remaining: orm.Mapped[int]
    resets_at: orm.Mapped[dt.datetime]
    updated_at: orm.Mapped[dt.datetime] = updated_column()


class RemoteLink(Base):
    """A remote record we found or created (debtor by e-mail, item by code), cached per connection.

    The unique key is what keeps two orders of one new customer from creating two debtors.
    """

    __tablename__ = "remote_links"
    __table_args__ = (sa.UniqueConstraint("connection_id", "kind", "key"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    connection_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("connections.id", ondelete="CASCADE"))
    kind: orm.Mapped[str] = orm.mapped_column(sa.String(20))
    key: orm.Mapped[str] = orm.mapped_column(sa.String(320))
    remote_id: orm.Mapped[str] = orm.mapped_column(sa.String(64))
    created: orm.Mapped[bool] = orm.mapped_column(default=False)  # True when Koppel created it
    created_at: orm.Mapped[dt.datetime] = created_column()
