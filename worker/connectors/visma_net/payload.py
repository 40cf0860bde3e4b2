"""A period's journal as Visma.net's journal transaction write DTO (targets.md §5.4).

Every scalar is wrapped as ``{"value": …}``; dimensions are subaccount segments; amounts are
Decimals written as exact JSON numbers by ``client.dumps``; our reference goes on every line.
"""
from __future__ import annotations

from decimal import Decimal


def _v(value) -> dict:
    return {"value": value}


def _line(number: int, line, reference: str, segments: dict[str, int]) -> dict:
    subaccount = [{"segmentId": segments[kind], "segmentValue": code}
                  for kind, code in (("cost_center", line.cost_center), ("cost_unit", line.cost_unit))
                  if kind in segments and code]
    body = {"operation": "Insert", "lineNumber": _v(number), "accountNumber": _v(line.account),
            "debitAmountInCurrency": _v(line.debit), "creditAmountInCurrency": _v(line.credit),
            "transactionDescription": _v(line.description), "referenceNumber": _v(reference)}
    if subaccount:
        body["subaccount"] = subaccount
    return body


def journal_transaction(journal, reference: str, description: str, segments: dict[str, int]) -> dict:
    """The POST body of one transaction: the period's lines, booked in that period."""
    return {
        "transactionDate": _v(journal.transaction_date.isoformat() + "T00:00:00"),
        "financialPeriod": _v(journal.financial_period),
        "description": _v(description),
        "currencyId": _v("EUR"),
        "exchangeRate": _v(Decimal("1.0")),
        "hold": _v(False),
        "journalTransactionLines": [_line(n, line, reference, segments) for n, line in enumerate(journal.lines, 1)],
    }


def carries(transaction: dict, reference: str, financial_period: str) -> bool:
    """Whether a transaction read back is ours for this period (our reference on its lines)."""
    return str(transaction.get("financialPeriod")) == financial_period and any(
        line.get("referenceNumber") == reference for line in transaction.get("journalTransactionLines") or [])
