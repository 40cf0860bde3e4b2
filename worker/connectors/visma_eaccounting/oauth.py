"""Visma's identity server, authorization-code flow through authlib (targets.md §2.2).

Visma specifics: token requests are form-encoded; ``offline_access`` is what brings a refresh
token; refresh tokens rotate and are single-use (a replay is ``invalid_grant``); access tokens
live 3,600 s; one token is one user and one company.
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

AUTHORIZE_PATH = "/connect/authorize"
TOKEN_PATH = "/connect/token"
# ea:sales covers customers, articles and sales documents; VAT codes, accounts and vouchers need
# ea:accounting (the swagger's scope lists), so a connector that only asked for ea:sales could
# neither read the VAT codes for the Configuration tab nor post sales bookings.
SCOPES = "ea:api ea:sales ea:accounting offline_access"
_PASSING = {"server_error", "temporarily_unavailable"}


def _session(redirect_uri: str | None = None) -> OAuth2Session:
    # authlib's requests client pulls in joserfc (~12 MiB): imported when a token is fetched, not by every process.
    from authlib.integrations.requests_client import OAuth2Session

    return OAuth2Session(client_id=settings.visma_client_id, client_secret=settings.visma_client_secret,
                         token_endpoint_auth_method="client_secret_post", redirect_uri=redirect_uri,
                         scope=SCOPES, code_challenge_method="S256")


def authorization_url(identity_url: str, redirect_uri: str) -> tuple[str, str, str]:
    """The URL to send the merchant to, with its ``state`` and PKCE ``code_verifier`` to keep."""
    verifier = generate_token(48)
    # prompt=login and forceselectcompany make the merchant pick the company to connect (§2.2).
    url, state = _session(redirect_uri).create_authorization_url(
        identity_url + AUTHORIZE_PATH, code_verifier=verifier, prompt="login", acr_values="forceselectcompany:true")
    return url, state, verifier


def token_values(token: dict, now: float | None = None) -> dict:
    """The fields of a token answer we store, with ``expires_in`` made absolute."""
    now = time.time() if now is None else now
    return {"access_token": token["access_token"], "refresh_token": token.get("refresh_token"),
            "issued_at": now, "expires_at": now + int(token.get("expires_in", 3600))}


def exchange_code(identity_url: str, redirect_uri: str, code: str, verifier: str) -> dict:
    """Exchange an authorization code for the first token pair."""
    from authlib.integrations.base_client.errors import OAuthError

    try:
        token = _session(redirect_uri).fetch_token(
            identity_url + TOKEN_PATH, grant_type="authorization_code", code=code, code_verifier=verifier,
            timeout=settings.http_timeout)
    except (OAuth2Error, OAuthError) as exc:
        raise RemoteRejected(400, _describe(exc)) from exc
    except OSError as exc:
        raise RemoteUnavailable(f"Visma's token endpoint unreachable: {exc}") from exc
    return token_values(token)


def refresh(identity_url: str, refresh_token: str) -> dict:
    """Trade ``refresh_token`` (single-use) for a new pair."""
    from authlib.integrations.base_client.errors import OAuthError

    try:
        token = _session().refresh_token(identity_url + TOKEN_PATH, refresh_token=refresh_token,
                                         timeout=settings.http_timeout)
    except (OAuth2Error, OAuthError) as exc:
        if getattr(exc, "error", None) in _PASSING:
            raise RemoteUnavailable(f"Visma's token endpoint failed: {_describe(exc)}") from exc
        raise ReauthRequired(_describe(exc) or N_("Visma eAccounting refused the refresh token")) from exc
    except OSError as exc:
        raise RemoteUnavailable(f"Visma's token endpoint unreachable: {exc}") from exc
    return token_values(token)


def _describe(exc: Exception) -> str:
    """The token endpoint's ``error_description``, else its ``error`` code."""
    return getattr(exc, "description", None) or getattr(exc, "error", None) or str(exc)
