"""The sandbox's clock (shared with the other sandboxes) and the API's timestamp format."""
from __future__ import annotations

import datetime

from worker.sandbox_clock import Clock  # noqa: F401  (re-exported for the sandbox)


def iso(epoch: float) -> str:
    """Epoch seconds as ISO 8601 UTC with milliseconds and a Z, the API's timestamp format."""
    moment = datetime.datetime.fromtimestamp(epoch, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_iso(text: str) -> float:
    """ISO 8601 text (Z or offset; naive means UTC) as epoch seconds; ValueError when malformed."""
    moment = datetime.datetime.fromisoformat(text.strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.timestamp()
