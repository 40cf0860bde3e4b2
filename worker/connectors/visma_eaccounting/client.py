"""The HTTP client for Visma eAccounting API v2 (reference/targets.md §2).

Every call takes a unit from the connection's budget for its endpoint first (Visma counts 600 a
minute per client and endpoint), is refused by us while that endpoint refused too many calls this
hour (``error_budget``), carries a token from ``tokens.access_token`` and is logged.
Failures are sorted into ``worker.connectors.errors`` so the pipeline knows whether a call may
have been carried out: a POST without an answer, or with a 5xx, is ``OutcomeUnknown``.
"""
from __future__ import annotations

import datetime as dt
import re

import requests

from worker import db, ratelimit
from worker.config import settings
from worker.connectors.error_budget import ErrorBudget
from worker.connectors.errors import OutcomeUnknown, ReauthRequired, RemoteRejected, RemoteUnavailable, Throttled
from worker.connectors.visma_eaccounting import tokens
from worker.connectors.http import RemoteHttp, json_or_text

PER_MINUTE = 600
MAX_PAGES = 20
PAGE_SIZE = 100
_WAIT = re.compile(r"Try again in (\d+) seconds")


# Refused calls per endpoint and hour before we pause it, counted as for Exact (error_budget.py).
ERRORS = ErrorBudget("visma:errors:")


def collection(path: str) -> str:
    """The endpoint ``path`` calls, as Visma counts it: its collection (``customers``, ``vouchers``...)."""
    return path.strip("/").split("?", 1)[0].split("/", 1)[0].lower()


def window(path: str) -> ratelimit.Window:
    """The rate budget of the endpoint ``path`` calls."""
    return ratelimit.Window(f"visma:{collection(path)}"[:40], PER_MINUTE, 60)


def error_text(response: requests.Response) -> str:
    """Visma's ``DeveloperErrorMessage``, or the raw text."""
    try:
        return str(response.json()["DeveloperErrorMessage"])
    except (ValueError, KeyError, TypeError):
        return (response.text or response.reason or "")[:500]


def error_code(response: requests.Response) -> int | None:
    """Visma's ``ErrorCode`` of an error answer, if it has one."""
    try:
        return int(response.json()["ErrorCode"])
    except (ValueError, KeyError, TypeError):
        return None


class VismaClient(RemoteHttp):
    """Calls Visma eAccounting for one connection (one company)."""

    system = "Visma eAccounting"

    def __init__(self, connection_id: int, api_url: str | None = None, identity_url: str | None = None,
                 http: requests.Session | None = None, tenant_id: int | None = None):
        self.connection_id = connection_id
        self.tenant_id = tenant_id
        self.api_url = (api_url or settings.visma_api_url).rstrip("/")
        self.identity_url = (identity_url or settings.visma_identity_url).rstrip("/")
        self.http = http or requests.Session()

    def get(self, path: str, params: dict | None = None) -> list[dict]:
        """Every row of a list call, page after page (Visma silently pages at 50)."""
        rows = []
        for number in range(1, MAX_PAGES + 1):
            answer = self.send("GET", path, params={**(params or {}), "$page": number, "$pagesize": PAGE_SIZE}).json()
            rows.extend(answer["Data"])
            if number >= answer["Meta"]["TotalNumberOfPages"]:
                return rows
        raise RemoteRejected(200, f"more than {MAX_PAGES} pages from {path}")

    def pages(self, path: str, params: dict, resume: str | None = None):
        """Each page of a list call with the number of the next (None after the last); ``resume`` is such a number."""
        number = int(resume or 1)
        while True:
            answer = self.send("GET", path, params={**params, "$page": number, "$pagesize": PAGE_SIZE}).json()
            last = number >= answer["Meta"]["TotalNumberOfPages"]
            yield answer["Data"], None if last else str(number + 1)
            if last:
                return
            number += 1

    def get_one(self, path: str) -> dict:
        """One record (or the company settings)."""
        return self.send("GET", path).json()

    def post(self, path: str, body: dict, params: dict | None = None) -> dict:
        """Create a record; returns it as Visma stored it."""
        return self.send("POST", path, json=body, params=params).json()

    def send(self, method: str, path: str, **kwargs) -> requests.Response:
        """One call with budget, token, a log entry and error sorting."""
        budget, called = window(path), collection(path)
        token = self._ready(budget, called)
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        url = f"{self.api_url}/{path.lstrip('/')}"
        response = self.exchange(method, url, headers=headers, after=lambda session, answer: ERRORS.count(
            self.connection_id, called, answer.status_code, conn=session), **kwargs)
        self._raise_for(method, response, budget)
        return response

    def _ready(self, budget: ratelimit.Window, called: str) -> str:
        """Before a call, in one transaction: the endpoint's error budget checked, a unit of its rate budget
        taken, the stored token read. A token that is due is renewed after it (under the row lock)."""
        with db.session_scope() as session:
            ERRORS.check(self.connection_id, called, conn=session)
            ratelimit.take(self.connection_id, (budget,), conn=session)
            token = tokens.stored(session, self.connection_id)
        return token or tokens.access_token(self.connection_id, self.identity_url)

    def _raise_for(self, method: str, response: requests.Response, budget: ratelimit.Window) -> None:
        status = response.status_code
        if status < 400:
            return
        if status == 429:
            retry_at = self._retry_at(response)
            # Visma sends no rate headers; its "try again in" tells every worker how long to wait.
            ratelimit.observe(self.connection_id, budget, budget.limit, 0, retry_at)
            raise Throttled(retry_at, "Visma eAccounting rate limit reached")
        if status == 401 or error_code(response) in (4005, 4006):
            raise ReauthRequired(tokens.REAUTH_MESSAGE)
        if status >= 500:
            cls = RemoteUnavailable if method == "GET" else OutcomeUnknown
            raise cls(f"Visma eAccounting answered {status}: {error_text(response)}")
        raise RemoteRejected(status, error_text(response), json_or_text(response))

    @staticmethod
    def _retry_at(response: requests.Response) -> dt.datetime:
        match = _WAIT.search(error_text(response))
        return dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=int(match.group(1)) if match else 60)

