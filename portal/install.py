"""The installation link: accept terms → connect the shop → connect the accounting system → configure."""
from __future__ import annotations

import functools

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.extensions import get_session
from portal.tenancy import connections
from worker.connectors.errors import RemoteError, RemoteRejected
from worker.connectors.kmoshops import setup as kmo_setup
from worker.models import Tenant
from worker.onboarding import installation_missing

bp = Blueprint("install", __name__, url_prefix="/install")


def tenant_for(token: str) -> Tenant:
    tenant = get_session().execute(sa.select(Tenant).where(Tenant.install_token == token)).scalar()
    if tenant is None:
        abort(404)
    return tenant


def gate(token: str):
    """The tenant of the link, or a response: log in first, or you are logged in to another installation."""
    tenant = tenant_for(token)
    if not current_user.is_authenticated:
        return None, redirect(url_for("auth.login", next=request.path))
    if current_user.tenant_id != tenant.id:
        return None, render_template("install/elsewhere.html", tenant=tenant)
    return tenant, None


def installing(view):
    """Run ``view(token, tenant)`` only for the tenant of the link, logged in as that tenant."""
    @functools.wraps(view)
    def wrapper(token: str):
        tenant, stop = gate(token)
        return stop if stop else view(token, tenant)
    return wrapper


@bp.route("/<token>")
@installing
def show(token: str, tenant: Tenant):
    """The installation steps and which are done."""
    mine = connections()
    return render_template("install/show.html", tenant=tenant, connections=mine, token=token,
                           missing=installation_missing(tenant, mine))


def _shop_form() -> tuple[str, str, str]:
    return (request.form.get("shop_id", "").strip(), request.form.get("api_key", "").strip(),
            request.form.get("webhook_secret", "").strip())


def _explain(exc: RemoteError) -> str:
    if isinstance(exc, RemoteRejected) and exc.status in (401, 403):
        return _("KMO Shops refused this API key. Copy it again from the app settings in your KMO Shops back office.")
    return _("We could not reach KMO Shops just now (%(error)s). Try again in a minute.") % {"error": exc}


@bp.route("/<token>/shop/test", methods=["POST"])
@installing
def test_shop(token: str, tenant: Tenant):
    """Live "test connection" for the shop's API key (an htmx fragment)."""
    _shop_id, api_key, _secret = _shop_form()
    try:
        kmo_setup.test_credentials(api_key)
    except RemoteError as exc:
        return render_template("install/_test_result.html", ok=False, message=_explain(exc))
    return render_template("install/_test_result.html", ok=True, message=_("Connection works."))


@bp.route("/<token>/shop", methods=["POST"])
@installing
def connect_shop(token: str, tenant: Tenant):
    """Save the shop's credentials and subscribe our webhook."""
    shop_id, api_key, secret = _shop_form()
    if not (shop_id and api_key and secret):
        flash(_("Fill in the shop id, the API key and the webhook secret."), "error")
        return redirect(url_for("install.show", token=token))
    session = get_session()
    try:
        kmo_setup.connect(connections()["source"], shop_id, api_key, secret)
    except RemoteError as exc:
        session.rollback()
        flash(_explain(exc), "error")
        return redirect(url_for("install.show", token=token))
    session.commit()
    flash(_("Your webshop is connected."), "success")
    return redirect(url_for("install.show", token=token))
