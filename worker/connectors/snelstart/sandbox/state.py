"""SnelStartState: subscription keys, administrations with their koppelsleutels and records, tokens, limits, faults."""
from __future__ import annotations

import base64
import collections
import copy
import math
import secrets
import threading

from worker.sandbox_clock import Clock
from worker.sandbox_faults import FaultRule, Faults
from . import persist
from .seed import PACKAGES, scopes, seed

TOKEN_SECONDS = 3599


class SnelStartState:
    """Everything one SnelStart sandbox knows; thread-safe (one re-entrant lock)."""

    def __init__(self, clock: Clock | None = None, *, per_minute: int = 600, per_day: int = 100_000):
        self.clock = clock or Clock()
        self.lock = threading.RLock()
        self.subscription_keys: set[str] = set()
        self.administrations: dict[str, dict] = {}
        self.keys: dict[str, dict] = {}  # koppelsleutel -> {"admin", "username", "password", "scopes"}
        self.tokens: dict[str, dict] = {}  # access token -> {"admin", "scopes", "expires"}
        self.limits = {"minute": (per_minute, 60.0), "day": (per_day, 86400.0)}
        self.calls: dict[tuple, collections.deque] = {}
        self.faults = Faults()
        self.token_calls = 0
        self.autosave_path: str | None = None

    def add_subscription_key(self, key: str) -> None:
        with self.lock:
            self.subscription_keys.add(key)
            self.changed()

    def add_administration(self, name: str = "Demo BV", package: str = "InBalans",
                           wide_article_codes: bool = False, client_key: str | None = None) -> tuple[str, str]:
        """Seed an administration; returns (its identifier, a koppelsleutel for it)."""
        if package not in PACKAGES:
            raise ValueError(f"package is one of {PACKAGES}")
        with self.lock:
            admin = seed(name, package)
            if wide_article_codes:  # what the manual asks the merchant to set: 25 letters and digits
                admin["article_code"] = {"length": 25, "digits_only": False}
            admin_id = admin["info"]["administratieIdentifier"]
            self.administrations[admin_id] = admin
            return admin_id, self.add_key(admin_id, client_key)

    def add_key(self, admin_id: str, key: str | None = None) -> str:
        """A new koppelsleutel: base64 of username:password (§3.1); ``key`` chooses one."""
        with self.lock:
            username, password = f"user-{secrets.token_hex(4)}", secrets.token_hex(12)
            if key:
                username, _, password = base64.b64decode(key).decode().partition(":")
            key = key or base64.b64encode(f"{username}:{password}".encode()).decode()
            self.keys[key] = {"admin": admin_id, "username": username, "password": password,
                              "scopes": scopes(self.administrations[admin_id]["package"])}
            self.changed()
            return key

    def revoke(self, key: str) -> None:
        with self.lock:
            self.keys.pop(key, None)
            self.changed()

    def issue(self, key: str | None = None, username: str | None = None, password: str | None = None) -> dict | None:
        """A token for a known key (or its decoded user and password); None when unknown."""
        with self.lock:
            found = self.keys.get(key or "") if key else next(
                (k for k in self.keys.values() if (k["username"], k["password"]) == (username, password)), None)
            if found is None:
                return None
            token = secrets.token_urlsafe(24)
            self.tokens[token] = {"admin": found["admin"], "scopes": set(found["scopes"]),
                                  "expires": self.clock.now() + TOKEN_SECONDS}
            self.token_calls += 1
            return {"access_token": token, "token_type": "bearer", "expires_in": TOKEN_SECONDS}

    def hit(self, subscription_key: str, now: float) -> int | None:
        """Count a call against the key's minute and day quota; the seconds to wait when one is used up."""
        with self.lock:
            for name, (limit, window) in self.limits.items():
                recent = self.calls.setdefault((subscription_key, name), collections.deque())
                while recent and recent[0] <= now - window:
                    recent.popleft()
                if len(recent) >= limit:
                    return max(1, math.ceil(recent[0] + window - now))
            for name in self.limits:
                self.calls[(subscription_key, name)].append(now)
            return None

    def set_vat_rate(self, admin_id: str, kind: str, percentage: float, since: str = "2021-07-01T00:00:00") -> None:
        """Give a VAT kind a current percentage (an administration sets its Overig rate itself, e.g. for
        OSS sales at another EU country's rate); the kind's earlier current rate ends the day before."""
        with self.lock:
            rates = self.administrations[admin_id]["btwtarieven"]
            for row in rates:
                if row["btwSoort"] == kind and row["datumTotEnMet"] is None:
                    row["datumTotEnMet"] = since
            rates.append({"btwSoort": kind, "btwPercentage": percentage, "datumVanaf": since, "datumTotEnMet": None})
            self.changed()

    def records(self, admin_id: str, collection: str) -> list[dict]:
        """A copy of the stored records of one collection."""
        with self.lock:
            return copy.deepcopy(list(self.administrations[admin_id].get(collection, {}).values()))

    def post_count(self, admin_id: str, collection: str) -> int:
        """How many POSTs created a record in ``collection`` (kept even when the answer was lost)."""
        with self.lock:
            return self.administrations[admin_id]["posts"].get(collection, 0)

    def add_fault(self, rule: FaultRule) -> None:
        self.faults.add(rule)

    def clear_faults(self) -> None:
        self.faults.clear()

    def changed(self) -> None:
        """Save to ``autosave_path`` when set; called after every change (lock held)."""
        if self.autosave_path:
            persist.save(self, self.autosave_path)

    @classmethod
    def load(cls, path: str, clock: Clock | None = None, **options) -> SnelStartState:
        """A state restored from what :meth:`changed` saved."""
        return persist.load(cls, path, clock, **options)

    def expire_tokens(self) -> None:
        """Every token issued so far is past its hour (tests of renewal)."""
        with self.lock:
            for grant in self.tokens.values():
                grant["expires"] = self.clock.now() - 1
