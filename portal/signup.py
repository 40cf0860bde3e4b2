"""The public sign-up page: request a 30-day trial for a shop system and an accounting system."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length

from portal.extensions import get_session
from portal.limits import client_ip, refused
from worker import attempts, connectors, emails, onboarding
from worker.i18n import language_for_country
from worker.models import Tenant

bp = Blueprint("signup", __name__, url_prefix="/signup")
EU_COUNTRIES = ("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK").split()


class SignupForm(FlaskForm):
    name = StringField(_l("Your name or company name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=320)])
    country = SelectField(_l("Country of your webshop"), choices=[(c, c) for c in EU_COUNTRIES], default="NL")
    shop_system = SelectField(_l("Webshop"), choices=[(k, c.name) for k, c in connectors.SOURCES.items()])
    accounting_system = SelectField(_l("Accounting system"),
                                    choices=[(k, c.name) for k, c in connectors.TARGETS.items()])
    terms = BooleanField(_l("I accept the terms and conditions (ICT terms) and the processing agreement (GDPR)"),
                         validators=[DataRequired(_l("Please accept the terms to start the trial."))])


@bp.route("/", methods=["GET", "POST"])
def create():
    """Show the sign-up form; create the trial and e-mail the installation link (limited per IP and address)."""
    # The manuals sell each pair on its own page: a link may preselect the shop and the accounting system.
    chosen = {"shop_system": request.args.get("source", ""), "accounting_system": request.args.get("target", "")}
    form = SignupForm(**{field: key for field, key in chosen.items() if key in connectors.REGISTRY})
    if form.validate_on_submit():
        session = get_session()
        per_ip, per_email = attempts.signup_limits()
        checks = [(per_ip, client_ip()), (per_email, form.email.data.strip().lower())]
        if (stop := refused(session, checks, "signup/create.html", form=form)) is not None:
            return stop
        attempts.record(session, checks)
        result = onboarding.sign_up(session, name=form.name.data, email=form.email.data, country=form.country.data,
                                    shop_system=form.shop_system.data, accounting_system=form.accounting_system.data,
                                    language=language_for_country(form.country.data))
        tenant = session.get(Tenant, result.tenant_id)
        emails.installation(session, tenant, result.username, result.install_url)
        session.commit()
        return redirect(url_for("signup.done", email=tenant.email))
    return render_template("signup/create.html", form=form)


@bp.route("/done")
def done():
    """Tell the new merchant where their installation link went."""
    return render_template("signup/done.html")
