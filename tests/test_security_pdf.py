"""Our invoice PDF prints any merchant name (’, Ł, €) in an embedded Unicode font, with "€" amounts."""
from __future__ import annotations

import re
import zlib

import sqlalchemy as sa

from tests.support.merchants import make_merchant
from worker import db, subscription
from worker.models import Tenant


def text_mapped(pdf: bytes) -> set[int]:
    """Every code point the PDF's embedded fonts map glyphs to (their ToUnicode tables)."""
    points = set()
    for found in re.finditer(rb"/Length (\d+)[^>]*>>\s*stream\r?\n", pdf):
        raw = pdf[found.end():found.end() + int(found.group(1))]
        try:
            data = zlib.decompress(raw)
        except zlib.error:
            data = raw
        if b"beginbfchar" in data:
            points |= {int(hexa, 16) for hexa in re.findall(rb"<[0-9A-Fa-f]{4}> <([0-9A-Fa-f]{4})>", data)}
    return points


def test_a_name_with_polish_and_typographic_characters_prints_with_euro_signs(client, database):
    merchant = make_merchant()
    with db.session_scope() as session:
        tenant = session.get(Tenant, merchant["tenant_id"])
        tenant.name = "Łukasz’s Fietsen – Café"
        invoice_id = subscription.open_invoice(session, tenant).id
    client.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    pdf = client.get(f"/profile/invoices/{invoice_id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert b"DejaVu" in pdf.data  # the font travels inside the file
    assert {ord("Ł"), ord("’"), ord("€"), ord("é")} <= text_mapped(pdf.data)
