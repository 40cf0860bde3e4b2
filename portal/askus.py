"""Ask us: a question to webcare from the portal, with the licence key attached automatically."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.extensions import get_session
from portal.tenancy import tenant
from worker import support

bp = Blueprint("askus", __name__, url_prefix="/ask")


class AskForm(FlaskForm):
    """What the merchant wants to know."""

    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    question = TextAreaField(_l("Your question"), validators=[DataRequired(), Length(max=5000)])


@bp.route("/", methods=["GET", "POST"])
@login_required
def ask():
    """Show the form; send the question to webcare as a ticket."""
    form = AskForm()
    me = tenant()
    if form.validate_on_submit():
        ticket = support.ask_us(get_session(), me, current_user.email, form.subject.data, form.question.data)
        get_session().commit()
        flash(_("Thank you: ticket %(ticket)s was received. Webcare answers by e-mail.", ticket=ticket.id), "success")
        return redirect(url_for("askus.ask"))
    return render_template("askus/ask.html", form=form, tenant=me)
