"""The ticket inbox: Report problem and Ask us tickets by merchant, answers by e-mail, states."""
from __future__ import annotations

import json

from flask import abort, flash, g, redirect, render_template, request, url_for

from portal.extensions import get_session
from portal.staff.blueprint import bp, requires
from worker.models import Tenant, Ticket
from worker.models.support import TICKET_STATES
from worker.staff import audit, tickets

MAX_REPLY = 10_000


def ticket_or_404(ticket_id: int) -> Ticket:
    """The ticket ``ticket_id``, or 404."""
    ticket = get_session().get(Ticket, ticket_id)
    if ticket is None:
        abort(404)
    return ticket


@bp.route("/tickets")
@requires("support")
def inbox():
    """Tickets of one state (open by default), grouped by merchant."""
    status = request.args.get("status", "open")
    session = get_session()
    return render_template("staff/tickets.html", groups=tickets.inbox(session, status), status=status,
                           counts=tickets.counts(session), states=TICKET_STATES)


@bp.route("/tickets/<int:ticket_id>")
@requires("support")
def show_ticket(ticket_id: int):
    """One ticket: the messages, the snapshot it holds, the reply form."""
    session = get_session()
    ticket = ticket_or_404(ticket_id)
    audit.record(session, g.staff, ticket.tenant_id, "view_ticket", ticket=ticket.id)
    session.commit()
    return render_template("staff/ticket.html", ticket=ticket, tenant=session.get(Tenant, ticket.tenant_id),
                           snapshot=json.dumps(ticket.snapshot, indent=2, ensure_ascii=False, default=str),
                           states=TICKET_STATES)


@bp.route("/tickets/<int:ticket_id>/reply", methods=["POST"])
@requires("support")
def reply(ticket_id: int):
    """Answer by e-mail (through the outbox); the ticket waits for the merchant, or closes."""
    ticket = ticket_or_404(ticket_id)
    body = request.form.get("body", "").strip()
    then = request.form.get("then", "waiting")
    if not body or len(body) > MAX_REPLY or then not in TICKET_STATES:
        flash("Write an answer (at most 10,000 characters) and choose what happens to the ticket.", "error")
        return redirect(url_for("staff.show_ticket", ticket_id=ticket.id))
    tickets.reply(get_session(), g.staff, ticket, body, then)
    get_session().commit()
    flash(f"Answer queued for e-mail; ticket {ticket.id} is {then}.", "success")
    return redirect(url_for("staff.show_ticket", ticket_id=ticket.id))


@bp.route("/tickets/<int:ticket_id>/state", methods=["POST"])
@requires("support")
def change_state(ticket_id: int):
    """Move a ticket to open, waiting or closed without answering."""
    ticket = ticket_or_404(ticket_id)
    state = request.form.get("state", "")
    if state not in TICKET_STATES:
        abort(400)
    tickets.set_state(get_session(), g.staff, ticket, state)
    get_session().commit()
    flash(f"Ticket {ticket.id} is {state}.", "success")
    return redirect(url_for("staff.show_ticket", ticket_id=ticket.id))
