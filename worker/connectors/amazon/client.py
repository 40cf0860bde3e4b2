"""The Orders API v2026-01-01 client (sources.md §1.1, specs/amazon/orders_2026-01-01.json).

``searchOrders`` pages with ``paginationToken`` to the end; ``getOrder`` returns an order with its
items. Both spend from rate budgets shared by every worker (worker.ratelimit), sized from the
spec's usage plans; a 429 ``QuotaExceeded`` becomes ``Throttled`` at the moment one request is
refilled at the rate Amazon states in ``x-amzn-RateLimit-Limit``. PII (e-mail, address) needs the
app's roles but no Restricted Data Token in v2026-01-01; what Koppel may keep is cut by ``privacy``.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Iterator

import requests

from worker import ratelimit
from worker.config import settings
from worker.connectors.amazon import privacy, tokens
from worker.connectors.errors import RemoteRejected, RemoteUnavailable, Throttled
from worker.models.base import utcnow

BASE = "/orders/2026-01-01/orders"
# What the mapping reads: amounts, promotions, tax (B2B VAT number, Amazon-collected VAT), status,
# the relay e-mail and the delivery address (cut to postal code, city and country at once).
INCLUDED = "BUYER,RECIPIENT,PROCEEDS,PROMOTION,TAX,FULFILLMENT,PAYMENT"
FIRST_LOOK_DAYS = 30  # without a watermark: the orders changed in the last 30 days


@dataclasses.dataclass(frozen=True)
class Operation:
    """An operation's default usage plan (token bucket: ``burst`` requests, refilled at ``rate`` per second)."""

    name: str
    rate: float
    burst: int

    def window(self) -> ratelimit.Window:
        # Our budget is a fixed window: the burst, spread over the time the bucket takes to refill.
        return ratelimit.Window(f"amazon:{self.name}", self.burst, math.ceil(self.burst / self.rate))


SEARCH = Operation("searchOrders", 0.0056, 20)
GET = Operation("getOrder", 0.5, 30)


def stamp(moment: dt.datetime) -> str:
    """ISO 8601 in UTC with ``Z``, to the second, rounded down (a ``+00:00`` would need encoding)."""
    return moment.astimezone(dt.timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _errors(response: requests.Response) -> str:
    try:
        errors = response.json().get("errors") or []
        return "; ".join(f"{e.get('code')}: {e.get('message')}" for e in errors) or response.text[:200]
    except (ValueError, AttributeError):
        return response.text[:200]


class AmazonOrdersClient:
    """Reads one seller's orders in one marketplace, with the connection's tokens and rate budgets."""

    def __init__(self, connection_id: int, marketplace_id: str, per_page: int = 100, extra: dict | None = None):
        self.connection_id = connection_id
        self.marketplace_id = marketplace_id
        self.per_page = per_page
        self.extra = extra or {}  # added to every order kept (what the mapping needs to know of the seller)
        self.http = requests.Session()
        self.cursor: dict | None = None  # where an unfinished search goes on (worker.pipeline.pollcursor)

    def orders(self, updated_since: dt.datetime | None = None, resume: dict | None = None) -> Iterator[dict]:
        """Every order changed at or after ``updated_since`` (the last 30 days when None), to the last page;
        ``resume`` (an earlier :attr:`cursor`) goes on with that search from the page it had not read."""
        since = updated_since or utcnow() - dt.timedelta(days=FIRST_LOOK_DAYS)
        params = {"marketplaceIds": self.marketplace_id, "lastUpdatedAfter": stamp(since),
                  "maxResultsPerPage": self.per_page, "includedData": INCLUDED}
        # Amazon wants the first page's filters again next to the token (valid 24 hours); a search of
        # another marketplace (the seller connected again) is not gone on with.
        if resume and resume.get("marketplace") == self.marketplace_id:
            params = {**params, "lastUpdatedAfter": resume["after"], "paginationToken": resume["token"]}
        while True:
            # A throttled page leaves the cursor on itself: the next run asks for this page, not page one
            # again (with a budget of a few pages, starting over would never reach the last page).
            self.cursor = {"after": params["lastUpdatedAfter"], "token": params["paginationToken"],
                           "marketplace": self.marketplace_id} if "paginationToken" in params else None
            body = self._get(SEARCH, BASE, params)
            for order in body.get("orders") or []:
                yield self._kept(order)
            token = (body.get("pagination") or {}).get("nextToken")
            if not token:
                self.cursor = None
                return
            params = {**params, "paginationToken": token}

    def order(self, shop_order_id: str) -> dict:
        """One order with its items, as Amazon has it now."""
        body = self._get(GET, f"{BASE}/{requests.utils.quote(shop_order_id, safe='')}", {"includedData": INCLUDED})
        return self._kept(body.get("order") or {})

    def _kept(self, order: dict) -> dict:
        return {**privacy.keep(order), **self.extra}

    def _get(self, operation: Operation, path: str, params: dict, retried: bool = False) -> dict:
        ratelimit.take(self.connection_id, (operation.window(),))
        token = tokens.access_token(self.connection_id)
        try:
            response = self.http.get(settings.amazon_spapi_url + path, params=params, timeout=settings.http_timeout,
                                     headers={"x-amz-access-token": token, "Accept": "application/json"})
        except requests.RequestException as exc:
            raise RemoteUnavailable(f"Amazon could not be reached: {type(exc).__name__}") from None
        if response.status_code == 403 and "expired" in response.text.lower() and not retried:
            tokens.access_token(self.connection_id, stale=token)  # refreshed, then the same call once more
            return self._get(operation, path, params, retried=True)
        self._check(operation, response)
        return response.json()

    def _check(self, operation: Operation, response: requests.Response) -> None:
        if response.status_code == 429:
            raise self._throttled(operation, response)
        if response.status_code >= 500:
            raise RemoteUnavailable(f"Amazon answered {response.status_code}: {_errors(response)}")
        if response.status_code >= 400:
            raise RemoteRejected(response.status_code, _errors(response))

    def _throttled(self, operation: Operation, response: requests.Response) -> Throttled:
        """Wait until the bucket holds one request again at Amazon's stated rate; every worker waits too."""
        try:
            rate = float(response.headers.get("x-amzn-RateLimit-Limit") or operation.rate)
        except ValueError:
            rate = operation.rate
        retry_at = utcnow() + dt.timedelta(seconds=math.ceil(1 / max(rate, 1e-6)))
        ratelimit.observe(self.connection_id, operation.window(), operation.burst, 0, retry_at)
        return Throttled(retry_at, f"Amazon {operation.name} quota exceeded (rate {rate}/s)")
