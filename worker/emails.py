"""The e-mails Koppel sends merchants, in their language."""
from __future__ import annotations

from sqlalchemy import orm

from worker import mail
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
