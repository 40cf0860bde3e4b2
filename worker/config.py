"""Every setting Koppel reads from the environment, in one place.

Nothing else in the code base reads ``os.environ``. With nothing set, development defaults
apply: sandboxes for every external system and e-mail to the outbox page. ``DATABASE_URL`` has
no default here; the launcher (``worker.devstack``) and the test suite start an embedded
Postgres and set it.
"""
from __future__ import annotations

import base64
import binascii
import dataclasses
import os
import urllib.parse

DEV_SECRET = "dev-only-not-secret"
# A fixed Fernet key for development and tests only; production refuses to start with it.
DEV_ENCRYPTION_KEY = "ZGV2LW9ubHkta29wcGVsLWtleS1ub3Qtc2VjcmV0ISE="
DEV_EXACT_CLIENT = ("koppel-dev", "koppel-dev-secret")
# The development clients' values the sandboxes accept; production refuses every OAuth client still using one.
DEV_CLIENT_VALUES = {*DEV_EXACT_CLIENT, "amzn1.application-oa2-client.koppel-dev"}
DEV_MIJNWEBWINKEL_PARTNER = "koppel-dev-partner"
DEV_SNELSTART_SUBSCRIPTION_KEY = "koppel-dev-subscription"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0"}
MIN_SECRET_LENGTH = 32
# Our own company as printed on invoices to merchants; placeholders in development, required in production.
DEV_SELLER = {"seller_name": "Koppel B.V. (development)", "seller_address": "Voorbeeldstraat 1, 1011 AA Amsterdam, NL",
              "seller_vat_number": "NL000000000B01", "seller_coc_number": "00000000",
              "seller_iban": "NL00 TEST 0000 0000 00"}
SELLER_VARIABLES = {"seller_name": "KOPPEL_SELLER_NAME", "seller_address": "KOPPEL_SELLER_ADDRESS",
                    "seller_vat_number": "KOPPEL_SELLER_VAT_NUMBER", "seller_coc_number": "KOPPEL_SELLER_COC_NUMBER",
                    "seller_iban": "KOPPEL_SELLER_IBAN"}


def parse_bool(value: str | None, default: bool = False) -> bool:
    """Read a yes/no environment value."""
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def parse_list(value: str | None) -> list[str]:
    """Read a comma-separated environment value."""
    return [item.strip() for item in (value or "").split(",") if item.strip()]


