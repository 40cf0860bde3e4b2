"""The installation link: choose a password → connect the shop → connect the accounting system → configure."""
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
from worker import connectors, onboarding, pairs
from worker.connectors.errors import RemoteError
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
    """Run ``view(token, tenant, ...)`` only for the tenant of the link, logged in as that tenant."""
    @functools.wraps(view)
    def wrapper(token: str, **kwargs):
        tenant, stop = gate(token)
        return stop if stop else view(token, tenant, **kwargs)
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
    if pairs.kind_of(tenant.shop_system) == pairs.PAYROLL:
        flash(_("Your password is saved. Next: connect your payroll system."), "success")
    else:
        flash(_("Your password is saved. Next: connect your webshop."), "success")
    return redirect(url_for("install.show", token=token))


@bp.app_template_global()
def has_orders() -> bool:
    """Whether the logged-in tenant moves orders (has an accounting target): the Configuration tab shows then."""
    return current_user.is_authenticated and "target" in connections()


def page(token: str, tenant: Tenant, typed: dict, problems: dict):
    """The installation page: the pair's two connections (webshop and books, or payroll and ledger) in order."""
    mine = connections()
    kind = pairs.kind_of_connections(mine)
    return render_template("install/show.html", tenant=tenant, connections=mine, token=token, kind=kind,
                           roles=pairs.ROLES[kind], missing=installation_missing(tenant, mine), typed=typed,
                           problems=problems)


@bp.route("/<token>")
@installing
@forms_post_to(login_site)
def show(token: str, tenant: Tenant):
    """The installation steps and which are done."""
    return page(token, tenant, {}, {})


def _connection(role: str):
    """The logged-in tenant's connection in ``role`` and its connector; 404 unless it connects by a key form."""
    connection = connections().get(role) if role in pairs.SIDES_BY_ROLE else None
    cls = connectors.REGISTRY.get(connection.system) if connection is not None else None
    if cls is None or cls.connect_kind != "key":
        abort(404)
    return connection, cls


def _typed(cls, prefix: str = "") -> dict[str, str]:
    """What the merchant typed into the connect form (fields named ``prefix`` + setting), trimmed."""
    return {field.name: request.form.get(prefix + field.name, "").strip()[:500] for field in cls.connect_fields()}


def _explain(cls, exc: RemoteError) -> str:
    return _(cls.refusal(exc)) % {"system": cls.name, "error": exc}


def _redisplay(token: str, tenant: Tenant, typed: dict[str, dict], problems: dict[str, str]):
    """The installation page again with what was typed (secrets excepted) and why it was not saved."""
    mine = connections()
    kept = {role: {name: value for name, value in values.items()
                   if name not in connectors.REGISTRY[mine[role].system].secret_names()}
            for role, values in typed.items()}
    return page(token, tenant, kept, problems), 422


def _connect_role(role: str, prefix: str = "") -> tuple[dict, str | None]:
    """Connect ``role`` with what was typed, committed when it works; (typed, why not) otherwise."""
    connection, cls = _connection(role)
    typed = _typed(cls, prefix)
    empty = [_(field.label) for field in cls.connect_fields() if field.required and not typed[field.name]]
    if empty:
        return typed, _("Fill in: %(fields)s.") % {"fields": ", ".join(empty)}
    session = get_session()
    try:
        cls.connect(connection, typed)
    except RemoteError as exc:
        session.rollback()
        return typed, _explain(cls, exc)
    session.commit()
    return typed, None


@bp.route("/<token>/<role>/test", methods=["POST"])
@installing
def test_connection(token: str, tenant: Tenant, role: str):
    """Live "test connection" for the details typed into a connect form (an htmx fragment)."""
    _connection_row, cls = _connection(role)
    prefix = request.form.get("prefix", "") if request.form.get("prefix") == f"{role}-" else ""
    try:
        cls.test_credentials(_typed(cls, prefix))
    except RemoteError as exc:
        return render_template("install/_test_result.html", ok=False, message=_explain(cls, exc))
    return render_template("install/_test_result.html", ok=True, message=_("Connection works."))


@bp.route("/<token>/<role>/connect", methods=["POST"])
@installing
@forms_post_to(login_site)
def connect(token: str, tenant: Tenant, role: str):
    """Save the typed details once the other system accepts them (and subscribe what it needs)."""
    typed, problem = _connect_role(role)
    if problem:
        return _redisplay(token, tenant, {role: typed}, {role: problem})
    flash(_("%(system)s is connected.") % {"system": connectors.REGISTRY[connections()[role].system].name}, "success")
    return redirect(url_for("install.show", token=token))


@bp.route("/<token>/both", methods=["POST"])
@installing
def connect_both(token: str, tenant: Tenant):
    """Continue on the one-screen installation: test and save both systems, then on to the VAT table.

    Each that works is saved; the page says which did not and why, keeping what was typed.
    """
    typed, problems = {}, {}
    for role in pairs.ROLES[pairs.kind_of_connections(connections())]:
        typed[role], problem = _connect_role(role, prefix=f"{role}-")
        if problem:
            problems[role] = problem
    if problems:
        return _redisplay(token, tenant, typed, problems)
    if pairs.kind_of_connections(connections()) == pairs.PAYROLL:
        flash(_("Both systems are connected. Next: map each payroll company to a ledger company."), "success")
        return redirect(url_for("payroll.index"))
    flash(_("Both systems are connected. Next: map your VAT rates."), "success")
    return redirect(url_for("config.index") + "#config-vat")
