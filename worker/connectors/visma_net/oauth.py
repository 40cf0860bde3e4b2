"""Visma Connect, authorization-code flow through authlib (targets.md §5.2).

The merchant consents once; the token is bound to their Visma.net customer (tenant) and every
API call names the company in ``ipp-company-id``. The merchant must be logged out of Visma.net
first (manual 004): otherwise Visma Connect sends them back with an error, which
``LOGGED_IN_ADVICE`` turns into what to do.
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
SCOPES = "vismanet_erp_service_api:create vismanet_erp_service_api:read offline_access"
BEFORE_REDIRECT = N_("Log out of Visma.net first (also in other tabs), then press Connect: Visma.net refuses "
                     "the authorisation while you are still logged in.")
LOGGED_IN_ADVICE = N_("Visma.net did not grant access, usually because you were still logged in to Visma.net. "
                      "Log out of Visma.net (also in other tabs), then press Connect again.")
_PASSING = {"server_error", "temporarily_unavailable"}


def _session(redirect_uri: str | None = None) -> OAuth2Session:
    # authlib's requests client pulls in joserfc (~12 MiB): imported when a token is fetched, not by every process.
    from authlib.integrations.requests_client import OAuth2Session

    return OAuth2Session(client_id=settings.vismanet_client_id, client_secret=settings.vismanet_client_secret,
                         token_endpoint_auth_method="client_secret_post", redirect_uri=redirect_uri,
                         scope=SCOPES, code_challenge_method="S256")


def authorization_url(redirect_uri: str) -> tuple[str, str, str]:
    """The URL to send the merchant to, with its ``state`` and PKCE verifier to keep."""
    verifier = generate_token(48)
    url, state = _session(redirect_uri).create_authorization_url(
        settings.vismanet_connect_url + AUTHORIZE_PATH, code_verifier=verifier)
    return url, state, verifier


def token_values(token: dict, now: float | None = None) -> dict:
    """The fields of a token answer we store, with ``expires_in`` made absolute."""
    now = time.time() if now is None else now
    return {"access_token": token["access_token"], "refresh_token": token.get("refresh_token"),
            "expires_at": now + int(token.get("expires_in", 3600))}


def exchange_code(redirect_uri: str, code: str, verifier: str) -> dict:
    """Exchange an authorization code for the first token pair."""
    from authlib.integrations.base_client.errors import OAuthError

    try:
        token = _session(redirect_uri).fetch_token(settings.vismanet_connect_url + TOKEN_PATH,
                                                   grant_type="authorization_code", code=code,
                                                   code_verifier=verifier, timeout=settings.http_timeout)
    except (OAuth2Error, OAuthError) as exc:
        raise RemoteRejected(400, _describe(exc)) from exc
    except OSError as exc:
        raise RemoteUnavailable(f"Visma Connect unreachable: {exc}") from exc
    return token_values(token)


def refresh(refresh_token: str) -> dict:
    """Trade ``refresh_token`` (single-use) for a new pair."""
    from authlib.integrations.base_client.errors import OAuthError

    try:
        token = _session().refresh_token(settings.vismanet_connect_url + TOKEN_PATH, refresh_token=refresh_token,
                                         timeout=settings.http_timeout)
    except (OAuth2Error, OAuthError) as exc:
        if getattr(exc, "error", None) in _PASSING:
            raise RemoteUnavailable(f"Visma Connect failed: {_describe(exc)}") from exc
        raise ReauthRequired(_describe(exc)) from exc
    except OSError as exc:
        raise RemoteUnavailable(f"Visma Connect unreachable: {exc}") from exc
    return token_values(token)


def _describe(exc: Exception) -> str:
    return getattr(exc, "description", None) or getattr(exc, "error", None) or str(exc)
