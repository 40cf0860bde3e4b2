"""Orders into SnelStart bookings and sales orders: balanced to the cent, accepted by the sandbox, customers matched."""
from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.support.orders import Amount, build
from tests.support.snelstart import snelstart_merchant, target
from worker.connectors.errors import MappingError, RemoteRejected
from worker.connectors.kmoshops.mapping import to_canonical
from worker.connectors.snelstart import SnelStartTarget, booking
from worker.vat_map import vat_row

RATES = [Decimal(r) for r in ("0", "9", "21")]
_numbers = itertools.count(1)
prices = st.integers(min_value=1, max_value=50_000).map(lambda c: Decimal(c) / 100)
lines = st.lists(st.builds(Amount, unit=prices, rate=st.sampled_from(RATES), quantity=st.integers(1, 50)),
                 min_size=1, max_size=6)
charges = st.none() | st.builds(Amount, unit=st.integers(1, 2_500).map(lambda c: Decimal(c) / 100),
                                rate=st.sampled_from(RATES))
SETTINGS = {"vat_map": {f"NL:{rate:.2f}": {"vat_code": kind, "gl_account": f"ledger-{kind}"}
                        for rate, kind in ((Decimal(21), "Hoog"), (Decimal(9), "Laag"), (Decimal(0), "Geen"))}}


def dutch_order(amounts, incl: bool, shipping=None, payment=None, discount=None, email: str | None = None,
                shipping_address: dict | None = None):
    """A KMO Shops order to a Dutch customer, read into the canonical order."""
    number = next(_numbers)
    payload, _ = build(f"SN-{number}", number, amounts, incl, email or f"klant{number}@example.nl",
                       shipping=shipping, payment=payment, discount=discount)
    payload["billing_address"]["country_code"] = "NL"
    payload["shipping_address"] = shipping_address
    return to_canonical(payload)


def _sums(order, body):
    vat_by_kind: dict[str, Decimal] = {}
    for line in order.lines:
        kind = booking.VAT_ENTRY.get(vat_row(SETTINGS, order, line)["vat_code"])
        if kind:
            vat_by_kind[kind] = vat_by_kind.get(kind, Decimal(0)) + line.vat_amount
    return {k: v for k, v in vat_by_kind.items() if v}, {e["btwSoort"]: Decimal(str(e["btwBedrag"])) for e in body["btw"]}


@given(amounts=lines, incl=st.booleans(), shipping=charges, payment=charges, discount=charges)
@settings(max_examples=300, deadline=None)
def test_a_booking_balances_to_the_cent_and_carries_the_order_total(amounts, incl, shipping, payment, discount):
    order = dutch_order(amounts, incl, shipping, payment, discount)
    body = booking.payload(order, order.number, "klant-id", SETTINGS)
    assert booking.balance(body) == 0
    assert Decimal(str(body["factuurbedrag"])) == order.total_incl
    expected_vat, sent_vat = _sums(order, body)
    assert sent_vat == expected_vat  # VAT per kind exactly as the shop charged it, never on the lines
    assert all("btwBedrag" not in regel for regel in body["boekingsregels"])
    keys = [(r["grootboek"]["id"], r["btwSoort"]) for r in body["boekingsregels"]]
    assert len(keys) == len(set(keys))  # one line per ledger and VAT kind
    assert body["betalingstermijn"] == 14 and body["factuurdatum"].startswith(order.date.isoformat())


@pytest.fixture
def merchant(sandboxes):
    return snelstart_merchant(sandboxes)


def documents(merchant):
    return SnelStartTarget.documents(target(merchant))


@given(amounts=lines, incl=st.booleans(), shipping=charges, discount=charges)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_snelstart_accepts_every_booking_and_states_the_orders_total(merchant, sandboxes, amounts, incl, shipping,
                                                                     discount):
    order = dutch_order(amounts, incl, shipping, discount=discount, email="vaste.klant@example.nl")
    created = documents(merchant).create("entry", order)
    assert Decimal(created.total) == order.total_incl
    stored = next(b for b in sandboxes.snelstart.records(merchant["administration"], "verkoopboekingen")
                  if b["id"] == created.remote_id)
    assert stored["factuurnummer"] == order.number and Decimal(str(stored["factuurbedrag"])) == order.total_incl


