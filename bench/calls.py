"""Remote calls per order by case, for bench/pipeline.py (issue 15: "remote calls at the floor").

Each merchant's administration (an Exact division or a Visma eAccounting company) starts with history,
as a real one does: ``CUSTOMERS`` debtors and a catalogue of ``CATALOGUE`` items, made there before
Koppel connects; the mirror is then filled
by its job (``sync_mirror``) before orders arrive. Orders are built with chosen customers and
products (no shipping costs: the shipping dummy item is made once per administration, by the first
order that has shipping). Cases: returning/new customer × known/new products, and a mix in which 7
of every 10 orders come from a returning customer (one already in the administration or one who
ordered earlier in the run) buying catalogue products.
"""
from __future__ import annotations

import itertools
import statistics
from decimal import Decimal

CUSTOMERS = 20
CATALOGUE = 10
CASES = ("returning, known products", "new, known products", "returning, 1 new product", "new, 1 new product", "mix")
# The calls that read debtors and items (the mirror's fill and delta syncs), by target system.
MIRROR_PATHS = {"exact_online": ("/crm/Accounts", "/logistics/Items"), "visma_eaccounting": ("/customers", "/articles")}
_serial = itertools.count(1)


def seed_administration(target, m: int) -> None:
    """Debtors and items the merchant had in the administration before connecting Koppel."""
    {"exact_online": _seed_exact, "visma_eaccounting": _seed_visma}[target.system](target, m)


def _seed_exact(target, m: int) -> None:
    from worker.connectors.exact import ExactOnlineTarget

    client = ExactOnlineTarget.client(target)
    for j in range(CUSTOMERS):
        client.post("crm/Accounts", {"Name": f"Vaste klant {j}", "Email": f"vaste{j}@bench{m}.test", "Status": "C"})
    for k in range(CATALOGUE):
        client.post("logistics/Items", {"Code": f"CAT-{k}", "Description": f"Catalogus {k}"})


def _seed_visma(target, m: int) -> None:
    """Private customers and 21 % articles, made as the merchant would in Visma eAccounting."""
    from worker.connectors.visma_eaccounting import VismaEAccountingTarget

    client, reference = VismaEAccountingTarget.client(target), target.settings["reference"]
    coding = next(c["Id"] for c in reference["codings"]
                  if c.get("IsActive") and Decimal(str(c["VatRatePercent"])) == Decimal("0.21"))
    unit = next(u["Id"] for u in reference["units"] if u["Code"] == "PCE")
    for j in range(CUSTOMERS):
        client.post("customers", {"Name": f"Vaste klant {j}", "EmailAddress": f"vaste{j}@bench{m}.test",
                                  "InvoiceCity": "Utrecht", "InvoicePostalCode": "3511 AA", "IsActive": True,
                                  "TermsOfPaymentId": reference["company"]["TermsOfPaymentId"],
                                  "IsPrivatePerson": True})
    for k in range(CATALOGUE):
        client.post("articles", {"Number": f"CAT-{k}", "Name": f"Catalogus {k}", "CodingId": coding, "UnitId": unit,
                                 "IsActive": True})


def _order(sandboxes, shop_id: str, email: str, skus: list[str]) -> str:
    from tests.support.orders import Amount, build

    amounts = [Amount(Decimal("12.10") + Decimal(i) / 100, Decimal("21")) for i in range(len(skus))]
    payload, _ = build("CASE", 1, amounts, True, email)
    for line, sku in zip(payload["lines"], skus):
        line["sku"] = sku
    keep = ("lines", "totals", "discounts", "prices_include_vat", "customer")
    order = sandboxes.kmo.create_order(shop_id, kind="b2c", status="paid", shipping={},
                                       **{key: payload[key] for key in keep})
    return order["number"]


def place(sandboxes, shops: list[str], per_merchant: int) -> dict[str, str]:
    """Place every merchant's orders; returns the case of each order number."""
    cases: dict[str, str] = {}
    for m, shop_id in enumerate(shops):
        known = [f"vaste{j}@bench{m}.test" for j in range(CUSTOMERS)]

        def one(case: str, returning: bool, new_product: bool) -> None:
            email = known[next(_serial) % len(known)] if returning else f"nieuw{next(_serial)}@bench{m}.test"
            skus = [f"CAT-{next(_serial) % CATALOGUE}", f"CAT-{next(_serial) % CATALOGUE}"]
            if new_product:
                skus.append(f"NEW-{next(_serial)}")
            cases[_order(sandboxes, shop_id, email, skus)] = case
            if not returning:
                known.append(email)

        for _ in range(3):
            one(CASES[0], True, False)
            one(CASES[1], False, False)
            one(CASES[2], True, True)
            one(CASES[3], False, True)
        for i in range(max(0, per_merchant - 12)):
            one(CASES[4], i % 10 < 7, False)
    return cases


def per_case(cases: dict[str, str]) -> dict[str, tuple[float, int]]:
    """Mean remote calls per posted order of each case, with the number of orders."""
    import sqlalchemy as sa

    from worker import db

    with db.engine().connect() as conn:
        rows = conn.execute(sa.text("""
            SELECT o.number, (SELECT count(*) FROM remote_calls c WHERE c.order_id = o.id) AS calls
            FROM orders o WHERE o.state = 'posted'""")).all()
    calls = {row.number: row.calls for row in rows}
    out = {}
    for case in CASES:
        values = [calls[number] for number, c in cases.items() if c == case and number in calls]
        out[case] = (statistics.mean(values) if values else float("nan"), len(values))
    return out


def mirror_reads(system: str) -> tuple[int, int]:
    """(reads of debtors and items outside any order, administrations): the mirror's own cost."""
    import sqlalchemy as sa

    from worker import db

    debtors, items = MIRROR_PATHS[system]
    with db.engine().connect() as conn:
        reads = conn.execute(sa.text("""
            SELECT count(*) FROM remote_calls WHERE order_id IS NULL AND method = 'GET'
            AND (url LIKE :debtors OR url LIKE :items)"""), {"debtors": f"%{debtors}", "items": f"%{items}"}).scalar_one()
        states = conn.execute(sa.text("SELECT count(DISTINCT connection_id) FROM mirror_states")).scalar_one()
    return reads, states


def wait_mirrored(connection_ids: list[int]) -> None:
    """Queue each administration's fill (as connecting it does) and wait until every kind is complete."""
    import sqlalchemy as sa

    from tests.support.waiting import wait_for
    from worker import db
    from worker.mirror import sync

    for connection_id in connection_ids:
        with db.session_scope() as session:
            sync.defer(session, connection_id)

    def complete() -> bool:
        with db.engine().connect() as conn:
            return conn.execute(sa.text("SELECT count(*) FROM mirror_states WHERE complete_at IS NOT NULL")
                                ).scalar_one() >= 2 * len(connection_ids)

    wait_for(complete, timeout=300, interval=0.5, message="the mirrors filled")


def report(cases: dict[str, str], system: str) -> None:
    figures = per_case(cases)
    reads, administrations = mirror_reads(system)
    print("remote calls per order:      " + "; ".join(
        f"{case} {mean:.2f} ({n})" for case, (mean, n) in figures.items()))
    print(f"70 % returning mix:          {figures['mix'][0]:.2f} calls per order (target ≤ 1.3)")
    print(f"mirror reads:                {reads} GETs for {administrations} administrations "
          f"(fill of {CUSTOMERS} debtors and {CATALOGUE} items each, outside any order)")
