"""The Amazon sandbox's state: Koppel's LWA app, sellers and their grants, tokens, orders, rate buckets.

Times are the sandbox clock's epoch seconds (tests move the clock instead of sleeping). Codes live
five minutes and are used once; access tokens an hour; a refresh token works until it is revoked or
its authorisation is more than 365 days old (sources.md §1.2, §1.11).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
import threading

from worker.sandbox_clock import Clock
from worker.sandbox_faults import Faults

CODE_SECONDS, ACCESS_SECONDS, AUTHORISATION_DAYS = 300, 3600, 365
PAGE_TOKEN_SECONDS = 24 * 3600
VISIBILITY_LAG = 120  # orders show in searchOrders about two minutes after a change (§1.4)
# Default usage plans of v2026-01-01 (specs/amazon/orders_2026-01-01.json): (rate per second, burst).
RATES = {"searchOrders": (0.0056, 20), "getOrder": (0.5, 30), "token": (1.0, 10)}


def iso(epoch: float) -> str:
    moment = dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclasses.dataclass
class Grant:
    """A seller's authorisation of the app: what its refresh token stands for."""

    seller: str
    authorised_at: float
    revoked: bool = False


class AmazonState:
    """Everything the sandbox knows; every method is thread-safe."""

    def __init__(self, clock: Clock | None = None, client_id: str = "", client_secret: str = "", app_id: str = "",
                 redirect_uris: tuple[str, ...] = (), draft: bool = True, pii_roles: bool = True):
        self.clock = clock or Clock()
        self.lock = threading.RLock()
        self.faults = Faults()
        self.app = {"client_id": client_id, "client_secret": client_secret, "app_id": app_id,
                    "redirect_uris": set(redirect_uris), "draft": draft, "pii_roles": pii_roles}
        self.sellers: dict[str, set[str]] = {}  # selling partner id -> marketplace ids
        self.grants: dict[str, Grant] = {}  # refresh token -> grant
        self.codes: dict[str, dict] = {}
        self.access: dict[str, dict] = {}  # access token -> {seller, expires}
        self.orders: dict[str, dict] = {}  # order id -> the sandbox's order record
        self.pages: dict[str, dict] = {}
        self.rates = dict(RATES)
        self.buckets: dict[tuple[str, str], list[float]] = {}
        self.lag = VISIBILITY_LAG
        self.page_size: int | None = None  # a cap below maxResultsPerPage (control /settings)
        self.calls: list[dict] = []  # every API request (operation, params) for tests to inspect
        self._order_numbers = 0
        self.autosave_path: str | None = None

    def autosave(self) -> None:
        """Write the state to ``autosave_path`` after a change (``make run`` keeps it across restarts)."""
        if self.autosave_path:
            from worker.connectors.amazon.sandbox import storage
            storage.save(self, self.autosave_path)

    def now(self) -> float:
        return self.clock.now()

    # -- sellers and grants -------------------------------------------------------------------------
    def add_seller(self, seller: str, marketplaces: set[str]) -> str:
        """Register a seller (self-authorisation) and return a refresh token for the app."""
        with self.lock:
            self.sellers.setdefault(seller, set()).update(marketplaces)
            return self.grant(seller)

    def grant(self, seller: str) -> str:
        token = "Atzr|" + secrets.token_urlsafe(32)
        with self.lock:
            self.grants[token] = Grant(seller, self.now())
        self.autosave()
        return token

    def new_code(self, seller: str, redirect_uri: str) -> str:
        code = "ANc" + secrets.token_urlsafe(12)
        with self.lock:
            self.codes[code] = {"seller": seller, "redirect_uri": redirect_uri, "expires": self.now() + CODE_SECONDS}
        return code

    def grant_alive(self, token: str) -> Grant | None:
        grant = self.grants.get(token)
        if grant is None or grant.revoked or self.now() - grant.authorised_at > AUTHORISATION_DAYS * 86400:
            return None
        return grant

    def issue_access(self, seller: str) -> dict:
        token = "Atza|" + secrets.token_urlsafe(32)
        with self.lock:
            self.access[token] = {"seller": seller, "expires": self.now() + ACCESS_SECONDS}
        self.autosave()
        return {"access_token": token, "token_type": "bearer", "expires_in": ACCESS_SECONDS}

    # -- rate limits -----------------------------------------------------------------------------------
    def take(self, seller: str, operation: str) -> bool:
        """One request from the (seller, operation) token bucket; False when it is empty."""
        rate, burst = self.rates[operation]
        with self.lock:
            level, last = self.buckets.get((seller, operation), [float(burst), self.now()])
            level = min(float(burst), level + (self.now() - last) * rate)
            if level < 1:
                self.buckets[(seller, operation)] = [level, self.now()]
                return False
            self.buckets[(seller, operation)] = [level - 1, self.now()]
            return True

    # -- orders ------------------------------------------------------------------------------------
    def next_order_id(self) -> str:
        with self.lock:
            self._order_numbers += 1
            n = self._order_numbers
        return f"40{n % 10}-{1000000 + n:07d}-{7000000 + n * 7919 % 1000000:07d}"

    def put_order(self, record: dict) -> dict:
        with self.lock:
            record.setdefault("created", self.now())
            record["updated"] = max(self.now(), record.get("updated", 0))
            self.orders[record["orderId"]] = record
        self.autosave()
        return record

    def change_order(self, order_id: str, **changes) -> dict:
        """Change an order as Amazon or the seller would; ``lastUpdatedTime`` moves to now."""
        with self.lock:
            record = self.orders[order_id]
            record.update(changes)
            record["updated"] = max(self.now(), record["updated"] + 0.001)
        self.autosave()
        return record
