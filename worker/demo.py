"""The development demo: a merchant with a sandbox shop and a sandbox Exact division, connected.

Used by ``make run`` (seed) and by the portal's "Generate demo order" button. Everything here
talks to the sandboxes over HTTP, exactly as it would to the real systems.
"""
from __future__ import annotations

import datetime as dt
import re

import requests
import sqlalchemy as sa

from worker import db, onboarding, secrets, vat_rates
from worker.config import settings
from worker.connectors.exact import ExactOnlineTarget, oauth, tokens
from worker.models import Connection, Tenant, User
from worker.i18n import language_for_country
from worker.models.base import utcnow
from worker.models.tenants import TRIAL_DAYS
from worker.passwords import hash_password

DEMO_EMAIL = "demo@koppel.test"
DEMO_PASSWORD = "demo-koppel-2026"
DEMO_SHOP = {"shop_id": "demo-shop", "api_key": "demo-shop-api-key", "webhook_secret": "demo-shop-webhook-secret"}
EXACT_DEMO_USER = ("demo@koppel.test", "demo")
# The demo merchant's own VAT number: VIES hands out consultation numbers to a valid requester.
DEMO_OWN_VAT_NUMBER = "BE0403170701"


def kmoshops_sandbox_url() -> str:
    return settings.kmoshops_api_url.rsplit("/v1", 1)[0]


def create_demo_order(shop_id: str, kind: str = "b2c") -> dict:
    """Place an order in the sandbox shop; the shop then sends its webhook to Koppel."""
    response = requests.post(f"{kmoshops_sandbox_url()}/_sandbox/shops/{shop_id}/orders",
                             json={"kind": kind, "status": "paid"}, timeout=settings.http_timeout)
    response.raise_for_status()
    return response.json()


def consent_code(url: str, username: str, password: str, system: str) -> str:
    """Log in at a sandbox's consent page like a merchant would; the authorisation code it redirects with."""
    http = requests.Session()
    page = http.get(url, timeout=settings.http_timeout)
    page.raise_for_status()
    form = {**dict(re.findall(r'name="([^"]+)" value="([^"]*)"', page.text)), "username": username,
            "password": password}
    answer = http.post(page.url, data=form, allow_redirects=False, timeout=settings.http_timeout)
    code = re.search(r"[?&]code=([^&]+)", answer.headers.get("Location", ""))
    if answer.status_code != 302 or not code:
        raise RuntimeError(f"{system} sandbox login failed ({answer.status_code})")
    return requests.utils.unquote(code.group(1))


def authorize_in_sandbox(redirect_uri: str, username: str, password: str) -> dict:
    """Log in at the Exact sandbox's consent page like a merchant would, and exchange the code."""
    url, state, verifier = oauth.authorization_url(settings.exact_base_url, redirect_uri)
    code = consent_code(url, username, password, "Exact")
    return oauth.exchange_code(settings.exact_base_url, redirect_uri, code, verifier)


def create_merchant(name: str, email: str, password: str, shop: dict, country: str = "BE",
                    target: str = "exact_online") -> int:
    """A tenant with a login, a KMO Shops connection and an (unconnected) ``target`` connection; returns its id."""
    with db.session_scope() as session:
        tenant = Tenant(name=name, email=email, country=country, language=language_for_country(country),
                        terms_accepted_at=utcnow(), trial_ends_at=utcnow() + dt.timedelta(days=TRIAL_DAYS))
        session.add(tenant)
        session.flush()
        session.add(User(tenant_id=tenant.id, username=email.lower(), email=email.lower(),
                         password_hash=hash_password(password), password_set_at=utcnow()))
        source = Connection(tenant_id=tenant.id, role="source", system="kmoshops",
                            settings={"shop_id": shop["shop_id"], "transfer_statuses": "paid"})
        books = Connection(tenant_id=tenant.id, role="target", system=target,
                           settings={**onboarding.TARGET_DEFAULTS[target], "own_vat_number": DEMO_OWN_VAT_NUMBER})
        session.add_all([source, books])
        session.flush()
        secrets.write(source, {"api_key": shop["api_key"], "webhook_secret": shop["webhook_secret"]})
        return tenant.id


def connect_sandbox_shop(tenant_id: int) -> None:
    """Register the tenant's shop in the KMO Shops sandbox and subscribe Koppel's webhook URL."""
    with db.session_scope() as session:
        source = session.execute(sa.select(Connection).where(
            Connection.tenant_id == tenant_id, Connection.role == "source")).scalar_one()
        shop = {"shop_id": source.settings["shop_id"], **secrets.read(source)}
        hook_url = f"{settings.public_url}/webhooks/kmoshops/{source.webhook_token}"
        base = kmoshops_sandbox_url()
        requests.post(f"{base}/_sandbox/shops", json=shop, timeout=settings.http_timeout)
        auth = {"Authorization": f"Bearer {shop['api_key']}"}
        existing = requests.get(f"{base}/v1/webhooks", headers=auth, timeout=settings.http_timeout)
        existing.raise_for_status()
        if not any(hook.get("url") == hook_url for hook in existing.json().get("data", [])):
            requests.post(f"{base}/v1/webhooks", json={"url": hook_url, "topics": [
                "orders/created", "orders/updated", "orders/status_changed", "orders/cancelled"]},
                headers=auth, timeout=settings.http_timeout).raise_for_status()
        source.status, source.status_reason = "connected", None


