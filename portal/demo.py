"""Development-only helpers: place a demo order in the sandbox shop."""
from __future__ import annotations

import time

import requests
from flask import Blueprint, abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import login_required

from portal.tenancy import connections
from worker import demo

bp = Blueprint("demo", __name__, url_prefix="/demo")


@bp.route("/order", methods=["POST"])
@login_required
def create_order():
    """Place a demo order in the tenant's sandbox shop (it comes back by webhook)."""
    if not current_app.config.get("DEMO_ENABLED"):
        abort(404)
    source = connections().get("source")
    try:
        order = demo.create_demo_order(source.settings["shop_id"])
    except (requests.RequestException, KeyError) as exc:
        flash(_("The sandbox shop did not take the demo order (%(error)s). Is `make run` still running?",
                error=exc), "error")
        return redirect(url_for("dashboard.index"))
    flash(_("Demo order %(number)s was placed in the sandbox shop. It appears in Report within a few seconds.",
            number=order["number"]), "success")
    return redirect(url_for("dashboard.show_tab", tab="report", waiting=order["number"],
                            until_ts=int(time.time()) + 60))
