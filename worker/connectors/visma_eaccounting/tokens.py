"""Access tokens for a Visma eAccounting connection, refreshed by one worker at a time.

Visma's refresh tokens rotate and are single-use: two workers refreshing at once would lock the
merchant out. So the refresh happens under the connection's row lock, the stored pair is re-read
after taking the lock (another worker may have refreshed meanwhile), and the new pair is committed
before anyone uses it (targets.md §6).
"""
from __future__ import annotations

import time

from worker import reauth, secrets
from worker.connectors import token_cache
from worker.connectors.errors import ReauthRequired
from worker.connectors.visma_eaccounting import oauth
from worker.i18n import N_
from worker.models import Connection

# Refresh when fewer than this many seconds remain of the 3,600 (pwitab/visma refreshes 60 s early).
REFRESH_MARGIN = 60
REAUTH_MESSAGE = N_("Visma eAccounting no longer accepts our authorisation. "
                    "Press Connect to log in to Visma eAccounting again.")



def stored(session, connection_id: int) -> str | None:
    """The stored access token when it is not due, read in the caller's transaction (None: call ``access_token``)."""
    return token_cache.stored(session, connection_id, REFRESH_MARGIN)


def access_token(connection_id: int, identity_url: str) -> str:
    """A valid access token for the connection, refreshing it (under the row lock) when due."""
    return token_cache.access_token(connection_id, lambda session, connection, values: _refresh_locked(
        session, connection, identity_url, values), REFRESH_MARGIN)


def _refresh_locked(session, connection: Connection, identity_url: str, values: dict) -> str:
    if not values.get("refresh_token"):
        raise ReauthRequired(REAUTH_MESSAGE)
    try:
        new = oauth.refresh(identity_url, values["refresh_token"])
    except ReauthRequired:
        # Red once per incident, and the merchant e-mailed at its start (not every failed refresh).
        reauth.mark(session, connection, REAUTH_MESSAGE, "Visma eAccounting")
        session.commit()
        raise ReauthRequired(REAUTH_MESSAGE) from None
    secrets.update(connection, **new)
    connection.status, connection.status_reason = "connected", None
    return new["access_token"]


def store_first_tokens(connection: Connection, tokens: dict) -> None:
    """Save the pair from a new authorisation; the caller commits."""
    secrets.update(connection, **tokens)
    connection.status, connection.status_reason = "connected", None
