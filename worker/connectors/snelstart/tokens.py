"""Bearer tokens for a SnelStart connection: the merchant's koppelsleutel exchanged at the token endpoint.

SnelStart gives no refresh token (targets.md §3.1): a token lives about an hour and a new one is
asked with the koppelsleutel again. The token is kept encrypted with the connection's secrets and
renewed under the connection's row lock, re-read after taking it, so workers share one token
instead of each asking for their own (a lost race would only cost one extra token call, §6).
"""
from __future__ import annotations

import time

import requests

from worker import reauth, secrets
from worker.config import settings
from worker.connectors import token_cache
from worker.connectors.errors import ReauthRequired, RemoteUnavailable
from worker.i18n import N_
from worker.models import Connection

# Ask for a new token when fewer than this many seconds of its ~3,600 remain.
REFRESH_MARGIN = 120
REAUTH_MESSAGE = N_("SnelStart no longer accepts your connection key (koppelsleutel). Make a new one in "
                    "SnelStart web under Koppelingen and enter it on the installation page.")


def exchange(client_key: str, auth_url: str | None = None) -> dict:
    """A fresh token for ``client_key``: ``{"access_token", "token_expires_at"}``; ReauthRequired when refused."""
    url = f"{(auth_url or settings.snelstart_auth_url).rstrip('/')}/b2b/token"
    try:
        # The subscription key is not sent here: the token endpoint is not behind APIM (§3.1).
        answer = requests.post(url, data={"grant_type": "clientkey", "clientkey": client_key},
                               timeout=settings.http_timeout)
    except requests.RequestException as exc:
        raise RemoteUnavailable(f"SnelStart's token endpoint could not be reached: {exc}") from exc
    if answer.status_code in (400, 401):
        raise ReauthRequired(REAUTH_MESSAGE)
    if answer.status_code >= 300:
        raise RemoteUnavailable(f"SnelStart's token endpoint answered {answer.status_code}")
    try:
        body = answer.json()
        body["access_token"]
    except (ValueError, KeyError, TypeError) as exc:
        raise RemoteUnavailable(f"SnelStart's token endpoint gave no token: {answer.text[:200]}") from exc
    return {"access_token": body["access_token"],
            "token_expires_at": time.time() + float(body.get("expires_in") or 3599)}


def access_token(connection_id: int, stale: str | None = None) -> str:
    """A valid token for the connection; a new one when due or when ``stale`` (refused with 401) is stored."""
    return token_cache.access_token(connection_id, _renew_locked, REFRESH_MARGIN, stale=stale,
                                    expires_key="token_expires_at")


def _renew_locked(session, connection: Connection, values: dict) -> str:
    if reauth.is_marked(connection, REAUTH_MESSAGE):
        raise ReauthRequired(REAUTH_MESSAGE)  # the key was refused already: wait for the merchant's new one
    try:
        new = exchange(values.get("client_key") or "")
    except ReauthRequired:
        reauth.mark(session, connection, REAUTH_MESSAGE, "SnelStart")  # red, and the merchant mailed once
        session.commit()
        raise
    secrets.update(connection, **new)
    return new["access_token"]
