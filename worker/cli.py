"""Command line: ``demo-order`` places a demo order in the sandbox shop; ``rotate-keys`` re-encrypts secrets;
``staff-add`` makes a webcare login."""
from __future__ import annotations

import argparse
import getpass
import sys

import sqlalchemy as sa

from worker import db, demo, keyrotation
from worker.config import settings
from worker.devstack import DATA
from worker.models import Connection, User


def demo_order(email: str, kind: str) -> None:
    """Place a demo order in the sandbox shop of the merchant who logs in with ``email``."""
    with db.session_scope() as session:
        tenant_id = session.execute(sa.select(User.tenant_id).where(User.email == email)).scalar_one()
        source = session.execute(sa.select(Connection).where(
            Connection.tenant_id == tenant_id, Connection.role == "source")).scalar_one()
        shop_id = source.settings["shop_id"]
    order = demo.create_demo_order(shop_id, kind)
    print(f"Placed order {order['number']} in sandbox shop {shop_id}; watch the Report tab.")


def rotate_keys() -> None:
    """Re-encrypt every secret under the newest key, in one transaction."""
    with db.session_scope() as session:
        count = keyrotation.rotate_all(session)
    print(f"Re-encrypted {count} secrets under the first key of KOPPEL_ENCRYPTION_KEYS; "
          "the other keys can be removed now.")


def staff_add(email: str, name: str, role: str) -> None:
    """Create a staff account; the password is asked for (or read from stdin), TOTP is enrolled at first login."""
    from worker.staff import accounts

    if sys.stdin.isatty():
        password = getpass.getpass("Password (12+ characters): ")
        if getpass.getpass("Again: ") != password:
            raise SystemExit("The passwords differ.")
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        with db.session_scope() as session:
            staff = accounts.add_staff(session, email, name, role, password)
            staff_id = staff.id
    except sa.exc.IntegrityError:
        raise SystemExit(f"Not created: {email} has a staff account already.")
    except ValueError as exc:
        raise SystemExit(f"Not created: {exc}.")
    print(f"Staff account {staff_id} ({email}, {role}) created. Log in at {settings.public_url}/staff/login "
          "and enrol the authenticator app.")


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and run the command."""
    parser = argparse.ArgumentParser(prog="python -m worker.cli")
    commands = parser.add_subparsers(dest="command", required=True)
    order = commands.add_parser("demo-order", help="place a demo order in the sandbox shop")
    order.add_argument("--email", default=demo.DEMO_EMAIL, help="the merchant's login e-mail")
    order.add_argument("--kind", default="b2c", help="b2c, b2b_domestic, b2b_eu, export")
    commands.add_parser("rotate-keys", help="re-encrypt every secret under the first KOPPEL_ENCRYPTION_KEYS key")
    staff = commands.add_parser("staff-add", help="create a webcare staff account (password on stdin or asked)")
    staff.add_argument("--email", required=True)
    staff.add_argument("--name", required=True)
    staff.add_argument("--role", choices=("support", "admin"), default="support")
    args = parser.parse_args(argv)
    settings.check()
    if not settings.database_url:
        # Beside `make run`: use its embedded Postgres, and leave it running.
        import pgserver

        db.configure(pgserver.get_server(DATA / "postgres", cleanup_mode=None).get_uri())
    if args.command == "demo-order":
        demo_order(args.email, args.kind)
    elif args.command == "rotate-keys":
        rotate_keys()
    elif args.command == "staff-add":
        staff_add(args.email, args.name, args.role)


if __name__ == "__main__":
    main()
