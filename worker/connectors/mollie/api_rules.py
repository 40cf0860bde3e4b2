"""What Mollie's Payments API v2 accepts when a payment is created, and how it words a refusal.

Shared by the client (amount formatting) and the sandbox (validation). Limits and messages marked
"verified" come from Mollie's documentation or from error texts quoted in Mollie's own repositories;
the rest is inferred and said so.
"""
from __future__ import annotations

import ipaddress
import json
import re
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

# Verified (docs "Multicurrency"): ISK and JPY take no decimals, every other supported currency two.
CURRENCY_DECIMALS = {code: 2 for code in (
    "AED", "AUD", "BGN", "BRL", "CAD", "CHF", "CZK", "DKK", "EUR", "GBP", "HKD", "HUF", "ILS", "MXN",
    "MYR", "NOK", "NZD", "PHP", "PLN", "RON", "SEK", "SGD", "THB", "TWD", "USD", "ZAR")}
CURRENCY_DECIMALS.update({"ISK": 0, "JPY": 0})
# Verified (create-payment docs): the hosted pages' languages.
LOCALES = frozenset((
    "en_US", "en_GB", "nl_NL", "nl_BE", "fr_FR", "fr_BE", "de_DE", "de_AT", "de_CH", "es_ES", "ca_ES",
    "pt_PT", "it_IT", "nb_NO", "sv_SE", "fi_FI", "da_DK", "is_IS", "hu_HU", "pl_PL", "lv_LV", "lt_LT"))
METHODS = frozenset((
    "applepay", "bancontact", "banktransfer", "belfius", "blik", "creditcard", "directdebit", "eps",
    "giftcard", "ideal", "kbc", "klarna", "mybank", "paypal", "paysafecard", "przelewy24", "trustly",
    "twint", "voucher"))
# Inferred: the real minimum depends on the methods enabled (e.g. in3 needs more); 0.01 is the floor.
MIN_AMOUNT = Decimal("0.01")
# Inferred: the docs' own example refuses 1000000000.00 as "higher than the maximum".
MAX_AMOUNT = Decimal("999999999.99")
# Verified: longer descriptions are truncated to 255 characters, not refused.
DESCRIPTION_MAX = 255
# Verified (create-payment docs): metadata may use "up to approximately 1kB" (not 1024 kB).
METADATA_MAX_BYTES = 1024
DOCS = "https://docs.mollie.com/overview/handling-errors"
# Verified wording of the live API's refusal of localhost webhooks (quoted in Mollie plugin issues).
UNREACHABLE_WEBHOOK = "The webhook URL is invalid because it is unreachable from Mollie's point of view."


class ApiProblem(Exception):
    """A refusal in Mollie's error shape: status, title, detail and (for 422) the offending field."""

    def __init__(self, status: int, title: str, detail: str, field: str | None = None):
        super().__init__(detail)
        self.status, self.title, self.detail, self.field = status, title, detail, field

    def body(self) -> dict:
        """The application/hal+json error body the API sends."""
        body = {"status": self.status, "title": self.title, "detail": self.detail}
        if self.field:
            body["field"] = self.field
        body["_links"] = {"documentation": {"href": DOCS, "type": "text/html"}}
        return body


def unprocessable(detail: str, field: str) -> ApiProblem:
    """A 422 naming the field that is wrong."""
    return ApiProblem(422, "Unprocessable Entity", detail, field)


def format_value(amount: Decimal, currency: str) -> str:
    """``amount`` as the API's exact string (``"49.50"``); raises ValueError instead of rounding."""
    if isinstance(amount, float) or isinstance(amount, bool):
        # Floats cannot hold cents exactly; a payment amount must never be rounded by accident.
        raise TypeError("pass the amount as a Decimal, not a float")
    places = CURRENCY_DECIMALS.get(currency)
    if places is None:
        raise ValueError(f"Mollie does not support currency {currency!r}")
    value = Decimal(amount)
    quantum = Decimal(1).scaleb(-places)
    if value != value.quantize(quantum):
        raise ValueError(f"{amount} has more than {places} decimals for {currency}")
    return str(value.quantize(quantum))


def validate_create(body: object, *, local_webhooks: bool = True) -> dict:
    """The payment fields of a valid create request; raises ApiProblem as the real API would."""
    if not isinstance(body, dict):
        raise ApiProblem(400, "Bad Request", "The request body must be a JSON object")
    fields = {"amount": _amount(body.get("amount")), "description": _description(body.get("description")),
              "redirectUrl": _url(body.get("redirectUrl"), "redirectUrl", "redirect", required=True)}
    fields["webhookUrl"] = _webhook(body.get("webhookUrl"), local_webhooks)
    fields["locale"] = _choice(body.get("locale"), LOCALES, "locale", "The locale is invalid")
    fields["method"] = _choice(body.get("method"), METHODS, "method", "The payment method is invalid")
    fields["metadata"] = _metadata(body.get("metadata"))
    return fields


def _amount(amount: object) -> dict:
    if not isinstance(amount, dict):
        raise unprocessable("The amount is invalid", "amount")
    currency, value = amount.get("currency"), amount.get("value")
    places = CURRENCY_DECIMALS.get(currency) if isinstance(currency, str) else None
    if places is None:
        raise unprocessable(f"The currency {currency!r} is not supported", "amount.currency")
    # Verified: "Non-string values are not accepted"; the exact detail texts below are inferred.
    if not isinstance(value, str):
        raise unprocessable("The amount value must be a string", "amount.value")
    shape = r"\d+\.\d{%d}" % places if places else r"\d+"
    if not re.fullmatch(shape, value):
        raise unprocessable(f"The amount value must have exactly {places} decimals for {currency}",
                            "amount.value")
    number = _decimal(value)
    if number < MIN_AMOUNT:
        raise unprocessable("The amount is lower than the minimum", "amount")  # verified wording
    if number > MAX_AMOUNT:
        raise unprocessable("The amount is higher than the maximum", "amount")  # verified wording
    return {"value": value, "currency": currency}


def _decimal(value: str) -> Decimal:
    try:
        return Decimal(value)
    except InvalidOperation:  # cannot happen after the regex; kept so a bad value is never a 500
        raise unprocessable("The amount value is invalid", "amount.value") from None


def _description(description: object) -> str:
    if not isinstance(description, str) or not description.strip():
        raise unprocessable("The description is invalid", "description")
    return description[:DESCRIPTION_MAX]


def _url(url: object, field: str, name: str, required: bool) -> str | None:
    if url is None and not required:
        return None
    if url is None or url == "":
        raise unprocessable(f"The {name} URL is required", field)
    try:
        parts = urlsplit(url) if isinstance(url, str) else None
    except ValueError:  # e.g. an unclosed IPv6 bracket; a bad URL must be a 422, never a 500
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise unprocessable(f"The {name} URL is invalid", field)
    return url


def _webhook(url: object, local_webhooks: bool) -> str | None:
    url = _url(url, "webhookUrl", "webhook", required=False)
    if url and not local_webhooks and _is_local(urlsplit(url).hostname):
        raise unprocessable(UNREACHABLE_WEBHOOK, "webhookUrl")
    return url


def _is_local(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


def _choice(value: object, allowed: frozenset, field: str, detail: str) -> str | None:
    if value is None:
        return None
    if value not in allowed:
        raise unprocessable(detail, field)
    return value


def _metadata(metadata: object) -> object:
    size = len(json.dumps(metadata, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    if size > METADATA_MAX_BYTES:
        raise unprocessable(f"The metadata is too large ({size} bytes; at most {METADATA_MAX_BYTES})",
                            "metadata")
    return metadata
