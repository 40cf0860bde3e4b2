"""Building the ledger journal of one payroll run: balanced per period, TWK lines in the period they concern.

Money rule: the payroll system gives amounts with two decimals; each line's net (debit - credit)
is rounded once to the cent (ROUND_HALF_UP, as the ledger stores EUR to the cent) and put on the
debit side when positive, the credit side when negative (a negative amount is a correction, sources.md
§4.3). Nothing is rounded after that, so the totals are sums of what is sent.
"""
from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import hashlib
import json
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from worker.i18n import N_

CENT = Decimal("0.01")


class JournalError(Exception):
    """The journal cannot be posted; ``message`` (N_) with ``params`` says why and what to do."""

    def __init__(self, code: str, message: str, **params):
        super().__init__(f"{code}: {params}")
        self.code, self.message, self.params = code, message, params


@dataclasses.dataclass(frozen=True)
class LedgerLine:
    """One line of a ledger transaction."""

    account: str
    description: str
    debit: Decimal
    credit: Decimal
    cost_center: str = ""
    cost_unit: str = ""


@dataclasses.dataclass(frozen=True)
class PeriodJournal:
    """The lines of one run that concern one period: one ledger transaction."""

    period: int
    financial_period: str  # YYYYMM
    transaction_date: dt.date
    lines: tuple[LedgerLine, ...]

    @property
    def debit(self) -> Decimal:
        return sum((line.debit for line in self.lines), Decimal("0.00"))

    @property
    def credit(self) -> Decimal:
        return sum((line.credit for line in self.lines), Decimal("0.00"))


def fingerprint(lines) -> str:
    """A digest of what the run books: it changes when a re-opened run changed an amount.

    Summed per (period, account, component), so the same run read whole or split per cost centre and
    cost unit (the merchant switched a dimension on in between) gives the same digest."""
    totals: dict[tuple, Decimal] = defaultdict(Decimal)
    for line in lines:
        totals[(line.period, line.account, line.component)] += line.debit - line.credit
    rows = sorted(json.dumps([*key, str(net.quantize(CENT))]) for key, net in totals.items() if net)
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def period_end(year: int, period: int) -> dt.date:
    """The last day of a period. [A] Periods are taken as months (13: the year's last day): a 4-weekly
    company needs a 13-period financial year in the ledger with the same numbering."""
    month = min(period, 12)
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _ledger_line(line) -> LedgerLine | None:
    net = (line.debit - line.credit).quantize(CENT, rounding=ROUND_HALF_UP)
    if not net:
        return None
    return LedgerLine(line.account, line.component, max(net, Decimal("0.00")), max(-net, Decimal("0.00")),
                      line.cost_center, line.cost_unit)


def group(lines, year: int, run_number: int) -> list[PeriodJournal]:
    """The run's ledger lines per period its lines concern, oldest period first, not yet held to balance;
    JournalError when a line has no valid period or nothing is left to send."""
    by_period: dict[int, list[LedgerLine]] = defaultdict(list)
    for line in lines:
        if not 1 <= line.period <= 13:
            raise JournalError("JOURNAL_BAD_PERIOD", N_("Run %(run)s has a line for period %(period)s, which "
                                                        "does not exist. Correct the run in the payroll system."),
                               run=run_number, period=line.period)
        ledger_line = _ledger_line(line)
        if ledger_line is not None:
            by_period[line.period].append(ledger_line)
    if not by_period:
        raise JournalError("JOURNAL_EMPTY", N_("Run %(run)s has no journal lines to send."), run=run_number)
    return [PeriodJournal(p, f"{year}{p:02d}", period_end(year, p), tuple(rows))
            for p, rows in sorted(by_period.items())]


def balanced(journals: list[PeriodJournal], run_number: int) -> None:
    """JournalError naming the first period whose debits and credits differ (to the cent)."""
    for journal in journals:
        if journal.debit != journal.credit:
            raise JournalError("JOURNAL_UNBALANCED", N_(
                "The journal of run %(run)s does not balance for period %(period)s: debit %(debit)s, credit "
                "%(credit)s. Nothing was sent; correct the run in the payroll system and send again."),
                run=run_number, period=journal.financial_period, debit=str(journal.debit), credit=str(journal.credit))


def build(lines, year: int, run_number: int) -> list[PeriodJournal]:
    """The run's transactions, one per period its lines concern, oldest period first; JournalError when
    a period does not balance to the cent or a line has no valid period."""
    journals = group(lines, year, run_number)
    balanced(journals, run_number)
    return journals
