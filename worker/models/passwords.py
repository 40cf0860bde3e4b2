"""Password-reset links: single use, expiring, stored as a hash of the token in the e-mailed link."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import orm

from worker.models.base import Base, created_column


class PasswordReset(Base):
    """One e-mailed reset link; the database holds only the SHA-256 of its token (a leak opens nothing)."""

    __tablename__ = "password_resets"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    user_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: orm.Mapped[str] = orm.mapped_column(sa.String(64), unique=True)
    expires_at: orm.Mapped[dt.datetime]
    used_at: orm.Mapped[dt.datetime | None]
    created_at: orm.Mapped[dt.datetime] = created_column()