def test_a_booking_has_the_manuals_fields_and_is_found_again_by_its_number(merchant, sandboxes):
    order = dutch_order([Amount(Decimal("10.00"), Decimal(21), 2), Amount(Decimal("3.27"), Decimal(9))], incl=True,
                        shipping=Amount(Decimal("4.95"), Decimal(21)))
    created = documents(merchant).create("entry", order)
    [stored] = sandboxes.snelstart.records(merchant["administration"], "verkoopboekingen")
    assert stored["omschrijving"] == f"{order.number} / bancontact"
    assert stored["betalingstermijn"] == 14 and stored["factuurdatum"] == f"{order.date.isoformat()}T00:00:00"
    assert {e["btwSoort"] for e in stored["btw"]} == {"VerkopenHoog", "VerkopenLaag"}
    found = documents(merchant).find("entry", order.number)
    assert found.remote_id == created.remote_id and Decimal(found.total) == order.total_incl
    assert documents(merchant).find("entry", "NOT-THERE") is None


def test_customers_are_matched_on_email_and_created_once(merchant, sandboxes):
    api = SnelStartTarget.client(target(merchant))
    known = api.post("relaties", {"relatiesoort": ["Klant"], "naam": "Bekende Klant", "email": "Bekend@Example.nl"})
    first = dutch_order([Amount(Decimal("5.00"), Decimal(21))], incl=True, email="bekend@example.nl")
    documents(merchant).create("entry", first)
    new = dutch_order([Amount(Decimal("5.00"), Decimal(21))], incl=True, email="nieuw@example.nl")
    documents(merchant).create("entry", new)
    documents(merchant).create("entry", dutch_order([Amount(Decimal("6.00"), Decimal(9))], incl=True,
                                                      email="nieuw@example.nl"))
    relations = sandboxes.snelstart.records(merchant["administration"], "relaties")
    bookings = sandboxes.snelstart.records(merchant["administration"], "verkoopboekingen")
    assert len(relations) == 2 and bookings[0]["klant"]["id"] == known["id"]
    created = next(r for r in relations if r["email"] == "nieuw@example.nl")
    assert created["relatiesoort"] == ["Klant"] and created["vestigingsAdres"]["postcode"] == "9000"
    assert bookings[1]["klant"]["id"] == bookings[2]["klant"]["id"] == created["id"]


def test_a_reverse_charge_booking_still_reports_the_verlegd_vat(merchant, sandboxes):
    reference = target(merchant).settings["reference"]
    order = dutch_order([Amount(Decimal("100.00"), Decimal(0))], incl=False)
    order = type(order)(**{**order.__dict__, "vat_regime": "intra_eu_reverse_charge"})
    body = booking.payload(order, order.number, "x", target(merchant).settings)
    assert body["btw"] == [{"btwSoort": "VerkopenVerlegd", "btwBedrag": 0.0}]
    assert body["boekingsregels"][0]["btwSoort"] == "Geen" and reference["orders_allowed"]


