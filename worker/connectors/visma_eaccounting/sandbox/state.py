"""VismaState: app registrations, users, companies with their records, tokens, limits and faults."""
from __future__ import annotations

import copy
import json
import os
import secrets
import threading
import uuid

from worker.sandbox_clock import Clock
from worker.sandbox_faults import FaultRule, Faults
from .limits import RateLimiter
from .seed import seed_company
from .tokens import TokenStore


class VismaState:
    """Everything one eAccounting sandbox knows; every method is thread-safe (one re-entrant lock)."""

    def __init__(self, clock: Clock | None = None, *, rate_limit: int = 600, page_size: int = 50):
        self.clock = clock or Clock()
        self.page_size = page_size
        self.lock = threading.RLock()
        self.clients: dict[str, dict] = {}
        self.users: dict[str, dict] = {}
        self.companies: dict[str, dict] = {}
        self.tokens = TokenStore()
        self.limiter = RateLimiter(rate_limit)
        self.faults = Faults()
        self.autosave_path: str | None = None

    def register_client(self, client_id: str, client_secret: str, redirect_uri: str) -> None:
        """Register an app with its secret and the one redirect URI it may use."""
        with self.lock:
            self.clients[client_id] = {"secret": client_secret, "redirect_uri": redirect_uri}
            self.changed()

    def add_company(self, name: str = "Demo BV", country: str = "NL") -> str:
        """Create and seed a company; returns its id."""
        with self.lock:
            company = str(uuid.uuid4())
            self.companies[company] = seed_company(name, country, self.clock.now())
            self.changed()
            return company

    def add_user(self, username: str, password: str, company: str | None = None) -> str:
        """A user of ``company`` (a new seeded one when None); returns the company id."""
        with self.lock:
            company = company or self.add_company()
            self.users[username] = {"password": password, "company": company}
            self.changed()
            return company

    def add_fault(self, rule: FaultRule) -> None:
        """Arm a fault rule."""
        self.faults.add(rule)

    def clear_faults(self) -> None:
        """Disarm all rules and release requests that hang now."""
        self.faults.clear()

    @property
    def token_calls(self) -> int:
        """Token-endpoint calls answered 200."""
        return self.tokens.token_calls

    def company(self, company: str) -> dict:
        """The live record of a company (hold the lock while using it)."""
        return self.companies[company]

    def docs(self, company: str, collection: str) -> dict:
        """The live {id: record} mapping of one collection (hold the lock)."""
        return self.companies[company]["docs"][collection]

    def records(self, company: str, collection: str) -> list[dict]:
        """Copies of the records of one collection, oldest first."""
        with self.lock:
            return copy.deepcopy(list(self.docs(company, collection).values()))

    def post_count(self, company: str, collection: str) -> int:
        """How many POSTs created a record in ``collection``."""
        with self.lock:
            return self.companies[company]["posts"].get(collection, 0)

    def insert(self, company: str, collection: str, record: dict, key: str | None = None) -> dict:
        """Store a record created by a POST and count the POST."""
        with self.lock:
            self.docs(company, collection)[key or record["Id"]] = record
            posts = self.companies[company]["posts"]
            posts[collection] = posts.get(collection, 0) + 1
            self.changed()
            return record

    def next_number(self, company: str, name: str, first: int) -> int:
        """The next number of a per-company sequence (customer, order, invoice, voucher numbers)."""
        with self.lock:
            counters = self.companies[company]["counters"]
            counters[name] = max(counters.get(name, first - 1) + 1, first)
            return counters[name]

    def set_startup_complete(self, company: str, done: bool) -> None:
        """Switch the company's startup guide state (unfinished answers every call with 4003)."""
        with self.lock:
            self.companies[company]["startup_complete"] = done
            self.changed()

    def save(self, path: str) -> None:
        """Write everything but limits and faults as JSON, atomically."""
        with self.lock:
            data = {"version": 1, "clients": self.clients, "users": self.users, "companies": self.companies,
                    "tokens": self.tokens.to_json()}
            tmp = f"{path}.{secrets.token_hex(4)}.tmp"
            with open(tmp, "w", encoding="utf-8") as handle:
                json.dump(data, handle)
            os.replace(tmp, path)

    @classmethod
    def load(cls, path: str, clock: Clock | None = None, **options) -> VismaState:
        """A state restored from :meth:`save`."""
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        state = cls(clock=clock, **options)
        state.clients, state.users, state.companies = data["clients"], data["users"], data["companies"]
        state.tokens.load_json(data["tokens"])
        return state

    def changed(self) -> None:
        """Save to ``autosave_path`` when set; call after every change (lock held)."""
        if self.autosave_path:
            self.save(self.autosave_path)


__all__ = ["Clock", "FaultRule", "VismaState"]
