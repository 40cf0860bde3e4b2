"""Access tokens of an Amazon connection: an hour each, refreshed with the seller's refresh token.

The refresh token does not rotate (unlike Visma's), but the refresh still happens under the
connection's row lock so that several workers finding an expired token make one LWA call, not many.
Tokens are kept encrypted in the connection's secrets (worker.secrets) and never logged.
"""
from __future__ import annotations

import datetime as dt

from worker import secrets
from worker.connectors import token_cache
from worker.connectors.amazon import lwa
from worker.i18n import N_
from worker.models import Connection
from worker.models.base import utcnow

REFRESH_MARGIN = 60  # seconds before expiry we already refresh
# Amazon asks sellers to re-authorise a public app every 365 days; after that the refresh token stops.
AUTHORISATION_DAYS = 365
REAUTH_MESSAGE = N_("Amazon no longer accepts Koppel's authorisation (revoked in Seller Central, or the "
                    "yearly re-authorisation was missed). Connect Amazon again.")


def access_token(connection_id: int, stale: str | None = None) -> str:
    """A valid access token; ``stale`` is one Amazon just called expired, so it is refreshed whatever its clock says."""
    return token_cache.access_token(connection_id, _refresh_locked, REFRESH_MARGIN, stale=stale)


def _refresh_locked(session, connection: Connection, values: dict) -> str:
    new = token_cache.renewed(session, connection, values, lwa.refresh, REAUTH_MESSAGE)
    # The refresh token does not rotate: only the access token and its expiry are new.
    secrets.update(connection, access_token=new["access_token"], expires_at=new["expires_at"])
    return new["access_token"]


def store_authorisation(connection: Connection, tokens: dict, when: dt.datetime | None = None) -> None:
    """Keep a new authorisation (tokens encrypted, its date in the settings); the caller commits."""
    secrets.update(connection, **tokens)
    connection.settings = {**connection.settings, "authorised_at": (when or utcnow()).isoformat()}
    connection.status, connection.status_reason, connection.status_checked_at = "connected", None, utcnow()


def reauthorise_by(connection: Connection) -> dt.date | None:
    """The day Amazon stops accepting this authorisation unless the seller re-authorises (None: never authorised)."""
    when = (connection.settings or {}).get("authorised_at")
    if not when:
        return None
    return (dt.datetime.fromisoformat(when) + dt.timedelta(days=AUTHORISATION_DAYS)).date()
