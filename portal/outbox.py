"""Development only: every e-mail Koppel would have sent, readable in the browser."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, render_template

from portal.extensions import get_session
from worker.models import OutboxEmail

bp = Blueprint("outbox", __name__, url_prefix="/dev/outbox")


@bp.before_request
def development_only():
    if not current_app.config.get("DEMO_ENABLED"):
        abort(404)


@bp.route("/")
def index():
    """The newest e-mails in the outbox, sent or not."""
    mails = get_session().execute(sa.select(OutboxEmail).order_by(OutboxEmail.id.desc()).limit(100)).scalars().all()
    return render_template("outbox/index.html", mails=mails)
