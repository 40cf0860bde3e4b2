"""The stored access token of a connection while it is fresh, renewed by one worker at a time.

Refresh tokens rotate (Exact's are single-use): two workers renewing at once could lock the merchant
out. So a due token is renewed while holding the connection's row lock, the stored values are read
again after taking it (another worker may have renewed meanwhile), and the new token is committed
with the lock's transaction before anyone uses it (reference/reliability.md A4). Each connector's
tokens module says how to renew; ``renewed`` is the common refresh-or-mark-red step of those whose
refusal only turns the connection red (Amazon, Visma.net).
"""
from __future__ import annotations

import time
from typing import Callable

import sqlalchemy as sa
from sqlalchemy import orm

from worker import connectors, db, reauth, secrets
from worker.connectors.errors import ReauthRequired
from worker.models import Connection

Renew = Callable[[orm.Session, Connection, dict], str]
Refresh = Callable[[str], dict]


def _usable(values: dict, margin: float, expires_key: str, stale: str | None) -> bool:
    token = values.get("access_token")
    return bool(token) and token != stale and values.get(expires_key, 0) - time.time() > margin


def stored(session: orm.Session, connection_id: int, margin: float, stale: str | None = None,
           expires_key: str = "expires_at") -> str | None:
    """The stored token when it is usable, read in ``session`` (a client's one transaction before a call);
    None when it is due, and then ``access_token`` renews it under the lock."""
    values = secrets.read(session.get(Connection, connection_id))
    return values["access_token"] if _usable(values, margin, expires_key, stale) else None


def access_token(connection_id: int, renew: Renew, margin: float, stale: str | None = None,
                 expires_key: str = "expires_at") -> str:
    """A token with more than ``margin`` seconds left and not ``stale`` (one the remote just refused)."""
    with db.session_scope() as session:
        token = stored(session, connection_id, margin, stale, expires_key)
    if token:
        return token
    with db.session_scope() as session:
        connection = session.execute(
            sa.select(Connection).where(Connection.id == connection_id).with_for_update()).scalar_one()
        values = secrets.read(connection)
        if _usable(values, margin, expires_key, stale):
            return values["access_token"]  # another worker renewed it while we waited for the lock
        return renew(session, connection, values)


def renewed(session: orm.Session, connection: Connection, values: dict, refresh: Refresh, reauth_message: str) -> dict:
    """The remote's answer to ``refresh`` with the stored refresh token; refused, the connection goes red.

    The red status is committed before ReauthRequired is raised, so the portal shows it even though the
    caller's transaction ends in the exception. Storing the answer is the caller's: what to keep differs.
    """
    if not values.get("refresh_token"):
        raise ReauthRequired(reauth_message)
    try:
        return refresh(values["refresh_token"])
    except ReauthRequired:
        # Red, and the merchant mailed once per incident, as for every connection that needs a new login.
        reauth.mark(session, connection, reauth_message, connectors.get(connection.system).name)
        session.commit()
        raise ReauthRequired(reauth_message) from None
