"""Migration and installation invoices are paid like the subscription's, but are not the subscription."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tests.support.merchants import make_merchant
from worker import db, subscription
from worker.models import Invoice, Tenant
from worker.models.base import utcnow


def test_a_migration_invoice_is_neither_offered_as_the_subscription_nor_extends_it_when_paid(database):
    merchant = make_merchant()
    with db.session_scope() as session:
        tenant = session.get(Tenant, merchant["tenant_id"])
        migration = Invoice(tenant_id=tenant.id, kind="migration", number="M2026-TEST", description="x",
                            amount_excl=Decimal("67.50"), vat_rate=Decimal("21.00"), vat=Decimal("14.18"),
                            total=Decimal("81.68"), period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 1, 31))
        session.add(migration)
        session.flush()
        year = subscription.open_invoice(session, tenant)
        assert year.id != migration.id and year.kind == "subscription"
        trial_ends, paid_until = tenant.trial_ends_at, tenant.paid_until
        assert subscription.mark_paid(session, migration, utcnow()) == 0
        assert migration.status == "paid" and (tenant.trial_ends_at, tenant.paid_until) == (trial_ends, paid_until)
        subscription.mark_paid(session, year, utcnow())
        assert tenant.paid_until.date() == year.period_end
