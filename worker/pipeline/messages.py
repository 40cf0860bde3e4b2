"""Every error an order can end with: a stable code, a sentence for the merchant, what to do.

The sentences are English templates marked for the catalogue (``N_``). ``problem()`` fills them in
English where the error is found; ``Problem.in_language()`` renders the same code and values again
in the merchant's language, which is what ``process.fail`` stores on the order.
"""
from __future__ import annotations

import dataclasses
import json

from worker.i18n import N_, gettext_for
from worker.unreadable import Unreadable, fill


@dataclasses.dataclass(frozen=True)
class Problem:
    """Why an order did not reach the books, in the merchant's words."""

    code: str
    message: str
    help: str
    # The placeholder values, kept so the problem can be rendered again in another language.
    values: dict = dataclasses.field(default_factory=dict, compare=False, hash=False, repr=False)

    def in_language(self, language: str) -> Problem:
        """The same problem in ``language`` (unchanged when its code is not in the catalogue)."""
        if self.code not in CATALOGUE:
            return self
        return problem(self.code, language=language, **self.values)

    def stored_values(self) -> dict | None:
        """The values as the order keeps them (JSON: amounts and dates as text); None outside the catalogue."""
        if self.code not in CATALOGUE:
            return None
        return json.loads(json.dumps(self.values, default=str))


def order_problem(order, language: str) -> Problem:
    """The error an order holds, rendered in ``language``: from its code and values where it kept them."""
    if order.error_code in CATALOGUE and order.error_values is not None:
        return problem(order.error_code, language=language, **order.error_values)
    return Problem(order.error_code or "", order.error_message or "", order.error_help or "")


CATALOGUE: dict[str, tuple[str, str]] = {
    "TOTAL_MISMATCH": (
        N_("The order total ({total}) is not the sum of its lines, shipping and costs minus discounts ({sum})."),
        N_("Check the order in your shop; correct it there, then press Process.")),
    "EXPORT_WITH_VAT": (
        N_("This order goes outside the EU but charges VAT ({rates}); export sales must be 0 % VAT."),
        N_("Correct the VAT on the order in your shop (or the customer's country), then press Process.")),
    "VAT_NUMBER_INVALID": ("{detail}", N_("Correct the VAT number on the order in your shop, then press Process.")),
    "VAT_NUMBER_NOT_IN_VIES": ("{detail}", N_("Check the number with your customer; if it is right, they must "
                                              "register it for intra-EU trade. Correct the order in your shop, "
                                              "then press Process.")),
    "VAT_NUMBER_BLOCKED": ("{detail}", N_("Press Process again later; if it keeps happening, press Report problem.")),
    "PRICE_BASIS_MISMATCH": (
        N_("Your shop states its prices {shop} VAT, but your settings send prices {ours} VAT to {system}, "
           "which would change amounts by a cent here and there."),
        N_("In Configuration, choose prices {shop} VAT where Koppel asks which prices to send, and VAT codes that "
           "match them, then press Process.")),
    "CURRENCY_NOT_EUR": (
        N_("This order is in {currency}. Koppel books orders in euros, and we never make up an exchange rate."),
        N_("Book this order by hand in {system}. If you sell in {currency} regularly, ask our webcare team to "
           "allow the order's currency in your contract.")),
    "VAT_CODE_RATE_MISMATCH": (
        N_("The VAT code {vat_code} set for {row} charges {code_rate} %, but this order line is at {line_rate} %; "
           "the VAT in your books would be wrong."),
        N_("In Configuration, choose a {line_rate} % VAT code for {row} (your accountant can create one), "
           "save, then press Process.")),
    "VAT_CODE_UNKNOWN": (
        N_("The VAT code {vat_code} set for {row} is not among the VAT codes we read from {system}."),
        N_("In Configuration, press reload to read your administration again, choose the VAT code for {row}, "
           "save, then press Process.")),
    "VAT_NOT_MAPPED": (
        N_("There is no VAT code and revenue account set for {detail} in your VAT settings."),
        N_("Open Configuration, fill in the VAT code and ledger account for that rate, save, then press Process.")),
    "OSS_VAT_LEDGER_MISSING": (
        N_("This order charges VAT of {country} at {rate} % (One Stop Shop, OSS). {system} books only Dutch VAT, "
           "so foreign VAT goes on a ledger of its own, kept out of your Dutch VAT return; none is chosen."),
        N_("In {system}, create a balance ledger for OSS VAT payable (your accountant knows which), then in "
           "Configuration reload the data, choose it as the ledger for foreign VAT (OSS), save, then press "
           "Process.")),
    "OSS_NOT_ON_SALES_ORDERS": (
        N_("This order charges VAT of {country} at {rate} % (One Stop Shop, OSS). {system} sales orders compute "
           "Dutch VAT from the article's revenue group, so foreign VAT cannot go on one."),
        N_("In Configuration, create sales bookings (with a ledger for foreign VAT), save, then press Process; "
           "or book this order by hand.")),
    "CUSTOMER_WITHOUT_EMAIL": (
        N_("Order {detail} has no customer e-mail address, and debtors are matched on e-mail."),
        N_("Add the e-mail address to the order in your shop, or link its payment method to a fixed debtor "
           "in Configuration, then press Process.")),
    "NO_EMAIL_DEBTOR": (
        N_("Order {detail} has no customer e-mail address ({channel} gives none for some orders, such as those "
           "it fulfils itself), and debtors are matched on e-mail."),
        N_("In Configuration, choose the debtor for orders without an e-mail address from {channel} (for example "
           "a debtor \"{channel} customers\" you made for them), save, then press Process.")),
    "ICP_WITHOUT_EMAIL": (
        N_("Order {detail} is an intra-EU business sale at 0 % VAT (reverse charge) and has no customer e-mail "
           "address. Its invoice needs a debtor of the buyer's own, with their VAT number, so it can never go on "
           "a shared debtor; and debtors are matched on e-mail."),
        N_("Add the buyer's e-mail address to the order in {channel}, then press Process. Where {channel} gives "
           "none (such as for orders it fulfils itself), book this order by hand in {system} on the buyer's own "
           "debtor, with their VAT number.")),
    "PRODUCT_WITHOUT_SKU": (
        N_("The product \"{detail}\" has no article code (SKU), so it cannot be matched to an article in your accounting system."),
        N_("Give the product an article code in your shop, then press Process.")),
    "ARTICLE_CODE_TOO_NARROW": (
        N_("{system} refused the article code {detail}: your administration still allows only short codes of "
           "digits, while your shop's article codes need up to 25 letters and digits."),
        N_("In {system}, widen the article code to 25 letters and digits (its default is 10 digits), then press "
           "Process. Articles and orders sent earlier stay as they are.")),
    "ORDER_UNREADABLE": (
        N_("We could not read this order from your shop: {detail}."),
        N_("Press Report problem; we will look at the order data with you.")),
    "NOT_CONNECTED": (
        N_("Your accounting system is not connected."),
        N_("Open the dashboard and press Connect next to the accounting system, then press Process.")),
    "REAUTH_REQUIRED": (
        "{detail}",
        N_("Press Connect next to the accounting system and log in again; waiting orders then go through.")),
    "TARGET_REJECTED": (
        N_("{system} refused the document: {detail}"),
        N_("Read the message from {system} under More info. Fix the cause in {system} or in Configuration, "
           "then press Process; if it is unclear, press Report problem.")),
    "DUPLICATE_REFERENCE": (
        N_("Order number {reference} is already in your books: order {other} of {other_date} was booked as "
           "{document}. A second order with the same number would be confused with it."),
        N_("If your shop started numbering again, or two shops book into this administration, set a prefix for "
           "this shop's references in Configuration, then press Process. If it is the same sale, nothing "
           "needs doing.")),
    "REMOTE_UNREACHABLE": (
        N_("We could not reach a system this order needs, even after trying for hours: {detail}"),
        N_("Press Process to try again. If the order may already be in your books, we look it up before "
           "sending anything, so it is never booked twice.")),
    "CLIENT_NOT_REVERSE_CHARGE": (
        N_("This is an intra-EU sale at 0 % VAT, but the customer {detail} already exists in {system} without "
           "reverse charge (BTW verlegd), so the invoice would not say the VAT is shifted to the customer."),
        N_("In {system}, open this customer and switch on reverse charge (BTW verlegd), save, then press "
           "Process. We never change an existing customer ourselves.")),
    "DIRECT_INVOICE_WITHOUT_WAREHOUSE": (
        N_("Your contract creates direct sales invoices, and those need a warehouse; none is chosen."),
        N_("In Configuration, choose the warehouse, save, then press Process.")),
    "SKIPPED_CANCELLED": (
        N_("Cancelled in your shop (status \"{status}\") before it was transferred; nothing was booked."),
        N_("Nothing to do. Should it be booked after all, give it a status you transfer in your shop.")),
    "SKIPPED_NOT_A_SALE": (
        "{detail}",
        N_("Nothing to do: nothing was booked. Book a refund by hand in your accounting system if you need it there.")),
    "INTERNAL_ERROR": (
        N_("Something went wrong on our side while processing this order."),
        N_("Press Report problem; our webcare team has the details.")),
}

