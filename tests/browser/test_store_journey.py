"""Manual 001 in a real browser: a Mijnwebwinkel store owner signs up through the pair's link, connects the store
and Factuursturen on one screen (a typo in the key is named, the rest kept), maps the VAT rates, presses Fetch
now and finds the paid invoice in Report. Selectors use names and ids, so it holds in Dutch and English."""
from __future__ import annotations

import re

from tests.browser.test_merchant_journey import BASE, _row_shows, signed_up
from tests.support.waiting import wait_for
from worker.config import settings

API_KEY = "fs-key-" + "w" * 24


def sign_up(page) -> str:
    link = "/signup/?source=mijnwebwinkel&target=factuursturen"
    page.goto(BASE + link)
    assert page.locator("select[name=shop_system]").input_value() == "mijnwebwinkel"
    assert page.locator("select[name=accounting_system]").input_value() == "factuursturen"
    mail = signed_up(page, "Theewinkel Wolters", "wolters@example.com", "NL", link)
    return re.search(r"(http\S+/install/\S+)", mail).group(1)


def connect_both(page, sandboxes) -> None:
    sandboxes.mijnwebwinkel.add_store("wolters-token", settings.mijnwebwinkel_partner_token, name="Theewinkel")
    sandboxes.factuursturen.add_account("wolters", API_KEY)
    page.fill("input[name=source-api_key]", "wolters-token")
    page.fill("input[name=target-username]", "wolters")
    page.fill("input[name=target-api_key]", "a typo")
    page.click("form.key-form button[type=submit]")
    page.wait_for_selector("p.field-error[role=alert]")
    assert page.locator("p.field-error[role=alert]").count() == 1  # only the refused system is named
    assert page.locator("input[name=target-username]").input_value() == "wolters"  # what was typed stays
    page.fill("input[name=source-api_key]", "wolters-token")  # secrets are never echoed back
    page.fill("input[name=target-api_key]", API_KEY)
    page.click("form.key-form button[type=submit]")
    page.wait_for_url(re.compile(r"/config/"))  # on to the VAT table


def map_vat(page) -> None:
    page.click("#config-general form button.primary")
    page.wait_for_selector("#config-general .note")
    for key, code in (("NL:21.00", "21"), ("NL:9.00", "9")):
        page.select_option(f'select[name="code-{key}"]', value=code)
        page.select_option(f'select[name="gl-{key}"]', index=1)
    page.click("#config-vat form button.primary")
    page.wait_for_selector("#config-vat .note")


def test_a_store_owner_installs_on_one_screen_and_fetch_now_brings_a_paid_invoice(live_portal, sandboxes, worker, page):
    page.goto(sign_up(page))
    page.fill("input[name=password]", "thee zetten met geduld")
    page.fill("input[name=confirm]", "thee zetten met geduld")
    page.click("form button.primary")
    page.wait_for_selector("ol.steps")
    connect_both(page, sandboxes)
    map_vat(page)
    order = sandboxes.mijnwebwinkel.add_order("wolters-token", {"status": 3, "lines": [
        {"unit_price": "24.95", "rate": "21", "sku": "POT-1"}, {"unit_price": "4.50", "rate": "9", "sku": "THEE-2"}]})
    page.goto(f"{BASE}/")
    page.click("form[action$='/polling/fetch'] button")
    wait_for(lambda: _row_shows(page, "report", str(order["number"])), timeout=60, interval=0.5)
    [invoice] = sandboxes.factuursturen.records("wolters", "invoices")
    assert str(invoice["totalintax"]) in ("29.45", "29.450") and invoice["open"] == 0
    page.screenshot(path="/tmp/koppel-store-report.png")
