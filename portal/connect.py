"""Connecting the accounting system: Exact Online's OAuth redirect and callback."""
from __future__ import annotations

import secrets as pysecrets

from flask import Blueprint, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.extensions import get_session
from portal.tenancy import connections
from worker.config import settings
from worker.connectors.errors import RemoteError
from worker.connectors.exact import ExactOnlineTarget, oauth, tokens
from worker.models import Tenant
from worker.pipeline import retry

bp = Blueprint("connect", __name__, url_prefix="/connect")


def callback_url() -> str:
    return settings.public_url + url_for("connect.exact_callback")


@bp.route("/exact", methods=["POST"])
@login_required
def connect_exact():
    """Send the merchant to Exact Online to log in and grant access."""
    url, state, verifier = oauth.authorization_url(settings.exact_base_url, callback_url())
    # Bound to this login session and tenant: the callback stores tokens for this tenant only.
    session["exact_oauth"] = {"state": state, "verifier": verifier, "tenant_id": current_user.tenant_id}
    return redirect(url)


@bp.route("/exact/callback")
@login_required
def exact_callback():
    """Exact Online sends the merchant back here with an authorization code."""
    pending = session.pop("exact_oauth", None)
    if request.args.get("error"):
        flash(_("Exact Online did not grant access, so nothing was connected. Press Connect to try again."), "error")
        return redirect(url_for("dashboard.index"))
    if (not pending or pending["tenant_id"] != current_user.tenant_id
            or not pysecrets.compare_digest(pending["state"], request.args.get("state", ""))):
        flash(_("This Exact Online login did not start from this session (were you logged in in another window?). "
                "Press Connect once more from this dashboard."), "error")
        return redirect(url_for("dashboard.index"))
    try:
        first = oauth.exchange_code(settings.exact_base_url, callback_url(), request.args.get("code", ""),
                                    pending["verifier"])
        finish_exact_connection(first)
    except RemoteError as exc:
        flash(_("Exact Online refused the connection: %(error)s. Press Connect to try again.") % {"error": exc}, "error")
        return redirect(url_for("dashboard.index"))
    flash(_("Exact Online is connected."), "success")
    tenant = get_session().get(Tenant, current_user.tenant_id)
    if tenant.configured_at is None:  # still installing: back to the next step
        return redirect(url_for("install.show", token=tenant.install_token))
    return redirect(url_for("dashboard.index"))


def finish_exact_connection(first_tokens: dict) -> None:
    """Store the tokens, learn the division, and retry orders that waited for a new login."""
    db_session = get_session()
    target = connections().get("target")
    tokens.store_first_tokens(target, first_tokens)
    db_session.commit()
    if not target.settings.get("division"):
        me = ExactOnlineTarget.client(target).me()
        target.settings = {**target.settings, "division": str(me["CurrentDivision"])}
        db_session.flush()
        target.settings = {**target.settings, "reference": ExactOnlineTarget.reference_data(target)}
    retry.requeue_reauth_failures(db_session, target.tenant_id)
    db_session.commit()

