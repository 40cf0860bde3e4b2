"""The clock every sandbox runs on: real time plus an offset, so tests move time forward instead of sleeping."""
from __future__ import annotations

import threading
import time


class Clock:
    """Epoch seconds that tests can advance; ``frozen_at`` stops the real-time part altogether."""

    def __init__(self, offset: float = 0.0, frozen_at: float | None = None):
        self._offset = offset
        self._frozen_at = frozen_at
        self._lock = threading.Lock()

    def now(self) -> float:
        """The current sandbox time in epoch seconds."""
        base = time.time() if self._frozen_at is None else self._frozen_at
        with self._lock:
            return base + self._offset

    def advance(self, seconds: float) -> float:
        """Move the clock forward by ``seconds`` and return the new time."""
        if seconds < 0:
            # Going back would let retries fire early, tokens live again and timestamps run backwards.
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += seconds
        return self.now()
