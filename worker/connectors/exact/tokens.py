"""Access tokens for an Exact connection, refreshed by one worker at a time.

Exact's refresh tokens are single-use: two workers refreshing at once would lock the merchant out
until they connect again. So the refresh happens while holding the connection's row lock, the
stored pair is re-read after taking the lock (another worker may have refreshed meanwhile), and
the new pair is committed before anyone uses it (reference/reliability.md A4).
"""
from __future__ import annotations

import time

from worker import reauth, secrets
from worker.connectors import token_cache
from worker.connectors.errors import ReauthRequired, RemoteRejected
from worker.connectors.exact import oauth
from worker.i18n import N_
from worker.models import Connection

# Refresh when fewer than this many seconds remain: Exact refuses a refresh before 570 s of 600.
REFRESH_MARGIN = 30
REAUTH_MESSAGE = N_("Exact Online no longer accepts our authorisation. Press Connect to log in to Exact Online again.")
SYSTEM = "Exact Online"



def stored(session, connection_id: int) -> str | None:
    """The stored access token when it is not due, read in the caller's transaction (None: call ``access_token``)."""
    return token_cache.stored(session, connection_id, REFRESH_MARGIN)


def access_token(connection_id: int, base_url: str) -> str:
    """A valid access token for the connection, refreshing it (under the row lock) when due."""
    return token_cache.access_token(connection_id, lambda session, connection, values: _renew(
        session, connection, base_url, values), REFRESH_MARGIN)


def _renew(session, connection: Connection, base_url: str, values: dict) -> str:
    if reauth.is_marked(connection, REAUTH_MESSAGE):
        # Our refresh token is dead: asking again would only spend Exact's error budget.
        raise ReauthRequired(REAUTH_MESSAGE)
    if not values.get("refresh_token"):
        _needs_login(session, connection)
    return _refresh_locked(session, connection, base_url, values)


def _needs_login(session, connection: Connection) -> None:
    """Mark the connection (mailing the merchant once per incident), commit, and stop the caller."""
    reauth.mark(session, connection, REAUTH_MESSAGE, SYSTEM)
    session.commit()
    raise ReauthRequired(REAUTH_MESSAGE)


def _refresh_locked(session, connection: Connection, base_url: str, values: dict) -> str:
    try:
        new = oauth.refresh(base_url, values["refresh_token"])
    except ReauthRequired:
        _needs_login(session, connection)
    except RemoteRejected:
        # "Too early to refresh": the stored token is still ours to use until it expires.
        return values["access_token"]
    secrets.update(connection, **new)
    connection.status, connection.status_reason = "connected", None
    return new["access_token"]


def store_first_tokens(connection: Connection, tokens: dict) -> None:
    """Save the pair from a new authorisation; the caller commits."""
    secrets.update(connection, **tokens)
    connection.status, connection.status_reason = "connected", None
