"""Health: the job queue, budgets and backlogs per connection, the outbox, webhooks, orders in doubt."""
from __future__ import annotations

from flask import jsonify, render_template

from portal.extensions import get_session
from portal.htmx import render_partial
from portal.staff.blueprint import bp, monitoring, passive, requires
from worker.staff import health


@bp.route("/health")
@requires("support")
def show_health():
    """The health page; its figures reload every few seconds."""
    return render_partial("staff/health.html", "staff/_health.html", figures=health.figures(get_session()))


@bp.route("/health/live")
@requires("support")
@passive
def show_health_live():
    """The figures only (polled; polling does not keep a staff session alive)."""
    return render_template("staff/_health.html", figures=health.figures(get_session()))


@bp.route("/health.json")
@requires("support")
@monitoring
@passive
def health_json():
    """The same figures as JSON, for a monitoring system (staff session or the monitoring bearer token)."""
    return jsonify(health.figures(get_session()))
