"""The public sign-up page: request a 30-day trial for a shop system and an accounting system."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from portal.extensions import get_session
from portal.limits import client_ip, refused
from worker import attempts, connectors, emails, onboarding, pairs
from worker.i18n import language_for_country
from worker.models import Tenant

bp = Blueprint("signup", __name__, url_prefix="/signup")
EU_COUNTRIES = ("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK").split()


class SignupForm(FlaskForm):
    name = StringField(_l("Your name or company name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=320)])
    country = SelectField(_l("Country of your webshop"), choices=[(c, c) for c in EU_COUNTRIES], default="NL")
    shop_system = SelectField(_l("Webshop or payroll system"))
    accounting_system = SelectField(_l("Accounting system"))
    terms = BooleanField(_l("I accept the terms and conditions (ICT terms) and the processing agreement (GDPR)"),
                         validators=[DataRequired(_l("Please accept the terms to start the trial."))])

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Country names in the reader's language ("België", "Nederland"), not bare ISO codes; the value stays the code.
        names = get_locale().territories
        self.country.choices = sorted(((code, names.get(code, code)) for code in EU_COUNTRIES), key=lambda c: c[1])
        # Every registered pair, grouped by kind (orders first, so the first choices stay a webshop and its books).
        groups = ((pairs.ORDERS, _("Webshops"), _("Accounting systems")),
                  (pairs.PAYROLL, _("Payroll (journals)"), _("Ledger for payroll journals")))
        self.shop_system.choices = {label: [(k, c.name) for k, c in pairs.systems(kind, 0).items()]
                                    for kind, label, _books in groups}
        self.accounting_system.choices = {label: [(k, c.name) for k, c in pairs.systems(kind, 1).items()]
                                          for kind, _shop, label in groups}

    def ask_country_of_company(self) -> None:
        """A payroll pair has no webshop and books into a ledger: say so (the chosen or preselected pair)."""
        if pairs.kind_of(self.shop_system.data or "") not in (None, pairs.ORDERS):
            self.country.label.text = _("Country of your company")
            self.accounting_system.label.text = _("Ledger")

    def validate_accounting_system(self, field):
        """A webshop goes with an accounting system, a payroll system with a ledger."""
        if not pairs.is_pair(self.shop_system.data or "", field.data or ""):
            names = [getattr(connectors.REGISTRY.get(key or ""), "name", key) for key in (self.shop_system.data,
                                                                                          field.data)]
            raise ValidationError(_("%(first)s and %(second)s do not go together: orders from a webshop go to an "
                                    "accounting system, payroll journals go to a ledger.")
                                  % {"first": names[0], "second": names[1]})


def preselected(source: str, target: str) -> dict[str, str]:
    """The choices a link preselects; one side of a pair of another kind brings its kind's first other side."""
    chosen = {field: key for field, key in (("shop_system", source), ("accounting_system", target))
              if pairs.kind_of(key) is not None}
    for field, side, other in (("shop_system", 0, "accounting_system"), ("accounting_system", 1, "shop_system")):
        kind = pairs.kind_of(chosen.get(field, ""))
        if kind is not None and kind != pairs.ORDERS and other not in chosen:
            chosen[other] = next(iter(pairs.systems(kind, 1 - side)))
    return chosen


@bp.route("/", methods=["GET", "POST"])
def create():
    """Show the sign-up form; create the trial and e-mail the installation link (limited per IP and address)."""
    # The manuals sell each pair on its own page: a link may preselect the shop and the accounting system.
    form = SignupForm(**preselected(request.args.get("source", ""), request.args.get("target", "")))
    form.ask_country_of_company()
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
