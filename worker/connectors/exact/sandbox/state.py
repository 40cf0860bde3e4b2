"""ExactState: clients, users, divisions with their documents, tokens, limits and faults."""
from __future__ import annotations

import copy
import json
import os
import secrets
import threading
import uuid

from worker.sandbox_clock import Clock
from worker.sandbox_faults import FaultRule
from worker.sandbox_faults import Faults
from .limits import ErrorBudget
from .limits import RateLimiter
from .seed import open_years
from .seed import seed_division
from .seed import top_up_vat_codes
from .tokens import TokenStore

FIRST_DIVISION = 100001


class ExactState:
    """Everything one Exact sandbox knows; all methods are thread-safe (one re-entrant lock)."""

    def __init__(self, clock: Clock | None = None, *, rate_limits: bool = True, error_budget: bool = True,
                 select_required: bool = True, minute_limit: int = 60, day_limit: int = 5000,
                 strict_properties: bool = True, family_revocation: bool = False, page_size: int = 60):
        self.clock = clock or Clock()
        self.rate_limits = rate_limits
        self.error_budget = error_budget
        self.select_required = select_required
        # Reject POST/PUT properties the entity does not have, as Exact's OData layer does (inferred).
        self.strict_properties = strict_properties
        self.page_size = page_size
        self.lock = threading.RLock()
        self.clients: dict[str, dict] = {}
        self.users: dict[str, dict] = {}
        self.divisions: dict[int, dict] = {}
        self.tokens = TokenStore(family_revocation=family_revocation)
        self.limiter = RateLimiter(minute_limit, day_limit)
        self.budget = ErrorBudget()
        self.faults = Faults()
        self.autosave_path: str | None = None

    # --- setup -----------------------------------------------------------------------------

    def register_client(self, client_id: str, client_secret: str, redirect_uri: str) -> None:
        """Register an app: its id, secret and the one redirect URI it may use."""
        with self.lock:
            self.clients[client_id] = {"secret": client_secret, "redirect_uri": redirect_uri}
            self.changed()

    def add_division(self, division: int | None = None, description: str | None = None) -> int:
        """Create and seed a division (next free number from 100001 when None); returns its number."""
        with self.lock:
            if division is None:
                division = max(self.divisions, default=FIRST_DIVISION - 1) + 1
            if division not in self.divisions:
                now = self.clock.now()
                self.divisions[division] = {
                    "docs": seed_division(division, now, description or f"Demo administratie {division}"),
                    "posts": {}, "counters": {}, "open_years": open_years(now)}
                self.changed()
            return division

    def add_user(self, username: str, password: str, division: int | None = None,
                 full_name: str | None = None) -> int:
        """Create a user with access to ``division`` (created and seeded if needed); returns it."""
        with self.lock:
            division = self.add_division(division)
            user = self.users.setdefault(username, {"password": password, "user_id": str(uuid.uuid4()),
                                                    "divisions": [], "current": division,
                                                    "full_name": full_name or username.split("@")[0].title()})
            user["password"] = password
            if division not in user["divisions"]:
                user["divisions"].append(division)
            self.changed()
            return division

    def add_fault(self, rule: FaultRule) -> None:
        """Arm a fault rule."""
        self.faults.add(rule)

    def clear_faults(self) -> None:
        """Disarm all fault rules and release requests that hang now."""
        self.faults.clear()

    # --- inspection ------------------------------------------------------------------------

    @property
    def token_calls(self) -> int:
        """Number of token-endpoint calls answered 200."""
        return self.tokens.token_calls

    def documents(self, division: int, entity: str) -> list[dict]:
        """Copies of the stored records of one entity set (e.g. "SalesInvoices"), oldest first."""
        with self.lock:
            return copy.deepcopy(list(self.docs(division, entity).values()))

    def post_count(self, division: int, entity: str) -> int:
        """How many POSTs created a record of this entity set."""
        with self.lock:
            return self.divisions[division]["posts"].get(entity, 0)

    def find_by_code(self, division: int, entity: str, code: str) -> dict | None:
        """A copy of the record whose Code equals ``code`` (ignoring padding), e.g. a GL account."""
        with self.lock:
            for record in self.docs(division, entity).values():
                if str(record.get("Code", "")).strip() == str(code).strip():
                    return copy.deepcopy(record)
        return None

    # --- storage used by the handlers --------------------------------------------------------

    def docs(self, division: int, entity: str) -> dict:
        """The live {key: record} mapping of one entity set (hold the lock while using it)."""
        return self.divisions[division]["docs"][entity]

    def insert(self, division: int, entity: str, key: str, record: dict) -> dict:
        """Store a record created by a POST and count the POST."""
        with self.lock:
            self.docs(division, entity)[key] = record
            posts = self.divisions[division]["posts"]
            posts[entity] = posts.get(entity, 0) + 1
            self.changed()
            return record

    def next_number(self, division: int, name: str, first: int) -> int:
        """The next number of a per-division sequence (order numbers, invoice numbers, ...)."""
        with self.lock:
            counters = self.divisions[division]["counters"]
            counters[name] = max(counters.get(name, first - 1) + 1, first)
            return counters[name]

    def update_document(self, division: int, entity: str, key: str, **fields) -> None:
        """Change stored fields directly, e.g. ``Status=50`` to mimic an invoice processed in Exact."""
        with self.lock:
            self.docs(division, entity)[key].update(fields)
            self.changed()

    def delete_document(self, division: int, entity: str, key: str) -> bool:
        """Remove a record, as a user deleting it in Exact would; returns whether it existed."""
        with self.lock:
            found = self.docs(division, entity).pop(key, None) is not None
            self.changed()
            return found

    # --- persistence -----------------------------------------------------------------------

    def save(self, path: str) -> None:
        """Write clients, users, divisions and tokens as JSON (atomically)."""
        with self.lock:
            data = {"version": 1, "clients": self.clients, "users": self.users,
                    "divisions": {str(k): v for k, v in self.divisions.items()}, "tokens": self.tokens.to_json()}
            tmp = f"{path}.{secrets.token_hex(4)}.tmp"
            with open(tmp, "w", encoding="utf-8") as handle:
                json.dump(data, handle)
            os.replace(tmp, path)

    @classmethod
    def load(cls, path: str, clock: Clock | None = None, **options) -> ExactState:
        """A state restored from :meth:`save`; ``options`` as for the constructor."""
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        state = cls(clock=clock, **options)
        state.clients = data["clients"]
        state.users = data["users"]
        state.divisions = {int(k): v for k, v in data["divisions"].items()}
        for number, division in state.divisions.items():
            top_up_vat_codes(division["docs"], number, state.clock.now())
        state.tokens.load_json(data["tokens"])
        return state

    def changed(self) -> None:
        """Save to ``autosave_path`` when set; call after every mutation (lock held)."""
        if self.autosave_path:
            self.save(self.autosave_path)
