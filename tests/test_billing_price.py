"""Billing shows its price before checkout (incl. and excl. VAT), and our invoice PDF names the seller."""
from __future__ import annotations

import html
import re
import zlib
from decimal import Decimal

from tests.support.language import both
from tests.support.merchants import make_merchant
from worker import db, subscription
from worker.config import settings
from worker.models import Tenant


def amount(text: str, value: str) -> bool:
    """``value`` ("235.95") written either way ("235.95" or "235,95")."""
    return value in text or value.replace(".", ",") in text


def button(page: str, label: str) -> str:
    found = [b for b in re.findall(r"<button[^>]*>(.*?)</button>", page, re.S) if any(v in b for v in both(label))]
    assert found, f"no {label!r} button"
    return html.unescape(found[0])


def test_the_pay_buttons_say_what_a_year_costs_incl_and_excl_vat(client, database):
    merchant = make_merchant()
    client.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    price = subscription.yearly_price()
    assert (price["excl"], price["vat"], price["total"]) == (Decimal("195.00"), Decimal("40.95"), Decimal("235.95"))
    profile = html.unescape(client.get("/profile/").get_data(as_text=True))
    pay_year = button(profile, "Pay for a year")
    assert amount(pay_year, "235.95") and any(v in pay_year for v in both("incl. VAT"))
    assert amount(profile, "195.00") and amount(profile, "40.95")
    to_pay = client.post("/profile/subscribe")
    page = html.unescape(client.get(to_pay.headers["Location"]).get_data(as_text=True))
    assert amount(button(page, "Pay now"), "235.95")
    assert amount(page, "195.00") and amount(page, "40.95") and any(v in page for v in both("Amount excl. VAT"))


def pdf_text(pdf: bytes) -> str:
    """The text an embedded-font PDF from fpdf2 shows: glyph ids mapped back through the fonts' ToUnicode
    tables (each shown string is read with every font's table; the wrong font's reading is noise)."""
    streams = []
    for found in re.finditer(rb"/Length (\d+)[^>]*>>\s*stream\r?\n", pdf):
        raw = pdf[found.end():found.end() + int(found.group(1))]
        try:
            streams.append(zlib.decompress(raw))
        except zlib.error:
            streams.append(raw)
    tables = [{int(gid, 16): chr(int(uni, 16)) for gid, uni in
               re.findall(rb"<([0-9A-Fa-f]{4})> <([0-9A-Fa-f]{4})>", data)} for data in streams if b"beginbfchar" in data]
    lines = []
    for data in streams:
        for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", data, re.S):
            raw = re.sub(rb"\\([0-7]{1,3}|.)", _unescape, literal)
            ids = [int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw), 2)]
            lines += ["".join(table.get(i, "?") for i in ids) for table in tables]
    return "\n".join(lines)


def _unescape(match) -> bytes:
    escaped = match.group(1)
    if escaped[:1].isdigit():
        return bytes([int(escaped, 8)])
    return {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}.get(escaped, escaped)


def test_the_invoice_pdf_carries_the_sellers_details_and_euro_amounts(client, database):
    merchant = make_merchant()
    with db.session_scope() as session:
        invoice_id = subscription.open_invoice(session, session.get(Tenant, merchant["tenant_id"])).id
    client.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    text = pdf_text(client.get(f"/profile/invoices/{invoice_id}.pdf").data)
    for detail in (settings.seller_name, settings.seller_address, settings.seller_vat_number,
                   settings.seller_coc_number, settings.seller_iban, settings.webcare_email):
        assert detail in text, detail
    assert "€ 235.95" in text and "€ 195.00" in text and "Webwinkel" in text
