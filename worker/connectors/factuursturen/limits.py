"""Factuursturen's hourly limits as rate budgets in Postgres, shared by every worker (targets.md §4.2).

Two windows per connection:

* ``factuursturen:invoices:hour``: our own count of invoices created, ``FACTUURSTUREN_INVOICES_PER_HOUR``
  (manual 001: 60). A unit is taken right before an invoice is sent; when none is left the order
  waits (``Throttled``) until the hour is over, it never fails.
* ``factuursturen:remote:hour``: what Factuursturen itself says is left (``X-RateLimit-Remaining`` on
  every answer). Factuursturen does not say when its hour ends, so we wait at most one hour from
  the answer that said 0; nothing is called in between.
"""
from __future__ import annotations

import datetime as dt

from worker import ratelimit
from worker.config import settings
from worker.connectors.errors import Throttled
from worker.models.base import utcnow

HOUR = 3600
REMOTE = ratelimit.Window("factuursturen:remote:hour", 60, HOUR)


def invoices() -> ratelimit.Window:
    """Our budget of invoices an hour (read from the settings each time, so tests can change it)."""
    return ratelimit.Window("factuursturen:invoices:hour", settings.factuursturen_invoices_per_hour, HOUR)


def _row(connection_id: int, name: str) -> dict | None:
    return next((row for row in ratelimit.budgets(connection_id) if row["window"] == name), None)


def check(connection_id: int, window: ratelimit.Window, now: dt.datetime | None = None) -> None:
    """Raise ``Throttled`` while ``window`` has nothing left; takes nothing."""
    now = now or utcnow()
    row = _row(connection_id, window.name)
    if row is not None and row["remaining"] <= 0 and row["resets_at"] > now:
        raise Throttled(row["resets_at"], f"Factuursturen's limit of {row['limit']} an hour is used up")


def take_invoice(connection_id: int) -> None:
    """One invoice from this hour's budget (remote's own count first), or ``Throttled``."""
    check(connection_id, REMOTE)
    ratelimit.take(connection_id, (invoices(),))


def observe(connection_id: int, limit: str | None, remaining: str | None) -> None:
    """Record the remote's ``X-RateLimit-Limit``/``-Remaining`` (ignored when absent or not a number)."""
    try:
        left = int(str(remaining).strip())
    except ValueError:
        return
    try:
        most = int(str(limit).strip())
    except ValueError:
        most = max(left, REMOTE.limit)
    ratelimit.observe(connection_id, REMOTE, most, left, reset_of(connection_id, REMOTE))


def reset_of(connection_id: int, window: ratelimit.Window, now: dt.datetime | None = None) -> dt.datetime:
    """When ``window`` resets: its recorded reset while that is ahead, else one window from now."""
    now = now or utcnow()
    row = _row(connection_id, window.name)
    if row is not None and row["resets_at"] > now:
        return row["resets_at"]
    return now + dt.timedelta(seconds=window.seconds)


def exhausted(connection_id: int, invoice_call: bool) -> dt.datetime:
    """Factuursturen answered 403 with nothing remaining: record it (on both windows for an invoice) and
    return when to try again."""
    resets_at = reset_of(connection_id, REMOTE)
    ratelimit.observe(connection_id, REMOTE, (_row(connection_id, REMOTE.name) or {}).get("limit", REMOTE.limit),
                      0, resets_at)
    if invoice_call:
        window = invoices()
        ratelimit.observe(connection_id, window, window.limit, 0, max(resets_at, reset_of(connection_id, window)))
    return resets_at
