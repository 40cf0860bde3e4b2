"""KOPPEL_ENV=production refuses development secrets, sandboxes and plain HTTP, in web, worker and CLI."""
from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from portal import create_app
from worker import cli, config, run

PRODUCTION = {
    "KOPPEL_ENV": "production", "DATABASE_URL": "postgresql://koppel@db.internal/koppel",
    "SECRET_KEY": "s" * 48, "KOPPEL_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "KOPPEL_PUBLIC_URL": "https://koppel.example.com", "EXACT_BASE_URL": "https://start.exactonline.nl",
    "EXACT_CLIENT_ID": "f1e2d3c4-real-client", "EXACT_CLIENT_SECRET": "a-real-client-secret",
    "KMOSHOPS_API_URL": "https://api.kmoshops.example/v1",
    "VIES_URL": "https://ec.europa.eu/taxation_customs/vies/rest-api",
    "MOLLIE_API_URL": "https://api.mollie.com/v2", "MOLLIE_API_KEY": "live_abcdefghijklmnop",
    "FACTUURSTUREN_API_URL": "https://www.factuursturen.nl/api/v1",
    "KOPPEL_SELLER_NAME": "Koppel B.V.", "KOPPEL_SELLER_ADDRESS": "Keizersgracht 1, 1015 CJ Amsterdam, NL",
    "KOPPEL_SELLER_VAT_NUMBER": "NL123456789B01", "KOPPEL_SELLER_COC_NUMBER": "12345678",
    "KOPPEL_SELLER_IBAN": "NL91 ABNA 0417 1643 00",
    "NMBRS_SOAP_URL": "https://api.nmbrs.nl/soap/v3", "VISMANET_API_URL": "https://api.finance.visma.net",
    "VISMANET_CONNECT_URL": "https://connect.visma.com",
    "SNELSTART_API_URL": "https://b2bapi.snelstart.nl/v2", "SNELSTART_AUTH_URL": "https://auth.snelstart.nl",
    "SNELSTART_SUBSCRIPTION_KEY": "0123456789abcdef0123456789abcdef",
    "MIJNWEBWINKEL_API_URL": "https://api.mijnwebwinkel.nl/v1",
    "AMAZON_SPAPI_URL": "https://sellingpartnerapi-eu.amazon.com", "AMAZON_LWA_URL": "https://api.amazon.com",
    "AMAZON_CONSENT_URL": "https://sellercentral.amazon.nl",
    "AMAZON_LWA_CLIENT_ID": "amzn1.application-oa2-client.f1e2d3", "AMAZON_LWA_CLIENT_SECRET": "amzn-real-secret",
    "VISMA_API_URL": "https://eaccountingapi.vismaonline.com/v2", "VISMA_IDENTITY_URL": "https://identity.vismaonline.com",
    "VISMA_CLIENT_ID": "koppel-visma", "VISMA_CLIENT_SECRET": "a-real-visma-secret",
    "VISMANET_CLIENT_ID": "koppel-vismanet", "VISMANET_CLIENT_SECRET": "a-real-vismanet-secret",
}
NOT_PRODUCTION = [
    ("SECRET_KEY", "short-secret"), ("SECRET_KEY", config.DEV_SECRET),
    ("KOPPEL_ENCRYPTION_KEYS", config.DEV_ENCRYPTION_KEY), ("KOPPEL_ENCRYPTION_KEYS", "not-a-fernet-key"),
    ("KOPPEL_PUBLIC_URL", "http://koppel.example.com"), ("EXACT_BASE_URL", "http://127.0.0.1:8001/exact"),
    ("KMOSHOPS_API_URL", "https://localhost/kmoshops/v1"), ("VIES_URL", "http://127.0.0.1:8001/vies"),
    ("MOLLIE_API_URL", "http://127.0.0.1:8001/mollie/v2"), ("EXACT_CLIENT_ID", "koppel-dev"),
    ("EXACT_CLIENT_SECRET", "koppel-dev-secret"), ("MOLLIE_API_KEY", "test_koppel"),
    ("FACTUURSTUREN_API_URL", "http://127.0.0.1:8001/factuursturen/api/v1"),
    ("KOPPEL_SELLER_VAT_NUMBER", config.DEV_SELLER["seller_vat_number"]),
    ("KOPPEL_SELLER_NAME", config.DEV_SELLER["seller_name"]),
    ("NMBRS_SOAP_URL", "http://127.0.0.1:8001/nmbrs/soap/v3"), ("VISMANET_API_URL", "http://127.0.0.1:8001/vismanet"),
    ("SNELSTART_API_URL", "http://127.0.0.1:8001/snelstart/v2"),
    ("SNELSTART_SUBSCRIPTION_KEY", config.DEV_SNELSTART_SUBSCRIPTION_KEY),
    ("MIJNWEBWINKEL_API_URL", "http://127.0.0.1:8001/mijnwebwinkel/v1"),
    ("AMAZON_SPAPI_URL", "http://127.0.0.1:8001/amazon/sp"), ("AMAZON_LWA_CLIENT_SECRET", "koppel-dev-secret"),
    ("VISMA_IDENTITY_URL", "http://127.0.0.1:8001/visma/identity"), ("VISMA_CLIENT_ID", "koppel-dev"),
    ("VISMANET_CLIENT_SECRET", "koppel-dev-secret"),
]


def test_a_production_environment_passes():
    assert config.from_env(PRODUCTION).production_problems() == []


@pytest.mark.parametrize(("name", "value"), NOT_PRODUCTION)
def test_each_development_value_is_refused(name, value):
    with pytest.raises(RuntimeError, match="production refuses"):
        config.from_env({**PRODUCTION, name: value}).check()


def test_the_sandbox_defaults_are_refused():
    env = {k: v for k, v in PRODUCTION.items() if k not in ("EXACT_BASE_URL", "VIES_URL", "MOLLIE_API_URL")}
    problems = config.from_env(env).production_problems()
    assert {p.split()[0] for p in problems} == {"EXACT_BASE_URL", "VIES_URL", "MOLLIE_API_URL"}


@pytest.fixture
def production(database):
    """The settings switched to production (valid ones), restored afterwards."""
    old = config.override(**{**vars(config.from_env(PRODUCTION)), "database_url": database})
    yield
    config.override(**old)


@pytest.fixture
def production_with_a_sandbox(production):
    old = config.override(exact_base_url="http://127.0.0.1:8001/exact")
    yield
    config.override(**old)


def test_web_worker_and_cli_all_refuse(production_with_a_sandbox, database):
    with pytest.raises(RuntimeError, match="EXACT_BASE_URL"):
        create_app({"DATABASE_URL": database})
    with pytest.raises(RuntimeError, match="EXACT_BASE_URL"):
        run.main()
    with pytest.raises(RuntimeError, match="EXACT_BASE_URL"):
        cli.main(["rotate-keys"])


def test_in_production_the_outbox_does_not_exist_and_hsts_is_sent(production, database):
    app = create_app({"DATABASE_URL": database, "DEMO_ENABLED": True})
    assert not [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/dev")]
    client = app.test_client()
    assert client.get("/dev/outbox/").status_code == 404
    assert client.get("/login").headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_in_development_there_is_no_hsts(client, database):
    assert "Strict-Transport-Security" not in client.get("/login").headers
