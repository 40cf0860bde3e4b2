"""The installation link: accept terms → connect the shop → connect the accounting system → configure."""
from __future__ import annotations

import functools

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, ValidationError

from portal.auth import LoginUser
from portal.extensions import get_session
from portal.connect import login_site
from portal.headers import forms_post_to
from portal.tenancy import connections
from worker import onboarding
from worker.connectors.errors import RemoteError, RemoteRejected
from worker.connectors.kmoshops import setup as kmo_setup
from worker.models import Tenant, User
from worker.onboarding import installation_missing
from worker.passwords import password_problem

bp = Blueprint("install", __name__, url_prefix="/install")


def tenant_for(token: str) -> Tenant:
    """The tenant whose installation link holds ``token``; 404 for any other value."""
    tenant = get_session().execute(sa.select(Tenant).where(Tenant.install_token == token[:64])).scalar()
    if tenant is None:
        abort(404)
    return tenant


def user_without_password(tenant: Tenant) -> User | None:
    """The tenant's login while its password is still to be chosen; None once it is."""
    return next((user for user in tenant.users if user.password_set_at is None), None)


def gate(token: str):
    """The tenant of the link, or a response: choose a password, log in, or you are logged in elsewhere."""
    tenant = tenant_for(token)
    if user_without_password(tenant) is not None:
        return None, redirect(url_for("install.choose_password", token=token))
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


class PasswordForm(FlaskForm):
    """The password the merchant chooses, twice."""

    password = PasswordField(_l("Choose a password"), validators=[DataRequired()])
    confirm = PasswordField(_l("The same password again"),
                            validators=[DataRequired(), EqualTo("password", _l("The two passwords differ."))])

    def __init__(self, user: User, **kwargs):
        super().__init__(**kwargs)
        self.user = user

    def validate_password(self, field):
        """Long enough, not common or breached, not the login itself."""
        problem = password_problem(field.data or "", self.user.username, self.user.email)
        if problem:
            raise ValidationError(_(problem))


@bp.route("/<token>/password", methods=["GET", "POST"])
def choose_password(token: str):
    """The first step of the link: the merchant chooses their own password (never e-mailed)."""
    tenant = tenant_for(token)
    user = user_without_password(tenant)
    if user is None:
        return redirect(url_for("install.show", token=token))
    form = PasswordForm(user)
    if not form.validate_on_submit():
        return render_template("install/password.html", form=form, tenant=tenant, user=user, token=token)
    onboarding.choose_password(user, form.password.data)
    get_session().commit()
    login_user(LoginUser(user))
    flash(_("Your password is saved. Next: connect your webshop."), "success")
    return redirect(url_for("install.show", token=token))


@bp.route("/<token>")
@installing
@forms_post_to(login_site)
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