@dataclasses.dataclass
class Settings:
    """Koppel's configuration, read once from the environment."""

    environment: str
    database_url: str | None
    secret_key: str
    encryption_keys: tuple[str, ...]
    public_url: str
    port: int
    kmoshops_api_url: str
    # MyOnlineStore (Mijnwebwinkel): the API and Koppel's own partner token (sent with every store's token).
    mijnwebwinkel_api_url: str
    mijnwebwinkel_partner_token: str
    exact_base_url: str
    vies_url: str
    mollie_url: str
    mollie_api_key: str
    exact_client_id: str
    exact_client_secret: str
    visma_api_url: str
    visma_identity_url: str
    visma_client_id: str
    visma_client_secret: str
    http_timeout: float
    settle_seconds: float
    reconcile_days: int
    stalled_worker_seconds: int
    worker_concurrency: int
    worker_poll_seconds: float
    smtp_url: str | None
    mail_from: str
    webcare_email: str
    staff_idle_minutes: int
    staff_max_hours: int
    monitoring_token: str | None
    migration_step_seconds: float
    # Shared with the mail provider's inbound webhook: it signs each posted e-mail with it (None: no inbound mail).
    inbound_mail_secret: str | None = None
    sandbox_url: str = "http://127.0.0.1:8001"
    # Amazon SP-API (sources.md §1): the EU endpoint, Login with Amazon's token endpoint, the Seller
    # Central consent page and Koppel's LWA app. Defaults: the /amazon sandbox.
    amazon_spapi_url: str = "http://127.0.0.1:8001/amazon/sp"
    amazon_lwa_url: str = "http://127.0.0.1:8001/amazon/lwa"
    amazon_consent_url: str = "http://127.0.0.1:8001/amazon/sellercentral"
    amazon_app_id: str = "amzn1.sp.solution.koppel-dev"
    amazon_client_id: str = "amzn1.application-oa2-client.koppel-dev"
    amazon_client_secret: str = "koppel-dev-secret"
    amazon_app_draft: bool = True  # a Draft app's consent link needs version=beta (else Amazon shows MD1000)
    # Rate limits: at most this many failed logins per account and per IP address within the window,
    # and sign-ups per IP address and per e-mail address within theirs (soft lockout: it expires).
    login_limit_account: int = 10
    login_limit_ip: int = 30
    login_window_seconds: int = 900
    signup_limit_ip: int = 5
    signup_limit_email: int = 3
    signup_window_seconds: int = 3600
    # How many proxies in front of the web process set X-Forwarded-For/-Proto (0: trust none).
    trusted_proxies: int = 0
    # Factuursturen API v1 (https://www.factuursturen.nl/api/v1) and the invoices it takes an hour
    # (manual 001: 60; unconfirmed by the vendor, so configurable).
    factuursturen_api_url: str = "http://127.0.0.1:8001/factuursturen/api/v1"
    factuursturen_invoices_per_hour: int = 60
    # A password-reset link works once, for this many minutes; at most this many links per account per hour.
    reset_link_minutes: int = 60
    reset_limit_account: int = 3
    # The FAQ page; the Errors tab links each error code to "<this>#<code>" (no links when unset).
    faq_url: str | None = None
    # The seller's details on our invoices (KOPPEL_SELLER_*; see DEV_SELLER).
    seller_name: str = DEV_SELLER["seller_name"]
    seller_address: str = DEV_SELLER["seller_address"]
    seller_vat_number: str = DEV_SELLER["seller_vat_number"]
    seller_coc_number: str = DEV_SELLER["seller_coc_number"]
    seller_iban: str = DEV_SELLER["seller_iban"]
    # Payroll: Nmbrs SOAP API v3 (its CompanyService.asmx and WSDL live under this URL) and Visma.net
    # ERP (the API, and Visma Connect for OAuth); sandboxes by default, set in from_env.
    nmbrs_soap_url: str = ""
    vismanet_api_url: str = ""
    vismanet_connect_url: str = ""
    vismanet_client_id: str = "koppel-dev"
    vismanet_client_secret: str = "koppel-dev-secret"
    # SnelStart B2B API v2 (targets.md §3): Koppel's own APIM subscription key (never shown or logged;
    # production refuses the development one) and the two hosts, the API and the token endpoint's.
    snelstart_api_url: str = "http://127.0.0.1:8001/snelstart/v2"
    snelstart_auth_url: str = "http://127.0.0.1:8001/snelstart/auth"
    snelstart_subscription_key: str = DEV_SNELSTART_SUBSCRIPTION_KEY

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    def check(self) -> None:
        """Refuse to run production with development secrets, sandboxes or plain HTTP."""
        problems = self.production_problems() if self.is_production else []
        if problems:
            raise RuntimeError("KOPPEL_ENV=production refuses: " + "; ".join(problems))

    def production_problems(self) -> list[str]:
        """Everything in these settings that is not fit for production, as sentences."""
        problems = [f"{name} is a sandbox or loopback URL" for name, url in self.remote_urls().items()
                    if self.is_sandbox(url)]
        if self.secret_key == DEV_SECRET or len(self.secret_key) < MIN_SECRET_LENGTH:
            problems.append(f"SECRET_KEY must be set, at least {MIN_SECRET_LENGTH} characters")
        if DEV_ENCRYPTION_KEY in self.encryption_keys or not all(map(valid_fernet_key, self.encryption_keys)):
            problems.append("KOPPEL_ENCRYPTION_KEYS must be set to Fernet keys of your own")
        if not self.database_url:
            problems.append("DATABASE_URL must be set")
        if not self.public_url.startswith("https://"):
            problems.append("KOPPEL_PUBLIC_URL must be https")
        problems += [f"{ids} and {secrets} are the development client"
                     for ids, secrets, client in self.oauth_clients() if set(client) & DEV_CLIENT_VALUES]
        if self.inbound_mail_secret is not None and len(self.inbound_mail_secret) < MIN_SECRET_LENGTH:
            problems.append(f"KOPPEL_INBOUND_MAIL_SECRET must be at least {MIN_SECRET_LENGTH} characters")
        if self.snelstart_subscription_key == DEV_SNELSTART_SUBSCRIPTION_KEY:
            problems.append("SNELSTART_SUBSCRIPTION_KEY is the development key")
        if not self.mollie_api_key.startswith("live_"):
            problems.append("MOLLIE_API_KEY must be a live_ key")
        problems += [f"{SELLER_VARIABLES[name]} must be set (it is printed on invoices)"
                     for name, dev in DEV_SELLER.items() if getattr(self, name) in (dev, "")]
        return problems

    def remote_urls(self) -> dict[str, str]:
        """The external systems' URLs by their variable's name."""
        return {"KMOSHOPS_API_URL": self.kmoshops_api_url, "MIJNWEBWINKEL_API_URL": self.mijnwebwinkel_api_url,
                "AMAZON_SPAPI_URL": self.amazon_spapi_url, "AMAZON_LWA_URL": self.amazon_lwa_url,
                "AMAZON_CONSENT_URL": self.amazon_consent_url, "EXACT_BASE_URL": self.exact_base_url,
                "VISMA_API_URL": self.visma_api_url, "VISMA_IDENTITY_URL": self.visma_identity_url,
                "VIES_URL": self.vies_url, "MOLLIE_API_URL": self.mollie_url,
                "FACTUURSTUREN_API_URL": self.factuursturen_api_url, "NMBRS_SOAP_URL": self.nmbrs_soap_url,
                "VISMANET_API_URL": self.vismanet_api_url, "VISMANET_CONNECT_URL": self.vismanet_connect_url,
                "SNELSTART_API_URL": self.snelstart_api_url, "SNELSTART_AUTH_URL": self.snelstart_auth_url}

    def oauth_clients(self) -> list[tuple[str, str, tuple[str, str]]]:
        """Koppel's own OAuth clients at the external systems: (id variable, secret variable, (id, secret))."""
        return [("EXACT_CLIENT_ID", "EXACT_CLIENT_SECRET", (self.exact_client_id, self.exact_client_secret)),
                ("VISMA_CLIENT_ID", "VISMA_CLIENT_SECRET", (self.visma_client_id, self.visma_client_secret)),
                ("AMAZON_LWA_CLIENT_ID", "AMAZON_LWA_CLIENT_SECRET", (self.amazon_client_id, self.amazon_client_secret)),
                ("VISMANET_CLIENT_ID", "VISMANET_CLIENT_SECRET", (self.vismanet_client_id, self.vismanet_client_secret))]

    def is_sandbox(self, url: str) -> bool:
        """True for our sandboxes, loopback addresses and anything not https."""
        parts = urllib.parse.urlsplit(url)
        return (parts.scheme != "https" or (parts.hostname or "") in LOOPBACK_HOSTS
                or url.startswith(self.sandbox_url))


