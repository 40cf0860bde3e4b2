"""One page of a dashboard tab of payroll journals (runs), keyset-paged as orderpages pages orders; the
Administrations tab's journal list reads through the same queries."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import orm

from worker.models import PayrollMapping, PayrollRun, PayrollTransaction

# The journals' tabs, as the orders' dashboard has them: sent, needing the merchant, waiting or on their way.
TABS = {"report": ("posted",), "errors": ("failed", "changed"), "open": ("open", "queued", "sending")}
TAB_OF_STATE = {state: tab for tab, states in TABS.items() for state in states}
COUNT_CAP = 10_000


def conditions(tenant_id: int, tab: str | None) -> list:
    """The tab's filter (every journal of the tenant without a tab)."""
    where = [PayrollRun.tenant_id == tenant_id]
    return where + [PayrollRun.state.in_(TABS[tab])] if tab in TABS else where


def capped_count(session: orm.Session, where: list) -> int:
    """How many journals match, counting at most COUNT_CAP + 1 of them."""
    some = sa.select(PayrollRun.id).where(*where).limit(COUNT_CAP + 1).subquery()
    return session.execute(sa.select(sa.func.count()).select_from(some)).scalar_one()


def _key(session: orm.Session, where: list, run_id: int | None) -> tuple | None:
    """(created_at, id) of the journal a keyset link points past; None when it is not in this list."""
    if run_id is None:
        return None
    created = session.execute(sa.select(PayrollRun.created_at).where(PayrollRun.id == run_id, *where)).scalar()
    return (created, run_id) if created is not None else None


def page_ids(session: orm.Session, where: list, size: int, after: tuple | None = None,
             before: tuple | None = None) -> tuple[list[int], bool]:
    """The page's ids, newest first, and whether an older page follows."""
    key, query = sa.tuple_(PayrollRun.created_at, PayrollRun.id), sa.select(PayrollRun.id).where(*where)
    if before:  # keyset backwards: read upwards, then turn the page round
        rows = session.execute(query.where(key > sa.tuple_(*before))
                               .order_by(PayrollRun.created_at, PayrollRun.id).limit(size)).scalars().all()
        return list(reversed(rows)), True
    if after:
        query = query.where(key < sa.tuple_(*after))
    ids = session.execute(query.order_by(PayrollRun.created_at.desc(), PayrollRun.id.desc())
                          .limit(size + 1)).scalars().all()
    return ids[:size], len(ids) > size


def load(session: orm.Session, ids: list[int]) -> list[dict]:
    """The journals of ``ids`` in that order, each with its company name and ledger transaction numbers."""
    rows = session.execute(sa.select(PayrollRun, PayrollMapping.payroll_company_name)
                           .join(PayrollMapping, PayrollMapping.id == PayrollRun.mapping_id)
                           .where(PayrollRun.id.in_(ids))).all()
    batches: dict[int, list[str]] = {}
    for run_id, batch in session.execute(sa.select(PayrollTransaction.run_id, PayrollTransaction.batch_number).where(
            PayrollTransaction.run_id.in_(ids), PayrollTransaction.state == "posted")
            .order_by(PayrollTransaction.financial_period)):
        batches.setdefault(run_id, []).append(batch)
    by_id = {run.id: {"run": run, "company": name, "batches": batches.get(run.id, [])} for run, name in rows}
    return [by_id[i] for i in ids if i in by_id]


def one(session: orm.Session, tenant_id: int, run_id: int) -> dict | None:
    """One journal of the tenant as ``load`` gives it; None when it is another tenant's or does not exist."""
    found = load(session, [run_id])
    return found[0] if found and found[0]["run"].tenant_id == tenant_id else None


def every(session: orm.Session, tenant_id: int, tab: str | None = None, size: int = 500) -> list[dict]:
    """The tenant's newest journals (of one tab when given), for the Administrations tab's list."""
    return load(session, page_ids(session, conditions(tenant_id, tab), size)[0])


def tab_page(session: orm.Session, tenant_id: int, tab: str, page: int, size: int,
             after: int | None = None, before: int | None = None, search: list | None = None) -> dict:
    """One page of a tab (narrowed by ``search``, journalsearch's conditions) with what its pager needs;
    below page 1 the links carry the row they continue from."""
    where = conditions(tenant_id, tab) + (search or [])
    total = capped_count(session, where)
    after_key = _key(session, where, after) if page > 1 else None
    before_key = _key(session, where, before) if page > 1 and not after_key else None
    if page > 1 and not (after_key or before_key):
        page = 1  # a link whose row left this tab (or this search): start at the top rather than guess
    ids, older = page_ids(session, where, size, after_key, before_key)
    cursor = {"after": after} if after_key else {"before": before} if before_key else {}
    return {"tab": tab, "journals": load(session, ids), "page": page, "total": total, "capped": total > COUNT_CAP,
            "cap": COUNT_CAP, "pages": max(1, -(-min(total, COUNT_CAP) // size)), "has_older": older,
            "cursor": cursor, "polling": sending(session, tenant_id)}


def sending(session: orm.Session, tenant_id: int) -> bool:
    """Whether any journal of the tenant is on its way (the tab reloads itself until none is)."""
    return session.execute(sa.select(PayrollRun.id).where(
        PayrollRun.tenant_id == tenant_id, PayrollRun.state.in_(("queued", "sending"))).limit(1)).first() is not None
