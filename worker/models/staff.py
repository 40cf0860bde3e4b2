"""Webcare staff accounts, the audit log of everything they look at and do, and migrations of past orders."""
from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.dialects import postgresql

from worker.models.base import Base, created_column, updated_column

STAFF_ROLES = ("support", "admin")  # support: read and act on tickets; admin: everything


class StaffUser(Base):
    """A webcare login, apart from merchants': password plus a TOTP second factor."""

    __tablename__ = "staff_users"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    email: orm.Mapped[str] = orm.mapped_column(sa.String(320), unique=True)
    name: orm.Mapped[str] = orm.mapped_column(sa.String(200))
    role: orm.Mapped[str] = orm.mapped_column(sa.String(20))
    password_hash: orm.Mapped[str] = orm.mapped_column(sa.String(200))
    # The TOTP secret, encrypted (worker.crypto); confirmed once a code from the authenticator matched.
    totp_secret: orm.Mapped[str | None] = orm.mapped_column(sa.Text)
    totp_confirmed_at: orm.Mapped[dt.datetime | None]
    # The last TOTP time step accepted: a code is never accepted twice.
    totp_last_step: orm.Mapped[int | None] = orm.mapped_column(sa.BigInteger)
    # Rotated on logout, so an old staff cookie stops working.
    session_token: orm.Mapped[str] = orm.mapped_column(sa.String(64), default=lambda: secrets.token_hex(16))
    disabled_at: orm.Mapped[dt.datetime | None]
    # Wrong passwords and codes in a row; at five the account is locked for a while.
    failed_logins: orm.Mapped[int] = orm.mapped_column(default=0, server_default="0")
    locked_until: orm.Mapped[dt.datetime | None]
    created_at: orm.Mapped[dt.datetime] = created_column()


class AuditEntry(Base):
    """One staff view of a merchant's data or one staff action: who, when, which tenant, what."""

    __tablename__ = "staff_audit"
    __table_args__ = (sa.Index("ix_staff_audit_tenant_created", "tenant_id", "created_at"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    staff_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("staff_users.id", ondelete="SET NULL"))
    staff_name: orm.Mapped[str] = orm.mapped_column(sa.String(200))
    tenant_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("tenants.id", ondelete="CASCADE"))
    action: orm.Mapped[str] = orm.mapped_column(sa.String(60))
    detail: orm.Mapped[dict] = orm.mapped_column(postgresql.JSONB, default=dict)
    created_at: orm.Mapped[dt.datetime] = created_column()


# quoted: counted and priced, waiting for confirmation; running / paused; done: every order fed in.
MIGRATION_STATES = ("quoted", "running", "paused", "done", "cancelled")


class Migration(Base):
    """Past orders of one merchant back-filled through the normal pipeline at a pace that spares their budget."""

    __tablename__ = "migrations"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    tenant_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    staff_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("staff_users.id", ondelete="SET NULL"))
    since: orm.Mapped[dt.date]
    until: orm.Mapped[dt.date]
    state: orm.Mapped[str] = orm.mapped_column(sa.String(20), default="quoted")
    order_count: orm.Mapped[int] = orm.mapped_column(default=0)
    price_excl: orm.Mapped[Decimal] = orm.mapped_column(sa.Numeric(12, 2))
    invoice_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("invoices.id", ondelete="SET NULL"))
    # Why the last step fed nothing more (budget used up until …), for the progress view.
    note: orm.Mapped[str | None] = orm.mapped_column(sa.Text)
    next_step_at: orm.Mapped[dt.datetime | None]
    created_at: orm.Mapped[dt.datetime] = created_column()
    updated_at: orm.Mapped[dt.datetime] = updated_column()


class MigrationItem(Base):
    """One shop order of a migration: counted at the quote, fed into the pipeline once."""

    __tablename__ = "migration_items"
    __table_args__ = (sa.UniqueConstraint("migration_id", "shop_order_id"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    migration_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("migrations.id", ondelete="CASCADE"))
    shop_order_id: orm.Mapped[str] = orm.mapped_column(sa.String(100))
    number: orm.Mapped[str] = orm.mapped_column(sa.String(100))
    order_id: orm.Mapped[int | None] = orm.mapped_column(sa.ForeignKey("orders.id", ondelete="SET NULL"))
    fed_at: orm.Mapped[dt.datetime | None]
