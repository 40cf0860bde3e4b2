"""Merchants whose accounting system is a SnelStart sandbox administration, connected with a koppelsleutel."""
from __future__ import annotations

from tests.support.merchants import make_merchant
from worker import db, secrets
from worker.connectors.snelstart import SnelStartTarget
from worker.models import Connection

# The VAT table a Dutch shop fills in: (row, VAT kind, revenue ledger number).
VAT_ROWS = (("NL:21.00", "Hoog", 8000), ("NL:9.00", "Laag", 8010), ("NL:0.00", "Geen", 8100),
            ("ICP", "Verlegd", 8100), ("INTERNATIONAL", "Geen", 8100))


def ledger_ids(reference: dict) -> dict[int, str]:
    return {row["nummer"]: row["id"] for row in reference["ledgers"]}


def vat_map(reference: dict) -> dict:
    ledgers = ledger_ids(reference)
    return {key: {"vat_code": kind, "gl_account": ledgers[number]} for key, kind, number in VAT_ROWS}


def connect_snelstart(merchant: dict, sandboxes, package: str = "InBalans", wide_codes: bool = True,
                      **settings) -> dict:
    """Turn the merchant's target into a SnelStart connection (connected through the real token exchange and
    reads, as the connect form does) with the Dutch VAT table; returns the administration and its key."""
    administration, key = sandboxes.snelstart.add_administration(f"Administratie {merchant['tenant_id']}",
                                                                 package=package, wide_article_codes=wide_codes)
    with db.session_scope() as session:
        target = session.get(Connection, merchant["target"].id)
        target.system, target.settings = "snelstart", SnelStartTarget.defaults()
        secrets.write(target, {})
        SnelStartTarget.connect(target, {"client_key": key})
        target.settings = {**target.settings, "vat_map": vat_map(target.settings["reference"]), **settings}
        reference = target.settings["reference"]
    return {"administration": administration, "client_key": key, "reference": reference}


def snelstart_merchant(sandboxes, **options) -> dict:
    """A merchant with a KMO Shops sandbox shop and a connected SnelStart sandbox administration."""
    merchant = make_merchant(sandboxes, connect_exact=False)
    return {**merchant, **connect_snelstart(merchant, sandboxes, **options)}


def target(merchant: dict) -> Connection:
    with db.session_scope() as session:
        found = session.get(Connection, merchant["target"].id)
        session.expunge(found)
        return found
