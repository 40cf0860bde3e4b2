"""The HTTP client for the SnelStart B2B API v2 (reference/targets.md §3).

Every call carries both keys: Koppel's ``Ocp-Apim-Subscription-Key`` and the administration's
bearer token. It takes a unit of the connection's budget first (SnelStart publishes no limits;
BossBase waits 150 ms between calls; we allow 300 a minute, which a 429 shortens), renews the token
once on a 401, and sorts failures for the pipeline: 429 is ``Throttled`` until ``Retry-After``,
a 4xx is ``RemoteRejected`` with SnelStart's field and message (three error shapes, §3.4), a 5xx
or no answer is ``RemoteUnavailable`` for reads and ``OutcomeUnknown`` for writes.
"""
from __future__ import annotations

import datetime as dt
import re

import requests

from worker import ratelimit
from worker.config import settings
from worker.connectors.errors import OutcomeUnknown, ReauthRequired, RemoteRejected, RemoteUnavailable, Throttled
from worker.connectors.snelstart import tokens
from worker.connectors.http import RemoteHttp, json_or_text

WINDOWS = (ratelimit.Window("snelstart:minute", 300, 60),)
PAGE = 500  # $top cap of /relaties, /grootboeken, /verkooporders...; /artikelen caps at 25
MAX_PAGES = 40
_WAIT = re.compile(r"Try again in (\d+) seconds")


def error_text(body) -> str:
    """SnelStart's error in one line, whichever of the three shapes it came in (§3.4)."""
    if isinstance(body, list):  # [{"errorCode", "message"}, ...]
        return "; ".join(f"{e.get('errorCode') or ''}: {e.get('message') or ''}".strip(": ")
                         for e in body if isinstance(e, dict)) or str(body)[:500]
    if isinstance(body, dict):
        message = body.get("message") or body.get("Message") or ""
        fields = body.get("modelState") or body.get("ModelState") or {}
        details = "; ".join(f"{field}: {' '.join(map(str, msgs))}" for field, msgs in fields.items())
        return f"{message} {details}".strip() if details else str(message)
    return str(body or "")[:500]


def _key_refused(response: requests.Response) -> bool:
    """Whether a 401 is APIM refusing Koppel's subscription key (not the administration's token)."""
    body = json_or_text(response)
    return isinstance(body, dict) and "subscription key" in str(body.get("message", ""))



class SnelStartClient(RemoteHttp):
    """Calls SnelStart for one administration: one connection (``connection_id``), or a bare ``token`` when testing a key."""

    system = "SnelStart"

    def __init__(self, connection_id: int | None = None, token: str | None = None, tenant_id: int | None = None,
                 api_url: str | None = None, http: requests.Session | None = None):
        self.connection_id = connection_id
        self.tenant_id = tenant_id
        self.token = token
        self.api_url = (api_url or settings.snelstart_api_url).rstrip("/")
        self.http = http or requests.Session()

    def get(self, path: str, params: dict | None = None, page: int = PAGE) -> list[dict]:
        """Every row of a list: ``$top``/``$skip`` until a short page comes back (lists are plain arrays)."""
        rows: list[dict] = []
        for number in range(MAX_PAGES):
            batch = self.send("GET", path, params={**(params or {}), "$top": page, "$skip": number * page}).json()
            rows.extend(batch)
            if len(batch) < page:
                return rows
        raise RemoteRejected(200, f"more than {MAX_PAGES} pages from {path}")

    def get_one(self, path: str) -> dict:
        return self.send("GET", path).json()

    def post(self, path: str, body: dict) -> dict:
        """Create a record; SnelStart answers 201 with the stored model (``id`` included)."""
        return self.send("POST", path, json=body).json()

    def send(self, method: str, path: str, **kwargs) -> requests.Response:
        """One call with budget, both keys, a log entry and error sorting; a 401 renews the token once."""
        if self.connection_id is not None:
            ratelimit.take(self.connection_id, WINDOWS)
        token = self._token()
        response = self._once(method, path, token, **kwargs)
        if response.status_code == 401 and self.connection_id is not None and not _key_refused(response):
            response = self._once(method, path, tokens.access_token(self.connection_id, stale=token), **kwargs)
        self._raise_for(method, response)
        return response

    def _token(self) -> str:
        return self.token if self.connection_id is None else tokens.access_token(self.connection_id)

    def _once(self, method: str, path: str, token: str, **kwargs) -> requests.Response:
        # The subscription key is a header, never the query string, so it stays out of URLs and logs.
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json",
                   "Ocp-Apim-Subscription-Key": settings.snelstart_subscription_key}
        url = f"{self.api_url}/{path.lstrip('/')}"
        response = self.exchange(method, url, headers=headers, **kwargs)
        return response

    def _raise_for(self, method: str, response: requests.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        body = json_or_text(response)
        if status == 429:
            retry_at = self._retry_at(response, body)
            if self.connection_id is not None:  # every worker of this connection waits, not only this one
                ratelimit.observe(self.connection_id, WINDOWS[0], WINDOWS[0].limit, 0, retry_at)
            raise Throttled(retry_at, "SnelStart rate limit reached")
        if status == 401 and _key_refused(response):
            # Our subscription key, not the merchant's: webcare must fix the configuration.
            raise RemoteRejected(401, error_text(body), body)
        if status == 401:
            raise ReauthRequired(tokens.REAUTH_MESSAGE)
        if status >= 500:
            cls = RemoteUnavailable if method == "GET" else OutcomeUnknown
            if cls is OutcomeUnknown:
                raise OutcomeUnknown(f"SnelStart answered {status}", status, body, error_text(body))
            raise cls(f"SnelStart answered {status}: {error_text(body)}")
        raise RemoteRejected(status, error_text(body) or response.reason, body)

    @staticmethod
    def _retry_at(response: requests.Response, body) -> dt.datetime:
        seconds = response.headers.get("Retry-After", "")
        if not seconds.isdigit():
            match = _WAIT.search(error_text(body))
            seconds = match.group(1) if match else "60"
        return dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=int(seconds))
