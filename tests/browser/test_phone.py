"""At phone width (390 px) no page of the portal scrolls sideways and the menu and Log out stay on screen."""
from __future__ import annotations

from tests.support.browser import BASE, log_in
from tests.support.merchants import make_merchant
from tests.support.waiting import wait_for
from tests.test_errors_workflow import drop_vat_row, failed_orders, only_21

WIDE = "document.documentElement.scrollWidth - window.innerWidth"


def test_no_page_scrolls_sideways_on_a_phone(live_portal, sandboxes, worker, phone):
    merchant = make_merchant(sandboxes)
    drop_vat_row(merchant, "BE:21.00")  # a long error sentence, several buttons: the widest table there is
    for i in range(2):
        sandboxes.kmo.create_order(merchant["shop"]["shop_id"], status="paid", **only_21(i))
    wait_for(lambda: len(failed_orders()) == 2)
    for path in ("/login", "/signup/"):
        phone.goto(BASE + path)
        assert phone.evaluate(WIDE) <= 0, f"{path} scrolls sideways"
    log_in(phone, merchant)
    order_id = failed_orders()[0].id
    for path in ("/", "/tab/errors", "/tab/open", f"/orders/{order_id}?tab=errors", "/config/", "/profile/",
                 "/ask/"):
        phone.goto(BASE + path)
        assert phone.evaluate(WIDE) <= 0, f"{path} is {phone.evaluate(WIDE)} px too wide for a phone"
        logout = phone.locator("header.topbar button.link").bounding_box()
        assert logout and logout["x"] + logout["width"] <= 390, f"Log out is off screen on {path}"
    phone.goto(BASE + "/tab/errors")
    phone.click("table.orders button.info")  # More info opens inside the card, still within the screen
    phone.wait_for_selector(".more-info")
    assert phone.evaluate(WIDE) <= 0
    phone.screenshot(path="/tmp/koppel-phone-errors.png", full_page=True)
