"""SnelStart, as a target: sales bookings (verkoopboekingen) or sales orders (verkooporders) in one administration.

Connecting takes the merchant's koppelsleutel (one key is one administration, targets.md §3.1),
exchanged for an hour's bearer token; every call also carries Koppel's own subscription key
(worker.config, never shown or logged). The package decides what is possible (manual 002 §2):
bookings for InKaart, InBalans and InZicht; sales orders only for InBalans and InZicht, whose keys
carry the ``artikelen`` and ``orders:write`` scopes. We learn it by reading the revenue groups of
articles: 403 means no orders.

Payments of paid orders, when the merchant books them, are memorial bookings in the Memo journal that
settle the sales booking (payment.py); foreign (OSS) VAT is never booked as a Dutch VAT kind (oss.py).
"""
from __future__ import annotations

from decimal import Decimal

from worker import secrets
from worker.connectors.base import Setting, Target
from worker.connectors.errors import ReauthRequired, RemoteRejected
from worker.connectors.snelstart import choices, tokens
from worker.connectors.snelstart.client import SnelStartClient
from worker.connectors.snelstart.documents import SnelStartDocuments
from worker.i18n import N_
from worker.models.base import utcnow


class SnelStartTarget(Target):
    """SnelStart (NL): a koppelsleutel per administration plus Koppel's subscription key."""

    key = "snelstart"
    name = "SnelStart"
    connect_kind = "key"
    connect_help = N_("Log in to SnelStart web (web.snelstart.nl), open Koppelingen, search for Webwinkelfacturen, "
                      "pick the tile of your shop and press Genereer de sleutel. Make it in the administration "
                      "you want the sales booked in.")
    connected_text = N_("Connected to administration %(administration_name)s.")
    # Manual 002: verkoopboeking (every package; "entry", as Visma's) or verkooporder (InBalans, InZicht).
    document_types = (("entry", N_("Sales booking")), ("order", N_("Sales order")))
    amount_document_types = frozenset({"entry"})  # a booking carries the shop's amounts, excl. VAT and VAT
    ledger_document_types = frozenset({"entry"})  # its lines are booked on revenue ledgers; orders use articles
    config_sections = ("general", "statuses", "vat", "payments")
    fixed_debtor_without_email = True  # documents.relation books on ``order.debtor``
    # The sales order's verkooporderBtwIngaveModel: Exclusief by default, Inclusief on request (manual 002).
    price_modes = ("excl", "incl")
    error_budget_prefix = ""  # SnelStart blocks no key for refused calls (the error budget is Exact's, §6)
    settings_schema = (
        Setting("client_key", N_("Connection key (koppelsleutel)"), secret=True, asked=True,
                help=N_("Made in SnelStart web under Koppelingen → Webwinkelfacturen → Genereer de sleutel, for "
                        "the administration you book in. It works like a password: keep it to yourself.")),
        Setting("document_type", N_("Create"), choices=("entry", "order"), default="entry"),
        Setting("journal", N_("Journal"), required=False),
        # Payments as memorial bookings in the (Memo) journal, on this ledger (payment.py); OSS VAT's ledger (oss.py).
        Setting("book_payments", N_("Book the payment of paid orders"), required=False),
        Setting("payment_ledger", N_("Ledger the payments are received on"), required=False),
        Setting("oss_vat_ledger", N_("Ledger for foreign VAT (OSS)"), required=False),
        Setting("invoice_layout", N_("Invoice layout for sales orders"), required=False),
        Setting("price_mode", N_("VAT entry of sales orders"), choices=("excl", "incl"), default="excl"),
        Setting("access_token", N_("Access token"), secret=True, required=False),
    )

    @classmethod
    def possible_document_types(cls, reference: dict) -> tuple[tuple[str, str], ...]:
        """Sales orders only when the package has them (InBalans, InZicht)."""
        return cls.document_types if reference.get("orders_allowed", True) else cls.document_types[:1]

    @classmethod
    def document_types_note(cls, reference: dict) -> str:
        if not reference.get("orders_allowed", True):
            return N_("Your SnelStart package (InKaart) takes sales bookings only; sales orders need InBalans or "
                      "InZicht.")
        return N_("Sales orders add missing articles with codes of up to 25 letters and digits: in SnelStart, "
                  "widen the article code from its default of 10 digits to 25 letters and digits first.")

    @classmethod
    def administration_key(cls, connection) -> str:
        """One koppelsleutel is one administration: its identifier, as companyInfo states it."""
        administration = connection.settings.get("administration")
        return f"snelstart:{administration}" if administration else f"connection:{connection.id}"

    @classmethod
    def is_ready(cls, connection) -> bool:
        return connection.status != "not_connected" and bool(connection.settings.get("administration"))

    @classmethod
    def vat_code_rates(cls, reference: dict) -> dict[str, Decimal]:
        """SnelStart's VAT kinds with today's percentage from /btwtarieven."""
        return choices.rates(reference)

    @classmethod
    def vat_code_rows(cls, reference: dict, price_mode: str | None) -> list[dict]:
        return choices.vat_codes(reference)

    @classmethod
    def payment_ledger_rows(cls, reference: dict) -> tuple[tuple[str, str], ...]:
        """Balance ledgers (bank, clearing accounts) a payment method's payments may come in on."""
        return choices.balance_ledgers(reference)

    @classmethod
    def revenue_accounts(cls, reference: dict) -> list[dict]:
        return choices.revenue_accounts(reference)

    @classmethod
    def general_choices(cls, reference: dict):
        return choices.general(reference)

    @classmethod
    def check_general(cls, form: dict, reference: dict | None = None) -> dict[str, str]:
        return choices.check_general(form, reference or {})

    @classmethod
    def customer_row(cls, row: dict) -> dict:
        return {"value": row["id"], "label": f"{row.get('relatiecode') or ''} {row.get('naam') or ''}".strip()}

    @classmethod
    def debtors(cls, connection, name_contains: str) -> list[dict]:
        """Customers whose name contains ``name_contains`` (naam cannot be filtered remotely, §3.3)."""
        needle = name_contains.lower()
        return [row for row in cls.client(connection).get("relaties")
                if "Klant" in (row.get("relatiesoort") or []) and needle in (row.get("naam") or "").lower()]

    @classmethod
    def client(cls, connection) -> SnelStartClient:
        """The API client for one connection (one administration)."""
        return SnelStartClient(connection.id, tenant_id=connection.tenant_id)

    @classmethod
    def documents(cls, connection) -> SnelStartDocuments:
        """Finding and creating documents for one connection."""
        return SnelStartDocuments(cls.client(connection), connection.settings)

    @classmethod
    def test_credentials(cls, values: dict[str, str]) -> None:
        """Exchange the typed key for a token and read the administration's details with it."""
        SnelStartClient(token=tokens.exchange(values.get("client_key", ""))["access_token"]).get_one("companyInfo")

    @classmethod
    def connect(cls, connection, values: dict[str, str]) -> None:
        """Store the key and its first token, read the administration and its lists; the caller commits."""
        token = tokens.exchange(values.get("client_key", ""))
        reference = cls._read(SnelStartClient(token=token["access_token"]))
        secrets.update(connection, client_key=values["client_key"], **token)
        info = reference["administration"]
        connection.settings = {**connection.settings, "reference": reference,
                               "administration": info.get("administratieIdentifier"),
                               "administration_name": info.get("administratieNaam") or info.get("bedrijfsnaam") or ""}
        if not reference["orders_allowed"] and connection.settings.get("document_type") == "order":
            connection.settings = {**connection.settings, "document_type": "entry"}
        connection.status, connection.status_reason, connection.status_checked_at = "connected", None, utcnow()

    @classmethod
    def refusal(cls, exc) -> str:
        if isinstance(exc, ReauthRequired) or (isinstance(exc, RemoteRejected) and exc.status in (401, 403)):
            return N_("SnelStart refused this connection key. Make a new one in SnelStart web under Koppelingen "
                      "(in the administration you book in) and paste it here.")
        return N_("We could not reach SnelStart just now (%(error)s). Try again in a minute.")

    @classmethod
    def reference_data(cls, connection) -> dict:
        """Ledgers, VAT rates, journals, countries, revenue groups, order layouts and what the package allows."""
        return cls._read(cls.client(connection))

    @classmethod
    def _read(cls, client: SnelStartClient) -> dict:
        info = client.get_one("companyInfo")
        reference = {"administration": {k: info.get(k) for k in ("administratieIdentifier", "administratieNaam",
                                                                  "bedrijfsnaam", "btwNummer")},
                     "ledgers": client.get("grootboeken"), "journals": client.get("dagboeken"),
                     "vat_rates": client.get_one("btwtarieven"), "countries": client.get("landen"),
                     "orders_allowed": True}
        try:
            reference["revenue_groups"] = client.get("artikelomzetgroepen")
            reference["layouts"] = client.get("verkoopordersjablonen")
        except RemoteRejected as exc:
            if exc.status != 403:
                raise
            # InKaart: the key has no artikelen scope (nor orders:write); sales bookings only (manual 002 §2).
            reference.update(orders_allowed=False, layouts=[], revenue_groups=[])
        return reference

    @classmethod
    def test_connection(cls, connection) -> None:
        """Raises a RemoteError when the connection does not work."""
        cls.client(connection).get_one("companyInfo")
