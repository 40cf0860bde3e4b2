"""The HTTP client for Visma.net ERP (targets.md §5): token, company header, rate headers, error sorting.

Every call carries ``ipp-company-id`` (the company of the mapping); the rate headers of every
answer update the connection's budget for that company, so every worker sees what is left. A POST
without an answer, or with a 5xx, is ``OutcomeUnknown``: the transaction is looked up by our
reference before anything is sent again.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import requests

from worker import ratelimit
from worker.config import settings
from worker.connectors.errors import OutcomeUnknown, ReauthRequired, RemoteRejected, RemoteUnavailable, Throttled
from worker.connectors.visma_net import tokens
from worker.connectors.http import RemoteHttp

MAX_PAGES, PAGE_SIZE = 50, 1000
_DECIMAL = re.compile(r'"__decimal__(-?\d+(?:\.\d+)?)"')


def dumps(body) -> str:
    """JSON with Decimal amounts written as exact numbers (never through a float)."""
    def encode(value):
        if isinstance(value, Decimal):
            return f"__decimal__{value}"
        raise TypeError(type(value).__name__)
    return _DECIMAL.sub(r"\1", json.dumps(body, default=encode))


def window(company: str) -> ratelimit.Window:
    """The budget of one company (Visma counts per company and client; test clients get 500 an hour)."""
    return ratelimit.Window(f"vismanet:{company}"[:40], 500, 3600)


def error_text(response: requests.Response) -> str:
    """Visma.net's ``ExceptionMessage`` (or lowercase ``message``), else the raw text."""
    try:
        body = response.json()
        return str(body.get("ExceptionMessage") or body.get("message"))
    except (ValueError, AttributeError):
        return (response.text or response.reason or "")[:500]


class VismaNetClient(RemoteHttp):
    """Calls Visma.net for one connection and one company."""

    system = "Visma.net"

    def __init__(self, connection_id: int, company: str, tenant_id: int | None = None):
        self.connection_id, self.company, self.tenant_id = connection_id, str(company), tenant_id
        self.api_url = settings.vismanet_api_url.rstrip("/")
        self.http = requests.Session()

    def rows(self, path: str, params: dict | None = None) -> list[dict]:
        """Every row of a list, page after page."""
        rows = []
        for number in range(1, MAX_PAGES + 1):
            page = self.send("GET", path, params={**(params or {}), "pageNumber": number, "pageSize": PAGE_SIZE}).json()
            rows.extend(page)
            if len(page) < PAGE_SIZE:
                return rows
        raise RemoteRejected(200, f"more than {MAX_PAGES} pages from {path}")

    def get(self, path: str):
        return self.send("GET", path).json()

    def create_journal(self, payload: dict) -> str:
        """POST a journal transaction; its batch number (the end of the Location header)."""
        response = self.send("POST", "v1/journaltransaction", data=dumps(payload),
                             headers={"Content-Type": "application/json"})
        location = response.headers.get("Location", "")
        if not location:
            raise OutcomeUnknown("Visma.net answered 201 without a Location header", response.status_code)
        return location.rstrip("/").rsplit("/", 1)[-1]

    def send(self, method: str, path: str, headers: dict | None = None, **kwargs) -> requests.Response:
        """One call with budget, token, company header, a log entry and error sorting."""
        budget = window(self.company)
        ratelimit.take(self.connection_id, (budget,))
        token = tokens.access_token(self.connection_id)
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json", "ipp-company-id": self.company,
                   "ipp-application-type": "Visma.net Financials", **(headers or {})}
        url = f"{self.api_url}/{path.lstrip('/')}"
        response = self.exchange(method, url, headers=headers, **kwargs)
        self._observe(response, budget)
        self._raise_for(method, response, budget)
        return response

    def _observe(self, response: requests.Response, budget: ratelimit.Window) -> None:
        """Visma.net's own count wins over ours (other apps of the merchant may share the company's limit)."""
        try:
            limit, remaining = int(response.headers["X-RateLimit-Limit"]), int(response.headers["X-RateLimit-Remaining"])
            reset = int(response.headers.get("Retry-After") or response.headers["X-RateLimit-Reset"])
        except (KeyError, ValueError):
            return
        resets_at = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=reset)
        ratelimit.observe(self.connection_id, budget, limit, remaining, resets_at)

    def _raise_for(self, method: str, response: requests.Response, budget: ratelimit.Window) -> None:
        status = response.status_code
        if status < 400:
            return
        if status == 429:
            seconds = int(response.headers.get("Retry-After") or 60)
            raise Throttled(dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=seconds), "Visma.net rate limit reached")
        if status == 401:
            raise ReauthRequired(tokens.REAUTH_MESSAGE)
        if status >= 500:
            cls = RemoteUnavailable if method == "GET" else OutcomeUnknown
            raise cls(f"Visma.net answered {status}: {error_text(response)}")
        try:
            body = response.json()
        except ValueError:
            body = response.text[:2000]
        raise RemoteRejected(status, error_text(response), body)
