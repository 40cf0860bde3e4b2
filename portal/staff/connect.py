"""Connecting a merchant's systems for them (admins): the connect link by e-mail, the key form filled in."""
from __future__ import annotations

from flask import flash, g, redirect, request, url_for

from portal.extensions import get_session
from portal.staff.blueprint import bp, requires
from portal.staff.merchants import tenant_or_404
from worker import connectors
from worker.connectors.errors import RemoteError
from worker.staff import connect_on_behalf


def _back(tenant_id: int):
    return redirect(url_for("staff.show_install", tenant_id=tenant_id) + "#connect")


@bp.route("/merchants/<int:tenant_id>/connect/<role>/link", methods=["POST"])
@requires("admin")
def send_connect_link(tenant_id: int, role: str):
    """E-mail the merchant a link to the portal's connect step (OAuth needs their own login)."""
    session, tenant = get_session(), tenant_or_404(tenant_id)
    try:
        name = connect_on_behalf.send_connect_link(session, g.staff, tenant, role)
    except LookupError as exc:
        flash(f"Not sent: {exc}.", "error")
        return _back(tenant.id)
    session.commit()
    flash(f"The merchant was e-mailed a link to connect {name}.", "success")
    return _back(tenant.id)


@bp.route("/merchants/<int:tenant_id>/connect/<role>/key", methods=["POST"])
@requires("admin")
def connect_with_key(tenant_id: int, role: str):
    """Connect a "key" connector with the details the merchant gave: tested first, then connected."""
    session, tenant = get_session(), tenant_or_404(tenant_id)
    try:
        name = connect_on_behalf.connect_with_key(session, g.staff, tenant, role, request.form.to_dict())
        session.commit()
    except RemoteError as exc:
        session.rollback()
        connection = connect_on_behalf.connection_of(session, tenant, role)
        cls = connectors.get(connection.system)
        flash("Not connected: " + cls.refusal(exc) % {"system": cls.name, "error": exc} + ".", "error")
        return _back(tenant.id)
    except (LookupError, PermissionError, ValueError) as exc:
        session.rollback()
        flash(f"Not connected: {exc}.", "error")
        return _back(tenant.id)
    flash(f"{name} is connected.", "success")
    return _back(tenant.id)
