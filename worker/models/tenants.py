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


TRIAL_DAYS = 30


class Tenant(Base):
    """One installation of Koppel: one shop connected to one accounting administration."""

    __tablename__ = "tenants"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    name: orm.Mapped[str] = orm.mapped_column(sa.String(200))
    email: orm.Mapped[str] = orm.mapped_column(sa.String(320))
    country: orm.Mapped[str] = orm.mapped_column(sa.String(2), default="NL")
    language: orm.Mapped[str] = orm.mapped_column(sa.String(5), default="nl")
    shop_system: orm.Mapped[str] = orm.mapped_column(sa.String(40), default="kmoshops")
    accounting_system: orm.Mapped[str] = orm.mapped_column(sa.String(40), default="exact_online")
    # The secret part of the installation link e-mailed at sign-up.
    install_token: orm.Mapped[str] = orm.mapped_column(
        sa.String(64), unique=True, default=lambda: secrets.token_urlsafe(24))
    terms_accepted_at: orm.Mapped[dt.datetime | None]
    configured_at: orm.Mapped[dt.datetime | None]
    trial_ends_at: orm.Mapped[dt.datetime | None]
    paid_until: orm.Mapped[dt.datetime | None]
    offer_sent_at: orm.Mapped[dt.datetime | None]
    stopped_at: orm.Mapped[dt.datetime | None]
    # Webcare removed this (old) licence key: its logins are gone, its data stays for the record.
    retired_at: orm.Mapped[dt.datetime | None]
    extra_email: orm.Mapped[str | None] = orm.mapped_column(sa.String(320))
    last_digest_at: orm.Mapped[dt.datetime | None]
    licence_key: orm.Mapped[str] = orm.mapped_column(sa.String(32), unique=True, default=new_licence_key)
    created_at: orm.Mapped[dt.datetime] = created_column()

    users: orm.Mapped[list[User]] = orm.relationship(back_populates="tenant")

    def transfers_allowed(self, now: dt.datetime | None = None) -> bool:
        """Orders may go to the books: not stopped, and within the trial or a paid period."""
        now = now or dt.datetime.now(dt.timezone.utc)
        if self.stopped_at is not None:
            return False
        if self.paid_until is not None and self.paid_until > now:
            return True
        return self.trial_ends_at is None or self.trial_ends_at > now


class User(Base):
    """A login to the portal, bound to one tenant (one person may have several installations)."""

    __tablename__ = "users"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    tenant_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    # What the person logs in with: their e-mail for a first installation, the licence key after that.
    username: orm.Mapped[str] = orm.mapped_column(sa.String(320), unique=True)
    email: orm.Mapped[str] = orm.mapped_column(sa.String(320), index=True)
    password_hash: orm.Mapped[str] = orm.mapped_column(sa.String(200))
    # Rotated on logout and password change, so old session cookies stop working (ASVS 7.4.1).
    session_token: orm.Mapped[str] = orm.mapped_column(sa.String(64), default=lambda: secrets.token_hex(16))
    # None until the merchant chooses a password through the installation link.
    password_set_at: orm.Mapped[dt.datetime | None]
    # The TOTP secret, encrypted (worker.crypto, purpose "totp:<user id>"); None without a second factor.
    totp_secret: orm.Mapped[str | None] = orm.mapped_column(sa.Text)
    # The last accepted TOTP time step: a code is accepted once (ASVS 6.5.1).
    totp_last_step: orm.Mapped[int | None] = orm.mapped_column(sa.BigInteger)
    created_at: orm.Mapped[dt.datetime] = created_column()

    tenant: orm.Mapped[Tenant] = orm.relationship(back_populates="users")
