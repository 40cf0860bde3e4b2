"""The daily look at each payroll company: runs that appeared are checked (and left for the merchant to
send), runs sent before are read again so a re-opened run that changed is reported."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from worker import db, jobs
from worker.models import Connection, PayrollMapping
from worker.payroll import runs


def tenant_ids() -> list[int]:
    """Tenants with a mapped company and a connected payroll system."""
    with db.session_scope() as session:
        return list(session.execute(sa.select(PayrollMapping.tenant_id).distinct().join(
            Connection, sa.and_(Connection.tenant_id == PayrollMapping.tenant_id,
                                Connection.role == runs.PAYROLL_ROLE, Connection.status == "connected"))).scalars())


def poll(tenant_id: int, year: int | None = None) -> int:
    """Note every locked run of the tenant's companies in ``year``; returns how many appeared."""
    year = year or dt.date.today().year
    appeared = 0
    with db.session_scope() as session:
        mappings = session.execute(sa.select(PayrollMapping).where(PayrollMapping.tenant_id == tenant_id)).scalars()
        for mapping in mappings.all():
            for run in runs.company_runs(session, mapping, year):
                if run.locked:  # an unlocked run may still change: not checked until it is final
                    appeared += _note(session, mapping, year, run)
    return appeared


def _note(session, mapping: PayrollMapping, year: int, run) -> int:
    new_id = runs.insert(session, mapping, year, run, "open")
    if new_id is not None:
        jobs.defer(session, "check_payroll_run", payroll_run_id=new_id)
        return 1
    known = runs.existing(session, mapping, year, run)
    if known.state == "posted":
        runs.defer(session, known)  # read again: a change is reported, nothing is posted
    return 0
