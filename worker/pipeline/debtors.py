"""Orders without the customer's e-mail address: the debtor they are booked on (docs/ARCHITECTURE.md).

Debtors are matched on e-mail, so an order without one (a marketplace gives none for many orders it
fulfils itself) follows this rule, first that applies:

1. Its payment method has a fixed debtor (Configuration, payment methods): the target books it there,
   like every order paid that way.
2. An intra-EU business sale at 0 % (ICP) never goes on a shared debtor, because its invoice needs the
   buyer's own VAT number: Errors (ICP_WITHOUT_EMAIL), saying just that, for every target (none can
   book it: each skips fixed debtors for ICP and then needs the e-mail address).
3. The target books on a debtor the pipeline names (``Target.fixed_debtor_without_email``) and the
   merchant chose the debtor for orders without an e-mail address from this sales channel
   (``Source.sales_channel``: one per marketplace, e.g. a debtor named after it): the order is
   booked on that debtor and no debtor is made.
4. Such a target, but no debtor chosen: Errors (NO_EMAIL_DEBTOR), saying to choose that debtor in
   Configuration and press Process.
5. Other targets decide as before (CUSTOMER_WITHOUT_EMAIL).
"""
from __future__ import annotations

import dataclasses

from worker import connectors
from worker.canonical import Order as CanonicalOrder
from worker.models import Connection
from worker.pipeline.messages import Problem, problem

SETTING = "no_email_debtors"  # on the target: {sales channel key: the target's debtor id}


def debtor_for(target: Connection, source: Connection) -> str:
    """The debtor chosen for orders without an e-mail address from ``source``'s channel, or ""."""
    channel = connectors.get(source.system).sales_channel(source)[0]
    return str((target.settings.get(SETTING) or {}).get(channel) or "")


def apply(order: CanonicalOrder, target: Connection, source: Connection) -> tuple[CanonicalOrder, Problem | None]:
    """``order`` booked on the channel's debtor when it has no e-mail address (rule above), or the problem."""
    if (order.customer.email or "").strip():
        return order, None
    channel = connectors.get(source.system).sales_channel(source)[1]
    if order.vat_regime == "intra_eu_reverse_charge":
        return order, problem("ICP_WITHOUT_EMAIL", detail=order.number, channel=channel,
                              system=connectors.get(target.system).name)
    if not connectors.get(target.system).fixed_debtor_without_email:
        return order, None
    if (target.settings.get("payment_debtors") or {}).get(order.payment_method):
        return order, None
    debtor = debtor_for(target, source)
    if debtor:
        return dataclasses.replace(order, debtor=debtor), None
    return order, problem("NO_EMAIL_DEBTOR", detail=order.number, channel=channel)