def test_a_sales_order_makes_articles_never_has_a_negative_price_and_equals_the_order(sandboxes):
    merchant = snelstart_merchant(sandboxes, document_type="order", price_mode="excl",
                                  invoice_layout=None)
    layout = target(merchant).settings["reference"]["layouts"][1]["id"]
    connection = target(merchant)
    connection.settings = {**connection.settings, "invoice_layout": layout}
    delivery = {"street": "Kade", "house_number": "5", "postal_code": "1011 AA", "city": "Amsterdam",
                "country_code": "NL"}
    order = dutch_order([Amount(Decimal("12.40"), Decimal(21), 3), Amount(Decimal("2.10"), Decimal(9), 4)],
                        incl=False, shipping=Amount(Decimal("4.13"), Decimal(21)),
                        discount=Amount(Decimal("5.00"), Decimal(21)), shipping_address=delivery)
    created = SnelStartTarget.documents(connection).create("order", order)
    [stored] = sandboxes.snelstart.records(merchant["administration"], "verkooporders")
    assert Decimal(created.total) == order.total_incl and stored["verkooporderBtwIngaveModel"] == "Exclusief"
    assert all(regel["stuksprijs"] >= 0 for regel in stored["regels"])
    discount = next(r for r in stored["regels"] if r["omschrijving"].lower().startswith("korting")
                    or r["aantal"] < 0)
    assert discount["aantal"] == -1 and discount["stuksprijs"] == 5.0
    assert stored["afleveradres"]["plaats"] == "Amsterdam" and stored["verkoopordersjabloon"]["id"] == layout
    assert stored["betalingskenmerk"] == order.number
    codes = {a["artikelcode"] for a in sandboxes.snelstart.records(merchant["administration"], "artikelen")}
    assert codes == {"SKU211", "SKU92", "KOPPELVERZEND21", "KOPPELKORTING21"}
    assert SnelStartTarget.documents(connection).find("order", order.number).remote_id == created.remote_id


def test_a_sales_order_in_an_administration_with_short_article_codes_says_what_to_widen(sandboxes):
    merchant = snelstart_merchant(sandboxes, wide_codes=False, document_type="order")
    order = dutch_order([Amount(Decimal("1.00"), Decimal(21))], incl=False)
    with pytest.raises(MappingError) as refused:
        documents(merchant).create("order", order)
    assert refused.value.code == "ARTICLE_CODE_TOO_NARROW" and str(refused.value) == "SKU211"
    assert "10 cijfers" in refused.value.__cause__.message  # SnelStart's own words stay with it for webcare


def test_inkaart_takes_no_sales_orders_and_says_so(sandboxes):
    merchant = snelstart_merchant(sandboxes, package="InKaart")
    with pytest.raises(RemoteRejected) as refused:
        documents(merchant).create("order", dutch_order([Amount(Decimal("1.00"), Decimal(21))], incl=False))
    assert "InKaart" in refused.value.message and "InBalans" in refused.value.message
    assert sandboxes.snelstart.post_count(merchant["administration"], "relaties") == 0


def test_a_payment_method_on_a_fixed_debtor_makes_no_new_relations(merchant, sandboxes):
    api = SnelStartTarget.client(target(merchant))
    api.post("relaties", {"relatiesoort": ["Klant"], "naam": "Kassa Bancontact"})
    [found] = SnelStartTarget.debtors(target(merchant), "bancontact")
    row = SnelStartTarget.customer_row(found)
    assert row["value"] == found["id"] and row["label"].endswith("Kassa Bancontact")
    connection = target(merchant)
    connection.settings = {**connection.settings, "payment_debtors": {"bancontact": row["value"]}}
    SnelStartTarget.documents(connection).create("entry", dutch_order([Amount(Decimal("5.00"), Decimal(21))],
                                                                      incl=True))
    [stored] = sandboxes.snelstart.records(merchant["administration"], "verkoopboekingen")
    assert stored["klant"]["id"] == found["id"]
    assert len(sandboxes.snelstart.records(merchant["administration"], "relaties")) == 1


def test_a_customer_deleted_in_snelstart_is_made_again_on_the_next_try(merchant, sandboxes):
    order = dutch_order([Amount(Decimal("5.00"), Decimal(21))], incl=True, email="weg@example.nl")
    documents(merchant).create("entry", order)
    sandboxes.snelstart.administrations[merchant["administration"]]["relaties"].clear()  # the bookkeeper deleted it
    again = dutch_order([Amount(Decimal("7.00"), Decimal(21))], incl=True, email="weg@example.nl")
    with pytest.raises(RemoteRejected) as refused:
        documents(merchant).create("entry", again)
    assert "Verkoopboeking.Klant" in refused.value.message
    documents(merchant).create("entry", again)  # Process: the relation is made anew
    [relation] = sandboxes.snelstart.records(merchant["administration"], "relaties")
    assert relation["email"] == "weg@example.nl"
