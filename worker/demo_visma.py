"""The second development demo merchant: the same kind of sandbox shop, its books in a Visma eAccounting
sandbox company, connected through the sandbox's consent page and configured from the company's lists.

Seeded by ``make run`` next to ``demo.seed`` (login ``demo-visma@koppel.test``, the demo password).
Like ``worker.demo`` it talks to the sandboxes over HTTP only, as it would to the real systems.
"""
from __future__ import annotations

import sqlalchemy as sa

from worker import configuration, db, demo, vat_rates
from worker.config import settings
from worker.connectors.visma_eaccounting import VismaEAccountingTarget, oauth, tokens
from worker.models import Connection, Tenant, User
from worker.models.base import utcnow

VISMA_DEMO_EMAIL = "demo-visma@koppel.test"
VISMA_DEMO_SHOP = {"shop_id": "demo-visma-shop", "api_key": "demo-visma-shop-api-key",
                   "webhook_secret": "demo-visma-shop-webhook-secret"}
VISMA_DEMO_USER = ("demo-visma@koppel.test", "demo")
# The sandbox company's VAT codes (visma_eaccounting/sandbox/seed.py) per VAT-table row, with the
# revenue account of its article coding: Dutch rates at home, Belgian ones, the OSS codes, ICP and export.
VAT_ROWS = {"NL:21.00": ("NL21", "8000"), "NL:9.00": ("NL9", "8010"), "NL:0.00": ("NL0", "8020"),
            "BE:21.00": ("BE21", "8050"), "BE:12.00": ("BE12", "8050"), "BE:6.00": ("BE6", "8050"),
            "BE:0.00": ("BE0", "8050"), "DE:19.00": ("OSSDE19", "8040"), "DE:7.00": ("OSSDE7", "8040"),
            "FR:20.00": ("OSSFR20", "8040"), "ICP": ("ICP", "8020"), "INTERNATIONAL": ("EXPORT", "8030")}


def consent(username: str, password: str) -> dict:
    """Log in at the Visma sandbox's consent page as the merchant would; returns the first token pair."""
    redirect_uri = settings.public_url + "/connect/visma/callback"
    url, _, verifier = oauth.authorization_url(settings.visma_identity_url, redirect_uri)
    code = demo.consent_code(url, username, password, "Visma")
    return oauth.exchange_code(settings.visma_identity_url, redirect_uri, code, verifier)


def vat_table(reference: dict) -> list[dict]:
    """The Configuration tab's VAT table with the rows the sandbox company has codes for filled in."""
    codes = {row["Code"]: row["Id"] for row in reference["vat_codes"]}
    rows = []
    for row in vat_rates.default_rows("NL"):
        code, account = VAT_ROWS.get(row["key"], (None, None))
        rows.append({**row, **({"vat_code": codes[code], "gl_account": account} if code in codes else {})})
    return rows


def connect_sandbox_visma(tenant_id: int, username: str, password: str) -> None:
    """Connect the tenant's target to its Visma sandbox company and configure it as a merchant would."""
    first = consent(username, password)
    with db.session_scope() as session:
        target = session.execute(sa.select(Connection).where(
            Connection.tenant_id == tenant_id, Connection.role == "target")).scalar_one()
        tokens.store_first_tokens(target, first)
    with db.session_scope() as session:
        target = session.get(Connection, target.id)
        reference = VismaEAccountingTarget.reference_data(target)
        terms = next(t["Id"] for t in reference["terms_of_payment"] if t["NumberOfDays"] == 14)
        unit = next(u["Id"] for u in reference["units"] if u["Code"] == "PCE")
        target.settings = {**target.settings, "reference": reference, "document_type": "invoice",
                           "debtor_account": "1300", "terms_of_payment": terms, "default_unit": unit}
        errors = configuration.save_vat_table(target, vat_table(reference))
        if errors:
            raise RuntimeError(f"the Visma demo VAT table was refused: {errors}")
        session.get(Tenant, tenant_id).configured_at = utcnow()


def seed() -> bool:
    """Create the Visma demo merchant once (False when it exists already) and (re)connect its sandboxes."""
    with db.session_scope() as session:
        user = session.execute(sa.select(User).where(User.email == VISMA_DEMO_EMAIL)).scalar()
        tenant_id = user.tenant_id if user else None
    created = tenant_id is None
    if created:
        tenant_id = demo.create_merchant("Demo Webwinkel (Visma)", VISMA_DEMO_EMAIL, demo.DEMO_PASSWORD,
                                         VISMA_DEMO_SHOP, country="NL", target="visma_eaccounting")
    demo.connect_sandbox_shop(tenant_id)
    with db.session_scope() as session:
        target = session.execute(sa.select(Connection).where(
            Connection.tenant_id == tenant_id, Connection.role == "target")).scalar_one()
        needs_visma = not (target.settings.get("vat_map") and target.settings.get("reference"))
    if needs_visma:
        connect_sandbox_visma(tenant_id, *VISMA_DEMO_USER)
    return created
