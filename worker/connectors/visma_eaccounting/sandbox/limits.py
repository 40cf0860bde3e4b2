"""600 calls a minute per client and endpoint, as a sliding window (targets.md §2.3)."""
from __future__ import annotations

import collections
import math


class RateLimiter:
    """Counts calls per (client_id, endpoint) over the last 60 s; no rate headers, like Visma."""

    def __init__(self, limit: int = 600, window: float = 60.0):
        self.limit = limit
        self.window = window
        self.calls: dict[tuple, collections.deque] = {}

    def hit(self, key: tuple, now: float) -> int | None:
        """Count one call; None when allowed, else the seconds until one is allowed again."""
        recent = self.calls.setdefault(key, collections.deque())
        while recent and recent[0] <= now - self.window:
            recent.popleft()
        if len(recent) >= self.limit:
            return max(1, math.ceil(recent[0] + self.window - now))
        recent.append(now)
        return None

    def message(self, wait: int) -> str:
        """The DeveloperErrorMessage of the 429, worded as Visma's rate-limit page shows it."""
        return (f"API calls quota exceeded! maximum admitted {self.limit} per Minute. "
                f"Try again in {wait} seconds.")
