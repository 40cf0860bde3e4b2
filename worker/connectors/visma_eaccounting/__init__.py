"""Visma eAccounting, as a target: invoice drafts, sales orders or sales bookings in one company."""
from __future__ import annotations

from decimal import Decimal

from worker.config import settings as app_settings
from worker.connectors.base import Setting, Target
from worker.connectors.visma_eaccounting.client import VismaClient
from worker.connectors.visma_eaccounting.documents import VismaDocuments
from worker.connectors.visma_eaccounting.mirror import VismaMirror
from worker.connectors.visma_eaccounting import choices, oauth, tokens
from worker.i18n import N_


class VismaEAccountingTarget(Target):
    """Visma eAccounting (NL): OAuth 2.0 code flow, one company per connection."""

    key = "visma_eaccounting"
    name = "Visma eAccounting"
    uses_oauth = True
    # Manual 000: factuur (a draft), bestelling, verkoopboeking.
    document_types = (("invoice", N_("Invoice (draft)")), ("order", N_("Sales order")), ("entry", N_("Sales booking")))
    finds_by_reference = True
    connect_slug = "visma"
    error_budget_prefix = "visma:errors:"  # client.ERRORS
    config_sections = ("general", "statuses", "vat", "payments")
    amount_document_types = frozenset({"entry"})
    ledger_document_types = frozenset({"entry"})  # entry lines name their revenue account
    settings_schema = (
        Setting("document_type", N_("Create"), choices=("invoice", "order", "entry"), default="invoice"),
        Setting("debtor_account", N_("Account for debtors"), choices=("1200", "1300", "1600"), default="1300"),
        Setting("terms_of_payment", N_("Terms of payment for new customers"), required=False),
        Setting("default_unit", N_("Default unit for new articles"), required=False),
        Setting("access_token", N_("OAuth access token"), secret=True),
        Setting("refresh_token", N_("OAuth refresh token"), secret=True),
    )

    @classmethod
    def administration_field(cls) -> str:
        """The company's id number as Visma states it (companysettings ``CorporateIdentityNumber``), kept at connect."""
        return "company_id"

    @classmethod
    def administration_key(cls, connection) -> str:
        """One company may be connected twice (two shops, one company): they share books, like Exact's divisions."""
        company = connection.settings.get("company_id")
        return f"company:{company}" if company else super().administration_key(connection)

    @classmethod
    def vat_code_rates(cls, reference: dict) -> dict[str, Decimal]:
        """Visma states rates as fractions (0.21) in ``VatRate``; codes are stored by their id."""
        return {row["Id"]: (Decimal(str(row.get("VatRate") or 0)) * 100).quantize(Decimal("0.01"))
                for row in reference.get("vat_codes", [])}

    @classmethod
    def general_choices(cls, reference: dict):
        return choices.general(reference)

    @classmethod
    def vat_code_rows(cls, reference: dict, price_mode: str | None) -> list[dict]:
        return choices.vat_codes(reference)

    @classmethod
    def revenue_accounts(cls, reference: dict) -> list[dict]:
        return choices.revenue_accounts(reference)

    @classmethod
    def customer_row(cls, row: dict) -> dict:
        return {"value": row["Id"], "label": f"{row.get('CustomerNumber') or ''} {row.get('Name') or ''}".strip()}

    @classmethod
    def oauth_site(cls) -> str:
        return app_settings.visma_identity_url

    @classmethod
    def oauth_start(cls, redirect_uri: str) -> tuple[str, str, str]:
        return oauth.authorization_url(app_settings.visma_identity_url, redirect_uri)

    @classmethod
    def oauth_finish(cls, session, connection, redirect_uri: str, code: str, verifier: str) -> None:
        """Store the first tokens (one token is one company), then read the company's reference data."""
        tokens.store_first_tokens(connection, oauth.exchange_code(app_settings.visma_identity_url, redirect_uri,
                                                                  code, verifier))
        session.commit()  # the client reads the tokens through its own session
        company = cls.client(connection).get_one("companysettings")
        connection.settings = {**connection.settings, "reference": cls.reference_data(connection),
                               "company_id": company.get("CorporateIdentityNumber") or None}

    @staticmethod
    def client(connection) -> VismaClient:
        """The API client for one connection (one company)."""
        return VismaClient(connection.id, app_settings.visma_api_url, app_settings.visma_identity_url,
                           tenant_id=connection.tenant_id)

    @classmethod
    def documents(cls, connection) -> VismaDocuments:
        """Finding and creating documents for one connection."""
        return VismaDocuments(cls.client(connection), connection.settings, cls.administration_key(connection))

    mirrored = ("debtor", "item")

    @classmethod
    def mirror_reader(cls, connection) -> VismaMirror:
        """Customers by e-mail and articles by number, read with ``$select`` and deltas on ``ChangedUtc``."""
        return VismaMirror(cls.client(connection))

    @classmethod
    def reference_data(cls, connection) -> dict:
        """VAT codes with their rates, accounts, article codings, terms of payment, units and settings of the company.

        Orders take the codings, units, VAT accounts and company settings from here rather than reading
        them per order; they are read again whenever the reference data is (Configuration, reconnecting).
        """
        client = cls.client(connection)
        return {
            "company": client.get_one("companysettings"),
            "vat_codes": client.get("vatcodes"),
            "gl_accounts": client.get("accounts"),
            "codings": client.get("articleaccountcodings"),
            "terms_of_payment": client.get("termsofpayments"),
            "units": client.get("units"),
        }

    @classmethod
    def debtors(cls, connection, name_contains: str) -> list[dict]:
        """Customers whose name contains ``name_contains`` (for fixed debtors per payment method)."""
        needle = name_contains.lower()
        return [row for row in cls.client(connection).get("customers") if needle in (row.get("Name") or "").lower()]

    @classmethod
    def test_connection(cls, connection) -> None:
        """Raises a RemoteError when the connection does not work."""
        cls.client(connection).get_one("companysettings")
