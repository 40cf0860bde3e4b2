"""Amazon (Selling Partner API, Orders API v2026-01-01) as a polled source: manual 002, sources.md §1.

One marketplace per connection (Amazon.nl or Amazon.de). Nothing is pushed: the pipeline's poll
calls ``reader(connection).orders(updated_since=...)`` every ``poll_interval``. Seller consent is
Login with Amazon through the portal's generic OAuth flow (/connect/amazon → Seller Central's consent
page → /connect/amazon/callback); a refresh token keeps working until the seller revokes it or the
yearly re-authorisation lapses (``reauthorise_by``).
"""
from __future__ import annotations

import datetime as dt
import secrets as pysecrets

from worker.config import settings as app_settings
from worker.connectors.amazon import lwa, mapping, tokens
from worker.connectors.amazon.client import AmazonOrdersClient
from worker.connectors.amazon.marketplaces import (
    CANCELLED, DEFAULT_TRANSFER, MARKETPLACES, STATUS_LABELS, with_later)
from worker.connectors.base import Setting, Source
from worker.connectors.errors import ReauthRequired, RemoteRejected
from worker.i18n import N_
from worker.selling_rates import NONE as NO_RATES


class AmazonSource(Source):
    """Amazon Seller Central (NL or DE marketplace): orders polled hourly through the SP-API."""

    key = "amazon"
    name = "Amazon"
    arrival = "poll"
    poll_interval = dt.timedelta(hours=1)
    # Manual 002: at most 30 order statuses checked a run (getOrder's budget); the rest in the next runs.
    reread_limit = 30
    # Amazon's EU marketplaces show and report every price incl. VAT (manual 002; mapping.py).
    prices_include_vat = True
    settings_schema = (
        Setting("marketplace", N_("Marketplace (NL or DE)"), choices=tuple(MARKETPLACES), default="NL", asked=True,
                help=N_("NL for Amazon.nl, DE for Amazon.de. Koppel reads the orders of this one marketplace.")),
        Setting("selling_partner_id", N_("Merchant token (selling partner id)"), asked=True, required=False,
                help=N_("Seller Central → Settings → Account info → Your merchant token.")),
        Setting("refresh_token", N_("Refresh token"), secret=True, asked=True,
                help=N_("Seller Central → Apps and services → Develop apps → Koppel → Authorize; copy the "
                        "refresh token (it starts with Atzr|).")),
        Setting("transfer_statuses", N_("Statuses that transfer an order"), default=DEFAULT_TRANSFER),
        Setting("authorised_at", N_("Authorised on"), required=False),
    )
    # Seller consent through Login with Amazon (manual 002: "via OAuth"); the marketplace is chosen next
    # to the Connect button. ``test_credentials``/``connect`` take a pasted refresh token instead
    # (self-authorisation, sources.md §1.2), for a "key" connect form should the app ever be private.
    connect_kind = "oauth"
    connected_text = N_("Connected to the %(marketplace)s marketplace.")
    connect_help = N_("Choose the marketplace, press Connect and log in to Seller Central with the account that "
                      "sells there, then confirm Koppel's access. Amazon asks you to renew this once a year; "
                      "Koppel reminds you before it runs out.")
    status_labels = STATUS_LABELS
    statuses = tuple(STATUS_LABELS)
    cancelled_statuses = CANCELLED
    to_canonical = staticmethod(mapping.to_canonical)
    identity = staticmethod(mapping.identity)

    @classmethod
    def transferable_statuses(cls, connection=None) -> tuple[str, ...]:
        """Amazon's statuses a merchant may choose (not the wait for prices, not the cancelled ones)."""
        return tuple(s for s in cls.status_labels if s not in cls.cancelled_statuses and s != "AwaitingPrices")

    @staticmethod
    def skip_reason(data) -> str | None:
        """A replacement or exchange Amazon sends for an earlier order is not a sale (manual 002: no returns)."""
        return mapping.skip_reason(data)

    @classmethod
    def transfer_statuses(cls, connection) -> set[str]:
        """The chosen statuses and every later one (an hourly poll can miss a status); never a cancelled one."""
        value = connection.settings.get("transfer_statuses") or DEFAULT_TRANSFER
        return with_later(set(value if isinstance(value, list) else value.split(",")))

    @classmethod
    def reader(cls, connection) -> AmazonOrdersClient:
        """The Orders API for this connection's marketplace, with its tokens and rate budgets."""
        from worker import db
        from worker.models import Tenant
        with db.session_scope() as session:  # the seller's country decides domestic, OSS or ICP
            tenant = session.get(Tenant, connection.tenant_id)
            seller_country = tenant.country if tenant else ""
        return AmazonOrdersClient(connection.id, MARKETPLACES[connection.settings.get("marketplace") or "NL"],
                                  extra={"_seller_country": seller_country})

    @classmethod
    def test_credentials(cls, values: dict[str, str]) -> None:
        _marketplace(values)
        lwa.refresh(values.get("refresh_token", ""))

    @classmethod
    def connect(cls, connection, values: dict[str, str]) -> None:
        marketplace = _marketplace(values)
        new = lwa.refresh(values.get("refresh_token", ""))
        connection.settings = {**connection.settings, "marketplace": marketplace,
                               "selling_partner_id": values.get("selling_partner_id", "").strip()}
        tokens.store_authorisation(connection, {**new, "refresh_token": values["refresh_token"]})

    @classmethod
    def refusal(cls, exc) -> str:
        if isinstance(exc, RemoteRejected) and exc.status == 422:
            return N_("Choose the marketplace: NL (Amazon.nl) or DE (Amazon.de).")
        if isinstance(exc, (ReauthRequired, RemoteRejected)):
            return N_("Amazon refused this refresh token. Authorise Koppel again in Seller Central and copy "
                      "the new refresh token.")
        return N_("We could not reach Amazon just now (%(error)s). Try again in a minute.")

    connect_slug = "amazon"
    oauth_code_param = "spapi_oauth_code"  # Amazon's name for the code on the redirect (sources.md §1.2)

    @classmethod
    def oauth_site(cls) -> str:
        return app_settings.amazon_consent_url

    @classmethod
    def oauth_start(cls, redirect_uri: str) -> tuple[str, str, str]:
        """Seller Central's consent URL and its ``state``; LWA uses no PKCE verifier."""
        state = pysecrets.token_urlsafe(24)
        return lwa.consent_url(state, redirect_uri, draft=app_settings.amazon_app_draft), state, ""

    @classmethod
    def oauth_finish(cls, session, connection, redirect_uri: str, code: str, verifier: str) -> None:
        """Exchange the ``spapi_oauth_code`` and keep the authorisation (tokens encrypted, its date)."""
        tokens.store_authorisation(connection, lwa.exchange_code(code, redirect_uri))

    @classmethod
    def reauthorise_by(cls, connection) -> dt.date | None:
        """A year after the seller's consent: Amazon's yearly re-authorisation (shown on the status dot before)."""
        return tokens.reauthorise_by(connection)

    @classmethod
    def to_canonical_for_books(cls, data, rates):
        """The order with the VAT Amazon leaves unstated (0.00) taken out at the merchant's rate (amounts.py)."""
        return mapping.to_canonical(data, rates)

    @classmethod
    def sales_channel(cls, connection) -> tuple[str, str]:
        """The marketplace: the debtor for orders without an e-mail address is chosen per marketplace."""
        marketplace = connection.settings.get("marketplace") or "NL"
        return f"amazon-{marketplace}", f"Amazon {marketplace}"

    @classmethod
    def vat_rules(cls, payload, rates=None) -> list[str]:
        """Which VAT rules decided this order's amounts, as sentences for More info (marked N_, %-style)."""
        return [note.text for note in mapping.to_canonical(payload, rates or NO_RATES).vat_notes]


def _marketplace(values: dict[str, str]) -> str:
    marketplace = (values.get("marketplace") or "").strip().upper()
    if marketplace not in MARKETPLACES:
        raise RemoteRejected(422, "unknown marketplace")
    return marketplace

