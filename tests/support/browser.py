"""Steps the browser tests share."""
from __future__ import annotations

from tests.conftest import WEB_PORT

BASE = f"http://127.0.0.1:{WEB_PORT}"


def log_in(page, merchant: dict) -> None:
    """Log ``merchant`` in on the portal's login page and wait for the dashboard."""
    page.goto(BASE + "/login")
    page.fill("input[name=username]", merchant["email"])
    page.fill("input[name=password]", merchant["password"])
    page.click("form button.primary")
    page.wait_for_selector("nav.tabs")
