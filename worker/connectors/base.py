"""What every connector declares: its settings schema (secrets marked) and its role."""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import ClassVar, Iterator, Protocol

from worker.connectors.pace import DEFAULT_PACE, Pace
from worker.i18n import N_


@dataclasses.dataclass(frozen=True)
class Setting:
    """One setting a connector needs; ``secret`` ones are stored encrypted and never shown back."""

    name: str
    label: str
    secret: bool = False
    required: bool = True
    choices: tuple[str, ...] = ()
    default: str | None = None
    # Asked in the connect form ("key" connectors): the label and ``help`` are marked N_ and shown
    # translated; secrets are password fields and never shown back.
    asked: bool = False
    help: str = ""

    def json_schema(self) -> dict:
        schema: dict = {"type": "string", "title": self.label}
        if self.choices:
            schema["enum"] = list(self.choices)
        if self.default is not None:
            schema["default"] = self.default
        if self.secret:
            schema["writeOnly"] = True
        return schema


@dataclasses.dataclass
class RemoteDocument:
    """A document as the target knows it: what ``Target.documents()`` finds and creates."""

    remote_id: str
    number: str | None
    status: str | None
    total: str | None = None
    # The customer's e-mail address on the document as the target read it back, where it has one: the
    # pipeline compares it with the order's (the manuals' "extra controle" on the customer).
    customer: str | None = None


@dataclasses.dataclass(frozen=True)
class Choice:
    """One drop-down of the Configuration tab's general section: a setting chosen from the administration's lists."""

    name: str
    label: str  # marked N_, translated where shown
    rows: tuple[tuple[str, str], ...]  # (value stored, text shown: through the catalogue, so ours may be N_)
    required: str | None = None  # the message when left empty (marked N_); None: may stay empty


class Connector:
    """Base of every connector class: a registry key, a display name and a settings schema."""

    key: ClassVar[str]
    name: ClassVar[str]
    role: ClassVar[str]
    settings_schema: ClassVar[tuple[Setting, ...]] = ()
    uses_oauth: ClassVar[bool] = False
    # How the merchant connects: "key" (a form of the settings marked ``asked``, tested before it is
    # saved) or "oauth" (a Connect button and a redirect, sources and targets alike; non-secret asked
    # settings with choices, such as a marketplace, are chosen next to the button).
    connect_kind: ClassVar[str] = "key"
    # Shown above the connect form: where in the other system the merchant finds what it asks (N_).
    connect_help: ClassVar[str] = ""
    # OAuth connectors: the path segment of the Connect URL and callback, /connect/<slug>[/callback],
    # and the callback's query parameter that carries the authorization code.
    connect_slug: ClassVar[str] = ""
    oauth_code_param: ClassVar[str] = "code"
    # What the merchant's dashboard lists for an integration with this system: "orders" (a shop into
    # an accounting system) or "journals" (a payroll system's runs into a general ledger).
    dashboard_lists: ClassVar[str] = "orders"

    @classmethod
    def secret_names(cls) -> set[str]:
        return {s.name for s in cls.settings_schema if s.secret}

    @classmethod
    def defaults(cls) -> dict:
        """The settings a new connection starts with: every declared default that is not a secret."""
        return {s.name: s.default for s in cls.settings_schema if s.default is not None and not s.secret}

    @classmethod
    def connect_fields(cls) -> tuple[Setting, ...]:
        """The settings the connect form asks for, in order."""
        return tuple(s for s in cls.settings_schema if s.asked)

    @classmethod
    def test_credentials(cls, values: dict[str, str]) -> None:
        """Raise a RemoteError when the other system refuses ``values`` (the connect form's fields)."""
        raise NotImplementedError

    @classmethod
    def connect(cls, connection, values: dict[str, str]) -> None:
        """Store ``values`` on the connection (secrets encrypted) and do what connecting needs remotely
        (subscribe a webhook, read the administration); mark it connected. Caller commits; RemoteError on failure."""
        raise NotImplementedError

    @classmethod
    def refusal(cls, exc) -> str:
        """The merchant's sentence for a failed connect or test (marked N_, may use ``%(error)s``)."""
        return N_("%(system)s refused these details: %(error)s")

    @classmethod
    def reauthorise_by(cls, connection) -> dt.date | None:
        """The day the other system stops accepting this connection unless the merchant authorises
        again (Amazon: a year after consent); None when there is no such day."""
        return None

    @classmethod
    def reauthorisation_due(cls, connection, today: dt.date | None = None, days: int = 30) -> bool:
        """Whether that day is at most ``days`` away (or past): the status dot asks to connect again."""
        by = cls.reauthorise_by(connection)
        return by is not None and by - (today or dt.date.today()) <= dt.timedelta(days=days)

    @classmethod
    def oauth_site(cls) -> str:
        """The URL of the site the merchant logs in on (its origin is allowed as a form target)."""
        raise NotImplementedError

    @classmethod
    def oauth_start(cls, redirect_uri: str) -> tuple[str, str, str]:
        """The authorization URL with its ``state`` and PKCE verifier to keep in the session."""
        raise NotImplementedError

    @classmethod
    def oauth_finish(cls, session, connection, redirect_uri: str, code: str, verifier: str) -> None:
        """Exchange ``code``, store the tokens encrypted, learn the administration and its reference data."""
        raise NotImplementedError

    @classmethod
    def json_schema(cls) -> dict:
        """The settings schema as JSON Schema, for forms and the contract tests."""
        return {
            "type": "object",
            "properties": {s.name: s.json_schema() for s in cls.settings_schema},
            "required": [s.name for s in cls.settings_schema if s.required],
        }


