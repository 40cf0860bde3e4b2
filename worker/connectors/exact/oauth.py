"""Exact Online's OAuth 2.0 authorization-code flow, through authlib.

Exact specifics (reference/targets.md §1.2): ``expires_in`` comes as a string ("600"); refresh
tokens are single-use and rotate; a refresh is only accepted after 570 s of the token's 600 s
life; the authorization code is single-use.
"""
from __future__ import annotations

import time
from typing import TYPE_CHECKING

from authlib.common.security import generate_token
from authlib.oauth2.rfc6749.errors import OAuth2Error

from worker.config import settings
from worker.connectors.errors import ReauthRequired, RemoteRejected, RemoteUnavailable
from worker.i18n import N_

if TYPE_CHECKING:
    from authlib.integrations.requests_client import OAuth2Session

AUTHORIZE_PATH = "/api/oauth2/auth"
TOKEN_PATH = "/api/oauth2/token"


def _session(redirect_uri: str | None = None) -> OAuth2Session:
    # authlib's requests client pulls in joserfc (~12 MiB): imported when a token is fetched, not by every process.
    from authlib.integrations.requests_client import OAuth2Session

    return OAuth2Session(
        client_id=settings.exact_client_id,
        client_secret=settings.exact_client_secret,
        token_endpoint_auth_method="client_secret_post",
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
    )


def authorization_url(base_url: str, redirect_uri: str) -> tuple[str, str, str]:
    """The URL to send the merchant to, with its ``state`` and PKCE ``code_verifier`` to keep."""
    verifier = generate_token(48)
    url, state = _session(redirect_uri).create_authorization_url(
        base_url + AUTHORIZE_PATH, code_verifier=verifier, force_login="1")
    return url, state, verifier


def token_values(token: dict, now: float | None = None) -> dict:
    """The fields of a token answer we store, with ``expires_in`` (a string at Exact) made absolute."""
    now = time.time() if now is None else now
    return {
        "access_token": token["access_token"],
        "refresh_token": token["refresh_token"],
        "issued_at": now,
        "expires_at": now + int(str(token.get("expires_in", "600"))),
    }


def exchange_code(base_url: str, redirect_uri: str, code: str, verifier: str) -> dict:
    """Exchange an authorization code for the first token pair."""
    from authlib.integrations.base_client.errors import OAuthError

    try:
        token = _session(redirect_uri).fetch_token(
            base_url + TOKEN_PATH, grant_type="authorization_code", code=code,
            code_verifier=verifier, timeout=settings.http_timeout)
    except (OAuth2Error, OAuthError) as exc:
        raise RemoteRejected(400, _describe(exc)) from exc
    return token_values(token)


def refresh(base_url: str, refresh_token: str) -> dict:
    """Trade ``refresh_token`` (single-use) for a new pair."""
    from authlib.integrations.base_client.errors import OAuthError

    try:
        token = _session().refresh_token(
            base_url + TOKEN_PATH, refresh_token=refresh_token, timeout=settings.http_timeout)
    except (OAuth2Error, OAuthError) as exc:
        description = _describe(exc)
        if "not expired" in description:
            raise RemoteRejected(400, description) from exc
        raise ReauthRequired(description or N_("Exact Online refused the refresh token")) from exc
    except OSError as exc:
        raise RemoteUnavailable(f"token endpoint unreachable: {exc}") from exc
    return token_values(token)


def _describe(exc: Exception) -> str:
    """The token endpoint's ``error_description``, else its ``error`` code."""
    return getattr(exc, "description", None) or getattr(exc, "error", None) or str(exc)
