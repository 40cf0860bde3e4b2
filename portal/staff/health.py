"""Health: the job queue, budgets and backlogs per connection, the outbox, webhooks, orders in doubt."""
from __future__ import annotations

from flask import jsonify, render_template, request

from portal.extensions import get_session
from portal.htmx import render_partial
from portal.staff.blueprint import bp, monitoring, passive, requires
from worker.staff import health, webhook_health


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


@bp.route("/health/webhooks")
@requires("support")
def show_webhook_health():
    """Failed webhooks as each shop reports them (one call per connected shop, so only on demand)."""
    return render_template("staff/_webhooks.html", report=webhook_health.failing(get_session()))


@bp.route("/health.json")
@requires("support")
@monitoring
@passive
def health_json():
    """The same figures as JSON, for a monitoring system (staff session or the monitoring bearer token).

    ``?webhooks=1`` adds the shops' own report of failing webhooks (one call per shop).
    """
    figures = health.figures(get_session())
    if request.args.get("webhooks") == "1":
        figures["shop_webhooks"] = webhook_health.failing(get_session())
    return jsonify(figures)
