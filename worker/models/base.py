"""The declarative base and column helpers shared by every model."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import orm

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Now, timezone-aware, in UTC."""
    return dt.datetime.now(dt.timezone.utc)


class Base(orm.DeclarativeBase):
    """Base class of every Koppel table."""

    metadata = sa.MetaData(naming_convention=NAMING)
    type_annotation_map = {dt.datetime: sa.DateTime(timezone=True)}


def created_column() -> orm.Mapped[dt.datetime]:
    return orm.mapped_column(default=utcnow, server_default=sa.func.now())


def updated_column() -> orm.Mapped[dt.datetime]:
    return orm.mapped_column(default=utcnow, onupdate=utcnow, server_default=sa.func.now())
