"""A seller on Amazon.nl who books in SnelStart, in a real browser (manual 002): the pair's sign-up link →
installation → Amazon's own consent page (marketplace chosen next to Connect) → the koppelsleutel form →
Configuration (sales orders, the article-code note, the VAT table of SnelStart's VAT kinds) → Fetch now:
the orders Amazon holds show in Report with SnelStart's order number and id, a replacement Amazon sent
for an earlier order shows as skipped with the reason, and an order SnelStart refuses (an article code
the administration's default setting does not allow) lands in Errors with what to do; once the merchant
widens the code in SnelStart, Process books it. Screenshots of each
step go to /tmp/amazonjourney/. Selectors use names and ids, so the journey holds in Dutch and English."""
from __future__ import annotations

import pathlib
import re

import sqlalchemy as sa

from tests.browser.test_merchant_journey import BASE, _row_shows, signed_up
from tests.support.amazon import DE, NL, control, item, no_lag, place
from tests.support.language import both, says
from tests.support.waiting import wait_for
from worker import db
from worker.models import Order
from worker.pipeline import messages

SHOTS = pathlib.Path("/tmp/amazonjourney")
SPID = "A2MOKKENSELLER"
# (VAT table row, SnelStart VAT kind, revenue ledger number): a Dutch seller's domestic rates.
MAPPED = [("NL:21.00", "Hoog", "8000"), ("NL:9.00", "Laag", "8010")]


def shot(page, name: str, part: str | None = None) -> None:
    """A screenshot of the page (or of the element ``part``) to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    if part:
        page.locator(part).screenshot(path=str(SHOTS / f"{name}.png"))
    else:
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_up_for_the_pair(page) -> str:
    """Sign up through the link that preselects Amazon and SnelStart; returns the installation link."""
    page.goto(f"{BASE}/signup/?source=amazon&target=snelstart")
    assert page.locator("select[name=shop_system]").input_value() == "amazon"
    assert page.locator("select[name=accounting_system]").input_value() == "snelstart"
    shot(page, "01-signup")
    mail = signed_up(page, "Mokken en Meer", "mokken@example.com", "NL", "/signup/?source=amazon&target=snelstart")
    return re.search(r"(http\S+/install/\S+)", mail).group(1)


def choose_password(page, link: str) -> None:
    page.goto(link)
    page.fill("input[name=password]", "mokken voor heel Europa")
    page.fill("input[name=confirm]", "mokken voor heel Europa")
    page.click("form button.primary")
    page.wait_for_selector("ol.steps")
    shot(page, "02-install")


def connect_amazon(page) -> None:
    """Choose the marketplace next to Connect, then confirm at Seller Central's consent page."""
    control("/sellers", {"selling_partner_id": SPID, "marketplaces": [NL, DE]})
    form = page.locator("form[action$='/connect/amazon']")
    form.locator("select[name=marketplace]").select_option("NL")
    form.locator("button").click()
    page.wait_for_selector("input[name=selling_partner_id]")  # Amazon's page, not ours
    assert "/amazon/sellercentral/" in page.url
    shot(page, "03-amazon-consent")
    page.fill("input[name=selling_partner_id]", SPID)
    page.click("button[value=allow]")
    page.wait_for_selector("ol.steps li.done:nth-child(2)")
    shot(page, "04-amazon-connected")
    assert says(page.inner_text("ol.steps"), "Connected to the %(marketplace)s marketplace.", marketplace="NL")


def connect_snelstart(page, sandboxes) -> str:
    """The koppelsleutel made in SnelStart web (Koppelingen) for the administration; returns its id."""
    administration, key = sandboxes.snelstart.add_administration("Mokken en Meer BV", package="InBalans")
    page.fill("input[name=client_key]", key)
    shot(page, "05-snelstart-key")
    page.click("form.key-form button.primary")
    page.wait_for_selector("ol.steps li.done:nth-child(3)")
    shot(page, "06-snelstart-connected")
    assert says(page.inner_text("ol.steps"), "Connected to administration %(administration_name)s.",
                administration_name="Mokken en Meer BV")  # the merchant sees which administration the key opens
    return administration


