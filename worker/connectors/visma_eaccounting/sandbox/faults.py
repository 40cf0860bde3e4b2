"""Injected faults for reliability tests: a failing status, commit-then-hang, or a plain hang."""
from __future__ import annotations

import dataclasses
import threading

MODES = ("status", "commit_then_hang", "hang")


@dataclasses.dataclass
class FaultRule:
    """Answer the next ``count`` matching requests badly.

    ``path`` matches the end of the request path (``customerinvoicedrafts``, ``connect/token``);
    ``method`` may be ``*``. ``status`` answers ``status`` without doing the work;
    ``commit_then_hang`` does the work, then blocks ``hang_seconds`` before answering; ``hang``
    blocks first, does nothing and answers 504.
    """

    method: str
    path: str
    mode: str = "status"
    status: int | None = None
    count: int = 1
    hang_seconds: float = 0.0

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"unknown fault mode {self.mode!r}; one of {MODES}")
        self.method = self.method.upper()
        if self.mode == "status" and self.status is None:
            self.status = 503

    def matches(self, method: str, path: str) -> bool:
        """Whether this rule applies to a request."""
        return self.method in ("*", method.upper()) and path.rstrip("/").endswith(self.path.strip("/"))


class Faults:
    """The armed rules; thread-safe. Hangs end early on :meth:`clear`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self._release = threading.Event()

    def add(self, rule: FaultRule) -> None:
        """Arm a rule after the ones already armed."""
        with self._lock:
            self._rules.append(rule)

    def clear(self) -> None:
        """Disarm every rule and wake every request that hangs now."""
        with self._lock:
            self._rules.clear()
            self._release.set()
            self._release = threading.Event()

    def take(self, method: str, path: str) -> FaultRule | None:
        """The first armed rule matching this request, consuming one of its ``count``."""
        with self._lock:
            for rule in self._rules:
                if rule.matches(method, path):
                    rule.count -= 1
                    if rule.count <= 0:
                        self._rules.remove(rule)
                    return rule
        return None

    def hang(self, seconds: float) -> None:
        """Block this request thread ``seconds`` (real time) or until :meth:`clear`."""
        with self._lock:
            event = self._release
        event.wait(seconds)
