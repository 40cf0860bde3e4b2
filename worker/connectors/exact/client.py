"""The HTTP client for Exact Online's REST API (reference/targets.md §1).

Every call takes a unit from the connection's rate budget first (60 a minute, 5,000 a day per
division), carries a token from ``tokens.access_token`` and records the remote's rate headers.
Failures are sorted into the classes of ``worker.connectors.errors`` so the pipeline knows whether
a call may have been carried out.
"""
from __future__ import annotations

import datetime as dt

import requests

from worker import db, ratelimit
from worker.config import settings
from worker.connectors.error_budget import ErrorBudget
from worker.connectors.errors import (
    OutcomeUnknown, ReauthRequired, RemoteRejected, RemoteUnavailable, Throttled)
from worker.connectors.exact import tokens
from worker.connectors.http import RemoteHttp, json_or_text

MINUTE = ratelimit.Window("exact:minute", 60, 60)
DAY = ratelimit.Window("exact:day", 5000, 86400)
MAX_PAGES = 20
# Exact blocks an endpoint for an hour after 10 refused calls in an hour (targets.md §1.3); we stop at 9.
ERRORS = ErrorBudget("exact:errors:")


def endpoint(url: str) -> str:
    """The endpoint ``url`` calls, as Exact counts errors: its service/Entity path, without keys or query."""
    path = url.split("?", 1)[0].split("/api/v1/", 1)[-1]
    parts = [part.split("(", 1)[0] for part in path.split("/")[1:] if part]
    return "/".join(parts[:2])
HEADER_WINDOWS = (("X-RateLimit-Minutely-", MINUTE), ("X-RateLimit-", DAY))


def error_message(response: requests.Response) -> str:
    """The human text of an Exact error answer (``error.message.value``), or the raw text."""
    try:
        return response.json()["error"]["message"]["value"]
    except (ValueError, KeyError, TypeError):
        return (response.text or response.reason or "")[:500]


def epoch_ms(value: str) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(value) / 1000, dt.timezone.utc)


class ExactClient(RemoteHttp):
    """Calls Exact Online for one connection (one division)."""

    system = "Exact Online"

    def __init__(self, connection_id: int, division: int, base_url: str | None = None,
                 http: requests.Session | None = None, tenant_id: int | None = None):
        self.connection_id = connection_id
        self.tenant_id = tenant_id
        self.division = division
        self.base_url = (base_url or settings.exact_base_url).rstrip("/")
        self.http = http or requests.Session()

    def url(self, path: str) -> str:
        return f"{self.base_url}/api/v1/{self.division}/{path}"

    def get(self, path: str, params: dict, max_pages: int = MAX_PAGES) -> list[dict]:
        """All rows of a list call, following ``__next`` links."""
        rows, url = [], self.url(path)
        for _ in range(max_pages):
            data = self.send("GET", url, params=params).json()["d"]
            rows.extend(data["results"] if "results" in data else [data])
            url, params = data.get("__next"), None
            if not url:
                return rows
        raise RemoteRejected(200, f"more than {max_pages} pages from {path}")

    def pages(self, path: str, params: dict, resume: str | None = None):
        """Each page of a list call with the link to the next (None on the last); ``resume`` is such a link."""
        url, params = (resume, None) if resume else (self.url(path), params)
        while url:
            data = self.send("GET", url, params=params).json()["d"]
            url, params = data.get("__next"), None
            yield data.get("results", []), url

    def post(self, path: str, body: dict) -> dict:
        """Create a record; returns the created entity."""
        return self.send("POST", self.url(path), json=body).json()["d"]

    def me(self) -> dict:
        """The logged-in user and their current division (``current/Me``)."""
        data = self.send("GET", f"{self.base_url}/api/v1/current/Me").json()["d"]
        return data["results"][0] if "results" in data else data

    def send(self, method: str, url: str, **kwargs) -> requests.Response:
        """One call with budgets, token, a log entry and error sorting."""
        called = endpoint(url)
        token = self._ready(called)
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        if "json" in kwargs:
            headers["Content-Type"] = "application/json"
        response = self.exchange(method, url, headers=headers,
                                 after=lambda session, answer: self._noted(session, called, answer), **kwargs)
        self._raise_for(method, response)
        return response

    def _ready(self, called: str) -> str:
        """Before a call, in one transaction: the endpoint's error budget checked, a unit taken from each
        window, the stored token read. A token that is due is renewed after it (under the row lock)."""
        with db.session_scope() as session:
            ERRORS.check(self.connection_id, called, conn=session)
            ratelimit.take(self.connection_id, (MINUTE, DAY), conn=session)
            token = tokens.stored(session, self.connection_id)
        return token or tokens.access_token(self.connection_id, self.base_url)

    def _noted(self, session, called: str, response: requests.Response) -> None:
        """After a call, in the call log's transaction: Exact's rate headers, and a refusal counted."""
        seen = []
        for prefix, window in HEADER_WINDOWS:
            try:
                seen.append((window, int(response.headers[prefix + "Limit"]),
                             int(response.headers[prefix + "Remaining"]), epoch_ms(response.headers[prefix + "Reset"])))
            except (KeyError, ValueError):
                continue
        ratelimit.observe_all(self.connection_id, seen, conn=session)
        ERRORS.count(self.connection_id, called, response.status_code, conn=session)

    def _raise_for(self, method: str, response: requests.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        if status == 429:
            raise Throttled(self._reset_after_429(response.headers), "Exact Online rate limit reached")
        if status == 401:
            raise ReauthRequired(tokens.REAUTH_MESSAGE)
        if status >= 500 and method == "GET":
            raise RemoteUnavailable(f"Exact Online answered {status}: {error_message(response)}")
        if status >= 500:
            # Exact answers business errors with 500 too, but a 500 may also come after it stored
            # the document: in doubt until our reference is looked up (targets.md §1.5).
            message = error_message(response)
            raise OutcomeUnknown(f"Exact Online answered {status}: {message}", status, json_or_text(response),
                                 message)
        raise RemoteRejected(status, error_message(response), json_or_text(response))

    @staticmethod
    def _reset_after_429(headers) -> dt.datetime:
        """The latest reset the 429 names, each capped at one window (a remote's clock can run ahead)."""
        now = dt.datetime.now(dt.timezone.utc)
        resets = [ratelimit.capped(window, epoch_ms(headers[p + "Reset"]), now)
                  for p, window in HEADER_WINDOWS if p + "Reset" in headers]
        return max(resets) if resets else now + dt.timedelta(seconds=60)

