"""Mollie, the Dutch payment provider behind the subscription offer's payment link (Payments API v2).

Verified in Mollie's documentation (docs.mollie.com, its earlier api-documentation sources) and in error
texts quoted in Mollie's own repositories:

- ``POST https://api.mollie.com/v2/payments`` with ``Authorization: Bearer test_…`` or ``live_…`` and JSON
  ``{"amount": {"currency": "EUR", "value": "10.00"}, "description", "redirectUrl", "webhookUrl",
  "metadata", "locale", "method"}``. ``amount.value`` is a string with the currency's exact decimals (two;
  none for ISK and JPY); "non-string values are not accepted". ``description`` is required and truncated
  (not refused) beyond 255 characters. ``redirectUrl`` is required except for recurring payments.
  ``metadata`` may be any JSON up to "approximately 1kB". Answer: 201, a ``payment`` resource with ``id``
  ``tr_…``, ``mode``, ``status: "open"``, ``createdAt``, ``expiresAt`` (15 minutes later in the docs'
  examples of a payment without method), ``amount``, ``description``, ``metadata``, ``redirectUrl``,
  ``webhookUrl``, ``_links.self`` and ``_links.checkout`` (the hosted page to send the customer to).
- ``GET /v2/payments/{id}``. Statuses: open, pending, authorized, paid, canceled, expired, failed, with
  ``paidAt`` / ``canceledAt`` / ``expiredAt`` / ``failedAt`` once reached.
- Webhooks: on paid, authorized, failed, canceled and expired Mollie POSTs
  ``application/x-www-form-urlencoded`` ``id=tr_…`` to ``webhookUrl``; no status, no signature, so the
  receiver must GET the payment. It must answer 200; otherwise Mollie keeps trying "for a few hours".
- Errors (``application/hal+json``): ``{"status", "title", "detail", "field"?, "_links": {"documentation"}}``.
  401 "Unauthorized Request" / "Missing authentication, or failed to authenticate"; 404 "No payment exists
  with token tr_…."; 422 "Unprocessable Entity" with ``field``, e.g. "The amount is lower than the minimum"
  / "higher than the maximum" (field ``amount``). The live API refuses a localhost ``webhookUrl`` (422 "The
  webhook URL is invalid because it is unreachable from Mollie's point of view.").
- ``Idempotency-Key`` header: a repeated key returns the first answer instead of a second payment.

Inferred (and what the sandbox chooses): the retry schedule (10 calls over ~26 h), the exact 422 texts for
bad currencies, decimals, descriptions, URLs and metadata, the minimum of 0.01, and that a finished payment
loses its checkout link. The sandbox accepts loopback webhook URLs (everything runs on one machine);
``MollieState(local_webhooks=False)`` refuses them as the live API does.

Note for the offer e-mail: a payment's checkout link expires with the payment (minutes, not days), so the
e-mail should link to Koppel, which creates the payment when the merchant clicks.
"""
from __future__ import annotations

from worker.connectors.mollie.client import MollieClient, MollieError, Payment

# The sandbox (mollie.sandbox, mollie.sandbox_state) is imported by worker.sandboxes and the tests, never from here:
# production processes do not load sandbox code.
__all__ = ["MollieClient", "MollieError", "Payment"]
