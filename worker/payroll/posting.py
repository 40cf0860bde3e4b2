"""Posting one payroll run into the ledger, exactly once per run and period.

Each period's transaction has a row, committed with ``sent_at`` before its POST goes out. A row
sent but not known posted (the worker died, or the answer never came) is looked up by our reference
once the ledger had time to commit (``settle_seconds``); only when it is not there is it sent again.
A run posted before is read again and compared: a re-opened run that changed is reported, never posted.
"""
from __future__ import annotations

import sqlalchemy as sa

from worker import connectors, db
from worker.connectors.errors import ReauthRequired, RemoteRejected
from worker.i18n import N_
from worker.models import PayrollRun, PayrollTransaction
from worker.models.base import utcnow
from worker.payroll import checks, runs
from worker.payroll.context import Context, context, journal_lines
from worker.payroll.periods import Wait, send_period
from worker.payroll.journal import JournalError, PeriodJournal, build, fingerprint

CHANGED = N_("Run %(run)s of %(year)s changed in %(payroll)s after it was sent to %(ledger)s (batch %(batches)s). "
             "Nothing was sent again: book the difference in %(ledger)s by hand, or reverse those transactions "
             "there and use Report problem so we send the run anew.")
UNREACHABLE = N_("Run %(run)s could not be sent: %(payroll)s or %(ledger)s did not answer through every retry "
                 "(%(value)s). Nothing is lost; send it again later.")


def post_run(payroll_run_id: int) -> None:
    """Post (or re-check) one run; its row ends posted, failed or changed, or a later job looks up a doubt."""
    ctx = context(payroll_run_id)
    if ctx is None:
        return
    try:
        _post(ctx)
    except JournalError as exc:
        _finish(ctx.run.id, "failed", exc.code, exc.message, {**ctx.names, **exc.params})
    except ReauthRequired as exc:
        _finish(ctx.run.id, "failed", "LEDGER_REAUTH", str(exc), ctx.names)
    except Wait as wait:
        with db.session_scope() as session:
            runs.defer(session, session.get(PayrollRun, ctx.run.id), schedule_at=wait.until)


def _prepare(ctx: Context, lines) -> tuple[list[PeriodJournal], dict]:
    """The run's transactions and dimension segments, once every before-send check passed."""
    journals = build(lines, ctx.run.year, ctx.run.run_number)
    _totals(ctx.run.id, journals)  # known now, so a run the ledger's check stops still shows what it books
    ledger = connectors.get(ctx.ledger.system)
    reference = ledger.reference_data(ctx.ledger, ctx.mapping.ledger_company_id)
    segments = checks.dimensions(reference, {"cost_center": ctx.mapping.cost_center_dimension,
                                             "cost_unit": ctx.mapping.cost_unit_dimension})
    checks.before_send(journals, reference)
    return journals, segments


def _totals(payroll_run_id: int, journals: list[PeriodJournal]) -> None:
    with db.session_scope() as session:
        session.execute(sa.update(PayrollRun).where(PayrollRun.id == payroll_run_id).values(
            total_debit=sum(j.debit for j in journals), total_credit=sum(j.credit for j in journals)))


def _post(ctx: Context) -> None:
    lines = journal_lines(ctx)
    digest = fingerprint(lines)
    if ctx.run.fingerprint is not None and _touched(ctx.run.id):
        if digest != ctx.run.fingerprint:
            _finish(ctx.run.id, "changed", "PAYROLL_RUN_CHANGED", CHANGED,
                    {**ctx.names, "batches": ", ".join(_posted_batches(ctx.run.id))})
            return
        if ctx.run.state in ("posted", "changed"):
            return  # sent, unchanged: nothing to do
    if ctx.run.state == "open":
        return  # only checked (check_run), never sent without the merchant
    journals, segments = _prepare(ctx, lines)
    ledger = connectors.get(ctx.ledger.system)
    _start(ctx.run.id, digest, journals)
    for journal in journals:
        try:
            send_period(ctx, ledger, journal, segments)
        except RemoteRejected as exc:
            advice = ledger.advise(exc)
            raise JournalError(advice.code, advice.message, value=advice.value) from exc
    _finish(ctx.run.id, "posted", None, None, None)


def give_up(payroll_run_id: int, reason: str) -> None:
    """After the last retry: the run is failed with the reason (a period in doubt is looked up when sent again)."""
    ctx = context(payroll_run_id)
    if ctx is not None:
        _finish(ctx.run.id, "failed", "REMOTE_UNREACHABLE", UNREACHABLE, {**ctx.names, "value": reason})


def check_run(payroll_run_id: int) -> None:
    """The before-send check of a run that appeared (not sent): a failing one goes to failed with its advice
    (the Errors tab; Process sends it once fixed), a passing one stays open (the Open tab) with its totals."""
    ctx = context(payroll_run_id)
    if ctx is None or ctx.run.state != "open":
        return
    try:
        _prepare(ctx, journal_lines(ctx))  # stores the totals once the journal is built
    except JournalError as exc:
        _checked(ctx.run.id, "failed", exc.code, exc.message, {**ctx.names, **exc.params})
        return
    _checked(ctx.run.id, "open", None, None, None)


def _checked(payroll_run_id: int, state: str, code, message, params) -> None:
    """Store the check's outcome, unless the merchant pressed Process meanwhile (the run is no longer open)."""
    with db.session_scope() as session:
        run = session.get(PayrollRun, payroll_run_id, with_for_update=True)
        if run.state != "open":
            return
        run.state, run.error_code, run.error_message, run.error_params = state, code, message, params


def _touched(payroll_run_id: int) -> bool:
    """Whether a period of the run is posted, or was sent with its outcome still unknown (maybe posted)."""
    with db.session_scope() as session:
        return session.execute(sa.select(sa.exists().where(
            PayrollTransaction.run_id == payroll_run_id,
            sa.or_(PayrollTransaction.state == "posted", PayrollTransaction.sent_at.is_not(None))))).scalar()


def _posted_batches(payroll_run_id: int) -> list[str]:
    with db.session_scope() as session:
        return list(session.execute(sa.select(PayrollTransaction.batch_number).where(
            PayrollTransaction.run_id == payroll_run_id, PayrollTransaction.state == "posted")
            .order_by(PayrollTransaction.financial_period)).scalars())


def _start(payroll_run_id: int, digest: str, journals: list[PeriodJournal]) -> None:
    with db.session_scope() as session:
        run = session.get(PayrollRun, payroll_run_id, with_for_update=True)
        run.state, run.fingerprint = "sending", digest
        run.total_debit = sum(j.debit for j in journals)
        run.total_credit = sum(j.credit for j in journals)


def _finish(payroll_run_id: int, state: str, code, message, params) -> None:
    with db.session_scope() as session:
        run = session.get(PayrollRun, payroll_run_id, with_for_update=True)
        run.state, run.error_code, run.error_message, run.error_params = state, code, message, params
        if state == "posted":
            run.sent_at = utcnow()
