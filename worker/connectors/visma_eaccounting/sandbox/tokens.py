"""Authorization codes, access tokens of 3,600 s and rotating single-use refresh tokens (targets.md §2.2)."""
from __future__ import annotations

import base64
import hashlib
import secrets

ACCESS_LIFETIME = 3600
CODE_LIFETIME = 300
MANDATORY_SCOPES = {"ea:api", "offline_access"}
KNOWN_SCOPES = MANDATORY_SCOPES | {"ea:sales", "ea:sales_readonly", "ea:accounting", "ea:accounting_readonly",
                                   "ea:purchase", "ea:purchase_readonly"}


class OAuthError(Exception):
    """A token-endpoint refusal in the standard OAuth shape."""

    def __init__(self, status: int, error: str, description: str | None = None):
        super().__init__(description or error)
        self.status = status
        self.body = {"error": error, **({"error_description": description} if description else {})}


def s256(verifier: str) -> str:
    """The PKCE S256 challenge of a verifier."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class TokenStore:
    """Every grant of one sandbox; each token is bound to one user and one company. Hold the state lock."""

    def __init__(self) -> None:
        self.codes: dict[str, dict] = {}
        self.access: dict[str, dict] = {}
        self.refresh: dict[str, dict] = {}
        self.token_calls = 0

    def issue_code(self, now: float, grant: dict) -> str:
        """A single-use code for a consent: ``grant`` holds client_id, redirect_uri, username, company, scopes."""
        code = secrets.token_urlsafe(24)
        self.codes[code] = {**grant, "expires": now + CODE_LIFETIME, "used": False}
        return code

    def exchange_code(self, now: float, client_id: str, code: str, redirect_uri: str, verifier: str | None) -> dict:
        """Trade a code for a pair; reuse, expiry, another client or a bad verifier give invalid_grant."""
        grant = self.codes.get(code or "")
        if grant is None or grant["used"] or grant["expires"] <= now or grant["client_id"] != client_id:
            raise OAuthError(400, "invalid_grant")
        grant["used"] = True
        if grant["redirect_uri"] != redirect_uri:
            raise OAuthError(400, "invalid_grant", "redirect_uri does not match the authorization request")
        challenge = grant.get("challenge")
        if challenge and (not verifier or s256(verifier) != challenge):
            raise OAuthError(400, "invalid_grant", "code_verifier does not match the code_challenge")
        return self._issue(now, grant)

    def use_refresh(self, now: float, client_id: str, token: str) -> dict:
        """Rotate: the old refresh token dies for good, a new pair comes back; a replay is invalid_grant."""
        grant = self.refresh.get(token or "")
        if grant is None or grant["client_id"] != client_id or grant["used"]:
            raise OAuthError(400, "invalid_grant")
        grant["used"] = True
        return self._issue(now, grant)

    def _issue(self, now: float, grant: dict) -> dict:
        access = secrets.token_urlsafe(32)
        bound = {k: grant[k] for k in ("client_id", "username", "company", "scopes")}
        self.access[access] = {**bound, "expires": now + ACCESS_LIFETIME}
        answer = {"access_token": access, "token_type": "Bearer", "expires_in": ACCESS_LIFETIME,
                  "scope": " ".join(grant["scopes"])}
        if "offline_access" in grant["scopes"]:  # only offline_access brings a refresh token
            refresh = secrets.token_urlsafe(32)
            self.refresh[refresh] = {**bound, "issued": now, "used": False}
            answer["refresh_token"] = refresh
        self.token_calls += 1
        return answer

    def lookup(self, token: str) -> dict | None:
        """The grant behind an access token (also when expired), or None when unknown."""
        return self.access.get(token or "")

    def to_json(self) -> dict:
        """Everything needed to survive a restart."""
        return {"codes": self.codes, "access": self.access, "refresh": self.refresh, "token_calls": self.token_calls}

    def load_json(self, data: dict) -> None:
        """Restore what :meth:`to_json` produced."""
        for name in ("codes", "access", "refresh"):
            setattr(self, name, dict(data.get(name, {})))
        self.token_calls = int(data.get("token_calls", 0))
