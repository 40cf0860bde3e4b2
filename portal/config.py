"""The Configuration tab: each section is edited in place (htmx) and saved for this tenant only."""
from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_decimal, gettext as _
from flask_login import current_user, login_required

from portal.extensions import get_session
from portal.htmx import is_partial_request
from portal.tenancy import connections, tenant
from worker import configuration, connectors, pairs, price_basis, vat_rates
from worker.connectors.errors import RemoteError
from worker.models.base import utcnow

bp = Blueprint("config", __name__, url_prefix="/config")


def page_context(**extra) -> dict:
    mine, me = connections(), tenant()
    target, source = mine.get("target"), mine.get("source")
    return {"tenant": me, "connections": mine, "target": target, "source": source,
            "system": connectors.get(target.system), "options": configuration.options(target),
            "vat_rows": configuration.vat_rows(target, me.country),
            "vat_choices": configuration.vat_code_choices(target), "eu_countries": vat_rates.EU,
            "vat_rates_date": format_date(vat_rates.as_of(), "d MMMM y"),
            "target_name": connectors.get(target.system).name,
            "document_types": configuration.allowed_document_types(target),
            "statuses": connectors.get(source.system).transferable_statuses(source),
            "status_labels": connectors.get(source.system).status_labels_for(source), "errors": {}, "saved": None,
            "row_error": None, "shown": target.settings,
            "ticked": (source.settings.get("transfer_statuses") or "paid").split(","),
            "prefix": source.settings.get("reference_prefix", ""),
            "channel": connectors.get(source.system).sales_channel(source),
            "shop_basis": price_basis.declared(source.system), **extra}


def render_section(section: str, **extra):
    """The section alone for htmx, else the whole Configuration page."""
    context = page_context(**extra)
    if is_partial_request():
        return render_template(f"config/_{section}.html", **context)
    return render_template("config/index.html", **context)


def mark_configured() -> None:
    me, target = tenant(), connections()["target"]
    if me.configured_at is None and configuration.is_configured(target, me.country):
        me.configured_at = utcnow()


@bp.before_request
def only_with_books():
    """An installation without an accounting system (payroll only) configures in the Administrations tab."""
    if current_user.is_authenticated and "target" not in connections():
        return redirect(url_for("payroll.index" if pairs.kind_of_connections(connections()) == pairs.PAYROLL
                                else "dashboard.index"))
    return None


@bp.route("/")
@login_required
def index():
    """The Configuration tab."""
    return render_template("config/index.html", **page_context())


@bp.route("/general", methods=["POST"])
@login_required
def save_general():
    """Save what Koppel creates and the general choices the accounting system declares."""
    target = connections()["target"]
    typed = request.form.to_dict()
    errors = configuration.save_general(target, typed)
    if errors:  # the merchant's choices stay as they were typed, with the errors beside them
        get_session().rollback()
        return render_section("general", errors=errors, shown={**connections()["target"].settings, **typed})
    mark_configured()
    get_session().commit()
    return render_section("general", saved="general")


@bp.route("/statuses", methods=["POST"])
@login_required
def save_statuses():
    """Save the shop statuses that transfer an order, and the prefix of this shop's references."""
    source, ticked = connections()["source"], request.form.getlist("status")
    prefix = request.form.get("reference_prefix", "")
    errors = configuration.save_statuses(source, ticked, prefix)
    if errors:
        get_session().rollback()
        return render_section("statuses", errors=errors, ticked=ticked, prefix=prefix[:10])
    get_session().commit()
    return render_section("statuses", saved="statuses")


def vat_form_rows() -> list[dict]:
    """The VAT table as the form sent it, rates written the way the table keys them ("7" is "7.00")."""
    form, rows = request.form, []
    for key in form.getlist("key"):
        rate = form.get(f"rate-{key}", "")
        parsed = vat_rates.parse_rate(rate)
        rows.append({"key": key, "country": form.get(f"country-{key}", ""),
                     "rate": f"{parsed:.2f}" if parsed is not None else rate,
                     "vat_code": form.get(f"code-{key}", ""), "gl_account": form.get(f"gl-{key}", ""),
                     **({"custom": True} if form.get(f"custom-{key}") else {})})
    return rows


@bp.route("/vat", methods=["POST"])
@login_required
def save_vat():
    """Save the VAT table: rate, VAT code and revenue account per country, ICP and International."""
    rows = vat_form_rows()
    errors = configuration.save_vat_table(connections()["target"], rows)
    if errors:  # show what the merchant chose, with the errors beside it
        return render_section("vat", errors=errors, vat_rows=rows)
    mark_configured()
    get_session().commit()
    return render_section("vat", saved="vat")