def valid_fernet_key(key: str) -> bool:
    """True when ``key`` is a url-safe base64 Fernet key (32 bytes)."""
    try:
        return len(base64.urlsafe_b64decode(key.encode())) == 32
    except (binascii.Error, ValueError):
        return False


def from_env(env: dict[str, str] | None = None) -> Settings:
    """Build the settings from an environment mapping (``os.environ`` by default)."""
    env = dict(os.environ if env is None else env)
    port = int(env.get("PORT", "8000"))
    sandbox_url = env.get("KOPPEL_SANDBOX_URL", "http://127.0.0.1:8001")
    http_timeout = float(env.get("KOPPEL_HTTP_TIMEOUT", "30"))
    return Settings(
        environment=env.get("KOPPEL_ENV", "development"),
        database_url=env.get("DATABASE_URL") or None,
        secret_key=env.get("SECRET_KEY", DEV_SECRET),
        encryption_keys=tuple(parse_list(env.get("KOPPEL_ENCRYPTION_KEYS")) or [DEV_ENCRYPTION_KEY]),
        public_url=env.get("KOPPEL_PUBLIC_URL", f"http://127.0.0.1:{port}").rstrip("/"),
        port=port,
        kmoshops_api_url=env.get("KMOSHOPS_API_URL", f"{sandbox_url}/kmoshops/v1").rstrip("/"),
        mijnwebwinkel_api_url=env.get("MIJNWEBWINKEL_API_URL", f"{sandbox_url}/mijnwebwinkel/v1").rstrip("/"),
        mijnwebwinkel_partner_token=env.get("MIJNWEBWINKEL_PARTNER_TOKEN", DEV_MIJNWEBWINKEL_PARTNER),
        exact_base_url=env.get("EXACT_BASE_URL", f"{sandbox_url}/exact").rstrip("/"),
        vies_url=env.get("VIES_URL", f"{sandbox_url}/vies").rstrip("/"),
        mollie_url=env.get("MOLLIE_API_URL", f"{sandbox_url}/mollie/v2").rstrip("/"),
        mollie_api_key=env.get("MOLLIE_API_KEY", "test_koppel"),
        exact_client_id=env.get("EXACT_CLIENT_ID", "koppel-dev"),
        exact_client_secret=env.get("EXACT_CLIENT_SECRET", "koppel-dev-secret"),
        visma_api_url=env.get("VISMA_API_URL", f"{sandbox_url}/visma/v2").rstrip("/"),
        visma_identity_url=env.get("VISMA_IDENTITY_URL", f"{sandbox_url}/visma/identity").rstrip("/"),
        visma_client_id=env.get("VISMA_CLIENT_ID", "koppel-dev"),
        visma_client_secret=env.get("VISMA_CLIENT_SECRET", "koppel-dev-secret"),
        http_timeout=http_timeout,
        # A remote may commit a POST after we stopped waiting for its answer; a posting in doubt is
        # looked up only this long after it was sent, so the look-up sees a slow commit.
        settle_seconds=float(env.get("KOPPEL_SETTLE_SECONDS") or http_timeout + 30),
        reconcile_days=int(env.get("KOPPEL_RECONCILE_DAYS", "7")),
        stalled_worker_seconds=int(env.get("KOPPEL_STALLED_WORKER_SECONDS", "30")),
        worker_concurrency=int(env.get("KOPPEL_WORKER_CONCURRENCY", "4")),
        worker_poll_seconds=float(env.get("KOPPEL_WORKER_POLL_SECONDS", "0.5")),
        smtp_url=env.get("SMTP_URL") or None,
        mail_from=env.get("KOPPEL_MAIL_FROM", "Koppel <noreply@koppel.test>"),
        webcare_email=env.get("KOPPEL_WEBCARE_EMAIL", "webcare@koppel.test"),
        staff_idle_minutes=int(env.get("KOPPEL_STAFF_IDLE_MINUTES", "30")),
        staff_max_hours=int(env.get("KOPPEL_STAFF_MAX_HOURS", "10")),
        monitoring_token=env.get("KOPPEL_MONITORING_TOKEN") or None,
        migration_step_seconds=float(env.get("KOPPEL_MIGRATION_STEP_SECONDS", "15")),
        inbound_mail_secret=env.get("KOPPEL_INBOUND_MAIL_SECRET") or None,
        sandbox_url=sandbox_url.rstrip("/"),
        factuursturen_api_url=env.get("FACTUURSTUREN_API_URL", f"{sandbox_url}/factuursturen/api/v1").rstrip("/"),
        factuursturen_invoices_per_hour=int(env.get("FACTUURSTUREN_INVOICES_PER_HOUR") or 60),
        **_amazon(env, sandbox_url.rstrip("/")),
        **_payroll(env, sandbox_url.rstrip("/")),
        snelstart_api_url=env.get("SNELSTART_API_URL", f"{sandbox_url}/snelstart/v2").rstrip("/"),
        snelstart_auth_url=env.get("SNELSTART_AUTH_URL", f"{sandbox_url}/snelstart/auth").rstrip("/"),
        snelstart_subscription_key=env.get("SNELSTART_SUBSCRIPTION_KEY", DEV_SNELSTART_SUBSCRIPTION_KEY),
        **_limits(env),
    )