class OrderReader(Protocol):
    """What a source's ``reader`` returns: the shop's orders, read with the connection's credentials."""

    def order(self, shop_order_id: str) -> dict:
        """One order as the shop has it now (raw, as ``to_canonical`` reads it)."""

    def orders(self, updated_since: dt.datetime | None = None) -> Iterator[dict]:
        """Every order changed since ``updated_since`` (all when None), paged to the end."""


class Source(Connector):
    """A system orders come from (a webshop or marketplace)."""

    role = "source"
    # How orders arrive: "webhook" (the shop pushes; a catch-up poll every ``poll_interval`` finds
    # what a lost delivery missed) or "poll" (we fetch every ``poll_interval``; nothing is pushed).
    arrival: ClassVar[str] = "webhook"
    poll_interval: ClassVar[dt.timedelta] = dt.timedelta(hours=1)
    # Polled sources whose ``poll_interval`` is a day or more: the local (Europe/Amsterdam) hours the
    # runs are spread over, each connection at its own time in them (worker.pipeline.polling).
    poll_hours: ClassVar[tuple[int, int]] = (1, 6)
    # Polled sources: at most this many Open orders are read again per run (the API's budget allows no
    # more); the longest unchecked go first, the rest in the next runs.
    reread_limit: ClassVar[int] = 500
    # Development: its sandbox can place an order that arrives like a real one (the dashboard's demo button).
    demo_orders: ClassVar[bool] = False
    # Webhook sources: the topics that carry an order (others are stored and ignored).
    order_topics: ClassVar[frozenset[str]] = frozenset()
    # Whether every order of this source has prices incl. VAT (True: a marketplace that always shows gross
    # prices), excl. VAT (False), or None when the shop or each order decides (canonical prices_include_vat).
    # A target with a price basis to choose (``Target.price_modes``) starts on this one.
    prices_include_vat: ClassVar[bool | None] = None

    @classmethod
    def reader(cls, connection) -> OrderReader:
        """A client reading this connection's orders (credentials read from its encrypted secrets)."""
        raise NotImplementedError

    @classmethod
    def to_canonical(cls, data) -> object:
        """The canonical order (worker.canonical) of one raw order; raises Unreadable when it cannot."""
        raise NotImplementedError

    @classmethod
    def to_canonical_for_books(cls, data, rates) -> object:
        """The canonical order as it is booked. A source whose prices may come without their VAT (a gross
        price with 0.00 tax) takes the VAT out at ``rates.of(country)``, the merchant's selling rate from
        their VAT settings (worker.selling_rates), and says which rule decided in ``vat_notes``."""
        return cls.to_canonical(data)

    @classmethod
    def sales_channel(cls, connection) -> tuple[str, str]:
        """The key and name of what this connection sells through (a marketplace), for settings kept per
        channel, such as the debtor of orders without an e-mail address."""
        return cls.key, cls.name

    @classmethod
    def transfer_statuses(cls, connection) -> set[str]:
        """The statuses the merchant chose; cancelled ones never count."""
        raise NotImplementedError

    @classmethod
    def webhook_url(cls, connection) -> str:
        """Webhook sources: where the shop delivers this connection's orders (the token is the address)."""
        from worker.config import settings
        return f"{settings.public_url}/webhooks/{connection.system}/{connection.webhook_token}"

    @classmethod
    def verify_delivery(cls, connection, headers, body: bytes) -> bool:
        """Webhook sources: whether ``body`` is signed by the shop with this connection's secret."""
        raise NotImplementedError

    @classmethod
    def delivery_key(cls, headers, body: bytes) -> tuple[str | None, str]:
        """Webhook sources: the delivery's id (the same on every retry; None: derive one) and its topic."""
        raise NotImplementedError
    # The shop's statuses in its own order, with the label it shows (marked for translation).
    status_labels: ClassVar[dict[str, str]] = {}
    # Statuses that end an order without a sale: never transferred, and an order reaching one
    # before it was transferred is skipped.
    cancelled_statuses: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def status_labels_for(cls, connection) -> dict[str, str]:
        """This connection's statuses with their labels: the declared ``status_labels`` unless the shop
        has statuses of its own (read from it when connecting; labels then are the shop's own words)."""
        return cls.status_labels

    @classmethod
    def transferable_statuses(cls, connection=None) -> tuple[str, ...]:
        """The statuses a merchant may choose to transfer on (of ``connection`` when given)."""
        labels = cls.status_labels if connection is None else cls.status_labels_for(connection)
        return tuple(s for s in labels if s not in cls.cancelled_statuses)

    @staticmethod
    def skip_reason(data) -> str | None:
        """Why an order is never transferred whatever its status (a credit order, a refund), as a
        sentence marked N_; None when it is a sale. Such an order is skipped with this reason."""
        return None

    @staticmethod
    def identity(data) -> dict | None:
        """``shop_order_id``, ``number`` and ``shop_status`` of an order too broken to map, or None."""
        return None


