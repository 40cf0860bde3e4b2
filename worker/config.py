"""Every setting Koppel reads from the environment, in one place.

Nothing else in the code base reads ``os.environ``. With nothing set, development defaults
apply: sandboxes for every external system and e-mail to the outbox page. ``DATABASE_URL`` has
no default here; the launcher (``worker.devstack``) and the test suite start an embedded
Postgres and set it.
"""
from __future__ import annotations

import dataclasses
import os

DEV_SECRET = "dev-only-not-secret"
# A fixed Fernet key for development and tests only; production refuses to start with it.
DEV_ENCRYPTION_KEY = "ZGV2LW9ubHkta29wcGVsLWtleS1ub3Qtc2VjcmV0ISE="


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
    exact_base_url: str
    vies_url: str
    mollie_url: str
    mollie_api_key: str
    exact_client_id: str
    exact_client_secret: str
    http_timeout: float
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

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    def check(self) -> None:
        """Refuse to run production with development secrets."""
        if not self.is_production:
            return
        if self.secret_key == DEV_SECRET or DEV_ENCRYPTION_KEY in self.encryption_keys:
            raise RuntimeError("SECRET_KEY and KOPPEL_ENCRYPTION_KEYS must be set in production")
        if not self.database_url:
            raise RuntimeError("DATABASE_URL must be set in production")


def from_env(env: dict[str, str] | None = None) -> Settings:
    """Build the settings from an environment mapping (``os.environ`` by default)."""
    env = dict(os.environ if env is None else env)
    port = int(env.get("PORT", "8000"))
    sandbox_url = env.get("KOPPEL_SANDBOX_URL", "http://127.0.0.1:8001")
    return Settings(
        environment=env.get("KOPPEL_ENV", "development"),
        database_url=env.get("DATABASE_URL") or None,
        secret_key=env.get("SECRET_KEY", DEV_SECRET),
        encryption_keys=tuple(parse_list(env.get("KOPPEL_ENCRYPTION_KEYS")) or [DEV_ENCRYPTION_KEY]),
        public_url=env.get("KOPPEL_PUBLIC_URL", f"http://127.0.0.1:{port}").rstrip("/"),
        port=port,
        kmoshops_api_url=env.get("KMOSHOPS_API_URL", f"{sandbox_url}/kmoshops/v1").rstrip("/"),
        exact_base_url=env.get("EXACT_BASE_URL", f"{sandbox_url}/exact").rstrip("/"),
        vies_url=env.get("VIES_URL", f"{sandbox_url}/vies").rstrip("/"),
        mollie_url=env.get("MOLLIE_API_URL", f"{sandbox_url}/mollie/v2").rstrip("/"),
        mollie_api_key=env.get("MOLLIE_API_KEY", "test_koppel"),
        exact_client_id=env.get("EXACT_CLIENT_ID", "koppel-dev"),
        exact_client_secret=env.get("EXACT_CLIENT_SECRET", "koppel-dev-secret"),
        http_timeout=float(env.get("KOPPEL_HTTP_TIMEOUT", "30")),
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
    )


settings = from_env()


def override(**changes) -> dict:
    """Change settings in place (tests and the dev launcher); returns the old values."""
    old = {name: getattr(settings, name) for name in changes}
    for name, value in changes.items():
        setattr(settings, name, value)
    return old
