"""The e-mails Koppel sends merchants, in their language."""
from __future__ import annotations

from sqlalchemy import orm

from worker import mail
from worker.config import settings
from worker.i18n import gettext_for
from worker.models import Tenant


def installation(session: orm.Session, tenant: Tenant, username: str, install_url: str) -> None:
    """The sign-up e-mail: installation link (where the merchant chooses a password), username, licence key."""
    _ = gettext_for(tenant.language)
    body = "\n".join([
        _("Hello %(name)s,") % {"name": tenant.name},
        "",
        _("Thank you for trying Koppel. Your 30-day trial has started; it ends by itself."),
        _("Start the installation here:"),
        f"  {install_url}",
        _("The link first asks you to choose your password; we never send it by e-mail."),
        "",
        _("Your login details:"),
        _("  Username: %(username)s") % {"username": username},
        _("  Licence key: %(key)s") % {"key": tenant.licence_key},
        "",
        _("Please quote your licence key when you write to us."),
    ])
    mail.queue_email(session, tenant.id, mail.recipients_of(tenant),
                     _("Your Koppel installation link and login"), body, "installation")


def reconnect_needed(session: orm.Session, tenant: Tenant, system: str, lists: str = "orders") -> None:
    """A connection stopped working until the merchant logs in again: say so now, not in tomorrow's digest.

    ``lists``: what the connection carries, "orders" or (payroll) "journals", as its connector declares.
    """
    _ = gettext_for(tenant.language)
    if lists == "journals":
        what = [_("%(system)s no longer accepts our authorisation, so Koppel cannot send your payroll journals "
                  "until you log in to %(system)s again.") % {"system": system},
                _("Nothing is lost: journals Koppel could not send are listed in the Errors tab with what to do.")]
    else:
        what = [_("%(system)s no longer accepts our authorisation, so Koppel cannot transfer your orders until you "
                  "log in to %(system)s again.") % {"system": system},
                _("New orders are kept. Orders that could not be transferred wait in the Errors tab and go through "
                  "by themselves once you are connected again.")]
    body = "\n".join([
        _("Hello %(name)s,") % {"name": tenant.name},
        "",
        *what,
        "",
        _("Log in to Koppel and press Connect next to %(system)s: %(url)s") % {"system": system,
                                                                            "url": settings.public_url},
        _("Licence key: %(key)s") % {"key": tenant.licence_key},
    ])
    mail.queue_email(session, tenant.id, mail.recipients_of(tenant),
                     _("Koppel: log in to %(system)s again") % {"system": system}, body, "reauth")
