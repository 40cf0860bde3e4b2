"""Command line: ``demo-order`` places a demo order in the sandbox shop; ``rotate-keys`` re-encrypts secrets."""
from __future__ import annotations

import argparse

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


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and run the command."""
    parser = argparse.ArgumentParser(prog="python -m worker.cli")
    commands = parser.add_subparsers(dest="command", required=True)
    order = commands.add_parser("demo-order", help="place a demo order in the sandbox shop")
    order.add_argument("--email", default=demo.DEMO_EMAIL, help="the merchant's login e-mail")
    order.add_argument("--kind", default="b2c", help="b2c, b2b_domestic, b2b_eu, export")
    commands.add_parser("rotate-keys", help="re-encrypt every secret under the first KOPPEL_ENCRYPTION_KEYS key")
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


if __name__ == "__main__":
    main()
