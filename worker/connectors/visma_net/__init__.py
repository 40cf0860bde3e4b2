"""Visma.net ERP, as the ledger payroll journals go to: Visma Connect and ``/v1/journaltransaction`` (targets.md §5).

One authorisation (a Visma.net customer) serves every company the user may use; each call names
its company in ``ipp-company-id``, so a merchant maps each payroll company to one of them. What is
assumed rather than documented (the companies and dimensions endpoints, the period filter, refusal
texts other than 12027) lives in ``assumed``; the Nmbrs journal format in ``nmbrs.journal_format``.
"""
from __future__ import annotations

from worker.connectors.base import Connector, Setting
from worker.connectors.visma_net import assumed, oauth, payload, tokens
from worker.connectors.visma_net.advice import Advice, advise
from worker.connectors.visma_net.client import VismaNetClient
from worker.config import settings as app_settings
from worker.i18n import N_

__all__ = ["Advice", "VismaNetClient", "VismaNetLedger", "advise"]


class VismaNetLedger(Connector):
    """Visma.net ERP (Financials): general-ledger journal transactions, one per run and period."""

    key = "visma_net"
    name = "Visma.net"
    role = "ledger"
    dashboard_lists = "journals"
    uses_oauth = True
    connect_kind = "oauth"
    connect_slug = "vismanet"
    connect_help = oauth.BEFORE_REDIRECT
    denied_advice = oauth.LOGGED_IN_ADVICE
    settings_schema = (
        Setting("access_token", N_("OAuth access token"), secret=True),
        Setting("refresh_token", N_("OAuth refresh token"), secret=True),
    )

    @classmethod
    def oauth_site(cls) -> str:
        return app_settings.vismanet_connect_url

    @classmethod
    def oauth_start(cls, redirect_uri: str) -> tuple[str, str, str]:
        return oauth.authorization_url(redirect_uri)

    @classmethod
    def oauth_finish(cls, session, connection, redirect_uri: str, code: str, verifier: str) -> None:
        """Store the first tokens, then read the companies the authorisation may post to."""
        tokens.store_first_tokens(connection, oauth.exchange_code(redirect_uri, code, verifier))
        session.commit()  # the client reads the tokens through its own session
        connection.settings = {**connection.settings, "companies": cls.companies(connection)}

    @classmethod
    def is_ready(cls, connection) -> bool:
        return connection.status != "not_connected"

    @classmethod
    def client(cls, connection, company: str = "") -> VismaNetClient:
        """The API client for one connection and one company."""
        return VismaNetClient(connection.id, company, tenant_id=connection.tenant_id)

    @classmethod
    def companies(cls, connection) -> list[dict]:
        """The companies this authorisation may post to: id and name."""
        key, name = assumed.COMPANY_FIELDS
        return [{"id": str(c[key]), "name": c[name]} for c in cls.client(connection).get(assumed.COMPANIES_PATH)]

    @classmethod
    def reference_data(cls, connection, company: str) -> dict:
        """One company's accounts, dimensions (subaccount segments, as ``segmentId`` and ``description``) and
        financial periods."""
        client = cls.client(connection, company)
        segment, description = assumed.DIMENSION_FIELDS
        dimensions = [{"segmentId": row[segment], "description": row[description]}
                      for row in client.get(assumed.DIMENSIONS_PATH)]
        return {"accounts": client.rows("v1/account"), "dimensions": dimensions,
                "periods": client.rows("v1/financialperiod")}

    @classmethod
    def post_journal(cls, connection, company: str, journal, reference: str, description: str,
                     segments: dict[str, int]) -> str:
        """Create one period's transaction; its batch number. OutcomeUnknown when the answer was lost."""
        body = payload.journal_transaction(journal, reference, description, segments)
        return cls.client(connection, company).create_journal(body)

    @classmethod
    def find_journal(cls, connection, company: str, reference: str, financial_period: str) -> str | None:
        """The batch number of our transaction for ``financial_period`` (found by our reference), or None."""
        rows = cls.client(connection, company).rows("v1/journaltransaction", {assumed.PERIOD_FILTER: financial_period})
        found = [row["batchNumber"] for row in rows if payload.carries(row, reference, financial_period)]
        return found[0] if found else None

    @staticmethod
    def advise(exc) -> Advice:
        """A refusal's code and the merchant's advice."""
        return advise(exc)

    @classmethod
    def test_connection(cls, connection) -> None:
        """Raises a RemoteError when the authorisation does not work."""
        cls.companies(connection)
