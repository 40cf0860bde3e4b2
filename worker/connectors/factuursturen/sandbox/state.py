"""FactuursturenState: accounts with their API keys, clients, invoices, the hourly limit and faults."""
from __future__ import annotations

import copy
import threading

from worker.sandbox_clock import Clock
from worker.sandbox_faults import FaultRule, Faults

# An account's lists as a new Dutch account has them (targets.md §4.3: taxes, categories, profiles).
TAXES = ({"percentage": 21, "type": "high", "default": True, "country": "NL"},
         {"percentage": 9, "type": "low", "default": False, "country": "NL"},
         {"percentage": 0, "type": "zero", "default": False, "country": "NL"})
CATEGORIES = ({"id": 1, "name": "Omzet hoog", "ledger": 8000}, {"id": 2, "name": "Omzet laag", "ledger": 8010},
              {"id": 3, "name": "Omzet verlegd en export", "ledger": 8020})
PROFILES = ({"id": 1, "name": "Standaard", "default": True}, {"id": 2, "name": "Webwinkel", "default": False})


class HourlyLimit:
    """Calls an account may make per hour, counted from the first call of the hour (targets.md §4.7.2)."""

    def __init__(self, limit: int = 60, counts: str = "invoices", seconds: float = 3600.0):
        if counts not in ("invoices", "all"):
            raise ValueError("counts is 'invoices' (invoice POSTs only) or 'all' (every call)")
        self.limit, self.counts, self.seconds = limit, counts, seconds
        self.windows: dict[str, list[float]] = {}  # account -> [start, used]

    def counted(self, method: str, resource: str) -> bool:
        return self.counts == "all" or (method == "POST" and resource == "invoices")

    def hit(self, account: str, now: float, counted: bool) -> int | None:
        """Count one call; the calls left after it, or None when the hour's calls are used up."""
        window = self.windows.setdefault(account, [now, 0])
        if now >= window[0] + self.seconds:
            window[:] = [now, 0]
        if counted and window[1] >= self.limit:
            return None
        window[1] += 1 if counted else 0
        return self.limit - window[1]


class FactuursturenState:
    """Everything one Factuursturen sandbox knows; thread-safe through one re-entrant lock."""

    def __init__(self, clock: Clock | None = None, *, invoice_limit: int = 60, limit_counts: str = "invoices"):
        self.clock = clock or Clock()
        self.lock = threading.RLock()
        self.accounts: dict[str, dict] = {}
        self.limit = HourlyLimit(invoice_limit, limit_counts)
        self.faults = Faults()

    def add_account(self, username: str, api_key: str, active: bool = True) -> dict:
        """A seeded account reachable with ``username`` and ``api_key``; returns its live record."""
        with self.lock:
            self.accounts[username] = {
                "api_key": api_key, "active": active, "taxes": copy.deepcopy(list(TAXES)),
                "categories": copy.deepcopy(list(CATEGORIES)), "profiles": copy.deepcopy(list(PROFILES)),
                "clients": {}, "invoices": {}, "saved": {}, "payments": [], "posts": {}, "counters": {}}
            return self.accounts[username]

    def set_active(self, username: str, active: bool) -> None:
        """Switch the account's API key on or off (Instellingen > Verbindingen, "Actief")."""
        with self.lock:
            self.accounts[username]["active"] = active

    def account_for(self, username: str, api_key: str) -> dict | None:
        """The account these Basic-auth credentials open, or None (unknown, wrong key, key not active)."""
        account = self.accounts.get(username)
        if account is None or not account["active"] or account["api_key"] != api_key:
            return None
        return account

    def next_number(self, username: str, name: str) -> int:
        with self.lock:
            counters = self.accounts[username]["counters"]
            counters[name] = counters.get(name, 0) + 1
            return counters[name]

    def count_post(self, username: str, resource: str) -> None:
        posts = self.accounts[username]["posts"]
        posts[resource] = posts.get(resource, 0) + 1

    def post_count(self, username: str, resource: str) -> int:
        """How many POSTs created something in ``resource`` (``invoices``, ``clients``)."""
        with self.lock:
            return self.accounts[username]["posts"].get(resource, 0)

    def records(self, username: str, resource: str) -> list[dict]:
        """Copies of an account's clients, invoices or saved invoices (Decimal amounts), oldest first."""
        with self.lock:
            return copy.deepcopy(list(self.accounts[username][resource].values()))

    def add_fault(self, rule: FaultRule) -> None:
        self.faults.add(rule)

    def clear_faults(self) -> None:
        self.faults.clear()


__all__ = ["Clock", "FactuursturenState", "FaultRule", "HourlyLimit"]
