"""Connecting by OAuth: the redirect and callback of whichever of the tenant's connections (source, target,
or the ledger payroll journals go to) declares ``connect_kind = "oauth"``, found by its ``connect_slug``."""
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
from worker.mirror import sync as mirror_sync

bp = Blueprint("connect", __name__, url_prefix="/connect")


def callback_url(slug: str) -> str:
    return settings.public_url + url_for("connect.finish", slug=slug)


def oauth_connections() -> list:
    """The tenant's connections that connect by OAuth, with their connector classes (source first)."""
    mine, found = connections(), []
    for role in ("source", "target", "ledger"):
        cls = connectors.REGISTRY.get(mine[role].system) if role in mine else None
        if cls is not None and cls.connect_kind == "oauth":
            found.append((mine[role], cls))
    return found


def my_connection(slug: str):
    """The tenant's connection that connects by OAuth under ``slug`` and its connector class; 404 otherwise."""
    for connection, cls in oauth_connections():
        if cls.connect_slug == slug:
            return connection, cls
    abort(404)


@bp.app_template_global()
def connector_of(connection):
    """The connector class of ``connection`` (its ``name``, ``connect_slug`` ...), None without one."""
    return connectors.REGISTRY.get(connection.system) if connection is not None else None


@bp.app_template_global()
def connected_text(connection) -> str:
    """What a connected connection is connected to (an administration, a marketplace), in the viewer's
    language; plain "Connected." when the connector says nothing more or a value is missing."""
    text = getattr(connector_of(connection), "connected_text", None) or "Connected."
    try:
        return _(text) % (connection.settings or {})
    except (KeyError, TypeError, ValueError):
        return _("Connected.")


@bp.app_template_global()
def accounting_name() -> str:
    """The name of the logged-in tenant's accounting system (read once per request)."""
    if "accounting_name" not in g:
        system = connector_of(connections().get("target")) if current_user.is_authenticated else None
        g.accounting_name = system.name if system is not None else _("your accounting system")
    return g.accounting_name


def login_site() -> list[str]:
    """The sites the tenant's OAuth connections log in on: their Connect buttons' forms end there."""
    found = [cls.oauth_site() for _, cls in oauth_connections()] if current_user.is_authenticated else []
    return found or [settings.public_url]


def keep_chosen(connection, cls) -> None:
    """Settings asked next to the Connect button (a choice such as a marketplace) are kept before leaving."""
    for field in cls.connect_fields():
        value = request.form.get(field.name, "").strip()
        if value and not field.secret and (not field.choices or value in field.choices):
            connection.settings = {**connection.settings, field.name: value}


@bp.route("/<slug>", methods=["POST"])
@login_required
def start(slug: str):
    """Send the merchant to the other system to log in and grant access."""
    connection, cls = my_connection(slug)
    keep_chosen(connection, cls)
    get_session().commit()
    url, state, verifier = cls.oauth_start(callback_url(slug))
    # Bound to this login session and tenant: the callback stores tokens for this tenant only.
    session["connect_oauth"] = {"state": state, "verifier": verifier, "tenant_id": current_user.tenant_id,
                                "system": connection.system}
    return redirect(url)


@bp.route("/<slug>/callback")
@login_required
def finish(slug: str):
    """The other system sends the merchant back here with an authorization code."""
    connection, cls = my_connection(slug)
    pending, values = session.pop("connect_oauth", None), {"system": cls.name}
    home = url_for("payroll.index") if connection.role == "ledger" else url_for("dashboard.index")
    if request.args.get("error"):
        # A connector may know what its refusal usually means (e.g. "log out of the other system first").
        advice = getattr(cls, "denied_advice", "")
        flash(_(advice) if advice else _("%(system)s did not grant access, so nothing was connected. "
                                         "Press Connect to try again.") % values, "error")
        return redirect(home)
    if (not pending or pending["tenant_id"] != current_user.tenant_id or pending["system"] != connection.system
            or not pysecrets.compare_digest(pending["state"], request.args.get("state", ""))):
        flash(_("This %(system)s login did not start from this session (were you logged in in another window?). "
                "Press Connect once more from this dashboard.") % values, "error")
        return redirect(home)
    try:
        finish_connection(connection, cls, callback_url(slug), request.args.get(cls.oauth_code_param, ""),
                          pending["verifier"])
    except RemoteError as exc:
        flash(_("%(system)s refused the connection: %(error)s. Press Connect to try again.")
              % {**values, "error": exc}, "error")
        return redirect(home)
    flash(_("%(system)s is connected.") % values, "success")
    if connection.role == "ledger":
        return redirect(home)
    tenant = get_session().get(Tenant, current_user.tenant_id)
    if tenant.configured_at is None:  # still installing: back to the next step
        return redirect(url_for("install.show", token=tenant.install_token))
    return redirect(url_for("dashboard.index"))


def finish_connection(connection, cls, redirect_uri: str, code: str, verifier: str) -> None:
    """Let the connector store the tokens (and learn its administration); retry orders that waited for a login."""
    db_session = get_session()
    cls.oauth_finish(db_session, connection, redirect_uri, code, verifier)
    if connection.role == "target":  # orders wait for the accounting target only, not for a payroll ledger
        retry.requeue_reauth_failures(db_session, connection.tenant_id)
    if connection.role == "target" and cls.mirrored:  # copy its debtors and items now, not at the next sync
        mirror_sync.defer(db_session, connection.id)
    db_session.commit()
