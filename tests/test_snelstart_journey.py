"""A merchant who chose SnelStart, end to end over real sockets: sign-up, the koppelsleutel on the install page,
the Configuration tab, a webhook from the shop and a worker that books the order once, to the cent."""
from __future__ import annotations

from decimal import Decimal

from tests.support.waiting import wait_for
from tests.test_pluggable import sign_up_for, target_of
from tests.test_visma_flow import posted
from worker.connectors.kmoshops.sandbox.catalogue import EU_VAT_NUMBERS

HX = {"HX-Request": "true"}


def configure(client, reference: dict) -> None:
    """The general section and the VAT table, through the Configuration tab as the merchant fills them in."""
    page = client.get("/config/").get_data(as_text=True)
    assert "SnelStart" in page and "Exact" not in page and "Omzet hoog" in page
    saved = client.post("/config/general", data={"document_type": "entry", "price_mode": "excl"}, headers=HX)
    assert "field-error" not in saved.get_data(as_text=True), saved.get_data(as_text=True)
    ledgers = {row["nummer"]: row["id"] for row in reference["ledgers"]}
    rows = (("NL:21.00", "Hoog", 8000), ("NL:9.00", "Laag", 8010), ("NL:0.00", "Geen", 8100),
            ("ICP", "Verlegd", 8110))
    vat = {"key": [key for key, _, _ in rows]}
    for key, kind, ledger in rows:
        vat.update({f"code-{key}": kind, f"gl-{key}": ledgers[ledger]})
        if ":" in key:
            vat.update({f"country-{key}": key[:2], f"rate-{key}": key.split(":")[1]})
    saved = client.post("/config/vat", data=vat, headers=HX).get_data(as_text=True)
    assert 'class="note"' in saved and "field-error" not in saved, saved


def test_a_snelstart_merchant_installs_alone_and_gets_one_sales_booking_per_order(sandboxes, web, worker):
    client = web.test_client()
    signed = sign_up_for(client, "snelstart", "groenteboer@example.nl")
    token = signed["url"].rsplit("/", 1)[1]
    sandboxes.kmo.add_shop("groenteboer", "groenteboer-key", "groenteboer-secret", country="NL")
    client.post(f"/install/{token}/source/connect", data={"shop_id": "groenteboer", "api_key": "groenteboer-key",
                                                          "webhook_secret": "groenteboer-secret"})
    administration, key = sandboxes.snelstart.add_administration("Groenteboer BV")
    assert client.post(f"/install/{token}/target/connect", data={"client_key": key}).status_code == 302
    target = target_of("groenteboer@example.nl")
    assert target.status == "connected" and key not in str(target.settings)
    configure(client, target.settings["reference"])

    shop_order = sandboxes.kmo.create_order("groenteboer", kind="b2b_domestic", status="paid")  # Dutch VAT
    state, code, message, remote_id, _ = wait_for(lambda: posted(shop_order["number"]), timeout=40)
    assert state == "posted", (code, message)
    [booking] = sandboxes.snelstart.records(administration, "verkoopboekingen")
    assert booking["id"] == remote_id and booking["factuurnummer"] == shop_order["number"]
    assert Decimal(str(booking["factuurbedrag"])) == Decimal(shop_order["totals"]["total_incl_vat"])
    [customer] = sandboxes.snelstart.records(administration, "relaties")
    assert customer["email"] == shop_order["customer"]["email"] and booking["klant"]["id"] == customer["id"]
    assert shop_order["number"] in client.get("/tab/report", headers=HX).get_data(as_text=True)

    for country, companies in EU_VAT_NUMBERS.items():  # VIES confirms every business the shop sells to
        for name, number in companies:
            sandboxes.vies.register(country, number[2:], name=name)
    icp = sandboxes.kmo.create_order("groenteboer", kind="b2b_eu", status="paid")  # 0 %, VAT reverse-charged
    state, code, message, remote_id, _ = wait_for(lambda: posted(icp["number"]), timeout=40)
    assert state == "posted", (code, message)
    booked = next(b for b in sandboxes.snelstart.records(administration, "verkoopboekingen") if b["id"] == remote_id)
    assert booked["btw"] == [{"btwSoort": "VerkopenVerlegd", "btwBedrag": 0.0}]
    assert Decimal(str(booked["factuurbedrag"])) == Decimal(icp["totals"]["total_incl_vat"])
    relation = next(r for r in sandboxes.snelstart.records(administration, "relaties") if r["id"] == booked["klant"]["id"])
    assert relation["btwNummer"] == icp["customer"]["vat_number"]
