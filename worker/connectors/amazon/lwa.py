"""Login with Amazon (sources.md §1.2): the seller's consent page and the token endpoint.

Access tokens live an hour; a refresh token keeps working until the seller revokes it or the yearly
re-authorisation lapses (then LWA answers 400 ``invalid_grant``). Nothing here logs a token.
"""
from __future__ import annotations

import time
import urllib.parse

import requests

from worker.config import settings
from worker.connectors.errors import ReauthRequired, RemoteRejected, RemoteUnavailable

# LWA error codes that mean the grant itself is gone (revoked, expired, reused code): log in again.
GONE = {"invalid_grant", "unauthorized_client", "access_denied"}


def consent_url(state: str, redirect_uri: str, draft: bool = True) -> str:
    """Seller Central's consent page for Koppel's app; ``version=beta`` while the app is a draft (MD1000)."""
    query = {"application_id": settings.amazon_app_id, "state": state, "redirect_uri": redirect_uri}
    if draft:
        query["version"] = "beta"
    return f"{settings.amazon_consent_url}/apps/authorize/consent?{urllib.parse.urlencode(query)}"


def _post(form: dict) -> dict:
    form = {**form, "client_id": settings.amazon_client_id, "client_secret": settings.amazon_client_secret}
    try:
        response = requests.post(f"{settings.amazon_lwa_url}/auth/o2/token", data=form,
                                 timeout=settings.http_timeout)
    except requests.RequestException as exc:
        raise RemoteUnavailable(f"Login with Amazon could not be reached: {type(exc).__name__}") from None
    if response.status_code >= 500:
        raise RemoteUnavailable(f"Login with Amazon answered {response.status_code}")
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code >= 400:
        code = body.get("error", "") if isinstance(body, dict) else ""
        message = f"{code}: {body.get('error_description', '')}" if code else response.text[:200]
        if code in GONE:
            raise ReauthRequired(message)
        raise RemoteRejected(response.status_code, message)
    return body


def _tokens(body: dict) -> dict:
    return {"access_token": body["access_token"],
            "expires_at": time.time() + float(body.get("expires_in", 3600)),
            **({"refresh_token": body["refresh_token"]} if body.get("refresh_token") else {})}


def exchange_code(code: str, redirect_uri: str) -> dict:
    """The tokens for a consent's ``spapi_oauth_code`` (valid a few minutes, once)."""
    return _tokens(_post({"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}))


def refresh(refresh_token: str) -> dict:
    """A new access token (an hour) for ``refresh_token``; ReauthRequired when the seller's grant is gone."""
    return _tokens(_post({"grant_type": "refresh_token", "refresh_token": refresh_token}))
