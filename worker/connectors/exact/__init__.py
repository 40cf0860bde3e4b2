"""Exact Online, as a target: sales orders, sales invoices or sales entries in one division."""
from __future__ import annotations

from decimal import Decimal

from worker.config import settings as app_settings
from worker.connectors.base import Setting, Target
from worker.connectors.exact.client import ExactClient
from worker.connectors.exact.documents import ExactDocuments
from worker.connectors.exact.mirror import ExactMirror
from worker.connectors.exact import choices, oauth, tokens
from worker.i18n import N_


class ExactOnlineTarget(Target):
    """Exact Online (NL/BE): OAuth 2.0, one division per connection."""

    key = "exact_online"
    name = "Exact Online"
    uses_oauth = True
    connect_slug = "exact"
    error_budget_prefix = "exact:errors:"
    connected_text = N_("Connected to division %(division)s.")
    price_modes = ("incl", "excl")
    text_settings = (("default_unit", N_("Default unit for new products"), "pc"),)
    document_types = (("invoice", N_("Sales invoice")), ("order", N_("Sales order")), ("entry", N_("Sales entry")))
    settings_schema = (
        Setting("division", N_("Division code")),
        Setting("document_type", "Create", choices=("invoice", "order", "entry"), default="invoice"),
        Setting("sales_journal", "Sales journal", default="70"),
        Setting("cash_journal", "Cash journal", required=False, default="10"),
        Setting("payment_condition", "Payment condition for new debtors", required=False),
        Setting("warehouse", "Warehouse for sales orders", required=False),
        Setting("price_mode", "Prices sent", choices=("incl", "excl"), default="incl"),
        Setting("default_unit", "Default unit for new products", required=False, default="pc"),
        Setting("access_token", "OAuth access token", secret=True),
        Setting("refresh_token", "OAuth refresh token", secret=True),
    )

    administration_setting = settings_schema[0]
    amount_document_types = frozenset({"entry"})
    ledger_document_types = frozenset({"entry"})  # entry lines name their revenue account
    supports_foreign_currency = True  # the document's Currency field; Exact converts with its own rates

    @classmethod
    def administration_key(cls, connection) -> str:
        """Exact division numbers are unique: two installations may book into one division."""
        return f"division:{connection.settings.get('division')}"

    @classmethod
    def vat_code_rates(cls, reference: dict) -> dict[str, Decimal]:
        """Exact states percentages as fractions (0.21); codes are padded to three characters."""
        return {row["Code"]: (Decimal(str(row.get("Percentage") or 0)) * 100).quantize(Decimal("0.01"))
                for row in reference.get("vat_codes", [])}

    @classmethod
    def general_choices(cls, reference: dict):
        return choices.general(reference)

    @classmethod
    def check_general(cls, form: dict, reference: dict | None = None) -> dict[str, str]:
        return choices.check_general(form)

    @classmethod
    def vat_code_rows(cls, reference: dict, price_mode: str | None) -> list[dict]:
        return choices.vat_codes(reference, price_mode)

    @classmethod
    def revenue_accounts(cls, reference: dict) -> list[dict]:
        return choices.revenue_accounts(reference)

    @classmethod
    def customer_row(cls, row: dict) -> dict:
        return {"value": row["ID"], "label": f"{(row.get('Code') or '').strip()} {row.get('Name') or ''}".strip()}

    @classmethod
    def is_ready(cls, connection) -> bool:
        """Ready once the division is known (learnt when the merchant connects)."""
        return bool(connection.settings.get("division"))

    @classmethod
    def oauth_site(cls) -> str:
        return app_settings.exact_base_url

    @classmethod
    def oauth_start(cls, redirect_uri: str) -> tuple[str, str, str]:
        return oauth.authorization_url(app_settings.exact_base_url, redirect_uri)

    @classmethod
    def oauth_finish(cls, session, connection, redirect_uri: str, code: str, verifier: str) -> None:
        """Store the first tokens, then learn the current division and read its reference data."""
        tokens.store_first_tokens(connection, oauth.exchange_code(app_settings.exact_base_url, redirect_uri,
                                                                  code, verifier))
        session.commit()  # the client reads the tokens through its own session
        if not connection.settings.get("division"):
            me = cls.client(connection).me()
            connection.settings = {**connection.settings, "division": str(me["CurrentDivision"])}
            session.flush()
            connection.settings = {**connection.settings, "reference": cls.reference_data(connection)}

    @staticmethod
    def client(connection) -> ExactClient:
        # current/Me needs no division, so a connection may be used before its division is known.
        division = int(connection.settings.get("division") or 0)
        return ExactClient(connection.id, division, app_settings.exact_base_url, tenant_id=connection.tenant_id)

    @classmethod
    def documents(cls, connection) -> ExactDocuments:
        return ExactDocuments(cls.client(connection), connection.settings, cls.administration_key(connection))

    mirrored = ("debtor", "item")

    @classmethod
    def mirror_reader(cls, connection) -> ExactMirror:
        """Debtors by e-mail and items by code, read with ``$select`` and deltas on ``Modified``."""
        return ExactMirror(cls.client(connection))

    @classmethod
    def reference_data(cls, connection) -> dict:
        """VAT codes, revenue ledger accounts, journals, payment conditions and warehouses of the division."""
        client = cls.client(connection)
        return {
            "vat_codes": client.get("vat/VATCodes", {"$select": "ID,Code,Description,Percentage,Type"}),
            "gl_accounts": client.get("financial/GLAccounts", {"$select": "ID,Code,Description,Type"}),
            "journals": client.get("financial/Journals", {"$select": "Code,Description,Type"}),
            "payment_conditions": client.get("cashflow/PaymentConditions", {"$select": "Code,Description"}),
            "warehouses": client.get("inventory/Warehouses", {"$select": "ID,Code,Description"}),
        }

    @classmethod
    def debtors(cls, connection, name_contains: str) -> list[dict]:
        """Debtors whose name contains ``name_contains`` (manual 003: the fixed-debtor list is filtered so)."""
        needle = name_contains.replace("'", "''")
        return cls.client(connection).get("crm/Accounts", {
            "$filter": f"substringof('{needle}', Name) eq true", "$select": "ID,Code,Name"})

    @classmethod
    def test_connection(cls, connection) -> None:
        """Raises a RemoteError when the connection does not work."""
        cls.client(connection).me()
