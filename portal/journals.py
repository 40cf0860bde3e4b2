"""The dashboard of an integration whose documents are journals (a payroll system into a ledger): its tabs,
and More info, Process and Report problem on one journal; each action swaps only its own row."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, g, render_template, request
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal import journalpages, journalsearch, problems
from portal.extensions import get_session
from portal.tenancy import connections
from worker import connectors
from worker.i18n import N_
from worker.models import PayrollRun
from worker.payroll import details, runs, tickets

bp = Blueprint("journals", __name__, url_prefix="/journals")


def lists(mine: dict) -> str:
    """What the dashboard lists for the tenant's integration, as its connectors declare it ("orders", "journals")."""
    kinds = {connectors.get(c.system).dashboard_lists for c in mine.values() if c.system in connectors.REGISTRY}
    return "journals" if "journals" in kinds else "orders"


@bp.app_template_global()
def ledger_name() -> str:
    """The name of the tenant's ledger, for the column of its transaction numbers."""
    ledger = connections().get(runs.LEDGER_ROLE)
    return connectors.get(ledger.system).name if ledger is not None else _("the ledger")


@bp.app_template_global()
def payroll_name() -> str:
    """The name of the tenant's payroll system, for the search box (its company numbers)."""
    payroll = connections().get(runs.PAYROLL_ROLE)
    return connectors.get(payroll.system).name if payroll is not None else _("the payroll system")


@bp.app_template_global()
def journal_advice(run: PayrollRun) -> str:
    """The journal's stored error and advice in the viewer's language."""
    if not run.error_message:
        return ""
    try:
        return _(run.error_message) % (run.error_params or {})
    except (KeyError, TypeError, ValueError):  # a stored text without its values (an old row): shown as it is
        return run.error_message


@bp.app_template_global()
def period_name(run: PayrollRun) -> str:
    """The run's period as the month's name in the viewer's language ("maart"), or by number ("period 3") when
    its company's periods are not months (4-weekly: 1..13), as the payroll system listed it at connecting."""
    if 1 <= run.period <= 12 and _monthly(run.payroll_company_id):
        return format_date(dt.date(run.year, run.period, 1), "LLLL")
    return _("period %(number)s", number=run.period)


def _monthly(company_id: str) -> bool:
    if "payroll_companies" not in g:  # read once a request, not once a row
        payroll = connections().get(runs.PAYROLL_ROLE)
        g.payroll_companies = {str(c.get("id")): c for c in (payroll.settings.get("companies", []) if payroll else [])}
    return g.payroll_companies.get(str(company_id), {}).get("monthly", True)  # listed before it was kept: months


def tab_context(tab: str, page: int, after: int | None, before: int | None) -> dict:
    """What the dashboard's tab template needs to list journals instead of orders, narrowed by the search."""
    session, tenant_id = get_session(), current_user.tenant_id
    search = journalsearch.parse(request.args.get("q", ""), request.args.get("year", ""),
                                 request.args.get("period", ""))
    payroll = connections().get(runs.PAYROLL_ROLE)
    where = journalsearch.conditions(tenant_id, search, journalsearch.company_numbers(payroll and payroll.settings))
    context = journalpages.tab_page(session, tenant_id, tab, page, current_app.config["PAGE_SIZE"], after, before,
                                    where)
    counts = {name: journalpages.capped_count(session, journalpages.conditions(tenant_id, name))
              for name in ("errors", "open")}
    return {**context, "counts": counts, "search": search, "body": "dashboard/_journal_tab.html"}


def journal_or_404(run_id: int, lock: bool = False) -> PayrollRun:
    """The tenant's journal ``run_id`` (row-locked with ``lock``); 404 for another tenant's or none."""
    query = sa.select(PayrollRun).where(PayrollRun.id == run_id, PayrollRun.tenant_id == current_user.tenant_id)
    found = get_session().execute(query.with_for_update() if lock else query).scalar()
    if found is None:
        abort(404)
    return found


def render_row(run_id: int, note: str | None = None):
    journal = journalpages.one(get_session(), current_user.tenant_id, run_id)
    tab = request.values.get("tab") or journalpages.TAB_OF_STATE[journal["run"].state]
    return render_template("dashboard/_journal_row.html", journal=journal, tab=tab, note=note, live=True)


@bp.route("/<int:run_id>/row")
@login_required
def show_row(run_id: int):
    """One journal's row as it stands now (polled while it is being sent)."""
    return render_row(journal_or_404(run_id).id)


@bp.route("/<int:run_id>/info")
@login_required
def show_info(run_id: int):
    """More info: the lines per period and each part of the before-send check, read now; the stored error."""
    run = journal_or_404(run_id)
    return render_template("dashboard/_journal_info.html", run=run, found=details.of_run(run.id),
                           transactions=journalpages.one(get_session(), current_user.tenant_id, run.id)["batches"])


@bp.route("/<int:run_id>/process", methods=["POST"])
@login_required
def process(run_id: int):
    """Process: send the journal now through the posting job (a double click finds it queued: once)."""
    session = get_session()
    run = journal_or_404(run_id, lock=True)
    runs.queue_again(session, run)
    session.commit()
    return render_row(run_id)


@bp.route("/<int:run_id>/report", methods=["POST"])
@login_required
def report(run_id: int):
    """Report problem: open a ticket with everything webcare needs about the journal."""
    run = journal_or_404(run_id, lock=True)
    return render_row(run_id, note=problems.report(get_session(), run, tickets, N_(
        "Ticket %(ticket)s about this journal is already with webcare; they answer by e-mail.")))
