"""Report problem and Ask us: tickets holding everything webcare needs, frozen at the moment they came in."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import orm

from worker import mail
from worker.config import settings
from worker.i18n import gettext_for
from worker.models import Connection, Order, RemoteCall, Tenant, Ticket, TicketMessage
from worker.models.base import utcnow
from worker.staff import ticket_mail  # the subject carries the token a reply comes back with


def _calls(session: orm.Session, order_id: int) -> list[dict]:
    rows = session.execute(sa.select(RemoteCall).where(RemoteCall.order_id == order_id)
                           .order_by(RemoteCall.id.desc()).limit(30)).scalars()
    return [{"at": c.created_at.isoformat(), "method": c.method, "url": c.url, "sent": c.request_body,
             "status": c.status, "answer": c.response_body, "error": c.error} for c in rows]


def snapshot(session: orm.Session, order: Order) -> dict:
    """The order, its posting, its remote calls and the (non-secret) settings, as they are now."""
    connections = session.execute(sa.select(Connection).where(Connection.tenant_id == order.tenant_id)).scalars()
    posting = order.posting
    return {
        "order": {"id": order.id, "number": order.number, "state": order.state, "shop_status": order.shop_status,
                  "error_code": order.error_code, "error_message": order.error_message, "payload": order.payload},
        "posting": None if posting is None else {
            "state": posting.state, "attempts": posting.attempts, "reference": posting.reference,
            "document_type": posting.document_type, "remote_id": posting.remote_id,
            "last_request": posting.last_request, "last_response": posting.last_response},
        "calls": _calls(session, order.id),
        # Secrets live in their own encrypted column; settings hold none.
        "settings": {c.role: {"system": c.system, "status": c.status, "settings": c.settings} for c in connections},
        "reported_at": utcnow().isoformat(),
    }


def open_ticket_of(session: orm.Session, order: Order) -> Ticket | None:
    """The ticket still open (or waiting) about ``order``, if there is one."""
    return session.execute(sa.select(Ticket).where(Ticket.order_id == order.id, Ticket.status != "closed")
                           .order_by(Ticket.id).limit(1)).scalar()


def report_problem(session: orm.Session, order: Order, reporter: str) -> Ticket:
    """Open a ticket for ``order`` and tell webcare (in English) and the merchant (in their language).

    One ticket per order while it is not closed: the caller holds the order's row lock, so a double
    click finds the ticket the first click made and no second one (nor its e-mails) is created.
    """
    existing = open_ticket_of(session, order)
    if existing is not None:
        return existing
    ticket = Ticket(tenant_id=order.tenant_id, order_id=order.id, snapshot={**snapshot(session, order),
                                                                             "reporter": reporter})
    session.add(ticket)
    session.flush()
    tenant = session.get(Tenant, order.tenant_id)
    mail.queue_email(session, tenant.id, [settings.webcare_email],
                     f"Ticket {ticket.id}: order {order.number} of {tenant.name} ({tenant.licence_key})",
                     f"{reporter} reported a problem with order {order.number}.\n"
                     f"Error: {order.error_code} {order.error_message}\n"
                     f"The staff console shows the full snapshot of ticket {ticket.id}.", "ticket")
    _ = gettext_for(tenant.language)
    values = {"number": order.number, "ticket": ticket.id, "key": tenant.licence_key}
    mail.queue_email(session, tenant.id, mail.recipients_of(tenant),
                     ticket_mail.tagged(_("We received your report about order %(number)s (ticket %(ticket)s)") % values, ticket.id),
                     _("Thank you. Webcare has everything about order %(number)s that they need, and will answer "
                       "by e-mail. Quote ticket %(ticket)s and licence key %(key)s if you write to us about it.")
                     % values, "ticket-receipt")
    return ticket


def ask_us(session: orm.Session, tenant: Tenant, reporter: str, subject: str, question: str) -> Ticket:
    """Ask us: a general question from the portal, the licence key and the connections attached."""
    connections = session.execute(sa.select(Connection).where(Connection.tenant_id == tenant.id)).scalars()
    snapshot = {"licence_key": tenant.licence_key, "reporter": reporter, "reported_at": utcnow().isoformat(),
                "settings": {c.role: {"system": c.system, "status": c.status, "settings": c.settings}
                             for c in connections}}
    ticket = Ticket(tenant_id=tenant.id, kind="question", subject=subject.strip()[:300], snapshot=snapshot)
    session.add(ticket)
    session.flush()
    session.add(TicketMessage(ticket_id=ticket.id, author=reporter, from_staff=False, body=question.strip()))
    mail.queue_email(session, tenant.id, [settings.webcare_email],
                     f"Ticket {ticket.id}: question from {tenant.name} ({tenant.licence_key})",
                     f"{reporter} asks: {subject}\n\n{question}\n\n"
                     f"The staff console shows ticket {ticket.id}.", "ticket")
    _ = gettext_for(tenant.language)
    values = {"ticket": ticket.id, "key": tenant.licence_key}
    mail.queue_email(session, tenant.id, mail.recipients_of(tenant),
                     ticket_mail.tagged(_("We received your question (ticket %(ticket)s)") % values, ticket.id),
                     _("Thank you. Webcare will answer by e-mail. Quote ticket %(ticket)s and licence key %(key)s "
                       "if you write to us about it.") % values, "ticket-receipt")
    return ticket
