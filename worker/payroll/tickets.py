"""Report problem on a payroll journal: a ticket holding the run, its transactions, the calls and the settings,
frozen when it came in, the same inbox and e-mails as a problem reported on an order (worker.support)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import orm

from worker import mail
from worker.config import settings
from worker.i18n import gettext_for
from worker.models import Connection, PayrollRun, PayrollTransaction, RemoteCall, Tenant, Ticket
from worker.models.base import utcnow
from worker.payroll import runs
from worker.staff import ticket_mail  # the subject carries the token a reply comes back with


def advice(payroll_run: PayrollRun, language: str) -> str:
    """The run's stored advice (an N_ text with its values) in ``language``; empty when it has none."""
    if not payroll_run.error_message:
        return ""
    return gettext_for(language)(payroll_run.error_message) % (payroll_run.error_params or {})


def snapshot(session: orm.Session, payroll_run: PayrollRun) -> dict:
    """The journal, its period transactions, the payroll and ledger calls and the (non-secret) settings, now."""
    found = runs.connections(session, payroll_run.tenant_id)
    rows = session.execute(sa.select(PayrollTransaction).where(PayrollTransaction.run_id == payroll_run.id)
                           .order_by(PayrollTransaction.financial_period)).scalars()
    calls = session.execute(sa.select(RemoteCall).where(RemoteCall.connection_id.in_([c.id for c in found.values()]))
                            .order_by(RemoteCall.id.desc()).limit(30)).scalars()
    return {
        "journal": {"id": payroll_run.id, "company": payroll_run.payroll_company_id, "year": payroll_run.year,
                    "run": payroll_run.run_number, "period": payroll_run.period, "reference": payroll_run.reference,
                    "state": payroll_run.state, "error_code": payroll_run.error_code,
                    "error_message": advice(payroll_run, "en"), "total_debit": str(payroll_run.total_debit),
                    "total_credit": str(payroll_run.total_credit)},
        "transactions": [{"period": t.financial_period, "state": t.state, "batch_number": t.batch_number,
                          "debit": str(t.debit), "credit": str(t.credit)} for t in rows],
        "calls": [{"at": c.created_at.isoformat(), "method": c.method, "url": c.url, "sent": c.request_body,
                   "status": c.status, "answer": c.response_body, "error": c.error} for c in calls],
        # Secrets live in their own encrypted column; settings hold none.
        "settings": {c.role: {"system": c.system, "status": c.status, "settings": c.settings} for c in session.execute(
            sa.select(Connection).where(Connection.tenant_id == payroll_run.tenant_id)).scalars()},
        "reported_at": utcnow().isoformat(),
    }


def open_ticket_of(session: orm.Session, payroll_run: PayrollRun) -> Ticket | None:
    """The ticket still open (or waiting) about the journal, if there is one."""
    return session.execute(sa.select(Ticket).where(Ticket.payroll_run_id == payroll_run.id, Ticket.status != "closed")
                           .order_by(Ticket.id).limit(1)).scalar()


def report_problem(session: orm.Session, payroll_run: PayrollRun, reporter: str) -> Ticket:
    """Open a ticket for the journal (one while it is not closed: the caller holds the run's row lock) and tell
    webcare (in English) and the merchant (in their language)."""
    existing = open_ticket_of(session, payroll_run)
    if existing is not None:
        return existing
    ticket = Ticket(tenant_id=payroll_run.tenant_id, payroll_run_id=payroll_run.id,
                    snapshot={**snapshot(session, payroll_run), "reporter": reporter})
    session.add(ticket)
    session.flush()
    tenant = session.get(Tenant, payroll_run.tenant_id)
    name = f"{payroll_run.reference} ({payroll_run.year} run {payroll_run.run_number})"
    mail.queue_email(session, tenant.id, [settings.webcare_email],
                     f"Ticket {ticket.id}: journal {name} of {tenant.name} ({tenant.licence_key})",
                     f"{reporter} reported a problem with payroll journal {name}.\n"
                     f"Error: {payroll_run.error_code or '-'} {advice(payroll_run, 'en')}\n"
                     f"The staff console shows the full snapshot of ticket {ticket.id}.", "ticket")
    _ = gettext_for(tenant.language)
    values = {"journal": payroll_run.reference, "ticket": ticket.id, "key": tenant.licence_key}
    mail.queue_email(session, tenant.id, mail.recipients_of(tenant),
                     ticket_mail.tagged(_("We received your report about journal %(journal)s (ticket %(ticket)s)")
                                        % values, ticket.id),
                     _("Thank you. Webcare has everything about journal %(journal)s that they need, and will answer "
                       "by e-mail. Quote ticket %(ticket)s and licence key %(key)s if you write to us about it.")
                     % values, "ticket-receipt")
    return ticket