class Target(Connector):
    """An accounting system documents go to."""

    role = "target"
    # The document types this target can create, as (key, label) pairs.
    document_types: ClassVar[tuple[tuple[str, str], ...]] = ()
    # Whether a document can carry another currency than the euro (the merchant's contract decides
    # whether it may; exchange rates are the target's own, never ours).
    supports_foreign_currency: ClassVar[bool] = False
    # Document types that carry the shop's amounts (excl. VAT and VAT per line) instead of unit
    # prices, so the target recomputes nothing and the price basis does not matter.
    amount_document_types: ClassVar[frozenset[str]] = frozenset()
    # Document types whose lines are booked straight on a revenue account, so the contract option
    # "no revenue account on lines" cannot apply to them (it leaves the ledger to the item).
    ledger_document_types: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def possible_document_types(cls, reference: dict) -> tuple[tuple[str, str], ...]:
        """The document types this administration can take (its package may rule some out)."""
        return cls.document_types

    @classmethod
    def document_types_note(cls, reference: dict) -> str:
        """Shown under the document type: why some are missing or what one needs (marked N_), or ""."""
        return ""

    @classmethod
    def administration_key(cls, connection) -> str:
        """What identifies the administration written to: two connections with the same key share books."""
        return f"connection:{connection.id}"

    @classmethod
    def vat_code_rates(cls, reference: dict) -> dict[str, Decimal]:
        """Each VAT code of the administration with its percentage (21 for 21 %), from the reference data."""
        raise NotImplementedError

    connect_kind: ClassVar[str] = "oauth"
    # The rate-limit windows whose exhaustion pauses sending (shown on the dashboard) start with this.
    error_budget_prefix: ClassVar[str] = ""
    # Shown next to the Connect button once connected, filled from the connection's settings.
    connected_text: ClassVar[str] = N_("Connected.")
    # The Configuration tab's sections this target needs, in order.
    config_sections: ClassVar[tuple[str, ...]] = ("general", "statuses", "vat", "payments")

    # Whether ``documents().create`` books an order on ``order.debtor`` when the pipeline set one (the
    # debtor for orders without an e-mail address, chosen per sales channel in Configuration).
    fixed_debtor_without_email: ClassVar[bool] = False
    # Prices the merchant may choose to send ("incl", "excl"); empty: the target's own settings decide.
    price_modes: ClassVar[tuple[str, ...]] = ()
    # A setting naming the administration that the merchant may change by hand (None: the login decides).
    administration_setting: ClassVar[Setting | None] = None

    @classmethod
    def administration_field(cls) -> str | None:
        """The settings key holding the administration's own id (staff search by it); None when none is kept."""
        return cls.administration_setting.name if cls.administration_setting else None
    # Settings typed as text in the general section, as (name, label, default); labels marked N_.
    text_settings: ClassVar[tuple[tuple[str, str, str], ...]] = ()

    @classmethod
    def general_choices(cls, reference: dict) -> tuple[Choice, ...]:
        """The general section's drop-downs, filled from the reference data."""
        return ()

    @classmethod
    def check_general(cls, form: dict, reference: dict | None = None) -> dict[str, str]:
        """Rules between general settings, read with the administration's lists (errors by field, marked N_)."""
        return {}

    @classmethod
    def payment_ledger_rows(cls, reference: dict) -> tuple[tuple[str, str], ...]:
        """Ledgers a payment method's payments may be booked on, as (value, text); empty: no payments booked."""
        return ()

    @classmethod
    def vat_code_rows(cls, reference: dict, price_mode: str | None) -> list[dict]:
        """The VAT codes to offer (``value`` stored, ``label`` shown); all of them when ``price_mode`` is None."""
        raise NotImplementedError

    @classmethod
    def revenue_accounts(cls, reference: dict) -> list[dict]:
        """The revenue accounts to offer in the VAT table (``value`` stored, ``label`` shown)."""
        raise NotImplementedError

    @classmethod
    def customer_row(cls, row: dict) -> dict:
        """A customer found by ``debtors`` as the fixed-debtor drop-down shows it (``value``, ``label``)."""
        raise NotImplementedError

    @classmethod
    def is_ready(cls, connection) -> bool:
        """Whether documents can be sent: connected once and knowing its administration."""
        return connection.status != "not_connected"

    @classmethod
    def finds_customers(cls) -> bool:
        """Whether the target can list customers by name (for fixed debtors per payment method)."""
        return cls.debtors is not Target.debtors

    @classmethod
    def debtors(cls, connection, name_contains: str) -> list[dict]:
        """Customers whose name contains ``name_contains``."""
        raise NotImplementedError

    @classmethod
    def documents(cls, connection):
        """Finding and creating documents in the connection's administration."""
        raise NotImplementedError

    # How a staff migration may back-fill this target (worker/connectors/pace.py).
    migration_pace: ClassVar[Pace] = DEFAULT_PACE

    # The administration's lists Koppel keeps a copy of (worker.mirror), e.g. ("debtor", "item"):
    # filled when it is connected, refreshed by a delta sync, so orders find them without a lookup call.
    mirrored: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def mirror_reader(cls, connection):
        """Targets with ``mirrored`` kinds: a ``worker.mirror.Reader`` of the connection's administration."""
        raise NotImplementedError

    @classmethod
    def document_budget(cls):
        """The rate window (worker.ratelimit.Window) that paces how many documents it may create, if any."""
        return None

    @classmethod
    def document_url(cls, connection, posting) -> str | None:
        """The address of a posted document in the target's own web app, where it has a stable one."""
        return None

    @classmethod
    def reference_data(cls, connection) -> dict:
        """The administration's lists the Configuration tab chooses from (VAT codes first of all)."""
        raise NotImplementedError

    @classmethod
    def test_connection(cls, connection) -> None:
        """Raises a RemoteError when the connection does not work."""
        raise NotImplementedError