def connect_sandbox_exact(tenant_id: int, username: str, password: str) -> None:
    """Log in to the Exact sandbox as the merchant would, learn the division and set up VAT codes."""
    first = authorize_in_sandbox(settings.public_url + "/connect/exact/callback", username, password)
    with db.session_scope() as session:
        target = session.execute(sa.select(Connection).where(
            Connection.tenant_id == tenant_id, Connection.role == "target")).scalar_one()
        tokens.store_first_tokens(target, first)
    with db.session_scope() as session:
        target = session.get(Connection, target.id)
        division = ExactOnlineTarget.client(target).me()["CurrentDivision"]
        target.settings = {**target.settings, "division": str(division)}
        session.flush()
        reference = ExactOnlineTarget.reference_data(target)
        warehouses = [row["ID"] for row in reference["warehouses"]]
        table = demo_vat_table(reference, target.settings["price_mode"])
        target.settings = {**target.settings, "vat_table": table,
                           "vat_map": {row["key"]: {"vat_code": row["vat_code"], "gl_account": row["gl_account"]}
                                       for row in table if row.get("vat_code")},
                           "warehouse": target.settings.get("warehouse") or (warehouses[0] if warehouses else None),
                           "reference": reference}
        session.get(Tenant, tenant_id).configured_at = utcnow()


# Which revenue account the demo maps each VAT row to (codes from the sandbox's seed).
DEMO_REVENUE = {"21.00": "8000", "12.00": "8010", "9.00": "8010", "6.00": "8010", "0.00": "8020",
                "ICP": "8020", "INTERNATIONAL": "8030"}


def default_vat_map(reference: dict, price_mode: str) -> dict:
    """A VAT table for the demo: each rate to a VAT code of the right kind and a revenue account."""
    kind = "I" if price_mode == "incl" else "E"  # Exact: I incl. VAT, E excl., N none
    gl = {row["Code"].strip(): row["ID"] for row in reference["gl_accounts"]}
    vat_map = {}
    for key, revenue in DEMO_REVENUE.items():
        code = _pick_vat_code(reference["vat_codes"], key, kind)
        if code and revenue in gl:
            vat_map[key] = {"vat_code": code, "gl_account": gl[revenue]}
    return vat_map


def demo_vat_table(reference: dict, price_mode: str) -> list[dict]:
    """The Configuration tab's VAT table, filled in for every EU rate the sandbox has a code for."""
    by_rate = default_vat_map(reference, price_mode)
    oss = _oss_codes(reference, "I" if price_mode == "incl" else "E")
    gl = {row["Code"].strip(): row["ID"] for row in reference["gl_accounts"]}
    rows = []
    for row in vat_rates.default_rows("BE"):
        mapped = by_rate.get(row["key"]) or (by_rate.get(row["rate"]) if row["country"] in ("BE", "NL") else None)
        if mapped is None and (row["country"], row["rate"]) in oss:
            standard = row["rate"] == f"{vat_rates.standard_rate(row['country']):.2f}"
            mapped = {"vat_code": oss[row["country"], row["rate"]], "gl_account": gl["8000" if standard else "8010"]}
        rows.append({**row, **(mapped or {})})
    return rows


def _oss_codes(reference: dict, kind: str) -> dict[tuple[str, str], str]:
    """The sandbox's OSS codes by (country, rate), read from their descriptions ("OSS DE 7% incl.")."""
    rates = ExactOnlineTarget.vat_code_rates(reference)
    found = {}
    for row in reference["vat_codes"]:
        words = (row.get("Description") or "").split()
        if len(words) > 2 and words[0] == "OSS" and row.get("Type") == kind:
            found[words[1], f"{rates[row['Code']]:.2f}"] = row["Code"]
    return found


def _pick_vat_code(codes: list[dict], key: str, kind: str) -> str | None:
    special = {"ICP": "intracommunaut", "INTERNATIONAL": "buiten"}
    for row in codes:
        description = (row.get("Description") or "").lower()
        if description.startswith("oss "):
            continue  # distance-sales codes are for their own country's rows (_oss_codes)
        if key in special:
            if special[key] in description:
                return row["Code"]
        elif (abs(float(row["Percentage"]) * (100 if float(row["Percentage"]) < 1 else 1) - float(key)) < 0.001
              and row.get("Type") in (kind, "N") and not any(s in description for s in special.values())):
            return row["Code"]
    return None


def seed() -> bool:
    """Create the demo merchant once (False when it exists already) and (re)connect its sandboxes."""
    with db.session_scope() as session:
        user = session.execute(sa.select(User).where(User.email == DEMO_EMAIL)).scalar()
        tenant_id = user.tenant_id if user else None
    created = tenant_id is None
    if created:
        tenant_id = create_merchant("Demo Webwinkel", DEMO_EMAIL, DEMO_PASSWORD, DEMO_SHOP)
    connect_sandbox_shop(tenant_id)
    with db.session_scope() as session:
        target = session.execute(sa.select(Connection).where(
            Connection.tenant_id == tenant_id, Connection.role == "target")).scalar_one()
        # Data seeded by an older version lacks the reference data and VAT table: redo the Exact step.
        needs_exact = not (target.settings.get("vat_table") and target.settings.get("reference"))
    if needs_exact:
        connect_sandbox_exact(tenant_id, *EXACT_DEMO_USER)
    return created
