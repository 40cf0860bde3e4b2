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


def my_target():
    """The tenant's target connection and its connector class; 404 when it does not connect by OAuth."""
    target = connections().get("target")
    if target is None or target.system not in connectors.TARGETS:
        abort(404)
    cls = connectors.TARGETS[target.system]
    if cls.connect_kind != "oauth":
        abort(404)
    return target, cls


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
    target, cls = my_target()
    if slug != cls.connect_slug:
        abort(404)
    url, state, verifier = cls.oauth_start(callback_url(slug))
    # Bound to this login session and tenant: the callback stores tokens for this tenant only.
    session["target_oauth"] = {"state": state, "verifier": verifier, "tenant_id": current_user.tenant_id,
                               "system": target.system}
    return redirect(url)


@bp.route("/<slug>/callback")
@login_required
def finish(slug: str):
    """The accounting system sends the merchant back here with an authorization code."""
    target, cls = my_target()
    pending, values = session.pop("target_oauth", None), {"system": cls.name}
    if slug != cls.connect_slug:
        abort(404)
    if request.args.get("error"):
        flash(_("%(system)s did not grant access, so nothing was connected. Press Connect to try again.") % values,
              "error")
        return redirect(url_for("dashboard.index"))
    if (not pending or pending["tenant_id"] != current_user.tenant_id or pending["system"] != target.system
            or not pysecrets.compare_digest(pending["state"], request.args.get("state", ""))):
        flash(_("This %(system)s login did not start from this session (were you logged in in another window?). "
                "Press Connect once more from this dashboard.") % values, "error")
        return redirect(url_for("dashboard.index"))
    try:
        finish_connection(target, cls, callback_url(slug), request.args.get("code", ""), pending["verifier"])
    except RemoteError as exc:
        flash(_("%(system)s refused the connection: %(error)s. Press Connect to try again.")
              % {**values, "error": exc}, "error")
        return redirect(url_for("dashboard.index"))
    flash(_("%(system)s is connected.") % values, "success")
    tenant = get_session().get(Tenant, current_user.tenant_id)
    if tenant.configured_at is None:  # still installing: back to the next step
        return redirect(url_for("install.show", token=tenant.install_token))
    return redirect(url_for("dashboard.index"))


def finish_connection(target, cls, redirect_uri: str, code: str, verifier: str) -> None:
    """Let the connector store the tokens and learn its administration; retry orders that waited for a login."""
    db_session = get_session()
    cls.oauth_finish(db_session, target, redirect_uri, code, verifier)
    retry.requeue_reauth_failures(db_session, target.tenant_id)
    db_session.commit()