def configure(page) -> None:
    """Sales orders (the note about SnelStart's article codes shows), then the VAT table."""
    page.click("ol.steps a.button.primary")  # to the Configuration tab
    page.select_option("#config-general select[name=document_type]", "order")
    page.select_option("#config-general select[name=price_mode]", "incl")  # Amazon's prices include VAT
    note = page.inner_text("#config-general")
    assert says(note, "Sales orders add missing articles with codes of up to 25 letters and digits: in SnelStart, "
                      "widen the article code from its default of 10 digits to 25 letters and digits first.")
    shot(page, "07-config-general", "#config-general")
    page.click("#config-general form button.primary")
    page.wait_for_selector("#config-general .note")
    for key, kind, ledger in MAPPED:
        page.select_option(f'select[name="code-{key}"]', value=kind)
        label = page.locator(f'select[name="gl-{key}"] option', has_text=ledger).first.inner_text()
        page.select_option(f'select[name="gl-{key}"]', label=label.strip())
    shot(page, "08-config-vat", "#config-vat")
    page.click("#config-vat form button.primary")
    page.wait_for_selector("#config-vat .note")


def test_an_amazon_seller_installs_snelstart_and_sees_report_skipped_and_errors(live_portal, sandboxes, worker, page):
    choose_password(page, sign_up_for_the_pair(page))
    assert "Exact" not in page.inner_text("ol.steps")
    connect_amazon(page)
    administration = connect_snelstart(page, sandboxes)
    configure(page)
    page.goto(f"{BASE}/")
    assert page.locator(".missing").count() == 0  # installed: nothing left to do
    shot(page, "09-dashboard-installed")
    status = page.inner_text("#status")
    assert says(status, "Has not looked for orders yet.") and re.search(r"(Looks for the first time|Kijkt voor het eerst) \S", status), status

    no_lag()
    sold = place(SPID, item("12.95", 2, sku="1001", title="Koffiemok blauw"), status="SHIPPED")
    replacement = place(SPID, item("12.95", 1, sku="1001", title="Koffiemok blauw"), status="SHIPPED",
                        associated_orders=[{"orderId": sold["orderId"], "associationType": "REPLACEMENT_ORIGINAL_ID"}])
    refused = place(SPID, item("8.49", 1, sku="THEE-GROEN", title="Groene thee"), status="SHIPPED")
    page.click("form[action$='/polling/fetch'] button")  # Fetch now, rather than waiting for the hour
    wait_for(lambda: _row_shows(page, "report", sold["orderId"]), timeout=60, interval=0.5)
    shot(page, "10-report")
    [stored] = sandboxes.snelstart.records(administration, "verkooporders")
    row = page.locator("table.orders tr", has_text=sold["orderId"]).inner_text()
    assert stored["id"] in row and re.search(rf"\b{stored['nummer']}\b", row), row  # SnelStart's number and id
    assert says(row, "Sales order") and "25,90" in row  # 2 × 12.95 incl. VAT
    skipped = page.locator("table.orders tr", has_text=replacement["orderId"]).inner_text()
    assert says(skipped, "Amazon sent this order as a replacement or exchange for an earlier order: "
                         "it is not a new sale.")

    wait_for(lambda: _row_shows(page, "errors", refused["orderId"]), timeout=60, interval=0.5)
    error_row = page.locator("table.orders tr", has_text=refused["orderId"])
    error_row.locator("button.info").click()  # More info: what happened and what to do
    info = f"#info-{order_id(refused['orderId'])}"
    page.wait_for_selector(f"{info} *")
    shot(page, "11-errors")
    assert tells(page.inner_text(info), ARTICLE_CODE_TOO_NARROW, system="SnelStart", detail="THEEGROEN")
    assert sandboxes.snelstart.post_count(administration, "verkooporders") == 1  # the refused one made nothing

    widen_article_codes(sandboxes, administration)  # as the advice says, in SnelStart
    page.locator("table.orders tr", has_text=refused["orderId"]).locator("button.primary").click()  # Process
    wait_for(lambda: _row_shows(page, "report", refused["orderId"]), timeout=60, interval=0.5)
    assert sandboxes.snelstart.post_count(administration, "verkooporders") == 2
    page.goto(f"{BASE}/")
    shot(page, "12-dashboard-after")


ARTICLE_CODE_TOO_NARROW = messages.CATALOGUE["ARTICLE_CODE_TOO_NARROW"]


def tells(text: str, message: tuple[str, str], **values) -> bool:
    """Whether ``text`` holds a problem's message and advice (``{}`` placeholders), in English or Dutch."""
    return all(any(version.format(**values) in text for version in both(part)) for part in message)


def widen_article_codes(sandboxes, administration: str) -> None:
    """The merchant sets SnelStart's article code to 25 letters and digits (Instellingen → Artikelen)."""
    with sandboxes.snelstart.lock:
        sandboxes.snelstart.administrations[administration]["article_code"] = {"length": 25, "digits_only": False}


def order_id(number: str) -> int:
    """Koppel's id of the stored order (the rows' element ids use it)."""
    with db.session_scope() as session:
        return session.execute(sa.select(Order.id).where(Order.number == number)).scalar_one()
