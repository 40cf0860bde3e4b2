"""The webcare console under /staff: its own blueprint, session, templates and roles.

Views are split by area; importing them registers their routes on ``bp``.
"""
from portal.staff import auth, contract, health, install, merchants, migrations, missing, tickets  # noqa: F401  (register the routes)
from portal.staff.blueprint import bp

__all__ = ["bp"]
