"""Everything the KMO Shops sandbox knows: shops, orders, webhook subscriptions and deliveries."""
from __future__ import annotations

import copy
import json
import os
import random
import threading
import uuid

from worker.connectors.kmoshops.sandbox.clock import Clock
from worker.connectors.kmoshops.sandbox.clock import iso
from worker.connectors.kmoshops.sandbox.clock import parse_iso
from worker.connectors.kmoshops.sandbox.contract import CONTRACT
from worker.connectors.kmoshops.sandbox.contract import TOPICS
from worker.connectors.kmoshops.sandbox.generator import STATUSES
from worker.connectors.kmoshops.sandbox.generator import generate_order
from worker.connectors.kmoshops.sandbox.outbox import Outbox
from worker.connectors.kmoshops.sandbox.ratelimit import RateLimiter

# The top-level order fields, read off the generator so the two cannot drift apart.
ORDER_FIELDS = frozenset(generate_order(random.Random(0), number="KMO-0000-00001"))


class KmoShopsState(Outbox):
    """The in-memory shop platform; thread-safe, optionally saved to JSON after every change."""

    def __init__(self, clock: Clock | None = None, rate_limit: bool = True, seed: int | None = None):
        self.clock = clock or Clock()
        self.limiter = RateLimiter(self.clock, enabled=rate_limit)
        self.rng = random.Random(seed)
        self.autosave_path: str | None = None
        self._lock = threading.RLock()
        self._shops: dict[str, dict] = {}
        self._orders: dict[int, dict] = {}
        self._order_shop: dict[int, str] = {}
        self._subscriptions: dict[str, dict] = {}
        self._deliveries: dict[str, dict] = {}
        self._next_order_id = 1

    # Shops and subscriptions -------------------------------------------------------------

    def add_shop(self, shop_id: str, api_key: str, webhook_secret: str, country: str = "BE",
                 prices_include_vat: bool = True) -> dict:
        """Create (or update the keys of) a shop; ``country`` is BE or NL."""
        if country not in ("BE", "NL"):
            raise ValueError("the sandbox knows the VAT rates of BE and NL shops only")
        with self._lock:
            self._shops[shop_id] = {"shop_id": shop_id, "api_key": api_key, "webhook_secret": webhook_secret,
                                    "country": country, "prices_include_vat": prices_include_vat}
            self._changed()
            return dict(self._shops[shop_id])

    def shop(self, shop_id: str) -> dict:
        """One shop's settings (KeyError when unknown)."""
        with self._lock:
            return dict(self._shops[shop_id])

    def shops(self) -> list[dict]:
        """All shops."""
        with self._lock:
            return [dict(s) for s in self._shops.values()]

    def shop_for_key(self, api_key: str) -> str | None:
        """The shop an API key belongs to, or None."""
        with self._lock:
            return next((s["shop_id"] for s in self._shops.values() if s["api_key"] == api_key), None)

    def subscribe(self, shop_id: str, url: str, topics=TOPICS) -> str:
        """Register a webhook URL for some topics and return the subscription id."""
        topics = list(topics)
        if not topics or set(topics) - set(TOPICS):
            raise ValueError(f"topics must be a non-empty subset of {', '.join(TOPICS)}")
        with self._lock:
            self.shop(shop_id)
            sub_id = "wh_" + uuid.uuid4().hex[:16]
            self._subscriptions[sub_id] = {
                "id": sub_id, "shop_id": shop_id, "url": url, "topics": topics, "state": "enabled",
                "consecutive_failures": 0, "created_at": iso(self.clock.now())}
            self._changed()
            return sub_id

    def subscriptions(self, shop_id: str) -> list[dict]:
        """A shop's subscriptions, oldest first."""
        with self._lock:
            return [dict(s) for s in self._subscriptions.values() if s["shop_id"] == shop_id]

    def unsubscribe(self, shop_id: str, sub_id: str) -> bool:
        """Delete a subscription; its pending deliveries fail. False when it is not the shop's."""
        with self._lock:
            sub = self._subscriptions.get(sub_id)
            if sub is None or sub["shop_id"] != shop_id:
                return False
            del self._subscriptions[sub_id]
            self._fail_pending(sub_id, "subscription deleted")
            self._changed()
            return True

    # Orders -------------------------------------------------------------------------------

    def create_order(self, shop_id: str, kind: str = "b2c", status: str = "paid", **overrides) -> dict:
        """Generate, store and return an order, queue orders/created; overrides replace top-level fields."""
        unknown = set(overrides) - (ORDER_FIELDS - {"id"})
        if unknown:
            raise ValueError(f"cannot override {', '.join(sorted(unknown))}")
        with self._lock:
            shop = self.shop(shop_id)
            now = self.clock.now()
            order_id = self._next_order_id
            number = f"KMO-{iso(now)[:4]}-{order_id:05d}"
            order = generate_order(self.rng, kind=kind, number=number, shop_country=shop["country"],
                                   prices_include_vat=shop["prices_include_vat"], status=status,
                                   order_id=order_id, created_at=iso(now))
            order.update(copy.deepcopy(overrides))
            self._next_order_id += 1
            self._orders[order_id] = order
            self._order_shop[order_id] = shop_id
            self._emit(shop_id, "orders/created", order)
            return copy.deepcopy(order)

    def get_order(self, shop_id: str, order_id: int) -> dict | None:
        """One of the shop's orders, or None (another shop's order is None too)."""
        with self._lock:
            if self._order_shop.get(order_id) != shop_id:
                return None
            return copy.deepcopy(self._orders[order_id])

    def list_orders(self, shop_id: str, updated_since: float | None = None,
                    status: str | None = None) -> list[dict]:
        """The shop's orders updated at or after ``updated_since``, by updated_at then id."""
        with self._lock:
            orders = [o for i, o in self._orders.items() if self._order_shop[i] == shop_id
                      and (status is None or o["status"] == status)
                      and (updated_since is None or parse_iso(o["updated_at"]) >= updated_since)]
            orders.sort(key=lambda o: (parse_iso(o["updated_at"]), o["id"]))
            return copy.deepcopy(orders)

    def set_status(self, shop_id: str, order_id: int, status: str) -> dict:
        """Set a new status (payment follows); queues status_changed (+ cancelled) unless unchanged."""
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        with self._lock:
            order = self._own_order(shop_id, order_id)
            if order["status"] == status:
                return copy.deepcopy(order)  # a real platform sends nothing for a no-op
            order["status"] = status
            self._follow_payment(order["payment"], status)
            self._touch(order)
            self._emit(shop_id, "orders/status_changed", order)
            if status == "cancelled":
                self._emit(shop_id, "orders/cancelled", order)
            return copy.deepcopy(order)

    def update_order(self, shop_id: str, order_id: int, **changes) -> dict:
        """Replace top-level fields, bump updated_at and queue orders/updated."""
        unknown = set(changes) - (ORDER_FIELDS - {"id", "created_at", "updated_at"})
        if unknown:
            raise ValueError(f"cannot change {', '.join(sorted(unknown))}")
        with self._lock:
            order = self._own_order(shop_id, order_id)
            order.update(copy.deepcopy(changes))
            self._touch(order)
            self._emit(shop_id, "orders/updated", order)
            return copy.deepcopy(order)

    def _own_order(self, shop_id: str, order_id: int) -> dict:
        if self._order_shop.get(order_id) != shop_id:
            raise KeyError(f"order {order_id} not found in shop {shop_id}")
        return self._orders[order_id]

    def _touch(self, order: dict) -> None:
        # updated_at must strictly increase, or receivers comparing it would drop a change.
        now = max(self.clock.now(), parse_iso(order["updated_at"]) + 0.001)
        order["updated_at"] = iso(now)

    def _follow_payment(self, payment: dict, status: str) -> None:
        settled = ("paid", "processing", "shipped", "picked_up", "completed")
        if status in settled and payment["status"] == "open":
            payment.update(status="paid", paid_at=iso(self.clock.now()))
        elif status == "refunded":
            payment["status"] = "refunded"
        elif status == "cancelled" and payment["status"] == "open":
            payment["status"] = "cancelled"

    # Persistence ----------------------------------------------------------------------------

    def _changed(self) -> None:
        if self.autosave_path:
            self.save(self.autosave_path)

    def save(self, path: str) -> None:
        """Write the whole state to ``path`` as JSON, atomically (a crash leaves the old file)."""
        with self._lock:
            data = {"contract": CONTRACT, "next_order_id": self._next_order_id,
                    "shops": list(self._shops.values()), "subscriptions": list(self._subscriptions.values()),
                    "orders": [{"shop_id": self._order_shop[i], "order": o} for i, o in self._orders.items()],
                    "deliveries": [{k: v for k, v in d.items() if k != "in_flight"}
                                   for d in self._deliveries.values()]}
            with open(path + ".tmp", "w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False)
            os.replace(path + ".tmp", path)

    @classmethod
    def load(cls, path: str, clock: Clock | None = None, rate_limit: bool = True) -> KmoShopsState:
        """A state read back from a file written by ``save``."""
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        if data.get("contract") != CONTRACT:
            raise ValueError(f"{path} holds {data.get('contract')!r}, not {CONTRACT}")
        state = cls(clock=clock, rate_limit=rate_limit)
        state._next_order_id = data["next_order_id"]
        state._shops = {s["shop_id"]: s for s in data["shops"]}
        state._subscriptions = {s["id"]: s for s in data["subscriptions"]}
        for item in data["orders"]:
            state._orders[item["order"]["id"]] = item["order"]
            state._order_shop[item["order"]["id"]] = item["shop_id"]
        state._deliveries = {d["id"]: dict(d, in_flight=False) for d in data["deliveries"]}
        return state