# Codes whose ``detail`` is a sentence of our own (marked ``N_`` where it is made), so it is
# translated too, then filled with the other values; other details come from the shop, VIES or
# the accounting system and stay as they are.
OWN_DETAIL = frozenset({"REAUTH_REQUIRED", "ORDER_UNREADABLE", "VAT_NUMBER_INVALID", "VAT_NUMBER_NOT_IN_VIES",
                        "VAT_NUMBER_BLOCKED", "SKIPPED_NOT_A_SALE"})
# Values that are our own marked labels (a shop status's name), translated before they are filled in.
OWN_LABELS = ("status",)


def problem(code: str, language: str = "en", **values) -> Problem:
    """The problem for ``code`` in ``language``, with its placeholders filled in."""
    translate = gettext_for(language)
    message, help_text = CATALOGUE[code]
    shown = dict(values)
    for name in OWN_LABELS:
        if isinstance(shown.get(name), str):
            shown[name] = translate(shown[name])
    if code in OWN_DETAIL and isinstance(shown.get("detail"), str):
        shown["detail"] = fill(translate(shown["detail"]), shown)
    return Problem(code=code, message=translate(message).format(**shown), help=translate(help_text).format(**shown),
                   values=values)

# A delivery we could not tell the order of (listed on the dashboard, not an order in Errors).
DELIVERY_UNREADABLE = N_("We could not tell which order this delivery is about: {detail}.")


def delivery_problem(exc: Unreadable, language: str) -> str:
    """Why a delivery without a readable order id was kept aside, in ``language``."""
    translate = gettext_for(language)
    return fill(translate(DELIVERY_UNREADABLE), {"detail": fill(translate(exc.template), exc.values)})


def unreadable(exc: Unreadable) -> Problem:
    """ORDER_UNREADABLE saying what ``exc`` found, translatable like every other problem."""
    return problem("ORDER_UNREADABLE", detail=exc.template, **exc.values)
