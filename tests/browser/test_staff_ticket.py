"""A ticket answered end to end in a real browser: a merchant asks us, webcare logs in with a password and an
authenticator code (enrolled from the QR page), answers, closes the ticket; the answer is in the outbox and the
merchant's Profile says webcare looked. Selectors use names and ids, not text."""
from __future__ import annotations

import pyotp

from tests.conftest import WEB_PORT
from tests.support.merchants import make_merchant
from tests.support.staff import make_staff

BASE = f"http://127.0.0.1:{WEB_PORT}"


def merchant_logs_in(page, merchant) -> None:
    page.goto(f"{BASE}/login")
    page.fill("input[name=username]", merchant["email"])
    page.fill("input[name=password]", merchant["password"])
    page.click("form button.primary")
    page.wait_for_selector("a.button.ask")


def staff_logs_in_and_enrols(page, staff) -> None:
    page.goto(f"{BASE}/staff/login")
    page.fill("input[name=email]", staff["email"])
    page.fill("input[name=password]", staff["password"])
    page.click("form button.primary")
    page.wait_for_selector("img.qr")
    secret = page.inner_text("#totp-secret")
    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    page.click("form button.primary")
    page.wait_for_selector("#staff-logout")


def test_a_question_from_the_portal_is_answered_by_webcare_and_closed(live_portal, page):
    merchant, staff = make_merchant(), make_staff("support")
    merchant_logs_in(page, merchant)
    page.click("a.button.ask")
    page.fill("input[name=subject]", "Order KMO-77 missing")
    page.fill("textarea[name=question]", "Order KMO-77 of 3 May is not in Exact Online.")
    page.click("form.ask-form button.primary")
    page.wait_for_selector(".flash.success")

    staff_logs_in_and_enrols(page, staff)
    page.goto(f"{BASE}/staff/tickets")
    page.click("tr[id^=ticket-] a")
    page.wait_for_selector("#reply-form")
    assert "Order KMO-77 of 3 May" in page.inner_text("#messages")
    page.fill("#reply-form textarea[name=body]", "KMO-77 waits in Open: it is not paid in the shop yet.")
    page.click("#reply-form button.primary")
    page.wait_for_selector("#ticket-state.waiting")
    page.click("button[name=state][value=closed]")
    page.wait_for_selector("#ticket-state.closed")
    page.click("#staff-logout")
    page.wait_for_selector("input[name=email]")

    page.goto(f"{BASE}/dev/outbox/")
    answer = page.locator("article.mail", has_text="KMO-77 waits in Open")
    assert answer.count() == 1 and merchant["email"] in answer.inner_text()
    merchant_logs_in(page, merchant)  # the staff login ended the merchant's session in this browser
    page.goto(f"{BASE}/profile/")
    assert staff["name"] in page.inner_text("#webcare")
