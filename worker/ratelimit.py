"""Rate budgets per connection, kept in Postgres so every worker shares them.

Before a call we take one unit from each window; when a window is empty the call is not made and
the caller gets ``Throttled`` with the time the window resets. After a call the remote's own
headers overwrite our estimate, because the remote knows best (other apps may share its limit).
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt

import sqlalchemy as sa

from worker import db
from worker.connectors.errors import Throttled
from worker.models.base import utcnow


@dataclasses.dataclass(frozen=True)
class Window:
    """One limit: ``limit`` calls per ``seconds``."""

    name: str
    limit: int
    seconds: int


# One statement for all of a call's windows (Exact has two): each window is one row of the arrays.
TAKE = sa.text("""
    INSERT INTO rate_budgets (connection_id, "window", "limit", remaining, resets_at, updated_at)
    SELECT :cid, w.name, w.lim, w.lim - 1, w.fresh_reset, now()
    FROM unnest(CAST(:names AS varchar[]), CAST(:limits AS integer[]), CAST(:fresh_resets AS timestamptz[]))
         WITH ORDINALITY AS w(name, lim, fresh_reset, n)
    ORDER BY w.n
    ON CONFLICT (connection_id, "window") DO UPDATE SET
        remaining = CASE WHEN rate_budgets.resets_at <= :now THEN rate_budgets."limit" - 1
                         ELSE rate_budgets.remaining - 1 END,
        resets_at = CASE WHEN rate_budgets.resets_at <= :now THEN EXCLUDED.resets_at
                         ELSE rate_budgets.resets_at END,
        updated_at = now()
    WHERE NOT :guarded OR rate_budgets.resets_at <= :now OR rate_budgets.remaining > 0
    RETURNING "window"
""")

RESETS_AT = sa.text('SELECT resets_at FROM rate_budgets WHERE connection_id = :cid AND "window" = :window')


@contextlib.contextmanager
def _within(conn):
    """``conn`` (a Connection or Session) when the caller shares its transaction, else one of our own.

    Sharing matters for cost: every transaction of its own is a pool checkout, a ping, BEGIN and COMMIT."""
    if conn is not None:
        yield conn
        return
    with db.engine().begin() as own:
        yield own


def _params(connection_id: int, windows: tuple[Window, ...], now: dt.datetime, guarded: bool) -> dict:
    return {"cid": connection_id, "names": [w.name for w in windows], "limits": [w.limit for w in windows],
            "now": now, "guarded": guarded, "fresh_resets": [now + dt.timedelta(seconds=w.seconds) for w in windows]}


def take(connection_id: int, windows: tuple[Window, ...], now: dt.datetime | None = None, conn=None) -> None:
    """Take one call from every window of ``connection_id``, or raise ``Throttled``, atomically
    (in ``conn``'s transaction when given: the caller's raising rolls it back)."""
    now = now or utcnow()
    with _within(conn) as conn:
        taken = set(conn.execute(TAKE, _params(connection_id, windows, now, guarded=True)).scalars())
        empty = next((window for window in windows if window.name not in taken), None)
        if empty is not None:
            resets_at = conn.execute(RESETS_AT, {"cid": connection_id, "window": empty.name}).scalar_one()
            # Raising rolls back the units taken from the other windows.
            raise Throttled(resets_at, f"{empty.name} limit of {empty.limit} calls used up")


OBSERVE = sa.text("""
    INSERT INTO rate_budgets (connection_id, "window", "limit", remaining, resets_at, updated_at)
    SELECT :cid, o.name, o.lim, o.remaining, o.resets_at, now()
    FROM unnest(CAST(:names AS varchar[]), CAST(:limits AS integer[]), CAST(:remaining AS integer[]),
                CAST(:resets AS timestamptz[])) WITH ORDINALITY AS o(name, lim, remaining, resets_at, n)
    ORDER BY o.n
    ON CONFLICT (connection_id, "window") DO UPDATE SET
        "limit" = EXCLUDED."limit", remaining = EXCLUDED.remaining, resets_at = EXCLUDED.resets_at, updated_at = now()
""")


def capped(window: Window, resets_at: dt.datetime, now: dt.datetime | None = None) -> dt.datetime:
    """A reset time from a remote, at most one window from now: a remote clock running ahead
    (or a wrong header) must not stall a merchant longer than the window itself lasts."""
    return min(resets_at, (now or utcnow()) + dt.timedelta(seconds=window.seconds))


def observe(connection_id: int, window: Window, limit: int, remaining: int, resets_at: dt.datetime,
            now: dt.datetime | None = None, conn=None) -> None:
    """Record what the remote says is left of ``window``: the remote's numbers win over ours,
    except a reset further away than one window (see :func:`capped`)."""
    observe_all(connection_id, [(window, limit, remaining, resets_at)], now, conn)


def observe_all(connection_id: int, seen: list[tuple[Window, int, int, dt.datetime]],
                now: dt.datetime | None = None, conn=None) -> None:
    """``observe`` for several windows (window, limit, remaining, resets_at) in one statement."""
    if not seen:
        return
    params = {"cid": connection_id, "names": [w.name for w, *_ in seen], "limits": [limit for _, limit, _, _ in seen],
              "remaining": [left for _, _, left, _ in seen],
              "resets": [capped(w, resets_at, now) for w, _, _, resets_at in seen]}
    with _within(conn) as conn:
        conn.execute(OBSERVE, params)


def budgets(connection_id: int) -> list[dict]:
    """The windows of ``connection_id`` as they stand, for the dashboard and tests."""
    with db.engine().connect() as conn:
        rows = conn.execute(sa.text(
            'SELECT "window", "limit", remaining, resets_at FROM rate_budgets '
            'WHERE connection_id = :cid ORDER BY "window"'), {"cid": connection_id})
        return [dict(row._mapping) for row in rows]


class ErrorBudgetExhausted(Throttled):
    """Too many refused calls to one endpoint this hour: we pause before the remote blocks us."""


def spend_error(connection_id: int, window: Window, now: dt.datetime | None = None, conn=None) -> None:
    """Count one refused call against ``window`` (e.g. 9 per hour per endpoint)."""
    with _within(conn) as conn:
        # The same statement as take(), without its guard: a refusal that happened is counted.
        conn.execute(TAKE, _params(connection_id, (window,), now or utcnow(), guarded=False))


def check_errors(connection_id: int, window: Window, now: dt.datetime | None = None, conn=None) -> None:
    """Raise ``ErrorBudgetExhausted`` while ``window`` has no refused calls left."""
    now = now or utcnow()
    with _within(conn) as conn:
        row = conn.execute(sa.text('SELECT remaining, resets_at FROM rate_budgets '
                                   'WHERE connection_id = :cid AND "window" = :window'),
                           {"cid": connection_id, "window": window.name}).first()
    if row is not None and row.remaining <= 0 and row.resets_at > now:
        raise ErrorBudgetExhausted(row.resets_at, f"too many refused calls to {window.name.split(':', 2)[-1]}")


def exhausted_error_budgets(connection_id: int, prefix: str, now: dt.datetime | None = None) -> list[dict]:
    """The error windows of a connection that are used up now, for the dashboard."""
    now = now or utcnow()
    return [b for b in budgets(connection_id)
            if b["window"].startswith(prefix) and b["remaining"] <= 0 and b["resets_at"] > now]
