"""Ticket replies by e-mail: every ticket mail to a merchant carries the ticket's token in its subject
("… [T12-3f9a0c1b2d4e]"); the mail provider posts a reply to /inbound/mail (portal/inbound_mail.py),
and the reply joins the ticket's thread and opens the ticket again.

The token is an HMAC of the ticket id under SECRET_KEY, so it cannot be guessed or moved to another
ticket, and nothing has to be stored to check it. The provider may also deliver to a per-ticket
address (support+T12-…@…): the token is looked for in the recipient first, then in the subject.
"""
from __future__ import annotations

import hashlib
import hmac
import re

import sqlalchemy as sa
from sqlalchemy import orm

from worker import mail
from worker.config import settings
from worker.models import Tenant, Ticket, TicketMessage
from worker.models.base import utcnow

TOKEN = re.compile(r"\bT(\d{1,9})-([0-9a-f]{12})\b")
# Where a mail client starts quoting the mail answered: everything below it is the old thread.
QUOTE_START = re.compile(r"^(>|On .+ wrote:$|Op .+ schreef .+:$|-----Original Message-----|-----Oorspronkelijk bericht-----)")
MAX_BODY = 20_000


class UnknownTicket(LookupError):
    """No valid ticket token in the mail (none, forged, or the ticket is gone)."""


def token(ticket_id: int) -> str:
    """The ticket's reply token, e.g. ``T12-3f9a0c1b2d4e``."""
    mac = hmac.new(settings.secret_key.encode(), f"ticket-reply:{ticket_id}".encode(), hashlib.sha256)
    return f"T{ticket_id}-{mac.hexdigest()[:12]}"


def tagged(subject: str, ticket_id: int) -> str:
    """A ticket mail's subject with the ticket's token, which a reply keeps ("Re: … [T12-…]")."""
    return f"{subject} [{token(ticket_id)}]"


def ticket_id_in(*texts: str) -> int:
    """The ticket id of the first valid token in ``texts``; UnknownTicket when there is none."""
    for text in texts:
        for found in TOKEN.finditer(text or ""):
            if hmac.compare_digest(token(int(found.group(1))), found.group(0)):
                return int(found.group(1))
    raise UnknownTicket("no ticket token")


def new_text(body: str) -> str:
    """The reply without the quoted mail below it, trimmed."""
    lines = []
    for line in body.replace("\r\n", "\n").split("\n"):
        if QUOTE_START.match(line.strip()):
            break
        lines.append(line)
    return "\n".join(lines).strip()


def add_reply(session: orm.Session, ticket_id: int, sender: str, body: str, message_id: str | None) -> bool:
    """Store the merchant's reply on the ticket and open it; False when this mail was stored before."""
    ticket = session.get(Ticket, ticket_id, with_for_update=True)
    if ticket is None:
        raise UnknownTicket(f"ticket {ticket_id} is gone")
    if message_id and session.execute(sa.select(TicketMessage.id).where(
            TicketMessage.message_id == message_id)).first():
        return False  # the provider posted the same mail again
    session.add(TicketMessage(ticket_id=ticket.id, author=sender, from_staff=False, body=body, message_id=message_id))
    ticket.status, ticket.updated_at = "open", utcnow()
    tenant = session.get(Tenant, ticket.tenant_id)
    mail.queue_email(session, tenant.id, [settings.webcare_email],
                     f"Ticket {ticket.id}: {tenant.name} ({tenant.licence_key}) replied by e-mail",
                     f"{sender} wrote:\n\n{body}\n\nThe ticket is open again in the staff console.", "ticket")
    return True
