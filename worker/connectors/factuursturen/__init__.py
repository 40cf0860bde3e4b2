"""Factuursturen, as a target: paid invoices in one Factuursturen account (manual 001, targets.md §4)."""
from __future__ import annotations

from decimal import Decimal

from worker import secrets
from worker.connectors.base import Choice, Setting, Target
from worker.connectors.errors import ReauthRequired, RemoteRejected
from worker.connectors.factuursturen import limits, values
from worker.connectors.factuursturen.client import Credentials, FactuursturenClient
from worker.connectors.factuursturen.documents import FactuursturenDocuments
from worker.connectors.pace import Pace
from worker.i18n import N_
from worker.models.base import utcnow

# When the account has no categories, the VAT table still needs a revenue account to save.
NO_CATEGORY = {"value": "none", "label": "—"}


class FactuursturenTarget(Target):
    """Factuursturen.nl: a user name and API key (Basic auth); invoices created and marked paid."""

    key = "factuursturen"
    name = "Factuursturen"
    connect_kind = "key"
    connect_help = N_("Koppel needs your Factuursturen user name and an API key. Make the key in Factuursturen "
                      "under Instellingen > Verbindingen: press the button to create an API key, set it to Actief "
                      "and give it a description (for example Koppel), so you know later what it is for.")
    connected_text = N_("Connected as %(username)s.")
    # Manual 001 §7: invoices with status paid; no drafts (a saved invoice cannot be read or paid by API).
    document_types = (("invoice", N_("Invoice (paid)")),)
    # Factuursturen prices each invoice in its client's basis (incl. or excl. VAT) and sums per rate; we send
    # the shop's own amounts in that basis, so the generic incl./excl. pre-check does not apply.
    amount_document_types = frozenset({"invoice"})
    # Manual 001 §5: the VAT rates mapped to Factuursturen's rates and its revenue categories; debtors are
    # matched on e-mail (no fixed debtor per payment method).
    config_sections = ("general", "statuses", "vat")
    # 60 invoices an hour, one call each, a fifth kept for new orders; at most 360 per migration (manual 001).
    migration_pace = Pace(1, 0.2, max_orders=360)
    # Factuursturen has no error budget; its hourly limit is a rate budget (shown as a backlog, not a pause).
    error_budget_prefix = "factuursturen:errors:"
    settings_schema = (
        Setting("document_type", N_("Create"), choices=("invoice",), default="invoice"),
        Setting("username", N_("Factuursturen user name"), asked=True,
                help=N_("The user name you log in to Factuursturen with.")),
        Setting("api_key", N_("Factuursturen API key"), secret=True, asked=True,
                help=N_("Made in Factuursturen under Instellingen > Verbindingen; the key must be set to Actief.")),
        Setting("profile", N_("Invoice layout"), required=False),
    )

    @staticmethod
    def _client(username: str, api_key: str, connection=None, marks_refusal: bool = False) -> FactuursturenClient:
        return FactuursturenClient(Credentials(username.strip(), api_key.strip()),
                                   connection_id=getattr(connection, "id", None),
                                   tenant_id=getattr(connection, "tenant_id", None), marks_refusal=marks_refusal)

    @classmethod
    def client(cls, connection) -> FactuursturenClient:
        """The API client for one connected connection (credentials read from its encrypted secrets)."""
        return cls._client(connection.settings.get("username", ""), secrets.read(connection).get("api_key", ""),
                           connection, marks_refusal=True)

    @classmethod
    def document_budget(cls):
        """60 invoices an hour (manual 001): orders beyond it wait, and the dashboard says until when."""
        return limits.invoices()

    @classmethod
    def test_credentials(cls, values_: dict[str, str]) -> None:
        """One cheap call with the form's user name and key (the VAT rates)."""
        cls._client(values_.get("username", ""), values_.get("api_key", "")).get("taxes")

    @classmethod
    def connect(cls, connection, values_: dict[str, str]) -> None:
        """Test the details, store them (the key encrypted), read the account's lists, mark it connected."""
        username, api_key = values_.get("username", "").strip(), values_.get("api_key", "").strip()
        reference = cls._read_reference(cls._client(username, api_key, connection))
        connection.settings = {**connection.settings, "username": username, "reference": reference}
        secrets.update(connection, api_key=api_key)
        connection.status, connection.status_reason, connection.status_checked_at = "connected", None, utcnow()

    @classmethod
    def refusal(cls, exc) -> str:
        """Wrong user name or key, or Factuursturen out of reach."""
        if isinstance(exc, ReauthRequired) or (isinstance(exc, RemoteRejected) and exc.status in (401, 403)):
            return N_("Factuursturen refused this user name and API key. Check both, and that the key is set to "
                      "Actief under Instellingen > Verbindingen.")
        return N_("We could not reach Factuursturen just now (%(error)s). Try again in a minute.")

    @classmethod
    def administration_key(cls, connection) -> str:
        """One Factuursturen account is one set of books, whichever connection writes to it."""
        username = (connection.settings.get("username") or "").strip().lower()
        return f"factuursturen:{username}" if username else f"connection:{connection.id}"

    @classmethod
    def is_ready(cls, connection) -> bool:
        return connection.status != "not_connected" and bool(connection.settings.get("username"))

    @classmethod
    def test_connection(cls, connection) -> None:
        """Raises a RemoteError when the connection does not work."""
        cls.client(connection).get("taxes")

    @classmethod
    def reference_data(cls, connection) -> dict:
        """The account's VAT rates, revenue categories and invoice layouts."""
        return cls._read_reference(cls.client(connection))

    @staticmethod
    def _read_reference(client: FactuursturenClient) -> dict:
        return {"taxes": client.get("taxes") or [], "categories": client.get("categories") or [],
                "profiles": client.get("profiles") or []}

    @classmethod
    def documents(cls, connection) -> FactuursturenDocuments:
        """Finding and creating invoices for one connection."""
        return FactuursturenDocuments(cls.client(connection), connection.settings)

    @classmethod
    def vat_code_rates(cls, reference: dict) -> dict[str, Decimal]:
        """Factuursturen's VAT "codes" are its rates themselves (``tax_rate`` on a line is a percentage)."""
        rates = {}
        for row in reference.get("taxes", []):
            code = values.percentage(row.get("percentage"))
            if code:
                rates[code] = Decimal(code).quantize(Decimal("0.01"))
        return rates

    @classmethod
    def vat_code_rows(cls, reference: dict, price_mode: str | None) -> list[dict]:
        """Every rate of the account, once, labelled with its percentage and kind."""
        rows: dict[str, str] = {}
        for row in reference.get("taxes", []):
            code = values.percentage(row.get("percentage"))
            if code and code not in rows:
                kind = str(row.get("type") or "").strip()
                rows[code] = f"{code} %" + (f" ({kind})" if kind else "")
        return [{"value": code, "label": label} for code, label in rows.items()]

    @classmethod
    def revenue_accounts(cls, reference: dict) -> list[dict]:
        """The account's categories (each with its ledger number), stored by id."""
        rows = [{"value": str(row["id"]), "label": f"{row.get('ledger') or ''} {row.get('name') or ''}".strip()}
                for row in reference.get("categories", []) if row.get("id") not in (None, "")]
        return rows or [NO_CATEGORY]

    @classmethod
    def general_choices(cls, reference: dict) -> tuple[Choice, ...]:
        """The invoice layout (profile); Factuursturen's default one when left empty."""
        return (Choice("profile", N_("Invoice layout"),
                       tuple((str(row["id"]), str(row.get("name") or row["id"])) for row in reference.get("profiles", [])
                             if row.get("id") not in (None, ""))),)
