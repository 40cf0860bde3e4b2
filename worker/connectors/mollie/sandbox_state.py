"""What the Mollie sandbox remembers: payments, webhook attempts and retries due; thread-safe, one lock."""
from __future__ import annotations

import copy
import datetime as dt
import json
import pathlib
import secrets
import string
import threading
import time
from decimal import Decimal

import requests

from worker.sandbox_clock import Clock
from worker.connectors.mollie.api_rules import format_value

OUTCOMES = ("paid", "failed", "canceled", "expired")
STAMPS = {"paid": "paidAt", "failed": "failedAt", "canceled": "canceledAt", "expired": "expiredAt"}
# Verified from the docs' examples: an open payment without a method expires 15 minutes after creation.
EXPIRY_SECONDS = 15 * 60
# Inferred: Mollie says it retries a webhook that does not answer 2xx "for a few hours" (newer texts:
# 10 calls in all over about 26 hours); the intervals are ours: 1 call now + 9 retries ~ 25.9 h.
RETRY_DELAYS = (60, 300, 900, 1800, 3600, 7200, 14400, 28800, 36000)
USER_AGENT = "Mollie HTTP client/1.0"  # verified: the User-Agent in the docs' webhook example


class PaymentNotOpen(Exception):
    """The payment already reached a final status; the checkout cannot change it again."""


def iso(epoch: float) -> str:
    """Epoch seconds in Mollie's timestamp format, e.g. 2018-03-20T09:13:37+00:00."""
    return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).isoformat()


class MollieState:
    """Payments by id, every webhook attempt as (url, id, HTTP status or error), and retries due."""

    def __init__(self, api_keys=("test_koppel",), clock=None, *, local_webhooks: bool = True,
                 webhook_timeout: float = 10.0):
        self.api_keys = set(api_keys)
        self.clock = clock or Clock()
        # The live API refuses localhost webhooks; the sandbox runs beside Koppel, so it accepts them.
        self.local_webhooks = local_webhooks
        self.webhook_timeout = webhook_timeout
        self.payments: dict[str, dict] = {}
        self.webhook_calls: list[tuple[str, str, int | str]] = []
        self.retries: list[dict] = []
        self.idempotency: dict[str, str] = {}
        self.autosave_path: str | None = None
        self._lock = threading.RLock()
        self._senders: list[threading.Thread] = []

    def mode_for(self, authorization: str | None) -> str | None:
        """"test" or "live" for an accepted ``Authorization: Bearer`` header, else None."""
        scheme, _, key = (authorization or "").partition(" ")
        if scheme != "Bearer" or key not in self.api_keys:
            return None
        return "live" if key.startswith("live_") else "test"

    def create(self, fields: dict, mode: str, root: str, idempotency_key: str | None = None) -> dict:
        """Store a new open payment from validated ``fields``; ``root`` is the sandbox's absolute URL."""
        with self._lock:
            if idempotency_key and idempotency_key in self.idempotency:
                return copy.deepcopy(self.payments[self.idempotency[idempotency_key]])
            payment = _new_payment(self._new_id(), fields, mode, root, self.clock.now())
            self.payments[payment["id"]] = payment
            if idempotency_key:
                self.idempotency[idempotency_key] = payment["id"]
            self._changed()
            return copy.deepcopy(payment)

    def get(self, payment_id: str) -> dict | None:
        """A copy of the payment, or None when there is no such id."""
        with self._lock:
            payment = self.payments.get(payment_id)
            return copy.deepcopy(payment) if payment else None

    def pay(self, payment_id: str, outcome: str = "paid") -> dict:
        """Finish an open payment as the checkout's buttons do, then call its webhook in a thread.

        Raises KeyError for an unknown id and PaymentNotOpen when the payment is already final.
        """
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}")
        with self._lock:
            payment = self.payments[payment_id]
            if payment["status"] != "open":
                raise PaymentNotOpen(f"{payment_id} is already {payment['status']}")
            _finish(payment, outcome, self.clock.now())
            self._changed()
            url, result = payment.get("webhookUrl"), copy.deepcopy(payment)
        if url:
            self._send_in_background(url, payment_id, attempt=1)
        return result

    def expire_due(self) -> list[str]:
        """Expire open payments whose expiresAt has passed (as Mollie does), calling their webhooks."""
        now = self.clock.now()
        with self._lock:
            due = [pid for pid, p in self.payments.items() if p["status"] == "open"
                   and dt.datetime.fromisoformat(p["expiresAt"]).timestamp() <= now]
        return [pid for pid in due if self._expire_if_open(pid)]

    def _expire_if_open(self, payment_id: str) -> bool:
        try:
            self.pay(payment_id, "expired")
        except PaymentNotOpen:  # paid in the meantime
            return False
        return True

    def deliver_due(self) -> int:
        """Make every webhook retry whose time has come, synchronously; returns how many were tried."""
        now = self.clock.now()
        with self._lock:
            due = [r for r in self.retries if r["due"] <= now]
            self.retries = [r for r in self.retries if r["due"] > now]
        for retry in due:
            self._send(retry["url"], retry["payment_id"], retry["attempt"])
        return len(due)

    def wait_for_webhooks(self, timeout: float = 10.0) -> bool:
        """Wait (at most ``timeout`` real seconds) for webhook calls ``pay`` started; True when all ended."""
        deadline = time.monotonic() + timeout  # real time: the sandbox clock may be frozen
        with self._lock:
            senders = list(self._senders)
        for thread in senders:
            thread.join(max(0.0, deadline - time.monotonic()))
        with self._lock:
            self._senders = [t for t in self._senders if t.is_alive()]
            return not self._senders

    def _send_in_background(self, url: str, payment_id: str, attempt: int) -> None:
        # Like Mollie, the customer's redirect does not wait for the merchant's webhook to answer.
        thread = threading.Thread(target=self._send, args=(url, payment_id, attempt), daemon=True,
                                  name=f"mollie-webhook-{payment_id}")
        with self._lock:
            self._senders.append(thread)
        thread.start()

    def _send(self, url: str, payment_id: str, attempt: int) -> None:
        try:
            answer = requests.post(url, data={"id": payment_id}, headers={"User-Agent": USER_AGENT},
                                   timeout=self.webhook_timeout, allow_redirects=False)
            result: int | str = answer.status_code
        except requests.RequestException as exc:
            result = f"{type(exc).__name__}: {exc}"
        with self._lock:  # record and schedule together, so a visible failure always has its retry
            self.webhook_calls.append((url, payment_id, result))
            failed = not (isinstance(result, int) and 200 <= result < 300)
            if failed and attempt <= len(RETRY_DELAYS):
                self.retries.append({"url": url, "payment_id": payment_id, "attempt": attempt + 1,
                                     "due": self.clock.now() + RETRY_DELAYS[attempt - 1]})
            self._changed()

    def _new_id(self) -> str:
        alphabet = string.ascii_letters + string.digits
        while True:  # ids look like the docs' tr_7UhSN1zuXS
            candidate = "tr_" + "".join(secrets.choice(alphabet) for _ in range(10))
            if candidate not in self.payments:
                return candidate

    def save(self, path) -> None:
        """Write everything to a JSON file (``load`` reads it back)."""
        with self._lock:
            data = {"api_keys": sorted(self.api_keys), "payments": self.payments, "retries": self.retries,
                    "webhook_calls": self.webhook_calls, "idempotency": self.idempotency}
            text = json.dumps(data, indent=1)
        pathlib.Path(path).write_text(text, encoding="utf-8")

    @classmethod
    def load(cls, path, clock=None, **options) -> MollieState:
        """A state read back from ``save``'s file."""
        data = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
        state = cls(api_keys=data.get("api_keys", ()), clock=clock, **options)
        state.payments = data.get("payments", {})
        state.retries = data.get("retries", [])
        state.webhook_calls = [tuple(call) for call in data.get("webhook_calls", [])]
        state.idempotency = data.get("idempotency", {})
        return state

    def _changed(self) -> None:
        if self.autosave_path:
            self.save(self.autosave_path)


