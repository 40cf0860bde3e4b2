"""The sandbox's stores: tokens bound to a partner, statuses, orders, and a rate limit per (partner, store)."""
from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import threading
from zoneinfo import ZoneInfo

from worker.connectors.mijnwebwinkel.sandbox.orders import build_order, credit_of

AMSTERDAM = ZoneInfo("Europe/Amsterdam")  # the API's dates and times carry no zone (sources.md §2.7)
# The store statuses a new sandbox store has (sources.md §2.6, the simulator's default set), per language.
DEFAULT_STATUSES = (
    (1, "Nieuw", "New", False), (2, "Verzonden", "Shipped", False), (3, "Betaald", "Paid", False),
    (4, "In behandeling", "Processing", False), (5, "Geannuleerd", "Cancelled", False),
    (6, "Betaald & afgehaald", "Paid & picked up", False), (7, "Betaald en verzonden", "Paid and shipped", False),
    (10, "Creditnota", "Credit note", True),
)
REQUESTS_PER_MINUTE = 60  # [A] sources.md §2.7: not published; 60 per minute per (partner, store)


@dataclasses.dataclass
class Store:
    """One store and the token it gave one partner."""

    token: str
    partner_token: str
    name: str = "Webwinkel"
    active: bool = True
    expires_at: float | None = None  # epoch seconds; None: "onbeperkt"
    region_code: str = "NL"
    prices_include_tax: bool = True
    statuses: list = dataclasses.field(default_factory=lambda: [list(s) for s in DEFAULT_STATUSES])
    orders: dict = dataclasses.field(default_factory=dict)  # number → order JSON
    test_numbers: set = dataclasses.field(default_factory=set)
    next_number: int = 1001


class MijnwebwinkelState:
    """Every store of the sandbox, its partners and the rate-limit windows, on an injectable clock."""

    def __init__(self, clock, partners: dict[str, str] | None = None, requests_per_minute: int = REQUESTS_PER_MINUTE):
        self.clock = clock
        self.partners = dict(partners or {})  # partner token → partner name
        self.stores: dict[str, Store] = {}
        self.requests_per_minute = requests_per_minute
        self._windows: dict[tuple[str, str], tuple[int, int]] = {}
        self.lock = threading.RLock()

    def local_now(self) -> tuple[str, str]:
        """The sandbox's now as the store writes it: ("YYYY-MM-DD", "HH:MM:SS") in Amsterdam time."""
        now = dt.datetime.fromtimestamp(self.clock.now(), AMSTERDAM)
        return now.strftime("%Y-%m-%d"), now.strftime("%H:%M:%S")

    def add_store(self, token: str, partner_token: str, **fields) -> Store:
        with self.lock:
            store = self.stores[token] = Store(token=token, partner_token=partner_token, **fields)
            return store

    def take(self, partner_token: str, store_token: str) -> int:
        """Spend one request of the (partner, store) minute; returns 0, or the seconds to wait when spent."""
        now = self.clock.now()
        minute = int(now // 60)
        with self.lock:
            window, used = self._windows.get((partner_token, store_token), (minute, 0))
            if window != minute:
                window, used = minute, 0
            if used >= self.requests_per_minute:
                return max(1, int((minute + 1) * 60 - now))
            self._windows[(partner_token, store_token)] = (window, used + 1)
            return 0

    def add_order(self, token: str, spec: dict) -> dict:
        """A new order in ``token``'s store, stamped now; test orders are hidden unless asked for."""
        with self.lock:
            store = self.stores[token]
            number, (date, time) = store.next_number, self.local_now()
            store.next_number += 1
            order = build_order(number, spec, date, time)
            store.orders[number] = order
            if spec.get("test"):
                store.test_numbers.add(number)
            return copy.deepcopy(order)

    def set_status(self, token: str, number: int, status: int) -> dict:
        """Change an order's status; its status_changed date and time become now."""
        with self.lock:
            order = self.stores[token].orders[number]
            order["status"] = int(status)
            order["status_changed_date"], order["status_changed_time"] = self.local_now()
            return copy.deepcopy(order)

    def credit(self, token: str, number: int) -> dict:
        """A credit order for the whole of order ``number``, linked both ways."""
        with self.lock:
            store = self.stores[token]
            original = store.orders[number]
            status = next((s[0] for s in store.statuses if s[3]), 10)
            credit = credit_of(original, store.next_number, status, *self.local_now())
            store.orders[credit["number"]] = credit
            store.next_number += 1
            original.setdefault("credit_order_numbers", []).append(credit["number"])
            return copy.deepcopy(credit)
