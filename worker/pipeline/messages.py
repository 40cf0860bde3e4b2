"""Every error an order can end with: a stable code, a sentence for the merchant, what to do."""
from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Problem:
    """Why an order did not reach the books, in the merchant's words."""

    code: str
    message: str
    help: str


CATALOGUE: dict[str, tuple[str, str]] = {
    "TOTAL_MISMATCH": (
        "The order total ({total}) is not the sum of its lines, shipping and costs minus discounts ({sum}).",
        "Check the order in your shop; correct it there, then press Process."),
    "EXPORT_WITH_VAT": (
        "This order goes outside the EU but charges VAT ({rates}); export sales must be 0 % VAT.",
        "Correct the VAT on the order in your shop (or the customer's country), then press Process."),
    "VAT_NUMBER_INVALID": ("{detail}", "Correct the VAT number on the order in your shop, then press Process."),
    "VAT_NUMBER_NOT_IN_VIES": ("{detail}", "Check the number with your customer; if it is right, they must "
                               "register it for intra-EU trade. Correct the order in your shop, then press Process."),
    "VAT_NUMBER_BLOCKED": ("{detail}", "Press Process again later; if it keeps happening, press Report problem."),
    "PRICE_BASIS_MISMATCH": (
        "Your shop states its prices {shop} VAT, but your settings send prices {ours} VAT to Exact Online, "
        "which would change amounts by a cent here and there.",
        "In Configuration, choose the VAT codes that match your shop's prices ({shop} VAT), then press Process."),
    "VAT_NOT_MAPPED": (
        "There is no VAT code and revenue account set for {detail} in your VAT settings.",
        "Open Configuration, fill in the VAT code and ledger account for that rate, save, then press Process."),
    "CUSTOMER_WITHOUT_EMAIL": (
        "Order {detail} has no customer e-mail address, and debtors are matched on e-mail.",
        "Add the e-mail address to the order in your shop, or link its payment method to a fixed debtor "
        "in Configuration, then press Process."),
    "PRODUCT_WITHOUT_SKU": (
        "The product \"{detail}\" has no article code (SKU), so it cannot be matched to an Exact item.",
        "Give the product an article code in your shop, then press Process."),
    "ORDER_UNREADABLE": (
        "We could not read this order from your shop: {detail}.",
        "Press Report problem; we will look at the order data with you."),
    "NOT_CONNECTED": (
        "Your accounting system is not connected.",
        "Open the dashboard and press Connect next to the accounting system, then press Process."),
    "REAUTH_REQUIRED": (
        "{detail}",
        "Press Connect next to the accounting system and log in again; waiting orders then go through."),
    "TARGET_REJECTED": (
        "Exact Online refused the document: {detail}",
        "Read the message from Exact Online under More info. Fix the cause in Exact Online or in Configuration, "
        "then press Process; if it is unclear, press Report problem."),
    "REMOTE_UNREACHABLE": (
        "We could not reach a system this order needs, even after trying for hours: {detail}",
        "Press Process to try again. If the order may already be in your books, we look it up before "
        "sending anything, so it is never booked twice."),
    "INTERNAL_ERROR": (
        "Something went wrong on our side while processing this order.",
        "Press Report problem; our webcare team has the details."),
}


def problem(code: str, **values) -> Problem:
    """The problem for ``code`` with its placeholders filled in."""
    message, help_text = CATALOGUE[code]
    return Problem(code=code, message=message.format(**values), help=help_text)
