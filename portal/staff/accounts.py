"""Staff accounts (admins): who has access, with which role; disable, enable, reset a lost authenticator."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for

from portal.extensions import get_session
from portal.staff.blueprint import bp, requires
from worker.models import StaffUser
from worker.staff import accounts, audit


@bp.route("/accounts")
@requires("admin")
def list_accounts():
    """Every staff account and the newest staff actions; new accounts are made on the command line."""
    session = get_session()
    return render_template("staff/accounts.html", staff=accounts.all_staff(session),
                           entries=audit.recent(session, limit=50))


@bp.route("/accounts/<int:staff_id>/<what>", methods=["POST"])
@requires("admin")
def change_account(staff_id: int, what: str):
    """Disable, enable, reset the authenticator of, or change the role of one account."""
    session = get_session()
    staff = session.get(StaffUser, staff_id)
    if staff is None:
        abort(404)
    try:
        accounts.change(session, g.staff, staff, what)
        session.commit()
        flash(f"{staff.email}: {what} done.", "success")
    except ValueError as exc:
        session.rollback()
        flash(f"Not done: {exc}.", "error")
    return redirect(url_for("staff.list_accounts"))