def _new_payment(payment_id: str, fields: dict, mode: str, root: str, now: float) -> dict:
    """A payment resource in the order and shape Mollie returns it (keys verified against the docs)."""
    payment = {"resource": "payment", "id": payment_id, "mode": mode, "createdAt": iso(now),
               "amount": fields["amount"], "description": fields["description"], "method": fields["method"],
               "metadata": fields["metadata"], "status": "open", "isCancelable": False,
               "expiresAt": iso(now + EXPIRY_SECONDS), "details": None, "profileId": "pfl_sandbox0001",
               "sequenceType": "oneoff", "redirectUrl": fields["redirectUrl"]}
    for key in ("webhookUrl", "locale"):
        if fields[key] is not None:
            payment[key] = fields[key]
    payment["_links"] = {
        "self": {"href": f"{root}/v2/payments/{payment_id}", "type": "application/hal+json"},
        "checkout": {"href": f"{root}/checkout/{payment_id}", "type": "text/html"},
        "documentation": {"href": "https://docs.mollie.com/reference/create-payment", "type": "text/html"}}
    return payment


def _finish(payment: dict, outcome: str, now: float) -> None:
    payment["status"] = outcome
    payment[STAMPS[outcome]] = iso(now)
    # Inferred: a finished payment no longer offers a checkout link.
    payment["_links"].pop("checkout", None)
    if outcome == "paid":
        currency = payment["amount"]["currency"]
        payment["amountRefunded"] = {"value": format_value(Decimal(0), currency), "currency": currency}
        payment["amountRemaining"] = dict(payment["amount"])
        payment["method"] = payment["method"] or "ideal"  # someone paid, so some method was chosen

