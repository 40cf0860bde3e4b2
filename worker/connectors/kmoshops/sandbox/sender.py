"""The webhook sender: signed POSTs, retries on the state's clock, duplicates and bursts on purpose."""
from __future__ import annotations

import concurrent.futures
import logging
import random
import threading

import requests

from worker.connectors.kmoshops import signature
from worker.connectors.kmoshops.sandbox.contract import DISABLE_AFTER
from worker.connectors.kmoshops.sandbox.contract import RETRY_SCHEDULE
from worker.connectors.kmoshops.sandbox.contract import TIMEOUT
from worker.connectors.kmoshops.sandbox.contract import USER_AGENT

log = logging.getLogger(__name__)


def headers_for(delivery: dict, secret: str, timestamp: int) -> dict[str, str]:
    """The headers of one attempt; timestamp and signature are fresh, the ids never change."""
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-KMOShops-Topic": delivery["topic"],
        "X-KMOShops-Shop-Id": delivery["shop_id"],
        "X-KMOShops-Webhook-Id": delivery["subscription_id"],
        "X-KMOShops-Delivery-Id": delivery["id"],
        "X-KMOShops-Event-Id": delivery["event_id"],
        "X-KMOShops-Timestamp": str(timestamp),
        "X-KMOShops-Signature": signature.sign(secret, timestamp, delivery["body"].encode("utf-8")),
    }


def send(state, delivery: dict, kind: str, timeout: float = TIMEOUT) -> dict:
    """POST one delivery now and describe the outcome as an attempt record (not stored)."""
    at = state.clock.now()
    try:
        secret = state.shop(delivery["shop_id"])["webhook_secret"]  # read per attempt: rotation applies
        response = requests.post(delivery["url"], data=delivery["body"].encode("utf-8"),
                                 headers=headers_for(delivery, secret, int(at)), timeout=timeout,
                                 allow_redirects=False)  # a redirect is a failure, as on the platform
    except requests.Timeout:
        return {"at": at, "kind": kind, "error": "timeout"}
    except requests.RequestException as exc:
        return {"at": at, "kind": kind, "error": f"connection error: {type(exc).__name__}"}
    if response.elapsed.total_seconds() > timeout:
        return {"at": at, "kind": kind, "error": "timeout"}
    return {"at": at, "kind": kind, "status": response.status_code, "response": response.text[:200]}


def succeeded(attempt: dict) -> bool:
    """True for a 2xx answer within the timeout."""
    return 200 <= attempt.get("status", 0) < 300


def burst(state, delivery_id: str, times: int, timeout: float = TIMEOUT) -> list[dict]:
    """Send one delivery ``times`` times at once (same Delivery-Id) and record every attempt."""
    record = state.delivery(delivery_id)
    start = threading.Barrier(times)

    def one(_):
        start.wait(timeout=timeout)  # line the threads up so the requests really overlap
        return send(state, record, "burst", timeout)

    with concurrent.futures.ThreadPoolExecutor(max_workers=times) as pool:
        attempts = list(pool.map(one, range(times)))
    for attempt in attempts:
        state.record_attempt(delivery_id, attempt)
    return attempts


class WebhookSender:
    """Delivers every due delivery, in creation order, from a background thread or on demand."""

    def __init__(self, state, timeout: float = TIMEOUT, retry_schedule=RETRY_SCHEDULE,
                 poll_interval: float = 0.05, duplicate_rate: float = 0.0,
                 disable_after: int = DISABLE_AFTER, rng: random.Random | None = None):
        self.state = state
        self.timeout = timeout
        self.retry_schedule = tuple(retry_schedule)
        self.poll_interval = poll_interval
        self.duplicate_rate = duplicate_rate
        self.disable_after = disable_after
        self.rng = rng or random.Random()
        self._pass_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def deliver_due(self) -> int:
        """One synchronous pass over the due deliveries; returns how many were attempted."""
        with self._pass_lock:
            due = self.state.claim_due()
            for delivery in due:
                self._deliver(delivery)
            return len(due)

    def _deliver(self, delivery: dict) -> None:
        try:
            attempt = send(self.state, delivery, "scheduled", self.timeout)
        except Exception as exc:  # never leave a delivery stuck in flight
            log.exception("sending delivery %s", delivery["id"])
            attempt = {"at": self.state.clock.now(), "kind": "scheduled", "error": f"sandbox error: {exc}"}
        done = sum(1 for a in delivery["attempts"] if a["kind"] == "scheduled")
        retry_in = self.retry_schedule[done] if done < len(self.retry_schedule) else None
        self.state.record_attempt(delivery["id"], attempt, retry_in, self.disable_after)
        if succeeded(attempt) and self.duplicate_rate and self.rng.random() < self.duplicate_rate:
            # At-least-once: the platform sometimes delivers what was already acknowledged.
            self.state.record_attempt(delivery["id"], send(self.state, delivery, "duplicate", self.timeout))

    def start(self) -> WebhookSender:
        """Run passes every ``poll_interval`` seconds in a daemon thread until ``stop``."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, daemon=True, name="kmoshops-webhooks")
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.poll_interval):
            try:
                self.deliver_due()
            except Exception:  # the loop must survive anything a pass throws
                log.exception("webhook pass failed")

    def stop(self) -> None:
        """Stop the background thread and wait for its current pass."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.timeout + 5)
            self._thread = None
