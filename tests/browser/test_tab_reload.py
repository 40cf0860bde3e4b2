"""While orders are being sent the tab reloads itself every 2 s; what the merchant types in its search stays."""
from __future__ import annotations

from tests.support.browser import BASE, log_in
from tests.support.merchants import make_merchant
from tests.support.waiting import wait_for
from tests.support.webhooks import an_order, delivery
from tests.test_webhook_intake import url_of


def test_typing_in_the_search_survives_the_tabs_own_reload(live_portal, sandboxes, page):
    merchant = make_merchant(sandboxes)
    body, headers = delivery(merchant["shop"]["webhook_secret"], an_order(5, status="paid"))
    assert live_portal.test_client().post(url_of(merchant), data=body, headers=headers).status_code == 200
    # No worker runs: the order stays queued, so the Open tab keeps reloading itself.
    log_in(page, merchant)
    page.goto(BASE + "/tab/open")
    page.wait_for_selector("#tab-body[hx-trigger]")
    page.fill("input[name=q]", "KMO-2026")  # typed, not searched yet
    page.fill("input[name=since]", "2026-01-01")
    for _ in range(2):  # two reloads of the tab while the text waits in the box
        with page.expect_response(lambda response: "/tab/open" in response.url):
            pass
    wait_for(lambda: page.evaluate("document.querySelector('#tab-body .working') !== null"))
    assert page.input_value("input[name=q]") == "KMO-2026"
    assert page.input_value("input[name=since]") == "2026-01-01"
    page.click("form.search button")  # and the search then finds with it
    page.wait_for_url(lambda url: "q=KMO-2026" in url)
    assert page.input_value("input[name=q]") == "KMO-2026"
