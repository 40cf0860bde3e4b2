"""Authorization codes, access tokens and rotating single-use refresh tokens (targets.md §1.2)."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets

ACCESS_LIFETIME = 600  # seconds; Exact sends it as the string "600"
REFRESH_MIN_AGE = 570  # a new access token only after 9.5 of its 10 minutes
REFRESH_LIFETIME = 30 * 86400  # a refresh token unused for 30 days expires
CODE_LIFETIME = 600


class OAuthError(Exception):
    """A token-endpoint refusal in the standard OAuth shape."""

    def __init__(self, status: int, error: str, description: str | None = None, headers: dict | None = None):
        super().__init__(description or error)
        self.status = status
        self.body = {"error": error, **({"error_description": description} if description else {})}
        self.headers = headers or {}


def _stamp(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).strftime("%m/%d/%Y %H:%M:%S")


def s256(verifier: str) -> str:
    """The PKCE S256 challenge of a verifier."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class TokenStore:
    """All OAuth grants of one sandbox. Callers hold the state lock around every method."""

    def __init__(self, family_revocation: bool = False):
        self.family_revocation = family_revocation
        self.codes: dict[str, dict] = {}
        self.access: dict[str, dict] = {}
        self.refresh: dict[str, dict] = {}
        self.chains: dict[str, dict] = {}
        self.token_calls = 0

    def issue_code(self, now: float, client_id: str, redirect_uri: str, username: str,
                   challenge: str | None) -> str:
        """A single-use authorization code for this consent."""
        code = secrets.token_urlsafe(24)
        self.codes[code] = {"client_id": client_id, "redirect_uri": redirect_uri, "username": username,
                            "challenge": challenge, "expires": now + CODE_LIFETIME, "used": False}
        return code

    def exchange_code(self, now: float, client_id: str, code: str, redirect_uri: str,
                      verifier: str | None) -> dict:
        """Trade a code for a token pair; reuse, expiry or a bad PKCE verifier give invalid_grant."""
        grant = self.codes.get(code or "")
        if grant is None or grant["used"] or grant["expires"] <= now or grant["client_id"] != client_id:
            raise OAuthError(400, "invalid_grant")
        grant["used"] = True
        if grant["redirect_uri"] != redirect_uri:
            raise OAuthError(400, "invalid_grant", "redirect_uri does not match the authorization request")
        if grant["challenge"] and (not verifier or s256(verifier) != grant["challenge"]):
            raise OAuthError(400, "invalid_grant", "code_verifier does not match the code_challenge")
        chain = secrets.token_hex(8)
        self.chains[chain] = {"revoked": False, "last_issued": now}
        return self._issue(now, client_id, grant["username"], chain)

    def use_refresh(self, now: float, client_id: str, token: str) -> dict:
        """Rotate a refresh token: the old one dies, a new pair is issued (or OAuthError)."""
        grant = self.refresh.get(token or "")
        if grant is None or grant["client_id"] != client_id:
            raise OAuthError(400, "invalid_grant")
        chain = self.chains[grant["chain"]]
        if grant["used"] or chain["revoked"]:
            if self.family_revocation:
                chain["revoked"] = True
            raise OAuthError(401, "unauthorized_client", "Old refresh token used.")
        expires = grant["issued"] + REFRESH_LIFETIME
        if now >= expires:
            raise OAuthError(400, "invalid_request",
                             f"The refresh token expired at {_stamp(expires)} and it is now {_stamp(now)}.")
        if now - chain["last_issued"] < REFRESH_MIN_AGE:
            raise OAuthError(400, "access_denied", "Rate limit exceeded: access_token not expired",
                             {"Reason": "TooEarlyToRefreshTokens: access token not expired"})
        grant["used"] = True
        chain["last_issued"] = now
        return self._issue(now, client_id, grant["username"], grant["chain"])

    def _issue(self, now: float, client_id: str, username: str, chain: str) -> dict:
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        self.access[access] = {"client_id": client_id, "username": username, "chain": chain,
                               "expires": now + ACCESS_LIFETIME}
        self.refresh[refresh] = {"client_id": client_id, "username": username, "chain": chain,
                                 "issued": now, "used": False}
        self.token_calls += 1
        return {"access_token": access, "token_type": "bearer", "expires_in": str(ACCESS_LIFETIME),
                "refresh_token": refresh}

    def lookup(self, token: str) -> dict | None:
        """The grant behind an access token (also when expired), or None when unknown or revoked."""
        grant = self.access.get(token or "")
        if grant is None or self.chains.get(grant["chain"], {}).get("revoked"):
            return None
        return grant

    def to_json(self) -> dict:
        """Everything needed to survive a restart."""
        return {"codes": self.codes, "access": self.access, "refresh": self.refresh,
                "chains": self.chains, "token_calls": self.token_calls}

    def load_json(self, data: dict) -> None:
        """Restore what :meth:`to_json` produced."""
        for name in ("codes", "access", "refresh", "chains"):
            setattr(self, name, dict(data.get(name, {})))
        self.token_calls = int(data.get("token_calls", 0))
