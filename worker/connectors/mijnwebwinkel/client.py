"""The HTTP client for MyOnlineStore Connect (Mijnwebwinkel's API), v1, JSON.

Both tokens travel as query parameters (the API takes them nowhere else). They never reach a log
line or an exception message: errors name the path only, and the call log blanks them (calllog.redact).
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Iterator
from zoneinfo import ZoneInfo

import requests

from worker import calllog
from worker.config import settings
from worker.connectors.errors import RemoteRejected, RemoteUnavailable, Throttled

AMSTERDAM = ZoneInfo("Europe/Amsterdam")  # the API's times have no zone (sources.md §2.7)
PAGE = 100  # the API's maximum ``limit``


class _BlankTokens(logging.Filter):
    """urllib3 logs each request line at DEBUG, query string included: blank the tokens in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(calllog.redact(arg) if isinstance(arg, str) and "token=" in arg else arg
                                for arg in record.args)
        return True


logging.getLogger("urllib3.connectionpool").addFilter(_BlankTokens())


class MijnwebwinkelClient:
    """Reads one store's orders and statuses with its store token and Koppel's partner token."""

    def __init__(self, store_token: str, *, tenant_id: int | None = None, connection_id: int | None = None,
                 base_url: str | None = None, partner_token: str | None = None, http: requests.Session | None = None):
        self.base_url = (base_url or settings.mijnwebwinkel_api_url).rstrip("/")
        self.auth = {"token": store_token, "partner_token": partner_token or settings.mijnwebwinkel_partner_token}
        self.tenant_id, self.connection_id = tenant_id, connection_id
        self.http = http or requests.Session()

    def store(self) -> dict:
        """The store's settings (also proves both tokens work)."""
        return self._get("/store")

    def statuses(self) -> list[dict]:
        """The store's own order statuses: ``[{status, description, credit_order}]``, in Dutch."""
        return self._get("/orderstatuses")

    def order(self, shop_order_id: str) -> dict:
        """One order as the store has it now."""
        return self._get(f"/orders/{int(shop_order_id)}")

    def orders(self, updated_since: dt.datetime | None = None) -> Iterator[dict]:
        """Every order whose status changed since ``updated_since`` (all without it), by order number.

        Orders placed since that day are asked for too: the API's filter is on the status change, and
        whether a new order that never changed status carries that date is not documented [A]. An
        order in both lists comes once. Pages are bare arrays; the last is the first with fewer rows
        than asked for. Ordered by number, a page boundary never moves while we read: new orders only
        join at the end.
        """
        if updated_since is None:
            yield from self._pages({})
            return
        local = updated_since.astimezone(AMSTERDAM)
        seen: set = set()
        for extra in ({"status_changed_start_date": local.strftime("%Y-%m-%d %H:%M:%S")},
                      {"start_date": local.strftime("%Y-%m-%d")}):
            for row in self._pages(extra):
                if row.get("number") not in seen:
                    seen.add(row.get("number"))
                    yield row

    def _pages(self, extra: dict) -> Iterator[dict]:
        params, offset = {"limit": PAGE, "ordering": "asc", **extra}, 0
        while True:
            rows = self._get("/orders", {**params, "offset": offset})
            yield from rows
            if len(rows) < PAGE:
                return
            offset += len(rows)

    def _get(self, path: str, params: dict | None = None):
        url = self.base_url + path
        try:
            response = self.http.get(url, params={"format": "json", "language": "nl_NL", **(params or {}),
                                                  **self.auth}, timeout=settings.http_timeout)
        except requests.RequestException as exc:
            # The exception's text holds the URL with the tokens: only its kind is kept.
            raise RemoteUnavailable(f"Mijnwebwinkel could not be reached ({type(exc).__name__})") from None
        body = _json(response)
        self._record(response, body)
        if response.status_code == 429:
            wait = int(response.headers.get("Retry-After") or 60)
            raise Throttled(dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=wait), "Mijnwebwinkel rate limit")
        if response.status_code >= 500:
            raise RemoteUnavailable(f"Mijnwebwinkel answered {response.status_code}")
        if response.status_code >= 400:
            raise RemoteRejected(response.status_code, _message(body, response), body)
        return body

    def _record(self, response: requests.Response, body) -> None:
        """Calls made for an order (re-reading it) go to its call log, tokens blanked; list pages are not kept."""
        if self.tenant_id is not None and (response.status_code >= 400 or not isinstance(body, list)):
            calllog.record(self.tenant_id, self.connection_id, "GET", response.url, None,
                           response.status_code, body)


def _json(response: requests.Response):
    try:
        return response.json()
    except ValueError:
        return {"text": response.text[:300]}


def _message(body, response: requests.Response) -> str:
    """The vendor's ``Error`` (``message`` and ``description``), or the start of the body."""
    if isinstance(body, dict) and body.get("message"):
        return ": ".join(part for part in (body["message"], body.get("description") or "") if part)
    return response.text[:300]
