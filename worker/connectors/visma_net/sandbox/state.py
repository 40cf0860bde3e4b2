"""What the Visma.net sandbox knows: app registrations, users, customers (tenants) with companies, tokens, limits.

A company holds a chart of accounts, subaccount segments (the manual's dimensions), financial
periods (open or closed), its journal transactions and two flags the manual names: marked as a
test company, and its customer blocked (targets.md §5.7 item 9, §5.5).
"""
from __future__ import annotations

import copy
import datetime as dt
import secrets
import threading

from worker import sandbox_json
from worker.sandbox_clock import Clock
from worker.sandbox_faults import FaultRule, Faults

ACCOUNTS = {"4000": "Lonen en salarissen", "4100": "Sociale lasten", "2400": "Af te dragen loonheffing",
            "2410": "Netto lonen", "2420": "Pensioenpremies", "1100": "Bank"}
SEGMENTS = ({"segmentId": 1, "description": "Kostenplaats", "values": ("100", "200", "300")},
            {"segmentId": 2, "description": "Kostendrager", "values": ("P1", "P2")})


def seed_company(name: str, year: int) -> dict:
    """A company with the payroll chart of accounts, two segments and the year's periods (last year closed)."""
    periods = {f"{y}{m:02d}": {"closed": y < year}
               for y in (year - 1, year) for m in range(1, 14)}
    return {"name": name, "test_company": False, "accounts": {n: {"description": d, "active": True}
                                                             for n, d in ACCOUNTS.items()},
            "segments": [dict(s, values=list(s["values"])) for s in SEGMENTS], "periods": periods,
            "transactions": {}, "next_batch": 1}


class VismaNetState:
    """Everything one Visma.net sandbox knows; every method is thread-safe (one re-entrant lock)."""

    def __init__(self, clock: Clock | None = None, *, rate_limit: int = 500, rate_window: int = 3600,
                 strict_values: bool = True):
        self.clock = clock or Clock()
        self.lock = threading.RLock()
        self.rate_limit, self.rate_window = rate_limit, rate_window  # "test client" preset: 500/h (§5.3)
        self.strict_values = strict_values  # bare values refused: every field must be {"value": ...}
        # An unknown tenant in a client-credentials request: refused at the token endpoint, or (False) given a
        # token whose every API call then answers 12027, as Visma does for a tenant without a licence (§5.7).
        self.reject_unknown_tenant = True
        self.clients: dict[str, dict] = {}
        self.users: dict[str, dict] = {}
        self.customers: dict[str, dict] = {}  # tenant id -> {"blocked": bool, "companies": {id: company}}
        self.codes: dict[str, dict] = {}
        self.access: dict[str, dict] = {}
        self.refresh: dict[str, dict] = {}
        self.windows: dict[tuple, dict] = {}
        self.faults = Faults()
        self.year = dt.date.today().year
        self.autosave_path: str | None = None  # `make run` keeps customers, users and tokens across restarts

    KEPT = ("year", "clients", "users", "customers", "codes", "access", "refresh")

    def save(self, path: str) -> None:
        """Write everything but rate-limit windows and faults as JSON, atomically."""
        with self.lock:
            sandbox_json.write(path, {"version": 1, **{name: getattr(self, name) for name in self.KEPT}})

    @classmethod
    def load(cls, path: str, clock: Clock | None = None) -> VismaNetState:
        """A state restored from :meth:`save`."""
        data, state = sandbox_json.read(path), cls(clock=clock)
        for name in cls.KEPT:
            setattr(state, name, data[name])
        return state

    def changed(self) -> None:
        """Save to ``autosave_path`` when set; called after every change (the app calls it after each POST)."""
        if self.autosave_path:
            self.save(self.autosave_path)

    def register_client(self, client_id: str, client_secret: str, redirect_uri: str) -> None:
        """An app in the Visma Developer Portal with the one redirect URI it may use."""
        with self.lock:
            self.clients[client_id] = {"secret": client_secret, "redirect_uri": redirect_uri}

    def add_customer(self, companies: tuple[str, ...] = ("Visser Holding",)) -> str:
        """A customer (tenant) with seeded companies numbered 1, 2, …; returns its tenant id."""
        with self.lock:
            tenant = secrets.token_hex(8)
            self.customers[tenant] = {"blocked": False, "companies": {
                str(n): seed_company(name, self.year) for n, name in enumerate(companies, 1)}}
            self.changed()
            return tenant

    def add_user(self, username: str, password: str, tenant: str | None = None) -> str:
        """A user of ``tenant`` (a new customer with one company when None); returns the tenant id."""
        with self.lock:
            tenant = tenant or self.add_customer()
            self.users[username] = {"password": password, "tenant": tenant, "session_open": False}
            self.changed()
            return tenant

    def company(self, tenant: str, company: str) -> dict:
        """The live record of one company (hold the lock while using it)."""
        return self.customers[tenant]["companies"][company]

    def transactions(self, tenant: str, company: str = "1") -> list[dict]:
        """The company's journal transactions, oldest first (copies)."""
        with self.lock:
            return copy.deepcopy(list(self.company(tenant, company)["transactions"].values()))

    def add_fault(self, rule: FaultRule) -> None:
        """Arm a fault rule (``path`` like ``journaltransaction``)."""
        self.faults.add(rule)

    def expire_tokens(self) -> None:
        """Make every access token expired (as an hour passing would)."""
        with self.lock:
            for grant in self.access.values():
                grant["expires"] = 0
