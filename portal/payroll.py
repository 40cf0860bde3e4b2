"""The Administrations tab: connect the payroll system and the ledger, map companies, send a period's journals."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal import connect, journalpages
from portal.extensions import get_session
from portal.headers import forms_post_to
from portal.tenancy import connections
from worker import connectors
from worker.connectors.errors import RemoteError
from worker.models import Connection, PayrollMapping, PayrollRun, Tenant
from worker.models.base import utcnow
from worker.payroll import poll, runs

bp = Blueprint("payroll", __name__, url_prefix="/administrations")


def systems(role: str) -> dict:
    """The registered connectors of one payroll role ("payroll_source" or "ledger")."""
    return {key: cls for key, cls in connectors.PAYROLL.items() if cls.role == role}


def ledger_site() -> str:
    """Where the ledger's Connect button leads (allowed as a form target on this page)."""
    return next(iter(systems("ledger").values())).oauth_site()


@bp.app_template_global()
def has_payroll() -> bool:
    """Whether the logged-in tenant has a payroll integration (the tab shows then)."""
    return bool({runs.PAYROLL_ROLE, runs.LEDGER_ROLE} & set(connections()))


def _runs_by_mapping(mappings, year: int) -> tuple[dict, str | None]:
    """Each mapping's runs in ``year`` as the payroll system lists them; the error when it could not be asked."""
    found = {}
    try:
        for mapping in mappings:
            found[mapping.id] = runs.company_runs(get_session(), mapping, year)
    except (RemoteError, KeyError) as exc:
        return found, str(exc)
    return found, None


TABS = journalpages.TABS


def _sent(tenant_id: int, tab: str | None = None) -> list[tuple[PayrollRun, str]]:
    """The tenant's journals (of one tab when given), newest first, with their ledger batch numbers."""
    return [(j["run"], ", ".join(j["batches"])) for j in journalpages.every(get_session(), tenant_id, tab)]


@bp.route("/")
@login_required
@forms_post_to(ledger_site)
def index():
    """The Administrations tab: connections, company mappings, sending and the journals sent."""
    mine, session = connections(), get_session()
    year = request.args.get("year", type=int) or dt.date.today().year
    mappings = session.execute(sa.select(PayrollMapping).where(PayrollMapping.tenant_id == current_user.tenant_id)
                               .order_by(PayrollMapping.payroll_company_name)).scalars().all()
    ready = runs.PAYROLL_ROLE in mine and mine[runs.PAYROLL_ROLE].is_connected
    found, problem = _runs_by_mapping(mappings, year) if ready else ({}, None)
    tab = request.args.get("tab") if request.args.get("tab") in TABS else None
    sent, everything = _sent(current_user.tenant_id, tab), _sent(current_user.tenant_id)
    return render_template("payroll/index.html", payroll=mine.get(runs.PAYROLL_ROLE), tab=tab,
                           ledger=mine.get(runs.LEDGER_ROLE), payroll_systems=systems("payroll_source"),
                           ledger_systems=systems("ledger"), mappings=mappings, runs=found, problem=problem,
                           year=year, sent=sent, sent_companies={r.payroll_company_id for r, _ in everything
                                                                 if r.state == "posted"})


def _connection(role: str, system: str) -> Connection:
    """The tenant's connection of ``role``, made for ``system`` when it has none yet."""
    found = connections().get(role)
    if found is None:
        found = Connection(tenant_id=current_user.tenant_id, role=role, system=system, settings={})
        get_session().add(found)
        get_session().flush()
    return found


@bp.route("/payroll", methods=["POST"])
@login_required
def connect_payroll():
    """Test the payroll system's details (user name, API token, domain) and store them when they work."""
    cls = systems("payroll_source").get(request.form.get("system", ""))
    if cls is None:
        abort(404)
    values = {field.name: request.form.get(field.name, "").strip() for field in cls.connect_fields()}
    try:
        cls.test_credentials(values)
        cls.connect(_connection(runs.PAYROLL_ROLE, cls.key), values)
    except RemoteError as exc:
        get_session().rollback()
        flash(_(cls.refusal(exc)) % {"system": cls.name, "error": exc}, "error")
        return redirect(url_for("payroll.index"))
    fetching = _fetch_runs_now(get_session())  # connected again (a new token): what was missed shows now
    get_session().commit()
    flash(_("%(system)s is connected.") % {"system": cls.name}, "success")
    if fetching:
        flash(_("Koppel is fetching the payroll runs of your mapped companies now."), "success")
    return redirect(url_for("payroll.index"))


