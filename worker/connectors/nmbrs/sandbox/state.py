"""What the Nmbrs sandbox knows: users with API tokens, companies, runs and their journal lines (sources.md §4.6).

Seeded with a monthly company whose March run carries TWK corrections for January and February,
and a 4-weekly one. ``reopen_run`` scripts a run that is re-opened and changed after it was sent.
"""
from __future__ import annotations

import copy
import datetime as dt
import threading
from decimal import Decimal

from worker import sandbox_json

MONTHLY, FOUR_WEEKLY = 1, 2  # LoonaangifteTijdvak [A: the codes are assumed]


def line(period: int, run: int, account: str, component: str, debit: str = "0.00", credit: str = "0.00",
         cost_center: str = "", cost_unit: str = "") -> dict:
    """One journal line as the sandbox stores it (amounts as strings with two decimals)."""
    return {"Period": period, "Run": run, "GeneralLedgerAccount": account, "ComponentName": component,
            "Debit": debit, "Credit": credit, "CostCenter": cost_center, "CostUnit": cost_unit,
            "Department": "1", "Percentage": "100"}


def month_lines(period: int, run: int, gross: str, tax: str) -> list[dict]:
    """A balanced month: gross wages on 4000 (split over two cost centres), tax and net pay as liabilities."""
    gross_d, tax_d = Decimal(gross), Decimal(tax)
    first = (gross_d * Decimal("0.6")).quantize(Decimal("0.01"))
    return [line(period, run, "4000", "Brutoloon", debit=str(first), cost_center="100", cost_unit="P1"),
            line(period, run, "4000", "Brutoloon", debit=str(gross_d - first), cost_center="200", cost_unit="P2"),
            line(period, run, "2400", "Loonheffing", credit=str(tax_d)),
            line(period, run, "2410", "Netto loon", credit=str(gross_d - tax_d))]


def twk_lines(period: int, run: int, amount: str) -> list[dict]:
    """A retroactive raise for ``period``, paid in run ``run``: extra wages and net pay, nothing else."""
    return [line(period, run, "4000", "Brutoloon TWK", debit=amount, cost_center="100", cost_unit="P1"),
            line(period, run, "2410", "Netto loon TWK", credit=amount)]


def _run(run_id: int, number: int, year: int, period: int, lines: list[dict], locked: bool = True) -> dict:
    return {"ID": run_id, "Number": number, "Year": year, "PeriodStart": period, "PeriodEnd": period,
            "Description": f"Verloning {number}", "RunAt": dt.datetime(year, period, 25, 10, 0),
            "IsLocked": locked, "lines": lines}


def seed_companies(year: int) -> dict[int, dict]:
    """Two companies: 1 monthly (runs Jan, Feb, Mar with TWK for Jan and Feb), 2 four-weekly (one run)."""
    march = month_lines(3, 3, "10500.00", "2100.00") + twk_lines(1, 3, "150.00") + twk_lines(2, 3, "150.00")
    monthly = {"ID": 1, "Number": 1, "Name": "Bakkerij Visser BV", "LoonaangifteTijdvak": MONTHLY,
               "KvkNr": "12345678", "current_period": 3,
               "cost_centers": [{"Id": 1, "Code": "100", "Description": "Winkel"},
                                {"Id": 2, "Code": "200", "Description": "Bakkerij"}],
               "cost_units": [{"Id": 1, "Code": "P1", "Description": "Brood"}, {"Id": 2, "Code": "P2",
                                                                                 "Description": "Gebak"}],
               "runs": {101: _run(101, 1, year, 1, month_lines(1, 1, "10000.00", "2000.00")),
                        102: _run(102, 2, year, 2, month_lines(2, 2, "10000.00", "2000.00")),
                        103: _run(103, 3, year, 3, march)}}
    weekly = {"ID": 2, "Number": 2, "Name": "Visser Logistiek BV", "LoonaangifteTijdvak": FOUR_WEEKLY,
              "KvkNr": "87654321", "current_period": 1, "cost_centers": [], "cost_units": [],
              "runs": {201: _run(201, 1, year, 1, month_lines(1, 1, "4321.09", "876.54"), locked=False)}}
    return {1: monthly, 2: weekly}


class NmbrsState:
    """Users (username → token, domain, companies) and companies; thread-safe under ``lock``."""

    def __init__(self, year: int | None = None):
        self.year = year or dt.date.today().year
        self.lock = threading.RLock()
        self.users: dict[str, dict] = {}
        self.companies = seed_companies(self.year)
        self.calls: list[float] = []  # call times, for the 150 calls/s throttle
        self.throttle_per_second, self.delayed = 150, 0  # calls allowed per second; calls delayed so far
        self.tasks: dict[str, dict] = {}  # ReportService background tasks
        self.autosave_path: str | None = None  # `make run` keeps users and companies across restarts

    def save(self, path: str) -> None:
        """Write the users and companies (not the throttle or background tasks) as JSON, atomically."""
        with self.lock:
            sandbox_json.write(path, {"version": 1, "year": self.year, "users": self.users,
                                      "companies": self.companies})

    @classmethod
    def load(cls, path: str) -> NmbrsState:
        """A state restored from :meth:`save`."""
        data = sandbox_json.read(path)
        state = cls(year=data["year"])
        state.users = data["users"]
        state.companies = {number: {**company, "runs": sandbox_json.int_keys(company["runs"])}
                           for number, company in sandbox_json.int_keys(data["companies"]).items()}
        return state

    def changed(self) -> None:
        """Save to ``autosave_path`` when set; called after every change (lock held)."""
        if self.autosave_path:
            self.save(self.autosave_path)

    def add_user(self, username: str, token: str, domain: str = "koppeltest", companies=(1, 2)) -> None:
        """An API user whose token opens ``companies`` in ``domain``."""
        with self.lock:
            self.users[username] = {"token": token, "domain": domain, "companies": set(companies)}
            self.changed()

    def run(self, company_id: int, run_id: int) -> dict | None:
        """The live run record (hold the lock)."""
        return self.companies.get(company_id, {}).get("runs", {}).get(run_id)

    def reopen_run(self, company_id: int, run_id: int, lines: list[dict]) -> None:
        """Script a re-opened run: its journal becomes ``lines`` (it is locked again afterwards)."""
        with self.lock:
            record = self.run(company_id, run_id)
            record["lines"], record["IsLocked"] = copy.deepcopy(lines), True
            self.changed()

    def add_run(self, company_id: int, run: dict) -> None:
        """Add a run (``_run``-shaped) to a company."""
        with self.lock:
            self.companies[company_id]["runs"][run["ID"]] = run
            self.changed()
