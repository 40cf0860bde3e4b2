"""An order's lines, VAT and totals for any page that shows them: the merchant's order page and webcare's More info.

Template globals of the app, not of a blueprint: the staff console shows the same lines as the merchant's
own page (templates/dashboard/_lines.html) without depending on the merchant's blueprints.
"""
from __future__ import annotations

from flask import Flask, g
from flask_babel import format_date
from flask_babel import gettext as _

from portal.extensions import get_session
from worker.models import Order
from worker.pipeline import booked, intake
from worker.unreadable import Unreadable


def canonical_lines(order: Order):
    """The order's lines, VAT and total: as booked once posted, else as its shop's mapping reads it today.

    Today's reading uses today's VAT settings, so for a posted order it may not be what is in the books;
    a posting from before Koppel kept the booked order (``booked.read`` gives None) still falls back to it.
    None when the order cannot be read.
    """
    return _once(order, "lines", _read_lines)


def _read_lines(order: Order):
    kept_order, _kind = kept(order)
    if kept_order is not None:
        return kept_order
    try:
        return intake.canonical_of(get_session(), order)
    except (Unreadable, KeyError, TypeError, ValueError):
        return None


def kept(order: Order) -> tuple[booked.Booked | None, str]:
    """What went to the books as Koppel kept it, and whether it is "booked" or only "sent" (the lookup decides)."""
    return _once(order, "kept", _read_kept)


def _once(order: Order, what: str, read):
    # A page asks several times (More info and its lines card, heading and table): read once a request.
    done = g.setdefault("order_lines", {})
    key = (what, order.id)
    if key not in done:
        done[key] = read(order)
    return done[key]


def _read_kept(order: Order) -> tuple[booked.Booked | None, str]:
    posting = order.posting
    if posting is not None and order.state == "posted":
        return booked.read(posting.booked), "booked"
    if posting is not None and posting.state in ("in_flight", "in_doubt"):
        return booked.read(posting.booked), "sent"
    return None, ""


def lines_reading(order: Order) -> str:
    """Which reading ``canonical_lines`` shows, for the merchant: the booked one, or what Process would book."""
    kept_order, kind = kept(order)
    if kept_order is not None and kind == "booked":
        return _("As it was booked on %(date)s.", date=format_date(order.posting.posted_at or order.posting.sent_at))
    if kept_order is not None:
        return _("As it was sent on %(date)s; Koppel is checking that it arrived.",
                 date=format_date(order.posting.sent_at))
    if order.state == "posted":
        return _("Read with your VAT settings of today: this order was booked before Koppel kept a copy, "
                 "so your books may differ.")
    if order.state == "skipped":
        return ""
    return _("As Koppel would book it now, with your VAT settings of today.")


def note_text(note) -> str:
    """A note of the order's mapping (which VAT rule decided), in the viewer's language, filled in."""
    return _(note.text) % dict(note.values)


def init_app(app: Flask) -> None:
    """Make the helpers template globals of every page, merchant's and staff's."""
    for helper in (canonical_lines, lines_reading, note_text):
        app.add_template_global(helper)
