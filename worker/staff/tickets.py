"""The webcare inbox: tickets grouped by merchant, answers by e-mail through the outbox, states."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import orm

from worker import mail
from worker.i18n import gettext_for
from worker.models import StaffUser, Tenant, Ticket, TicketMessage
from worker.models.base import utcnow
from worker.models.support import TICKET_STATES
from worker.staff import audit, ticket_mail


def inbox(session: orm.Session, status: str = "open") -> list[dict]:
    """Tickets in ``status`` (or all), grouped by merchant; the merchant with the oldest ticket first."""
    query = (sa.select(Ticket, Tenant).join(Tenant, Tenant.id == Ticket.tenant_id)
             .options(orm.selectinload(Ticket.messages)))  # the last message says whether the merchant replied
    if status in TICKET_STATES:
        query = query.where(Ticket.status == status)
    groups: dict[int, dict] = {}
    for ticket, tenant in session.execute(query.order_by(Ticket.created_at, Ticket.id).limit(500)).all():
        groups.setdefault(tenant.id, {"tenant": tenant, "tickets": []})["tickets"].append(ticket)
    return list(groups.values())


def counts(session: orm.Session) -> dict[str, int]:
    """How many tickets are in each state."""
    rows = session.execute(sa.select(Ticket.status, sa.func.count()).group_by(Ticket.status)).all()
    return {state: dict(rows).get(state, 0) for state in TICKET_STATES}


def reply(session: orm.Session, staff: StaffUser, ticket: Ticket, body: str, then: str = "waiting") -> TicketMessage:
    """Answer the merchant by e-mail (outbox), keep the answer on the ticket, and move it to ``then``."""
    if then not in TICKET_STATES:
        raise ValueError(f"unknown ticket state {then!r}")
    tenant = session.get(Tenant, ticket.tenant_id)
    message = TicketMessage(ticket_id=ticket.id, author=staff.name, from_staff=True, body=body.strip())
    session.add(message)
    _ = gettext_for(tenant.language)
    values = {"ticket": ticket.id, "key": tenant.licence_key}
    mail.queue_email(session, tenant.id, mail.recipients_of(tenant),
                     ticket_mail.tagged(_("Re: ticket %(ticket)s (licence key %(key)s)") % values, ticket.id),
                     "\n".join([body.strip(), "", "-- ", _("%(name)s, Koppel webcare") % {"name": staff.name},
                                _("Quote ticket %(ticket)s when you write back.") % values]), "ticket-reply")
    ticket.status, ticket.updated_at = then, utcnow()
    audit.record(session, staff, tenant.id, "reply_ticket", ticket=ticket.id, state=then)
    return message


def set_state(session: orm.Session, staff: StaffUser, ticket: Ticket, state: str) -> None:
    """Move a ticket to open, waiting or closed."""
    if state not in TICKET_STATES:
        raise ValueError(f"unknown ticket state {state!r}")
    before, ticket.status, ticket.updated_at = ticket.status, state, utcnow()
    audit.record(session, staff, ticket.tenant_id, "ticket_state", ticket=ticket.id, before=before, after=state)
