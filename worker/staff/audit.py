"""The audit log: every staff view of a merchant's data and every staff action, shown to the merchant too."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import orm

from worker.i18n import N_
from worker.models import AuditEntry, StaffUser

# What the merchant reads in Profile for each action ("webcare looked at your integration" lines).
MERCHANT_LINES = {
    "view_merchant": N_("Webcare looked at your integration."),
    "view_orders": N_("Webcare looked at your orders."),
    "view_order": N_("Webcare looked at one of your orders."),
    "view_ticket": N_("Webcare read your ticket."),
    "reply_ticket": N_("Webcare answered your ticket."),
    "ticket_state": N_("Webcare changed the state of your ticket."),
    "contract_settings": N_("Webcare changed your contract settings."),
    "stop": N_("Webcare stopped your integration as of today."),
    "resume": N_("Webcare resumed your integration."),
    "extend_trial": N_("Webcare extended your trial."),
    "retire_licence_key": N_("Webcare removed an old licence key."),
    "missing_order_search": N_("Webcare searched your shop for a missing order."),
    "fetch_order": N_("Webcare fetched an order from your shop."),
    "migration_quote": N_("Webcare counted your past orders for a migration."),
    "migration_start": N_("Webcare started the migration of your past orders."),
    "migration_pause": N_("Webcare paused the migration of your past orders."),
    "migration_resume": N_("Webcare resumed the migration of your past orders."),
    "view_migration": N_("Webcare looked at the migration of your past orders."),
    "install_consent": N_("Webcare recorded your request to install Koppel for you."),
    "install_shop": N_("Webcare connected your webshop for you."),  # entries from before the generic key form
    "send_connect_link": N_("Webcare e-mailed you a link to connect one of your systems."),
    "connect_on_behalf": N_("Webcare connected one of your systems for you."),
}


def record(session: orm.Session, staff: StaffUser, tenant_id: int | None, action: str, **detail) -> AuditEntry:
    """Write one audit entry in the caller's transaction (it commits with the action it describes)."""
    if action not in MERCHANT_LINES and tenant_id is not None:
        raise ValueError(f"unknown audited action {action!r}")
    entry = AuditEntry(staff_id=staff.id, staff_name=staff.name, tenant_id=tenant_id, action=action, detail=detail)
    session.add(entry)
    return entry


def for_tenant(session: orm.Session, tenant_id: int, limit: int = 50) -> list[AuditEntry]:
    """The newest entries about one tenant."""
    return list(session.execute(sa.select(AuditEntry).where(AuditEntry.tenant_id == tenant_id)
                                .order_by(AuditEntry.id.desc()).limit(limit)).scalars())


def recent(session: orm.Session, limit: int = 100) -> list[AuditEntry]:
    """The newest entries of all staff, for admins."""
    return list(session.execute(sa.select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).scalars())


def merchant_line(entry: AuditEntry) -> str:
    """The untranslated sentence the merchant sees for ``entry`` (translate where it is shown)."""
    return MERCHANT_LINES.get(entry.action, MERCHANT_LINES["view_merchant"])
