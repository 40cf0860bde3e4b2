"""Nmbrs, as a payroll source: companies, runs and their journals through SOAP API v3 (sources.md §4).

Journals are read per run (``Journals_GetByRunCompany_v2``, or split per cost centre and cost unit
when the merchant switched dimensions on); the journal string's format is an assumption kept in
``journal_format``. New runs are found by polling (Nmbrs pushes nothing).
"""
from __future__ import annotations

import datetime as dt

from worker import secrets
from worker.config import settings as app_settings
from worker.connectors.base import Connector, Setting
from worker.connectors.nmbrs.client import NmbrsClient, Run
from worker.i18n import N_

__all__ = ["NmbrsPayroll", "NmbrsClient", "Run"]


class NmbrsPayroll(Connector):
    """Nmbrs (NL): SOAP API v3 with a user name and API token; payroll journals per run."""

    key = "nmbrs"
    name = "Nmbrs"
    role = "payroll_source"
    dashboard_lists = "journals"
    connect_kind = "key"
    arrival = "poll"
    poll_interval = dt.timedelta(days=1)
    connect_help = N_("In Nmbrs, open your user profile and choose Activate API account: it shows the API "
                      "token. The domain is the first part of your Nmbrs address (informer for informer.nmbrs.nl).")
    settings_schema = (
        Setting("username", N_("Nmbrs user name (e-mail address)"), asked=True,
                help=N_("The user the API token belongs to.")),
        Setting("token", N_("API token"), secret=True, asked=True,
                help=N_("User profile, Activate API account.")),
        Setting("domain", N_("Domain"), required=False, asked=True,
                help=N_("Optional: only needed when your user works in more than one Nmbrs environment.")),
    )

    @classmethod
    def client_for(cls, values: dict[str, str]) -> NmbrsClient:
        """A client for the connect form's values."""
        return NmbrsClient(values.get("username", ""), values.get("token", ""), values.get("domain", ""),
                           app_settings.nmbrs_soap_url)

    @classmethod
    def client(cls, connection) -> NmbrsClient:
        """A client for a stored connection (the token read from its encrypted secrets)."""
        return cls.client_for({**connection.settings, **secrets.read(connection)})

    @classmethod
    def test_credentials(cls, values: dict[str, str]) -> None:
        """Nmbrs lists the user's companies, or refuses with a Fault (1001 for a wrong token)."""
        cls.client_for(values).companies()

    @classmethod
    def connect(cls, connection, values: dict[str, str]) -> None:
        """Store the user name and domain, the token encrypted, and mark the connection connected."""
        companies = cls.client_for(values).companies()
        connection.settings = {**connection.settings, "username": values["username"],
                               "domain": values.get("domain") or "", "companies": companies}
        secrets.update(connection, token=values["token"])
        connection.status, connection.status_reason = "connected", None

    @classmethod
    def refusal(cls, exc) -> str:
        """Wrong details in plain words (with Nmbrs' code for webcare); other refusals with Nmbrs' own text."""
        if isinstance(getattr(exc, "body", None), dict) and exc.body.get("code") == 1001:
            return N_("Nmbrs did not accept this user name and API token (Nmbrs error 1001). Check both in your "
                      "Nmbrs user profile under Activate API account, and the domain if you filled it in.")
        return N_("Nmbrs refused these details: %(error)s. Check the user name and API token in your Nmbrs "
                  "user profile.")
