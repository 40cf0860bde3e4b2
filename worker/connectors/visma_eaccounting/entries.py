"""Sales bookings (verkoopboekingen): a customer ledger item with its voucher, as manual 000 §5 lays out.

The voucher has a total row incl. VAT on the merchant's debtor account (1200, 1300 or 1600), one
row per order line with its excl. VAT amount on the line's revenue account and VAT code, and one
row per VAT code with the VAT amount on that code's VAT account. Positive amounts of sales are
credited and the total is debited; a negative amount (a discount, a negative order) swaps sides,
so no amount is ever negative. The manual's bullet says the total row is a credit, but its own
example debits it (DebitAmount 72.80), as bookkeeping requires; the example is followed.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from worker.canonical import Order
from worker.connectors.visma_eaccounting import mapping

PATH = "customerledgeritems/customerledgeritemswithvoucher"
# The VAT code we send must be kept; by default Visma replaces it with the account's own (§2.7).
PARAMS = {"useDefaultVatCodes": "false"}
DEFAULT_DEBTOR_ACCOUNT = "1300"


def _side(amount: Decimal, credit: bool) -> dict:
    """The row's amount on its side: credits stay credits while positive, else they become debits."""
    if (amount >= 0) == credit:
        return {"CreditAmount": float(abs(amount))}
    return {"DebitAmount": float(abs(amount))}


def _vat_rows(order: Order, settings: dict, vat_accounts: dict) -> list[dict]:
    by_code: dict[str, Decimal] = {}
    for line in order.lines:
        code = mapping.vat_row(settings, order, line)["vat_code"]
        by_code[code] = by_code.get(code, Decimal("0.00")) + line.vat_amount
    rows = []
    for code, amount in by_code.items():
        if amount == 0:
            continue
        if not vat_accounts.get(code):
            raise mapping.MappingError("VAT_NOT_MAPPED", f"VAT code {code} has no VAT account")
        rows.append({"AccountNumber": int(vat_accounts[code]), **_side(amount, True),
                     "TransactionText": "BTW", "VatCodeId": code})
    return rows


def voucher_rows(order: Order, settings: dict, vat_accounts: dict) -> list[dict]:
    """The balanced rows of the booking."""
    text = f"Bestelling {order.number}"[:50]
    debtor = int(settings.get("debtor_account") or DEFAULT_DEBTOR_ACCOUNT)
    rows = [{"AccountNumber": debtor, **_side(order.total_incl, False), "TransactionText": text}]
    for line in order.lines:
        row = mapping.vat_row(settings, order, line)
        rows.append({"AccountNumber": int(row["gl_account"]), **_side(line.total_excl, True),
                     "TransactionText": line.description[:50], "VatCodeId": row["vat_code"]})
    return rows + _vat_rows(order, settings, vat_accounts)


def invoice_number(now: dt.datetime | None = None) -> int:
    """The manual's invoice number: the current timestamp, because Visma allows digits only."""
    return int((now or dt.datetime.now(dt.timezone.utc)).timestamp())


def payload(order: Order, customer_id: str, settings: dict, vat_accounts: dict) -> dict:
    """A customerledgeritemswithvoucher body; our order number is the payment reference."""
    day = order.date.isoformat()
    total = float(order.total_incl)
    return {"CurrencyCode": "EUR", "CustomerId": customer_id, "DueDate": day, "InvoiceDate": day,
            "InvoiceNumber": invoice_number(), "IsCreditInvoice": False,
            "PaymentReferenceNumber": order.number[:50], "TotalAmountInvoiceCurrency": total,
            "RemainingAmountInvoiceCurrency": total, "VATAmountInvoiceCurrency": float(order.vat_total),
            "RoundingsAmountInvoiceCurrency": 0,
            "Voucher": {"VoucherDate": day, "VoucherText": f"Bestelling {order.number}"[:100],
                        "Rows": voucher_rows(order, settings, vat_accounts)}}
