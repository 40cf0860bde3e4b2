"""Koppel's tables, one module per area; import models from here."""
from worker.models.base import Base
from worker.models.billing import Invoice
from worker.models.connections import Connection, RateBudget, RemoteLink
from worker.models.orders import Order, Posting, WebhookDelivery
from worker.models.passwords import PasswordReset
from worker.models.polling import PollState
from worker.models.payroll import PayrollMapping, PayrollRun, PayrollTransaction
from worker.models.reconciliation import ReconciliationFinding
from worker.models.staff import AuditEntry, Migration, MigrationItem, StaffUser
from worker.models.support import AuthAttempt, OutboxEmail, RemoteCall, Ticket, TicketMessage
from worker.models.tenants import Tenant, User

__all__ = [
    "AuditEntry", "AuthAttempt", "Base", "Connection", "Invoice", "Migration", "MigrationItem", "Order",
    "OutboxEmail", "PasswordReset", "PayrollMapping", "PayrollRun", "PayrollTransaction", "PollState", "Posting", "RateBudget", "ReconciliationFinding", "RemoteCall", "RemoteLink", "StaffUser",
    "Tenant", "Ticket", "TicketMessage", "User", "WebhookDelivery",
]
