"""The webcare console under /staff: its own blueprint, session, templates and roles.

Views are split by area: accounts, auth, connect, contract, health, install, merchants, migrations, missing, tickets.
"""
# Importing the view modules registers their routes on ``bp``.
from portal.staff import (accounts, auth, connect, contract, health, install, merchants, migrations,  # noqa: F401
                          missing, tickets)
from portal.staff.blueprint import bp

__all__ = ["bp"]
