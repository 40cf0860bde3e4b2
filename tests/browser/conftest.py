"""A real browser (Debian's Chromium through Playwright) against the portal on a real socket."""
from __future__ import annotations

import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def live_portal(web_server, database):
    """The portal as merchants get it: CSRF on, served on the socket the shop's webhooks reach."""
    from portal import create_app

    app = create_app({"DATABASE_URL": database})
    web_server.app = app
    yield app
    web_server.app = None


def _chromium_page(viewport: dict):
    """A headless Chromium page of ``viewport`` size; `make test` installs Debian's chromium package."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        context = browser.new_context(viewport=viewport)
        context.set_default_timeout(20_000)
        yield context.new_page()
        browser.close()


@pytest.fixture
def page():
    """A desktop-sized page."""
    yield from _chromium_page({"width": 1280, "height": 900})


@pytest.fixture
def phone():
    """A page the size of a common phone (390 × 844 CSS pixels)."""
    yield from _chromium_page({"width": 390, "height": 844})
