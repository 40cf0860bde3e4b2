"""Sign-up and installation: a new tenant with a trial, a login without a password yet, and its link."""
from __future__ import annotations

import dataclasses
import datetime as dt
import secrets as pysecrets

import sqlalchemy as sa
from sqlalchemy import orm

from worker import connectors, pairs, price_basis
from worker.config import settings
from worker.models import Connection, Tenant, User
from worker.models.base import utcnow
from worker.models.tenants import TRIAL_DAYS
from worker.passwords import hash_password

# The defaults a new connection starts with; the merchant changes them in the Configuration tab.
TARGET_DEFAULTS = {key: cls.defaults() for key, cls in connectors.TARGETS.items()}
SOURCE_DEFAULTS = {key: cls.defaults() for key, cls in connectors.SOURCES.items()}
DEFAULTS = {key: cls.defaults() for key, cls in connectors.REGISTRY.items()}


@dataclasses.dataclass(frozen=True)
class SignUp:
    """What a new merchant gets: the tenant, its username and the installation link (no password)."""

    tenant_id: int
    username: str
    install_url: str


def free_username(session: orm.Session, email: str, licence_key: str) -> str:
    """The e-mail address for a first installation; the licence key when it is taken already."""
    taken = session.execute(sa.select(User.id).where(User.username == email)).first()
    return licence_key if taken else email


def sign_up(session: orm.Session, *, name: str, email: str, country: str, shop_system: str,
            accounting_system: str, language: str, now: dt.datetime | None = None) -> SignUp:
    """Create the tenant (30-day trial), its login and empty connections, and queue the e-mail. Caller commits.

    ``shop_system`` → ``accounting_system`` is any pair of ``worker.pairs`` (a payroll system and a ledger too);
    each connection gets its connector's role ("source"/"target", or "payroll"/"ledger").
    """
    now = now or utcnow()
    email = email.strip().lower()
    tenant = Tenant(name=name.strip(), email=email, country=country, language=language, shop_system=shop_system,
                    accounting_system=accounting_system, terms_accepted_at=now,
                    trial_ends_at=now + dt.timedelta(days=TRIAL_DAYS))
    session.add(tenant)
    session.flush()
    username = free_username(session, email, tenant.licence_key)
    # Nobody knows this password: the merchant chooses theirs through the installation link.
    session.add(User(tenant_id=tenant.id, username=username, email=email,
                     password_hash=hash_password(pysecrets.token_urlsafe(32))))
    # The books start on the prices' basis the shop always sends (Amazon: incl. VAT), so no order stops on it.
    starting = {shop_system: DEFAULTS[shop_system],
                accounting_system: {**DEFAULTS[accounting_system],
                                    **price_basis.starting_price_mode(shop_system, accounting_system)}}
    session.add_all([Connection(tenant_id=tenant.id, role=pairs.connection_role(system), system=system,
                                settings=dict(starting[system])) for system in (shop_system, accounting_system)])
    return SignUp(tenant.id, username, f"{settings.public_url}/install/{tenant.install_token}")


def choose_password(user: User, password: str) -> None:
    """Set the password the merchant chose; ends every other session of theirs. Caller commits."""
    user.password_hash, user.password_set_at = hash_password(password), utcnow()
    user.session_token = pysecrets.token_hex(16)


def installation_missing(tenant: Tenant, connections: dict[str, Connection]) -> list[str]:
    """What still stands between this tenant and a working integration, as keys for the dashboard."""
    missing = []
    # Only a connection never made counts: one that broke after installation is no unfinished
    # installation; the status dot says what broke and offers the fix (worker.breakage, worker.reauth).
    # A payroll installation's keys: "payroll", "ledger" and "mapping" (a company mapped, which sets configured_at).
    kind = pairs.kind_of_connections(connections)
    keys = ("shop", "accounting", "configuration") if kind == pairs.ORDERS else ("payroll", "ledger", "mapping")
    for role, key in zip(pairs.ROLES[kind], keys):
        if connections.get(role) is None or connections[role].status == "not_connected":
            missing.append(key)
    if tenant.configured_at is None:
        missing.append(keys[2])
    return missing
