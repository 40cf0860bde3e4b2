"""Connecting the accounting system: the OAuth redirect and callback the tenant's target declares."""
from __future__ import annotations

import secrets as pysecrets

from flask import Blueprint, abort, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.extensions import get_session
from portal.tenancy import connections
from worker import connectors
from worker.config import settings
from worker.connectors.errors import RemoteError
from worker.models import Tenant
from worker.pipeline import retry

bp = Blueprint("connect", __name__, url_prefix="/connect")


def callback_url(slug: str) -> str:
    return settings.public_url + url_for("connect.finish", slug=slug)


def my_target(slug: str | None = None):
    """The tenant's connection that connects by OAuth (its accounting target, or the ledger its payroll
    journals go to; the one under ``slug`` when given) and its connector class; 404 when there is none."""
    mine = connections()
    for role in ("target", "ledger"):
        connection = mine.get(role)
        cls = connectors.REGISTRY.get(connection.system) if connection is not None else None
        if cls is not None and cls.connect_kind == "oauth" and slug in (None, cls.connect_slug):
            return connection, cls
    abort(404)


@bp.app_template_global()
def connector_of(connection):
    """The connector class of ``connection`` (its ``name``, ``connect_slug`` ...), None without one."""
    return connectors.REGISTRY.get(connection.system) if connection is not None else None


@bp.app_template_global()
def accounting_name() -> str:
    """The name of the logged-in tenant's accounting system (read once per request)."""
    if "accounting_name" not in g:
        system = connector_of(connections().get("target")) if current_user.is_authenticated else None
        g.accounting_name = system.name if system is not None else _("your accounting system")
    return g.accounting_name


def login_site() -> str:
    """The site the tenant's target logs in on: its Connect button's form ends there."""
    target = connections().get("target") if current_user.is_authenticated else None
    cls = connectors.TARGETS.get(target.system) if target is not None else None
    return cls.oauth_site() if cls is not None and cls.connect_kind == "oauth" else settings.public_url


@bp.route("/<slug>", methods=["POST"])
@login_required
def start(slug: str):
    """Send the merchant to their accounting system to log in and grant access."""
    target, cls = my_target(slug)
    url, state, verifier = cls.oauth_start(callback_url(slug))
    # Bound to this login session and tenant: the callback stores tokens for this tenant only.
    session["target_oauth"] = {"state": state, "verifier": verifier, "tenant_id": current_user.tenant_id,
                               "system": target.system}
    return redirect(url)


@bp.route("/<slug>/callback")
@login_required
def finish(slug: str):
    """The accounting system sends the merchant back here with an authorization code."""
    target, cls = my_target(slug)
    pending, values = session.pop("target_oauth", None), {"system": cls.name}
    home = url_for("payroll.index") if target.role == "ledger" else url_for("dashboard.index")
    if request.args.get("error"):
        # A connector may know what its refusal usually means (e.g. "log out of the other system first").
        advice = getattr(cls, "denied_advice", "")
        flash(_(advice) if advice else _("%(system)s did not grant access, so nothing was connected. "
                                         "Press Connect to try again.") % values, "error")
        return redirect(home)
    if (not pending or pending["tenant_id"] != current_user.tenant_id or pending["system"] != target.system
            or not pysecrets.compare_digest(pending["state"], request.args.get("state", ""))):
        flash(_("This %(system)s login did not start from this session (were you logged in in another window?). "
                "Press Connect once more from this dashboard.") % values, "error")
        return redirect(home)
    try:
        finish_connection(target, cls, callback_url(slug), request.args.get("code", ""), pending["verifier"])
    except RemoteError as exc:
        flash(_("%(system)s refused the connection: %(error)s. Press Connect to try again.")
              % {**values, "error": exc}, "error")
        return redirect(home)
    flash(_("%(system)s is connected.") % values, "success")
    if target.role == "ledger":
        return redirect(home)
    tenant = get_session().get(Tenant, current_user.tenant_id)
    if tenant.configured_at is None:  # still installing: back to the next step
        return redirect(url_for("install.show", token=tenant.install_token))
    return redirect(url_for("dashboard.index"))


def finish_connection(target, cls, redirect_uri: str, code: str, verifier: str) -> None:
    """Let the connector store the tokens and learn its administration; retry orders that waited for a login."""
    db_session = get_session()
    cls.oauth_finish(db_session, target, redirect_uri, code, verifier)
    if target.role == "target":  # orders wait for the accounting target only, not for a payroll ledger
        retry.requeue_reauth_failures(db_session, target.tenant_id)
    db_session.commit()
