"""The daily look at each payroll company: runs that appeared are checked (and left in Open for the merchant,
or sent at once where the mapping says so), runs sent before are read again so a changed one is reported."""
from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa

from worker import db, jobs
from worker.connectors.errors import RemoteError
from worker.models import Connection, PayrollMapping, PayrollRun
from worker.payroll import runs

log = logging.getLogger(__name__)


def tenant_ids() -> list[int]:
    """Tenants with a mapped company and a connected payroll system."""
    with db.session_scope() as session:
        return list(session.execute(sa.select(PayrollMapping.tenant_id).distinct().join(
            Connection, sa.and_(Connection.tenant_id == PayrollMapping.tenant_id,
                                Connection.role == runs.PAYROLL_ROLE, Connection.status == "connected"))).scalars())


def lock_of(tenant_id: int) -> str:
    return f"payroll-poll:{tenant_id}"


def defer_tenant(session, tenant_id: int) -> bool:
    """Queue a poll of the tenant's companies now, in ``session``'s transaction; False when one already waits.

    For a company just mapped (or a payroll system just connected again): its runs show without waiting
    for the morning. Lock and queueing lock ``payroll-poll:<tenant id>``: two quick saves queue one poll."""
    return jobs.defer_once(session, "poll_tenant_payroll", lock_of(tenant_id), tenant_id=tenant_id)


def years(today: dt.date | None = None) -> list[int]:
    """The years looked at: this one, and in January also the last (its period 12 or 13 run comes late)."""
    today = today or dt.date.today()
    return [today.year - 1, today.year] if today.month == 1 else [today.year]


def poll(tenant_id: int, year: int | None = None) -> int:
    """Note every locked run of the tenant's companies in ``year`` (default: ``years()``); how many appeared.

    Each company in its own transaction: one the payroll system will not list (RemoteError, logged) does
    not keep the others' new runs from being noted; it is raised after the others when it was the only one."""
    appeared, tried, failures = 0, 0, []
    with db.session_scope() as session:
        mapping_ids = session.execute(sa.select(PayrollMapping.id).where(PayrollMapping.tenant_id == tenant_id)
                                      .order_by(PayrollMapping.id)).scalars().all()
    for mapping_id in mapping_ids:
        for one_year in [year] if year else years():
            tried += 1
            try:
                appeared += _poll_company(mapping_id, one_year)
            except RemoteError as exc:
                log.warning("payroll poll of mapping %s (%s) failed: %s", mapping_id, one_year, exc)
                failures.append(exc)
    if failures and len(failures) == tried:
        raise failures[0]  # nothing could be listed: the caller logs it as the tenant's failure
    return appeared


def _poll_company(mapping_id: int, year: int) -> int:
    with db.session_scope() as session:
        mapping = session.get(PayrollMapping, mapping_id)
        return sum(_note(session, mapping, year, run) for run in runs.company_runs(session, mapping, year)
                   if run.locked)  # an unlocked run may still change: not checked until it is final


def _note(session, mapping: PayrollMapping, year: int, run) -> int:
    """A run that appeared is checked (its job), or queued for sending where the mapping sends by itself:
    the posting job runs the same check first, so a failing run lands in failed with the advice either way."""
    new_id = runs.insert(session, mapping, year, run, "queued" if mapping.auto_send else "open")
    if new_id is not None:
        if mapping.auto_send:
            runs.defer(session, session.get(PayrollRun, new_id))
        else:
            jobs.defer(session, "check_payroll_run", payroll_run_id=new_id)
        return 1
    known = runs.existing(session, mapping, year, run)
    if known.state == "posted":
        runs.defer(session, known)  # read again: a change is reported, nothing is posted
    return 0
