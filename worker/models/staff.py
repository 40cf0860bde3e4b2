"""Webcare staff accounts and the audit log of everything they look at and do."""
from __future__ import annotations

import datetime as dt
import secrets

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.dialects import postgresql

from worker.models.base import Base, created_column

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
