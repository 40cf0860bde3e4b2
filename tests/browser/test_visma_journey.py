"""A new merchant who keeps their books in Visma eAccounting, in a real browser: the pair's sign-up link →
installation → Visma's own consent page → Configuration from the company's lists → an order arrives by
webhook and shows in Report with Visma's order number. Selectors use names and ids, so the journey
holds in Dutch and English."""
from __future__ import annotations

import re

from tests.browser.test_merchant_journey import BASE, _row_shows, one_line_order, signed_up
from tests.support.waiting import wait_for

SHOP = "jansen"
# (country, rate, Visma VAT code, revenue account): the order below goes to a Belgian consumer at 21 %.
MAPPED = [("BE", "21.00", "BE21", "8000"), ("NL", "21.00", "NL21", "8000"), ("NL", "9.00", "NL9", "8010")]


def sign_up_for_visma(page) -> str:
    """Sign up through the link that preselects Visma eAccounting; returns the installation link."""
    page.goto(f"{BASE}/signup/?target=visma_eaccounting")
    assert page.locator("select[name=accounting_system]").input_value() == "visma_eaccounting"
    mail = signed_up(page, "Tuincentrum Jansen", "jansen@example.com", "NL", "/signup/?target=visma_eaccounting")
    return re.search(r"(http\S+/install/\S+)", mail).group(1)


def connect_shop(page, sandboxes) -> None:
    sandboxes.kmo.add_shop(SHOP, f"{SHOP}-key", f"{SHOP}-secret")
    page.fill("input[name=shop_id]", SHOP)
    page.fill("input[name=api_key]", f"{SHOP}-key")
    page.fill("input[name=webhook_secret]", f"{SHOP}-secret")
    page.click("form.key-form button.primary")
    page.wait_for_selector("ol.steps li.done:nth-child(2)")


def connect_visma(page, sandboxes) -> str:
    """Through Visma's consent page, as the merchant logs in there; returns the company id."""
    company = sandboxes.visma.add_user("jansen@visma.test", "pw")
    page.click("form[action$='/connect/visma'] button")
    page.wait_for_selector("input[name=username]")  # Visma's identity server, not our page
    assert "/visma/identity/" in page.url
    page.fill("input[name=username]", "jansen@visma.test")
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit]")
    page.wait_for_selector("ol.steps li.done:nth-child(3)")
    return company


def configure(page) -> None:
    """Sales orders on 1300, the company's 14-day terms and its piece unit; VAT codes chosen by their Visma code."""
    page.click("ol.steps a.button.primary")  # to the Configuration tab
    page.select_option("#config-general select[name=document_type]", "order")
    page.select_option("#config-general select[name=debtor_account]", "1300")
    page.select_option("#config-general select[name=terms_of_payment]", label="14 dagen")
    page.select_option("#config-general select[name=default_unit]", label="Stuks")
    page.click("#config-general form button.primary")
    page.wait_for_selector("#config-general .note")
    for country, rate, code, account in MAPPED:
        key = f"{country}:{rate}"
        label = page.locator(f'select[name="code-{key}"] option', has_text=f"{code} ").first.inner_text()
        page.select_option(f'select[name="code-{key}"]', label=label.strip())
        gl = page.locator(f'select[name="gl-{key}"] option', has_text=account).first.inner_text()
        page.select_option(f'select[name="gl-{key}"]', label=gl.strip())
    page.click("#config-vat form button.primary")
    page.wait_for_selector("#config-vat .note")


def test_a_visma_merchant_from_the_pairs_sign_up_link_to_an_order_in_report(live_portal, sandboxes, worker, page):
    page.goto(sign_up_for_visma(page))
    page.fill("input[name=password]", "tuinplanten het hele jaar")
    page.fill("input[name=confirm]", "tuinplanten het hele jaar")
    page.click("form button.primary")
    page.wait_for_selector("ol.steps")
    assert "Exact" not in page.inner_text("ol.steps")
    connect_shop(page, sandboxes)
    company = connect_visma(page, sandboxes)
    configure(page)
    page.goto(f"{BASE}/")
    assert page.locator(".missing").count() == 0  # installed: nothing left to do

    order = sandboxes.kmo.create_order(SHOP, status="paid", **one_line_order("21.00", "20.66", "4.34", "25.00"))
    wait_for(lambda: _row_shows(page, "report", order["number"]), timeout=40, interval=0.5)
    [stored] = sandboxes.visma.records(company, "orders")
    assert stored["YourReference"].endswith(order["number"]) and stored["Amount"] == 25.0  # incl. VAT: a consumer
    row = page.locator("table.orders tr", has_text=order["number"]).inner_text()
    assert stored["Id"] in row and re.search(rf"\b{stored['Number']}\b", row)  # Visma's order number and id
