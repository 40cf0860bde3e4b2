"""Migrations (admins): count and quote past orders, confirm (invoiced), watch progress, pause and resume."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for

from portal.dashboard import parse_day
from portal.extensions import get_session
from portal.staff.blueprint import bp, passive, requires
from portal.staff.merchants import tenant_or_404
from worker.connectors.errors import RemoteError
from worker.models import Migration
from worker.staff import audit, migration_progress, migrations


def migration_or_404(migration_id: int) -> Migration:
    """The migration ``migration_id``, or 404."""
    migration = get_session().get(Migration, migration_id)
    if migration is None:
        abort(404)
    return migration


@bp.route("/merchants/<int:tenant_id>/migrations")
@requires("admin")
def show_migrations(tenant_id: int):
    """The merchant's migrations with their progress, and the form to quote a new one."""
    session, tenant = get_session(), tenant_or_404(tenant_id)
    rows = session.query(Migration).filter_by(tenant_id=tenant.id).order_by(Migration.id.desc()).all()
    audit.record(session, g.staff, tenant.id, "view_migration")
    session.commit()
    return render_template("staff/migrations.html", tenant=tenant,
                           rows=[(m, migration_progress.progress(session, m)) for m in rows])


@bp.route("/merchants/<int:tenant_id>/migrations", methods=["POST"])
@requires("admin")
def quote_migration(tenant_id: int):
    """Count the shop's orders in the range and price them (nothing runs yet)."""
    session, tenant = get_session(), tenant_or_404(tenant_id)
    since, until = parse_day(request.form.get("since")), parse_day(request.form.get("until"))
    try:
        if not since or not until:
            raise ValueError("give both dates")
        migration = migrations.quote(session, g.staff, tenant, since, until)
        session.commit()
        flash(f"{migration.order_count} orders, € {migration.price_excl} excl. VAT. Confirm to start.", "success")
    except (ValueError, RemoteError) as exc:
        session.rollback()
        flash(f"No quote: {exc}.", "error")
    return redirect(url_for("staff.show_migrations", tenant_id=tenant.id))


@bp.route("/migrations/<int:migration_id>/<action>", methods=["POST"])
@requires("admin")
def change_migration(migration_id: int, action: str):
    """Confirm (invoice and start), pause or resume a migration."""
    session, migration = get_session(), migration_or_404(migration_id)
    handlers = {"confirm": migrations.confirm, "pause": migrations.pause, "resume": migrations.resume}
    if action not in handlers:
        abort(404)
    try:
        handlers[action](session, g.staff, migration)
        session.commit()
    except ValueError as exc:
        session.rollback()
        flash(f"Not done: {exc}.", "error")
    return redirect(url_for("staff.show_migrations", tenant_id=migration.tenant_id))


@bp.route("/migrations/<int:migration_id>/progress")
@requires("admin")
@passive
def show_migration_progress(migration_id: int):
    """One migration's progress (polled while it runs)."""
    session, migration = get_session(), migration_or_404(migration_id)
    return render_template("staff/_migration.html", m=migration, p=migration_progress.progress(session, migration))
