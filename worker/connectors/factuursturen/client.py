"""The HTTP client for Factuursturen API v1 (reference/targets.md §4).

HTTP Basic auth (user name, API key), JSON both ways (``Accept: application/json``, or the answer
is XML). Every answer's ``X-RateLimit-Remaining`` is recorded in the connection's budget; a 403
with nothing remaining (Factuursturen's way of saying "limit reached", not 429) is ``Throttled``.
Creations answer 201 with the new number as plain text. Failures are sorted into
``worker.connectors.errors``: a POST or PUT without an answer, or with a 5xx, is ``OutcomeUnknown``.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import requests
import sqlalchemy as sa

from worker import db, reauth
from worker.config import settings
from worker.connectors.errors import OutcomeUnknown, ReauthRequired, RemoteRejected, RemoteUnavailable, Throttled
from worker.connectors.factuursturen import limits
from worker.connectors.http import RemoteHttp, json_or_text
from worker.i18n import N_
from worker.models import Connection

REAUTH_MESSAGE = N_("Factuursturen refused the user name and API key. Check under Instellingen > Verbindingen "
                    "that the key is still set to Actief, then connect again.")


@dataclasses.dataclass(frozen=True)
class Credentials:
    """Who we are at Factuursturen: the account's user name and one of its API keys."""

    username: str
    api_key: str


def error_text(response: requests.Response) -> str:
    """Factuursturen's message: it has no error envelope, so a JSON string or object, or plain text."""
    try:
        body = response.json()
    except ValueError:
        return (response.text or response.reason or "").strip()[:500]
    if isinstance(body, dict):
        return str(body.get("error") or body.get("message") or body)[:500]
    return str(body)[:500]


class FactuursturenClient(RemoteHttp):
    """Calls Factuursturen for one account (``connection_id`` None: credentials being tested)."""

    system = "Factuursturen"

    def __init__(self, credentials: Credentials, connection_id: int | None = None, tenant_id: int | None = None,
                 api_url: str | None = None, http: requests.Session | None = None, marks_refusal: bool = False):
        self.credentials = credentials
        # A stored connection whose key is refused turns red and its merchant is mailed (not while connecting).
        self.marks_refusal = marks_refusal and connection_id is not None
        self.connection_id = connection_id
        self.tenant_id = tenant_id
        self.api_url = (api_url or settings.factuursturen_api_url).rstrip("/")
        self.http = http or requests.Session()

    def get(self, path: str, params: dict | None = None):
        """A list or record as JSON (numbers and booleans come as strings: see ``values``)."""
        return self.send("GET", path, params=params).json()

    def create(self, path: str, body: dict) -> str:
        """POST a new client or invoice; returns the number Factuursturen answers with (plain text)."""
        return _plain(self.send("POST", path, json=body).text)

    def put(self, path: str, body: dict) -> None:
        self.send("PUT", path, json=body)

    def send(self, method: str, path: str, **kwargs) -> requests.Response:
        """One call with the remote's budget checked, a log entry and error sorting."""
        # Only invoice POSTs are held back before the call (limits.take_invoice); any other call that
        # meets the limit is answered 403 and waits like them, and what it costs is nothing.
        url = f"{self.api_url}/{path.lstrip('/')}"
        headers = {"Accept": "application/json"}
        response = self.exchange(method, url, headers=headers,
                                 auth=(self.credentials.username, self.credentials.api_key), **kwargs)
        if self.connection_id is not None:
            limits.observe(self.connection_id, response.headers.get("X-RateLimit-Limit"),
                           response.headers.get("X-RateLimit-Remaining"))
        self._raise_for(method, path, response)
        return response

    def _raise_for(self, method: str, path: str, response: requests.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        remaining = response.headers.get("X-RateLimit-Remaining", "").strip()
        if status == 429 or (status == 403 and remaining == "0"):
            raise Throttled(self._exhausted(method, path), "Factuursturen's hourly limit reached")
        if status == 401:
            if self.marks_refusal:
                _needs_login(self.connection_id)
            raise ReauthRequired(REAUTH_MESSAGE)
        if status >= 500:
            if method == "GET":
                raise RemoteUnavailable(f"Factuursturen answered {status}: {error_text(response)}")
            raise OutcomeUnknown(f"Factuursturen answered {status}", status=status, body=json_or_text(response),
                                 remote_message=error_text(response))
        raise RemoteRejected(status, error_text(response), json_or_text(response))

    def _exhausted(self, method: str, path: str) -> dt.datetime:
        if self.connection_id is None:
            return dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)
        return limits.exhausted(self.connection_id, invoice_call=method == "POST" and _is_invoices(path))


def _needs_login(connection_id: int) -> None:
    """Mark the connection red under its row lock (the merchant is mailed once per incident)."""
    with db.session_scope() as session:
        connection = session.execute(
            sa.select(Connection).where(Connection.id == connection_id).with_for_update()).scalar_one()
        reauth.mark(session, connection, REAUTH_MESSAGE, "Factuursturen")


def _is_invoices(path: str) -> bool:
    return path.strip("/").split("?", 1)[0] == "invoices"


def _plain(text: str) -> str:
    """A number answered as plain text (sometimes JSON-quoted)."""
    return text.strip().strip('"').strip()

