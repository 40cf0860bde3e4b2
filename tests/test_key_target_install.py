"""An accounting system that connects with a user name and API key, installed by the merchant alone: the install
page builds its form from what the connector asks, says which detail was refused, and the order reaches the books."""
from __future__ import annotations

import html
from decimal import Decimal

from tests.support.language import says
from tests.support.waiting import wait_for
from tests.test_pluggable import sign_up_for, target_of
from tests.test_visma_flow import posted

HX = {"HX-Request": "true"}


def test_a_factuursturen_merchant_connects_by_key_and_gets_a_paid_invoice(sandboxes, web, worker):
    client = web.test_client()
    signed = sign_up_for(client, "factuursturen", "bakker@example.nl")
    token = signed["url"].rsplit("/", 1)[1]
    sandboxes.kmo.add_shop("bakker", "bakker-key", "bakker-secret", country="NL")
    client.post(f"/install/{token}/source/connect", data={"shop_id": "bakker", "api_key": "bakker-key",
                                                          "webhook_secret": "bakker-secret"})
    page = client.get(signed["url"]).get_data(as_text=True)
    assert 'name="username"' in page and 'name="api_key"' in page.split("Factuursturen", 1)[1]
    assert "/connect/" not in page  # no OAuth button for a system that connects by key

    api_key = "fs-key-" + "b" * 24
    sandboxes.factuursturen.add_account("bakker", api_key)
    test = client.post(f"/install/{token}/target/test", data={"username": "bakker", "api_key": "wrong"}, headers=HX)
    assert says(html.unescape(test.get_data(as_text=True)), "Factuursturen refused this user name and API key. Check both, and "
                "that the key is set to Actief under Instellingen > Verbindingen.")
    refused = client.post(f"/install/{token}/target/connect", data={"username": "bakker", "api_key": "wrong"})
    assert refused.status_code == 422 and 'value="bakker"' in refused.get_data(as_text=True)
    assert target_of("bakker@example.nl").status != "connected"
    client.post(f"/install/{token}/target/connect", data={"username": "bakker", "api_key": api_key})
    target = target_of("bakker@example.nl")
    assert target.status == "connected" and api_key not in str(target.settings)

    config = client.get("/config/").get_data(as_text=True)
    assert "Factuursturen" in config and "Exact" not in config
    saved = client.post("/config/general", data={"document_type": "invoice"}, headers=HX).get_data(as_text=True)
    assert "field-error" not in saved, saved
    reference = target.settings["reference"]
    category = str(reference["categories"][0]["id"]) if reference.get("categories") else "none"
    rows = (("NL:21.00", "21"), ("NL:9.00", "9"))
    vat = {"key": [key for key, _ in rows]}
    for key, code in rows:
        vat.update({f"country-{key}": key[:2], f"rate-{key}": key.split(":")[1], f"code-{key}": code,
                    f"gl-{key}": category})
    saved = client.post("/config/vat", data=vat, headers=HX).get_data(as_text=True)
    assert 'class="note"' in saved and "field-error" not in saved, saved

    shop_order = sandboxes.kmo.create_order("bakker", kind="b2c", status="paid")
    state, code, message, remote_id, _ = wait_for(lambda: posted(shop_order["number"]), timeout=40)
    assert state == "posted", (code, message)
    [invoice] = sandboxes.factuursturen.records("bakker", "invoices")
    assert Decimal(str(invoice["totalintax"])) == Decimal(shop_order["totals"]["total_incl_vat"])
    assert invoice["open"] == 0  # paid, as the manual asks