@bp.route("/vat/rows", methods=["POST"])
@login_required
def add_vat_row():
    """Add a row for a rate the EU's list lacks (kept when the table is saved)."""
    rows, error = configuration.add_vat_row(vat_form_rows(), request.form.get("new_country", ""),
                                            request.form.get("new_rate", ""))
    return render_section("vat", vat_rows=rows, row_error=error, saved=None if error else "vat-row-added")


@bp.route("/vat/rows/remove", methods=["POST"])
@login_required
def remove_vat_row():
    """Take out a row the merchant added (gone once the table is saved)."""
    rows = configuration.remove_vat_row(vat_form_rows(), request.form.get("remove_row", ""))
    return render_section("vat", vat_rows=rows, saved="vat-row-removed")


@bp.app_template_global()
def percent(value) -> str:
    """A rate as a merchant reads it in the page's language: 7, 5.5 (5,5 in Dutch)."""
    rate = vat_rates.parse_rate(value)
    return str(value) if rate is None else format_decimal(rate)


@bp.app_template_global()
def error_text(error) -> str:
    """A field error from the engine in the page's language; rates in it are written as percent() does."""
    if isinstance(error, str):
        return _(error)
    message, params = error
    return _(message, **{k: percent(v) if isinstance(v, Decimal) else v for k, v in params.items()})


@bp.route("/vat/remove", methods=["POST"])
@login_required
def remove_vat():
    """Remove VAT settings: start the table over (after the merchant confirmed)."""
    target = connections()["target"]
    target.settings = {k: v for k, v in target.settings.items() if k not in ("vat_table", "vat_map")}
    get_session().commit()
    return render_section("vat", saved="vat-removed")


@bp.route("/payments", methods=["POST"])
@login_required
def save_payments():
    """Save payment methods that always book on one fixed debtor, the ledgers their payments come in on, and
    the debtor of orders without an e-mail address."""
    form, target = request.form, connections()["target"]
    configuration.save_payment_methods(target, form.getlist("method"), form.getlist("debtor"), form.getlist("ledger"))
    if "no_email_debtor" in form:  # the debtor of this channel's orders without e-mail (pipeline/debtors.py)
        source = connections()["source"]
        channel = connectors.get(source.system).sales_channel(source)[0]
        chosen = {**(target.settings.get("no_email_debtors") or {}), channel: form["no_email_debtor"]}
        target.settings = {**target.settings, "no_email_debtors": {k: v for k, v in chosen.items() if v}}
    get_session().commit()
    return render_section("payments", saved="payments")


@bp.route("/payments/debtors", methods=["POST"])
@login_required
def find_debtors():
    """List the accounting system's debtors whose name contains the text given, for the fixed-debtor drop-downs."""
    target = connections()["target"]
    needle = request.form.get("debtor_filter", "").strip()[:50]
    if not needle:
        return render_section("payments", errors={"debtor_filter": _("Type part of the debtor's name first.")})
    try:
        cls = connectors.get(target.system)
        found = [cls.customer_row(row) for row in cls.debtors(target, needle)]
    except RemoteError as exc:
        return render_section("payments", errors={"debtor_filter": _("%(system)s did not answer (%(error)s).")
                                                  % {"system": connectors.get(target.system).name, "error": exc}})
    target.settings = {**target.settings, "debtor_filter": needle, "debtor_choices": found[:200]}
    get_session().commit()
    return render_section("payments")


@bp.route("/reload", methods=["POST"])
@login_required
def reload_reference():
    """Reload the administration's reference data (VAT codes, accounts ...) from the accounting system."""
    target = connections()["target"]
    chosen = connectors.get(target.system).administration_setting
    value = request.form.get(chosen.name, "").strip() if chosen else ""
    if value.isdigit():  # an administration chosen by hand (numbered)
        target.settings = {**target.settings, chosen.name: value}
    try:
        target.settings = {**target.settings,
                           "reference": connectors.get(target.system).reference_data(target)}
    except RemoteError as exc:
        get_session().rollback()
        flash(_("%(system)s did not give us the data (%(error)s). Check the administration and try again.")
              % {"system": connectors.get(target.system).name, "error": exc}, "error")
        return redirect(url_for("config.index"))
    get_session().commit()
    flash(_("The data of your administration was reloaded from %(system)s.")
          % {"system": connectors.get(target.system).name}, "success")
    return redirect(url_for("config.index"))
