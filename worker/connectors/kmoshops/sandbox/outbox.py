"""The webhook outbox of the sandbox state: deliveries queued per event, attempts, retries, disabling."""
from __future__ import annotations

import copy
import json
import uuid

from worker.connectors.kmoshops.sandbox import sender


class Outbox:
    """Delivery bookkeeping mixed into KmoShopsState (uses its lock, clock and subscriptions)."""

    def _emit(self, shop_id: str, topic: str, order: dict) -> None:
        """Queue one event: a delivery per enabled subscription of the shop that wants ``topic``."""
        event_id, now = str(uuid.uuid4()), self.clock.now()
        body = json.dumps(order, ensure_ascii=False)  # a snapshot: retries resend this exact body
        for sub in self._subscriptions.values():
            if sub["shop_id"] == shop_id and sub["state"] == "enabled" and topic in sub["topics"]:
                delivery_id = str(uuid.uuid4())
                self._deliveries[delivery_id] = {
                    "id": delivery_id, "event_id": event_id, "subscription_id": sub["id"],
                    "shop_id": shop_id, "order_id": order["id"], "topic": topic, "url": sub["url"],
                    "body": body, "created_at": now, "attempts": [], "state": "pending",
                    "next_attempt_at": now, "in_flight": False}
        self._changed()

    def deliveries(self, shop_id: str | None = None) -> list[dict]:
        """Delivery records, oldest first, optionally of one shop."""
        with self._lock:
            return [copy.deepcopy(d) for d in self._deliveries.values()
                    if shop_id is None or d["shop_id"] == shop_id]

    def delivery(self, delivery_id: str) -> dict:
        """One delivery record (KeyError when unknown)."""
        with self._lock:
            return copy.deepcopy(self._deliveries[delivery_id])

    def claim_due(self) -> list[dict]:
        """Mark pending deliveries whose time has come as in flight and return them in creation order."""
        with self._lock:
            now, due = self.clock.now(), []
            for d in self._deliveries.values():
                if d["state"] == "pending" and not d["in_flight"] and d["next_attempt_at"] <= now:
                    d["in_flight"] = True
                    due.append(copy.deepcopy(d))
            return due

    def record_attempt(self, delivery_id: str, attempt: dict, retry_in: float | None = None,
                       disable_after: int | None = None) -> dict:
        """Store one send; a scheduled one also moves the retry schedule and the failure count."""
        with self._lock:
            d = self._deliveries[delivery_id]
            d["attempts"].append(attempt)
            sub = self._subscriptions.get(d["subscription_id"])
            if sender.succeeded(attempt):
                d.update(state="delivered", next_attempt_at=None)
                if sub:
                    sub["consecutive_failures"] = 0
            elif attempt["kind"] == "scheduled" and d["state"] == "pending":
                if retry_in is None:
                    d.update(state="failed", next_attempt_at=None)
                else:
                    d["next_attempt_at"] = attempt["at"] + retry_in
                if sub:
                    self._count_failure(sub, disable_after)
            if attempt["kind"] == "scheduled":
                d["in_flight"] = False
            self._changed()
            return copy.deepcopy(d)

    def _count_failure(self, sub: dict, disable_after: int | None) -> None:
        sub["consecutive_failures"] += 1
        if disable_after and sub["consecutive_failures"] >= disable_after and sub["state"] == "enabled":
            sub["state"] = "disabled"
            self._fail_pending(sub["id"], "subscription disabled")

    def _fail_pending(self, sub_id: str, reason: str) -> None:
        for d in self._deliveries.values():
            if d["subscription_id"] == sub_id and d["state"] == "pending":
                d.update(state="failed", next_attempt_at=None, failure_reason=reason)

    def replay(self, delivery_id: str, timeout: float = 5.0) -> dict:
        """Send a delivery once more now, with the same Delivery-Id, and return that attempt."""
        record = self.delivery(delivery_id)
        attempt = sender.send(self, record, "replay", timeout)
        self.record_attempt(delivery_id, attempt)
        return attempt
