"""Access tokens for a Visma.net connection, refreshed by one worker at a time (rotating refresh tokens).

As for the other OAuth targets: the refresh happens under the connection's row lock, the stored
pair is re-read after taking it, and the new pair is committed before anyone uses it.
"""
from __future__ import annotations

from worker import secrets
from worker.connectors import token_cache
from worker.connectors.visma_net import oauth
from worker.i18n import N_
from worker.models import Connection

REFRESH_MARGIN = 60
REAUTH_MESSAGE = N_("Visma.net no longer accepts our authorisation. Log out of Visma.net, then press Connect "
                    "to authorise again.")


def access_token(connection_id: int) -> str:
    """A valid access token for the connection, refreshing it (under the row lock) when due."""
    return token_cache.access_token(connection_id, _refresh_locked, REFRESH_MARGIN)


def _refresh_locked(session, connection: Connection, values: dict) -> str:
    new = token_cache.renewed(session, connection, values, oauth.refresh, REAUTH_MESSAGE)
    secrets.update(connection, **new)  # the pair rotates: the old refresh token is spent
    connection.status, connection.status_reason = "connected", None
    return new["access_token"]


def store_first_tokens(connection: Connection, tokens: dict) -> None:
    """Save the pair from a new authorisation; the caller commits."""
    secrets.update(connection, **tokens)
    connection.status, connection.status_reason = "connected", None
