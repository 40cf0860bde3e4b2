"""One page of a dashboard tab at any depth, cheaply: ids from the tab's partial index, then the rows."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import orm

from worker.models import Order
from worker.models.orders import TAB_STATES

# Counts stop here: counting a big merchant's 100,000 orders on every 2 s poll would read them all.
COUNT_CAP = 10_000


def conditions(tenant_id: int, tab: str, search: str, since: dt.date | None, until: dt.date | None) -> list:
    """The tab's filter; the states are literals so the planner matches the tab's partial index."""
    states = ", ".join(f"'{state}'" for state in TAB_STATES[tab])  # constants, never user input
    where = [Order.tenant_id == tenant_id, sa.text(f"orders.state IN ({states})")]
    if search:
        # Without letters case cannot matter, and LIKE reads a 100,000-row index several times faster than ILIKE.
        cased = search.lower() != search.upper()
        where.append(Order.number.ilike(f"%{search}%") if cased else Order.number.like(f"%{search}%"))
    if since:
        where.append(Order.order_date >= since)
    if until:
        where.append(Order.order_date <= until)
    return where


def capped_count(session: orm.Session, where: list) -> int:
    """How many orders match, counting at most COUNT_CAP + 1 of them (index-only)."""
    some = sa.select(Order.id).where(*where).limit(COUNT_CAP + 1).subquery()
    return session.execute(sa.select(sa.func.count()).select_from(some)).scalar_one()


def cursor_key(session: orm.Session, where: list, order_id: int | None) -> tuple | None:
    """(created_at, id) of the order a keyset link points past; None when it is not in this list."""
    if order_id is None:
        return None
    created = session.execute(sa.select(Order.created_at).where(Order.id == order_id, *where)).scalar()
    return (created, order_id) if created is not None else None


def page_ids(session: orm.Session, where: list, errors: bool, offset: int, size: int,
             after: tuple | None = None, before: tuple | None = None) -> tuple[list[int], bool]:
    """The page's ids in the tab's order, and whether an older page follows."""
    newest = (Order.created_at.desc(), Order.id.desc())
    query = sa.select(Order.id).where(*where)
    key = sa.tuple_(Order.created_at, Order.id)
    if after:  # keyset: the page below a known row, however deep
        query = query.where(key < sa.tuple_(*after)).order_by(*newest)
    elif before:  # keyset backwards: read upwards, then turn the page round
        rows = session.execute(query.where(key > sa.tuple_(*before))
                               .order_by(Order.created_at, Order.id).limit(size)).scalars().all()
        return list(reversed(rows)), True  # the row the link came from is older
    else:
        first = (Order.error_code, Order.error_message) if errors else ()
        query = query.order_by(*first, *newest).offset(offset)
    ids = session.execute(query.limit(size + 1)).scalars().all()  # one more: is there an older page?
    return ids[:size], len(ids) > size


def load(session: orm.Session, ids: list[int]) -> list[Order]:
    """The orders of ``ids`` with their postings, in the order of ``ids``."""
    rows = session.execute(sa.select(Order).where(Order.id.in_(ids))
                           .options(orm.selectinload(Order.posting))).scalars().all()
    by_id = {order.id: order for order in rows}
    return [by_id[i] for i in ids if i in by_id]


def tab_page(session: orm.Session, tenant_id: int, tab: str, page: int, size: int, search: str = "",
             since: dt.date | None = None, until: dt.date | None = None,
             after: int | None = None, before: int | None = None) -> dict:
    """One page of a tab of ``tenant_id`` with what its pager needs (the merchant's dashboard and webcare's copy)."""
    where = conditions(tenant_id, tab, search, since, until)
    total = capped_count(session, where)
    # Links below page 1 carry the row they continue from (keyset); Errors, sorted by cause, uses page numbers.
    keyset = tab != "errors"
    after_key = cursor_key(session, where, after) if keyset and page > 1 else None
    before_key = cursor_key(session, where, before) if keyset and page > 1 and not after_key else None
    ids, older = page_ids(session, where, tab == "errors", (page - 1) * size, size, after_key, before_key)
    return {"tab": tab, "orders": load(session, ids), "page": page,
            "pages": max(1, -(-min(total, COUNT_CAP) // size)), "total": total,
            "capped": total > COUNT_CAP, "cap": COUNT_CAP, "has_older": older, "keyset": keyset,
            "cursor": {"after": after_key and after, "before": before_key and before}, "search": search,
            "since": since.isoformat() if since else "", "until": until.isoformat() if until else ""}