def _amazon(env: dict[str, str], sandbox_url: str) -> dict:
    """Amazon SP-API and Login with Amazon (see ``Settings``); the sandbox unless set."""
    return {"amazon_spapi_url": env.get("AMAZON_SPAPI_URL", f"{sandbox_url}/amazon/sp").rstrip("/"),
            "amazon_lwa_url": env.get("AMAZON_LWA_URL", f"{sandbox_url}/amazon/lwa").rstrip("/"),
            "amazon_consent_url": env.get("AMAZON_CONSENT_URL", f"{sandbox_url}/amazon/sellercentral").rstrip("/"),
            "amazon_app_id": env.get("AMAZON_APP_ID", "amzn1.sp.solution.koppel-dev"),
            "amazon_client_id": env.get("AMAZON_LWA_CLIENT_ID", "amzn1.application-oa2-client.koppel-dev"),
            "amazon_client_secret": env.get("AMAZON_LWA_CLIENT_SECRET", "koppel-dev-secret"),
            "amazon_app_draft": parse_bool(env.get("AMAZON_APP_DRAFT"), default=True)}


def _payroll(env: dict[str, str], sandbox_url: str) -> dict:
    """The payroll systems' URLs and the Visma.net app registration (see ``Settings``)."""
    return {
        "nmbrs_soap_url": env.get("NMBRS_SOAP_URL", f"{sandbox_url}/nmbrs/soap/v3").rstrip("/"),
        "vismanet_api_url": env.get("VISMANET_API_URL", f"{sandbox_url}/vismanet").rstrip("/"),
        "vismanet_connect_url": env.get("VISMANET_CONNECT_URL", f"{sandbox_url}/vismanet/identity").rstrip("/"),
        "vismanet_client_id": env.get("VISMANET_CLIENT_ID", "koppel-dev"),
        "vismanet_client_secret": env.get("VISMANET_CLIENT_SECRET", "koppel-dev-secret"),
    }


