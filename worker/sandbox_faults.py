"""Injected faults for the sandboxes' reliability tests (development and tests only, like sandbox_clock):
failing statuses, slow commits, commit-then-fail and plain hangs. Every sandbox arms the same rules."""
from __future__ import annotations

import dataclasses
import threading
from typing import Callable

from flask import Blueprint, jsonify, request

MODES = ("status", "commit_then_hang", "hang", "hold_then_commit", "commit_then_status")
RULE_FIELDS = ("method", "path", "mode", "status", "count", "hang_seconds")


@dataclasses.dataclass
class FaultRule:
    """Answer the next ``count`` matching requests badly.

    ``path`` matches the sandbox's endpoint name (Exact: ``salesinvoice/SalesInvoices``) or the end
    of the request path (``oauth2/token``, ``customerinvoicedrafts``); ``method`` may be ``*``.
    Modes: ``status`` answers ``status`` with the sandbox's error body without doing the work; ``commit_then_hang`` does the work, then blocks
    ``hang_seconds`` before answering; ``hang`` blocks first, does nothing, and answers 504;
    ``hold_then_commit`` blocks ``hang_seconds`` first and then does the work and answers (a slow
    commit, still stored when the client gave up waiting); ``commit_then_status`` does the work and
    then answers ``status`` (default 500) with an error body, as if it failed.
    """

    method: str
    path: str
    mode: str = "status"
    status: int | None = None
    count: int = 1
    hang_seconds: float = 0.0
    headers: dict | None = None

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"unknown fault mode {self.mode!r}; one of {MODES}")
        self.method = self.method.upper()
        if self.mode == "status" and self.status is None:
            self.status = 503
        if self.mode == "commit_then_status" and self.status is None:
            self.status = 500

    def matches(self, method: str, path: str, endpoint: str = "") -> bool:
        """Whether this rule applies to a request."""
        if self.method not in ("*", method.upper()):
            return False
        wanted = self.path.strip("/")
        return endpoint == wanted or path.rstrip("/").endswith(wanted)


class Faults:
    """The armed rules; thread-safe. Hangs can be cut short with :meth:`release`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self._release = threading.Event()

    def add(self, rule: FaultRule) -> None:
        """Arm a rule (after the ones already armed)."""
        with self._lock:
            self._rules.append(rule)

    def clear(self) -> None:
        """Disarm every rule and wake every request that is hanging now."""
        with self._lock:
            self._rules.clear()
            self._release.set()
            self._release = threading.Event()

    def take(self, method: str, path: str, endpoint: str = "") -> FaultRule | None:
        """The first armed rule matching this request, consuming one of its ``count``."""
        with self._lock:
            for rule in self._rules:
                if rule.matches(method, path, endpoint):
                    rule.count -= 1
                    if rule.count <= 0:
                        self._rules.remove(rule)
                    return rule
        return None

    def hang(self, seconds: float) -> None:
        """Block this request thread for ``seconds`` (real time) or until :meth:`clear`."""
        with self._lock:
            event = self._release
        event.wait(seconds)


def add_fault_routes(bp: Blueprint, state: Callable) -> None:
    """The ``/faults`` controls every sandbox offers on ``bp``, for the state ``state()`` returns."""

    @bp.post("/faults")
    def add_fault():
        """Arm a fault rule from a JSON body with the FaultRule fields."""
        body = request.get_json(force=True, silent=True) or {}
        try:
            rule = FaultRule(**{k: body[k] for k in RULE_FIELDS if k in body})
        except (TypeError, ValueError) as exc:
            return jsonify({"error": str(exc)}), 400
        state().add_fault(rule)
        return jsonify({"armed": rule.__dict__}), 201

    @bp.delete("/faults")
    def clear_faults():
        """Disarm every rule and release hanging requests."""
        state().clear_faults()
        return "", 204