def _fetch_runs_now(session) -> bool:
    """Queue a poll of the tenant's mapped companies in ``session``'s transaction (as the morning poll does),
    when the payroll system is connected and a company is mapped; whether their runs are being fetched."""
    payroll = connections().get(runs.PAYROLL_ROLE)
    if payroll is None or not payroll.is_connected or session.execute(sa.select(PayrollMapping.id).where(
            PayrollMapping.tenant_id == current_user.tenant_id).limit(1)).scalar() is None:
        return False
    poll.defer_tenant(session, current_user.tenant_id)  # False: one already waits, which fetches them too
    return True


@bp.route("/ledger", methods=["POST"])
@login_required
def connect_ledger():
    """Make the ledger connection when there is none, then go through the generic OAuth connect."""
    cls = systems("ledger").get(request.form.get("system", ""))
    if cls is None:
        abort(404)
    _connection(runs.LEDGER_ROLE, cls.key)
    get_session().commit()
    return connect.start(cls.connect_slug)


@bp.route("/mappings", methods=["POST"])
@login_required
def save_mapping():
    """A new mapping (or a changed one) of one payroll company to one ledger company, with its dimensions."""
    mine = connections()
    payroll, ledger = mine.get(runs.PAYROLL_ROLE), mine.get(runs.LEDGER_ROLE)
    if payroll is None or ledger is None:
        abort(404)
    payroll_names = {str(c["id"]): c["name"] for c in payroll.settings.get("companies", [])}
    ledger_names = {str(c["id"]): c["name"] for c in ledger.settings.get("companies", [])}
    chosen, target = request.form.get("payroll_company", ""), request.form.get("ledger_company", "")
    if chosen not in payroll_names or target not in ledger_names:
        flash(_("Choose a company on both sides."), "error")
        return redirect(url_for("payroll.index"))
    session = get_session()
    mapping = session.execute(sa.select(PayrollMapping).where(
        PayrollMapping.tenant_id == current_user.tenant_id, PayrollMapping.payroll_company_id == chosen)).scalar()
    if mapping is None:
        mapping = PayrollMapping(tenant_id=current_user.tenant_id, payroll_company_id=chosen)
        session.add(mapping)
    mapping.payroll_company_name, mapping.ledger_company_id = payroll_names[chosen], target
    mapping.ledger_company_name = ledger_names[target]
    mapping.cost_center_dimension = _dimension("cost_center")
    mapping.cost_unit_dimension = _dimension("cost_unit")
    mapping.auto_send = bool(request.form.get("auto_send"))
    me = session.get(Tenant, current_user.tenant_id)
    if me.configured_at is None:  # a payroll installation is finished once a company is mapped
        me.configured_at = utcnow()
    session.flush()
    fetching = _fetch_runs_now(session)  # the company's runs show now, not after the morning poll
    session.commit()
    flash(_("Saved."), "success")
    if fetching:
        flash(_("Koppel is fetching the payroll runs of %(company)s now.") % {"company": mapping.payroll_company_name},
              "success")
    return redirect(url_for("payroll.index"))


def _dimension(kind: str) -> str | None:
    """The dimension's description when its box is ticked (it must match the ledger's own description)."""
    text = request.form.get(f"{kind}_description", "").strip()
    return text or None if request.form.get(f"{kind}_on") else None


@bp.route("/send", methods=["POST"])
@login_required
def send():
    """Queue the chosen run (or every run of the chosen period) of one mapped company for the ledger."""
    year = request.form.get("year", type=int)
    run_id, period = request.form.get("run") or None, request.form.get("period", type=int)
    try:
        queued = runs.send(get_session(), current_user.tenant_id, request.form.get("mapping", type=int) or 0,
                           year or dt.date.today().year, run_id=run_id, period=period)
    except LookupError:
        abort(404)
    except RemoteError as exc:
        flash(_("The payroll system could not be asked for its runs just now (%(error)s). Try again in a minute.")
              % {"error": exc}, "error")
        return redirect(url_for("payroll.index"))
    get_session().commit()
    if not queued:
        flash(_("There is no run for that period."), "error")
    else:
        flash(_("The journal is being sent. Its status shows below."), "success")
    return redirect(url_for("payroll.index", year=year))