def _limits(env: dict[str, str]) -> dict:
    """The rate-limit, proxy, FAQ and seller settings (see ``Settings``)."""
    names = {"login_limit_account": "KOPPEL_LOGIN_LIMIT_ACCOUNT", "login_limit_ip": "KOPPEL_LOGIN_LIMIT_IP",
             "login_window_seconds": "KOPPEL_LOGIN_WINDOW_SECONDS", "signup_limit_ip": "KOPPEL_SIGNUP_LIMIT_IP",
             "signup_limit_email": "KOPPEL_SIGNUP_LIMIT_EMAIL", "signup_window_seconds": "KOPPEL_SIGNUP_WINDOW_SECONDS",
             "trusted_proxies": "KOPPEL_TRUSTED_PROXIES", "reset_link_minutes": "KOPPEL_RESET_LINK_MINUTES",
             "reset_limit_account": "KOPPEL_RESET_LIMIT_ACCOUNT"}
    values = {field: int(env[name]) for field, name in names.items() if env.get(name)}
    seller = {field: env[name].strip() for field, name in SELLER_VARIABLES.items() if env.get(name, "").strip()}
    return {**values, **seller, "faq_url": env.get("KOPPEL_FAQ_URL") or None}


settings = from_env()


def override(**changes) -> dict:
    """Change settings in place (tests and the dev launcher); returns the old values."""
    old = {name: getattr(settings, name) for name in changes}
    for name, value in changes.items():
        setattr(settings, name, value)
    return old
