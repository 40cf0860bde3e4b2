"""Report problem, the same for an order and a journal: one open ticket per row, and the note the row shows."""
from __future__ import annotations

from types import ModuleType

from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import orm

from worker.i18n import N_

THANKS = N_("Thank you: ticket %(ticket)s was received. Webcare answers by e-mail.")


def report(session: orm.Session, subject, desk: ModuleType, already: str) -> str:
    """Open a ticket about ``subject`` unless one is open; the note for its row, in the viewer's language.

    ``desk`` keeps the subject's tickets (worker.support for orders, worker.payroll.tickets for journals);
    ``already`` is the N_ text for a ticket that is open already. The caller holds the subject's row lock,
    so a double click finds the first ticket.
    """
    earlier = desk.open_ticket_of(session, subject)
    ticket = earlier or desk.report_problem(session, subject, current_user.email)
    session.commit()
    return _(already if earlier is not None else THANKS, ticket=ticket.id)
