"""KMO Shops webhook signatures (contract kmoshops-sim/v0, see worker/connectors/kmoshops/__init__.py).

``X-KMOShops-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + raw body)>``; several
``v1`` values may be present while a secret is being rotated.
"""
from __future__ import annotations

import hashlib
import hmac
import re

TOLERANCE_SECONDS = 300
# ASCII only: str.isdigit() also accepts "²³" and other scripts' digits, which int() then refuses
# or reads; twelve digits reach far past any clock and keep int-to-float comparisons safe.
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_DIGEST = re.compile(r"[0-9a-f]{64}")


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header value for ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def parse(header: str) -> tuple[int, list[str]] | None:
    """Split a signature header into its timestamp and ``v1`` digests; None when malformed."""
    timestamp, digests = None, []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and _TIMESTAMP.fullmatch(value):
            timestamp = int(value)
        elif key == "v1" and _DIGEST.fullmatch(value):
            digests.append(value)
    if timestamp is None or not digests:
        return None
    return timestamp, digests


def verify(secret: str, header: str | None, body: bytes, now: float) -> bool:
    """True when ``header`` signs ``body`` with ``secret`` and its time is within 300 s either way."""
    parsed = parse(header or "")
    if parsed is None:
        return False
    timestamp, digests = parsed
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return any(hmac.compare_digest(expected.encode(), d.encode()) for d in digests)
