"""A second accounting system chosen at sign-up: Visma eAccounting installed through the generic connect flow."""
from __future__ import annotations

import pathlib
import re

import sqlalchemy as sa

from tests.connectors.test_visma_client import consent
from tests.support.language import says
from worker import db, secrets
from worker.models import Connection, OutboxEmail, Tenant

SYSTEM = "visma_eaccounting"


def sign_up_for(client, system: str, email: str, shop: str = "kmoshops") -> dict:
    """Sign up choosing ``shop`` and ``system``, choose the password through the e-mailed link, and log in."""
    answer = client.post("/signup/", data={"name": "Bakkerij Visser", "email": email, "country": "NL",
                                           "shop_system": shop, "accounting_system": system, "terms": "y"})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    with db.session_scope() as session:
        mail = session.execute(sa.select(OutboxEmail).where(OutboxEmail.kind == "installation")
                               .order_by(OutboxEmail.id.desc())).scalars().first()
    url = re.search(r"(/install/\S+)", mail.body).group(1)
    username = re.search(r"(?:Username|Gebruikersnaam): (\S+)", mail.body).group(1)
    password = "Bakkerij Visser chose this one"
    chosen = client.application.test_client().post(f"{url}/password", data={"password": password, "confirm": password})
    assert chosen.status_code == 302
    client.post("/login", data={"username": username, "password": password})
    return {"url": url, "username": username, "password": password}


def target_of(email: str) -> Connection:
    with db.session_scope() as session:
        tenant = session.execute(sa.select(Tenant).where(Tenant.email == email)).scalar_one()
        target = session.execute(sa.select(Connection).where(Connection.tenant_id == tenant.id,
                                                             Connection.role == "target")).scalar_one()
        session.expunge(target)
        return target


def test_a_signup_link_preselects_the_accounting_system(client, database):
    page = client.get(f"/signup/?target={SYSTEM}").get_data(as_text=True)
    assert re.search(r'<option selected value="visma_eaccounting">Visma eAccounting</option>', page), page
    for plain in (client.get("/signup/"), client.get("/signup/?target=nonsense")):  # Exact Online stays first
        text = plain.get_data(as_text=True)
        options = re.findall(r'<option (?:selected )?value="(\w+)">', text[text.index('name="accounting_system"'):])
        assert options[0] == "exact_online" and "selected value=\"visma" not in text


def test_a_visma_merchant_connects_through_the_real_oauth_redirect(sandboxes, web):
    client = web.test_client()
    signed = sign_up_for(client, SYSTEM, "visser@example.nl")
    target = target_of("visser@example.nl")
    assert target.system == SYSTEM and target.settings == {"document_type": "invoice", "debtor_account": "1300"}
    page = client.get(signed["url"]).get_data(as_text=True)
    assert says(page, "Connect %(system)s", system="Visma eAccounting")
    assert 'action="/connect/visma"' in page and "Exact" not in page

    assert client.post("/connect/exact").status_code == 404  # not this tenant's system
    sandboxes.visma.add_user("visser@visma.test", "pw")
    start = client.post("/connect/visma")
    assert start.status_code == 302 and start.headers["Location"].startswith("http")
    code = consent(start.headers["Location"], "visser@visma.test", "pw")
    state = re.search(r"[?&]state=([^&]+)", start.headers["Location"]).group(1)
    back = client.get(f"/connect/visma/callback?code={code}&state={state}")
    assert back.headers["Location"].endswith(signed["url"])

    target = target_of("visser@example.nl")
    assert target.status == "connected" and target.settings["reference"]["vat_codes"]
    assert secrets.read(target)["access_token"] and "access_token" not in str(target.settings)
    assert "Visma eAccounting" in client.get("/status", headers={"HX-Request": "true"}).get_data(as_text=True)


def test_a_callback_without_a_started_login_connects_nothing(sandboxes, web):
    client = web.test_client()
    sign_up_for(client, SYSTEM, "ander@example.nl")
    answer = client.get("/connect/visma/callback?code=stolen&state=guess")
    assert answer.status_code == 302
    assert target_of("ander@example.nl").status == "not_connected"


ROOT = pathlib.Path(__file__).resolve().parent.parent
# "exact" but not "exactly"; "exact_online", "Exact Online", "exact:errors:" all match.
SYSTEM_NAMES = re.compile(r"exact(?!ly)|division|visma", re.IGNORECASE)
ALLOWED = {
    # A contract switch only Exact implements (its direct sales invoice type 8023), on the English-only staff
    # page: a connector-declared contract option would remove it, which the contract settings do not have yet.
    ("templates/staff/_contract.html", "Direct sales invoices (Exact type 8023, booked on the cash journal)"),
}


def test_the_portal_the_pipeline_and_the_templates_name_no_accounting_system():
    found = []
    for folder in ("portal", "worker/pipeline", "templates"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in (".py", ".html", ".txt", ".js"):
                continue
            relative = str(path.relative_to(ROOT))
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if SYSTEM_NAMES.search(line) and not any(relative == p and text in line for p, text in ALLOWED):
                    found.append(f"{relative}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


def test_the_grep_would_see_a_system_name():
    assert SYSTEM_NAMES.search('url_for("connect.connect_exact")') and SYSTEM_NAMES.search("Exact Online")
    assert SYSTEM_NAMES.search('settings.get("division")') and SYSTEM_NAMES.search("Visma eAccounting")
    assert not SYSTEM_NAMES.search("exactly once")
