"""Finding merchants (licence key, e-mail, name, shop or administration id) and orders across tenants."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import orm

from worker import connectors
from worker.models import Connection, Order, Tenant, User

LIMIT = 50


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def find_merchants(session: orm.Session, text: str) -> list[Tenant]:
    """Tenants whose licence key, name, e-mail (theirs or a login's), shop id or administration id matches."""
    text = text.strip()
    if not text:
        return []
    like = _like(text)
    by_login = sa.select(User.tenant_id).where(sa.or_(User.email.ilike(like), User.username.ilike(like)))
    by_connection = sa.select(Connection.tenant_id).where(sa.or_(
        Connection.settings["shop_id"].astext.ilike(like), *_administration(text)))
    query = sa.select(Tenant).where(sa.or_(
        Tenant.licence_key.ilike(like), Tenant.name.ilike(like), Tenant.email.ilike(like),
        Tenant.extra_email.ilike(like), Tenant.id.in_(by_login), Tenant.id.in_(by_connection)))
    return list(session.execute(query.order_by(Tenant.name, Tenant.id).limit(LIMIT)).scalars())


def _administration(text: str) -> list:
    """Conditions matching a target connection whose administration id (as its connector keeps it) is ``text``."""
    return [sa.and_(Connection.system == key, Connection.settings[field].astext == text)
            for key, cls in connectors.TARGETS.items() if (field := cls.administration_field())]


def find_orders(session: orm.Session, number: str, since: dt.date | None, until: dt.date | None) -> list[Order]:
    """Orders of every tenant by (part of) their number and/or order date, newest first."""
    number = number.strip()
    if not (number or since or until):
        return []
    query = sa.select(Order).options(orm.selectinload(Order.posting))
    if number:
        query = query.where(sa.or_(Order.number.ilike(_like(number)), Order.shop_order_id == number))
    if since:
        query = query.where(Order.order_date >= since)
    if until:
        query = query.where(Order.order_date <= until)
    return list(session.execute(query.order_by(Order.order_date.desc().nulls_last(), Order.id.desc())
                                .limit(LIMIT)).scalars())


def tenant_names(session: orm.Session, tenant_ids: set[int]) -> dict[int, Tenant]:
    """The tenants of a result list, by id."""
    if not tenant_ids:
        return {}
    return {t.id: t for t in session.execute(sa.select(Tenant).where(Tenant.id.in_(tenant_ids))).scalars()}
