"""One period's transaction of a run: claimed by its row, stamped before the POST, looked up when in doubt.

The row (unique per run and period) is committed with ``sent_at`` before its POST goes out. A row
sent but not known posted (the worker died, or the answer never came) is looked up by our reference
once the ledger had time to commit (``settle_seconds``); only when it is not there is it sent again.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from worker import db
from worker.config import settings
from worker.connectors.errors import OutcomeUnknown, RemoteRejected
from worker.models import PayrollTransaction
from worker.models.base import utcnow
from worker.payroll.journal import PeriodJournal


class Wait(Exception):
    """A period's outcome is in doubt: look it up at ``until`` (a new job), not before."""

    def __init__(self, until: dt.datetime):
        super().__init__(until.isoformat())
        self.until = until


def _claim(payroll_run_id: int, journal: PeriodJournal) -> PayrollTransaction:
    """The period's row (made now when new); expunged, for reading its state."""
    with db.session_scope() as session:
        session.execute(postgresql.insert(PayrollTransaction).values(
            run_id=payroll_run_id, financial_period=journal.financial_period, state="sending",
            debit=journal.debit, credit=journal.credit).on_conflict_do_nothing())
        row = session.execute(sa.select(PayrollTransaction).where(
            PayrollTransaction.run_id == payroll_run_id,
            PayrollTransaction.financial_period == journal.financial_period)).scalar_one()
        session.expunge(row)
        return row


def _mark(row_id: int, **values) -> None:
    with db.session_scope() as session:
        session.execute(sa.update(PayrollTransaction).where(PayrollTransaction.id == row_id).values(**values))


def send_period(ctx, ledger, journal: PeriodJournal, segments: dict) -> None:
    """Post ``journal`` for the run of ``ctx`` (a worker.payroll.context.Context) unless its period is posted already."""
    row = _claim(ctx.run.id, journal)
    if row.state == "posted":
        return
    company, settle = ctx.mapping.ledger_company_id, dt.timedelta(seconds=settings.settle_seconds)
    if row.sent_at is not None:  # sent before, outcome unknown: look it up once the ledger had time to commit
        if utcnow() < row.sent_at + settle:
            raise Wait(row.sent_at + settle)
        batch = ledger.find_journal(ctx.ledger, company, ctx.run.reference, journal.financial_period)
        if batch is not None:
            _mark(row.id, state="posted", batch_number=batch)
            return
    _mark(row.id, sent_at=utcnow())  # committed before the POST: a crash after it leaves a doubt to resolve
    description = f"Payroll {ctx.run.year} run {ctx.run.run_number}"
    try:
        batch = ledger.post_journal(ctx.ledger, company, journal, ctx.run.reference, description, segments)
    except OutcomeUnknown:
        raise Wait(utcnow() + settle) from None
    except RemoteRejected:
        _mark(row.id, sent_at=None)  # refused: certainly not created
        raise
    _mark(row.id, state="posted", batch_number=batch)
