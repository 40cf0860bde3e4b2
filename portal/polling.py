"""The shop's polling status on the dashboard (last look, what it found, next look) and "Fetch now"."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from portal.extensions import get_session
from portal.htmx import is_partial_request
from portal.tenancy import connections, tenant
from worker import connectors
from worker.models import PollState
from worker.models.base import utcnow
from worker.pipeline import polling, pollqueue

bp = Blueprint("polling", __name__, url_prefix="/polling")


@bp.app_template_global()
def poll_state_for(connection) -> PollState | None:
    """The poll state of a source whose orders are fetched on a schedule; None for any other connection."""
    if connection is None or connection.role != "source" or connectors.get(connection.system).arrival != "poll":
        return None
    state = get_session().get(PollState, connection.id)
    if state is None:  # the scheduler has not seen it yet; its first look is already fixed by the schedule
        state = PollState(connection_id=connection.id, next_run_at=polling.next_run_for(connection, utcnow()))
    return state


@bp.app_template_global()
def poll_throttled(poll: PollState) -> bool:
    """Whether the shop slowed the last run down (not a failure: the rest follows at the next look)."""
    return poll.last_error == polling.THROTTLED


@bp.route("/fetch", methods=["POST"])
@login_required
def fetch_now():
    """Fetch the shop's orders now instead of waiting for the scheduled run."""
    source = connections().get("source")
    if source is None or poll_state_for(source) is None or not source.is_connected:
        abort(404)
    started = pollqueue.fetch_now(get_session(), source)
    get_session().commit()
    message = (_("Fetching your orders now; they appear within a few minutes.") if started
               else _("A fetch is already waiting to start."))
    if is_partial_request():
        return render_template("dashboard/_status.html", connections=connections(), tenant=tenant(), fetch_message=message)
    flash(message, "success")
    return redirect(url_for("dashboard.index"))
