"""The Configuration tab: each section is edited in place (htmx) and saved for this tenant only."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from portal.extensions import get_session
from portal.htmx import is_partial_request
from portal.tenancy import connections, tenant
from worker import configuration, connectors
from worker.connectors.errors import RemoteError
from worker.models.base import utcnow

bp = Blueprint("config", __name__, url_prefix="/config")


def page_context(**extra) -> dict:
    mine, me = connections(), tenant()
    target, source = mine.get("target"), mine.get("source")
    reference = target.settings.get("reference") or {}
    return {"tenant": me, "connections": mine, "target": target, "source": source,
            "options": configuration.options(reference),
            "vat_codes": configuration.vat_codes_for(reference, target.settings.get("price_mode", "incl")),
            "vat_rows": configuration.vat_rows(target, me.country),
            "document_types": configuration.allowed_document_types(target),
            "statuses": connectors.get(source.system).transferable_statuses(),
            "status_labels": connectors.get(source.system).status_labels, "errors": {}, "saved": None, **extra}


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


@bp.route("/")
@login_required
def index():
    """The Configuration tab."""
    return render_template("config/index.html", **page_context())


@bp.route("/general", methods=["POST"])
@login_required
def save_general():
    """Save what Koppel creates and where (document type, journals, payment condition, warehouse)."""
    errors = configuration.save_general(connections()["target"], request.form.to_dict())
    if not errors:
        mark_configured()
        get_session().commit()
    return render_section("general", errors=errors, saved=None if errors else "general")


@bp.route("/statuses", methods=["POST"])
@login_required
def save_statuses():
    """Save the shop statuses that transfer an order, and the prefix of this shop's references."""
    source = connections()["source"]
    errors = configuration.save_statuses(source, request.form.getlist("status"),
                                         request.form.get("reference_prefix", ""))
    if not errors:
        get_session().commit()
    return render_section("statuses", errors=errors, saved=None if errors else "statuses")


@bp.route("/vat", methods=["POST"])
@login_required
def save_vat():
    """Save the VAT table: rate, VAT code and revenue account per country, ICP and International."""
    keys = request.form.getlist("key")
    rows = [{"key": key, "country": request.form.get(f"country-{key}", ""), "rate": request.form.get(f"rate-{key}", ""),
             "vat_code": request.form.get(f"code-{key}", ""), "gl_account": request.form.get(f"gl-{key}", "")}
            for key in keys]
    errors = configuration.save_vat_table(connections()["target"], rows)
    if not errors:
        mark_configured()
        get_session().commit()
    return render_section("vat", errors=errors, saved=None if errors else "vat")


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
    """Save payment methods that always book on one fixed debtor."""
    target = connections()["target"]
    debtors = {m: d for m, d in zip(request.form.getlist("method"), request.form.getlist("debtor")) if m and d}
    target.settings = {**target.settings, "payment_debtors": debtors}
    get_session().commit()
    return render_section("payments", saved="payments")


@bp.route("/payments/debtors", methods=["POST"])
@login_required
def find_debtors():
    """List the Exact debtors whose name contains the text given, for the fixed-debtor drop-downs."""
    target = connections()["target"]
    needle = request.form.get("debtor_filter", "").strip()[:50]
    if not needle:
        return render_section("payments", errors={"debtor_filter": _("Type part of the debtor's name first.")})
    try:
        found = connectors.get(target.system).debtors(target, needle)
    except RemoteError as exc:
        return render_section("payments", errors={"debtor_filter": _("Exact Online did not answer (%(error)s).")
                                                  % {"error": exc}})
    target.settings = {**target.settings, "debtor_filter": needle, "debtor_choices": found[:200]}
    get_session().commit()
    return render_section("payments")


@bp.route("/reload", methods=["POST"])
@login_required
def reload_reference():
    """Reload VAT codes, ledger accounts, journals, payment conditions and warehouses from Exact Online."""
    target = connections()["target"]
    division = request.form.get("division", "").strip()
    if division.isdigit():
        target.settings = {**target.settings, "division": division}
    try:
        target.settings = {**target.settings,
                           "reference": connectors.get(target.system).reference_data(target)}
    except RemoteError as exc:
        get_session().rollback()
        flash(_("Exact Online did not give us the data (%(error)s). Check the division code and try again.")
              % {"error": exc}, "error")
        return redirect(url_for("config.index"))
    get_session().commit()
    flash(_("The data of division %(division)s was reloaded from Exact Online.")
          % {"division": target.settings.get("division")}, "success")
    return redirect(url_for("config.index"))
