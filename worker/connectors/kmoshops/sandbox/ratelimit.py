"""Per-API-key token buckets (2 requests/s, burst 40) running on the sandbox clock."""
from __future__ import annotations

import dataclasses
import math
import threading


@dataclasses.dataclass(frozen=True)
class Verdict:
    """Whether one request may pass, and the numbers for the X-RateLimit-* headers."""

    allowed: bool
    limit: int
    remaining: int
    reset: int
    retry_after: int

    def headers(self) -> dict[str, str]:
        """The rate-limit headers every API response carries (plus Retry-After on a 429)."""
        headers = {"X-RateLimit-Limit": str(self.limit), "X-RateLimit-Remaining": str(self.remaining),
                   "X-RateLimit-Reset": str(self.reset)}
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after)
        return headers


class RateLimiter:
    """Token buckets keyed by API key; ``enabled=False`` lets everything through."""

    def __init__(self, clock, rate: float = 2.0, burst: int = 40, enabled: bool = True):
        self.clock = clock
        self.rate = rate
        self.burst = burst
        self.enabled = enabled
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> Verdict:
        """Spend one token of ``key``'s bucket if there is one."""
        now = self.clock.now()
        if not self.enabled:
            return Verdict(True, self.burst, self.burst, math.ceil(now), 0)
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            allowed = tokens >= 1
            if allowed:
                tokens -= 1
            self._buckets[key] = (tokens, now)
        reset = math.ceil(now + (self.burst - tokens) / self.rate)
        retry_after = 0 if allowed else max(1, math.ceil((1 - tokens) / self.rate))
        return Verdict(allowed, self.burst, int(tokens), reset, retry_after)
