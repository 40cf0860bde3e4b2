"""Tenants (one installed integration each) and the people who log in to them."""
from __future__ import annotations

import datetime as dt
import secrets

import sqlalchemy as sa
from sqlalchemy import orm

from worker.models.base import Base, created_column


def new_licence_key() -> str:
    """A licence key as merchants quote it to webcare: KOP-XXXX-XXXX-XXXX."""
    raw = secrets.token_hex(6).upper()
    return f"KOP-{raw[0:4]}-{raw[4:8]}-{raw[8:12]}"


class Tenant(Base):
    """One installation of Koppel: one shop connected to one accounting administration."""

    __tablename__ = "tenants"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    name: orm.Mapped[str] = orm.mapped_column(sa.String(200))
    email: orm.Mapped[str] = orm.mapped_column(sa.String(320))
    country: orm.Mapped[str] = orm.mapped_column(sa.String(2), default="NL")
    extra_email: orm.Mapped[str | None] = orm.mapped_column(sa.String(320))
    last_digest_at: orm.Mapped[dt.datetime | None]
    licence_key: orm.Mapped[str] = orm.mapped_column(sa.String(32), unique=True, default=new_licence_key)
    created_at: orm.Mapped[dt.datetime] = created_column()

    users: orm.Mapped[list[User]] = orm.relationship(back_populates="tenant")


class User(Base):
    """A login to the portal, bound to one tenant."""

    __tablename__ = "users"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    tenant_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    email: orm.Mapped[str] = orm.mapped_column(sa.String(320), unique=True)
    password_hash: orm.Mapped[str] = orm.mapped_column(sa.String(200))
    # Rotated on logout and password change, so old session cookies stop working (ASVS 7.4.1).
    session_token: orm.Mapped[str] = orm.mapped_column(sa.String(64), default=lambda: secrets.token_hex(16))
    created_at: orm.Mapped[dt.datetime] = created_column()

    tenant: orm.Mapped[Tenant] = orm.relationship(back_populates="users")
