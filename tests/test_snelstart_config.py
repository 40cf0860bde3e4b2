"""The Configuration tab of a SnelStart merchant offers what the administration's package allows and says why."""
from __future__ import annotations

from tests.support.language import says
from tests.support.snelstart import snelstart_merchant, target
from worker.connectors.snelstart import SnelStartTarget

HX = {"HX-Request": "true"}


def login(client, merchant) -> None:
    assert client.post("/login", data={"username": merchant["email"], "password": merchant["password"]}).status_code == 302


def test_inkaart_is_offered_sales_bookings_only_and_told_why(client, sandboxes):
    merchant = snelstart_merchant(sandboxes, package="InKaart")
    login(client, merchant)
    page = client.get("/config/").get_data(as_text=True)
    assert '<option value="entry"' in page and '<option value="order"' not in page
    assert says(page, SnelStartTarget.document_types_note({"orders_allowed": False}))
    refused = client.post("/config/general", data={"document_type": "order", "price_mode": "excl"}, headers=HX)
    assert "field-error" in refused.get_data(as_text=True)
    assert target(merchant).settings["document_type"] == "entry"


def test_inbalans_chooses_sales_orders_with_a_layout_and_a_journal(client, sandboxes):
    merchant = snelstart_merchant(sandboxes)
    login(client, merchant)
    page = client.get("/config/").get_data(as_text=True)
    assert '<option value="order"' in page and "Standaard factuur" in page and "90 Memoriaal" in page
    assert says(page, SnelStartTarget.document_types_note({"orders_allowed": True}))
    reference = merchant["reference"]
    layout = reference["layouts"][0]["id"]
    memo = next(row["id"] for row in reference["journals"] if row["omschrijving"] == "Memoriaal")
    saved = client.post("/config/general", data={"document_type": "order", "price_mode": "incl",
                                                 "invoice_layout": layout, "journal": memo}, headers=HX)
    assert "field-error" not in saved.get_data(as_text=True)
    settings = target(merchant).settings
    assert (settings["document_type"], settings["price_mode"], settings["invoice_layout"], settings["journal"]) == (
        "order", "incl", layout, memo)


def test_a_merchant_connects_snelstart_with_the_key_made_in_snelstart_web(client, sandboxes):
    from tests.test_pluggable import sign_up_for, target_of

    signed = sign_up_for(client, "snelstart", "jansen@example.nl")
    token = signed["url"].rsplit("/", 1)[1]
    page = client.get(f"/install/{token}").get_data(as_text=True)
    assert 'name="target-client_key"' in page and 'type="password"' in page  # one screen with the shop's key form
    assert says(page, SnelStartTarget.connect_help)
    wrong = client.post(f"/install/{token}/target/connect", data={"client_key": "bm9ib2R5Om5vdGhpbmc="})
    assert wrong.status_code == 422 and target_of("jansen@example.nl").status == "not_connected"
    assert says(wrong.get_data(as_text=True), "SnelStart refused this connection key. Make a new one in SnelStart "
                                              "web under Koppelingen (in the administration you book in) and "
                                              "paste it here.")
    administration, key = sandboxes.snelstart.add_administration("Jansen BV")
    tested = client.post(f"/install/{token}/target/test", data={"client_key": key}, headers=HX)
    assert says(tested.get_data(as_text=True), "Connection works.")
    assert client.post(f"/install/{token}/target/connect", data={"client_key": key}).status_code == 302
    connection = target_of("jansen@example.nl")
    assert connection.status == "connected" and connection.settings["administration"] == administration
    assert key not in client.get(f"/install/{token}").get_data(as_text=True)
