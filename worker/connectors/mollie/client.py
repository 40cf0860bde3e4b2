"""HTTP client for Mollie's Payments API v2: create a payment, look one up."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

import requests

from worker.connectors.errors import RemoteRejected, RemoteUnavailable
from worker.connectors.mollie.api_rules import format_value

PRODUCTION_URL = "https://api.mollie.com/v2"


class MollieError(RemoteRejected):
    """Mollie refused the request (4xx): ``status``, ``title``, ``detail`` and, for 422, ``field``."""

    def __init__(self, status: int, title: str, detail: str, field: str | None = None, body: object = None):
        super().__init__(status, f"{title}: {detail}" + (f" (field {field})" if field else ""), body)
        self.title = title
        self.detail = detail
        self.field = field


@dataclasses.dataclass(frozen=True)
class Payment:
    """One Mollie payment as Koppel needs it; ``raw`` is the API's answer as received."""

    id: str
    status: str
    amount: Decimal
    currency: str
    description: str
    metadata: dict
    checkout_url: str | None
    paid_at: str | None
    raw: dict

    @classmethod
    def from_api(cls, raw: dict) -> Payment:
        """Build from the JSON of a payment resource."""
        amount = raw.get("amount") or {}
        metadata = raw.get("metadata")
        checkout = (raw.get("_links") or {}).get("checkout") or {}
        return cls(id=raw["id"], status=raw["status"], amount=Decimal(amount.get("value", "0")),
                   currency=amount.get("currency", ""), description=raw.get("description", ""),
                   metadata=metadata if isinstance(metadata, dict) else {},
                   checkout_url=checkout.get("href"), paid_at=raw.get("paidAt"), raw=raw)


class MollieClient:
    """Talks to api.mollie.com (or the sandbox) with one API key; test_ keys create test-mode payments."""

    def __init__(self, api_key: str, base_url: str = PRODUCTION_URL, timeout: float = 10.0,
                 session: requests.Session | None = None):
        self.api_key = api_key
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = session or requests.Session()

    def create_payment(self, *, amount: Decimal, description: str, redirect_url: str,
                       webhook_url: str | None = None, metadata: dict | None = None,
                       locale: str | None = None, method: str | None = None, currency: str = "EUR",
                       idempotency_key: str | None = None) -> Payment:
        """Create an open payment; send the customer to ``checkout_url``. Amount is a Decimal, never a float."""
        body = {"amount": {"currency": currency, "value": format_value(amount, currency)},
                "description": description, "redirectUrl": redirect_url}
        optional = {"webhookUrl": webhook_url, "metadata": metadata, "locale": locale, "method": method}
        body.update({key: value for key, value in optional.items() if value is not None})
        # Mollie answers a repeated Idempotency-Key with the first payment, so a retry cannot pay twice.
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        return Payment.from_api(self._call("POST", "/payments", json=body, headers=headers))

    def get_payment(self, payment_id: str) -> Payment:
        """The payment's current state; what a webhook call tells us to look up."""
        if not payment_id or "/" in payment_id:
            # The id arrives from an unauthenticated webhook; never let it steer the request path.
            raise ValueError(f"not a payment id: {payment_id!r}")
        return Payment.from_api(self._call("GET", f"/payments/{payment_id}"))

    def _call(self, method: str, path: str, **kwargs) -> dict:
        headers = {"Authorization": f"Bearer {self.api_key}", "Accept": "application/hal+json",
                   **kwargs.pop("headers", {})}
        try:
            response = self.session.request(method, self.base_url + path, headers=headers,
                                            timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            raise RemoteUnavailable(f"Mollie unreachable: {exc}") from exc
        if response.status_code >= 500:
            raise RemoteUnavailable(f"Mollie answered HTTP {response.status_code}")
        body = _json(response)
        if response.status_code >= 400:
            raise _error(response.status_code, body)
        if not isinstance(body, dict) or "id" not in body:
            raise RemoteUnavailable(f"Mollie answered HTTP {response.status_code} without a payment")
        return body


def _json(response: requests.Response) -> object:
    try:
        return response.json()
    except ValueError:
        return None


def _error(status: int, body: object) -> MollieError:
    body = body if isinstance(body, dict) else {}
    return MollieError(status, body.get("title") or f"HTTP {status}", body.get("detail") or "",
                       body.get("field"), body)
