"""One dedicated user per connection (manual 003): a second installation on the same administration or the
same shop is warned about, on the installation page and on the dashboard; others see nothing."""
from __future__ import annotations

import html

import sqlalchemy as sa

from tests.support.language import says
from tests.support.merchants import PASSWORD, division_of, make_merchant
from worker import db, demo, sharing
from worker.models import Tenant

SAME_BOOKS, SAME_SHOP = sharing.WARNINGS["target"], sharing.WARNINGS["source"]


def pages(app, email: str, tenant_id: int) -> tuple[str, str]:
    """The dashboard and the installation page as the merchant sees them."""
    client = app.test_client()
    client.post("/login", data={"username": email, "password": PASSWORD})
    with db.session_scope() as session:
        token = session.get(Tenant, tenant_id).install_token
    install = client.get(f"/install/{token}")
    assert install.status_code == 200
    return html.unescape(client.get("/").get_data(as_text=True)), html.unescape(install.get_data(as_text=True))


def test_a_second_installation_on_the_same_administration_is_warned_on_both_sides(sandboxes, app):
    first = make_merchant(sandboxes)
    second = make_merchant(sandboxes, connect_exact=False)
    sandboxes.exact.add_user(username="tweede@example.test", password="pw", division=division_of(first))
    demo.connect_sandbox_exact(second["tenant_id"], "tweede@example.test", "pw")
    alone = make_merchant(sandboxes)
    for merchant in (first, second):
        for page in pages(app, merchant["email"], merchant["tenant_id"]):
            assert says(page, SAME_BOOKS) and not says(page, SAME_SHOP)
    for page in pages(app, alone["email"], alone["tenant_id"]):
        assert not says(page, SAME_BOOKS) and not says(page, SAME_SHOP)


def test_a_second_installation_on_the_same_shop_is_warned(sandboxes, app):
    first = make_merchant(sandboxes)
    tenant_id = demo.create_merchant("Tweede winkel", "tweede@example.test", PASSWORD, first["shop"])
    demo.connect_sandbox_shop(tenant_id)
    dashboard, install = pages(app, "tweede@example.test", tenant_id)
    assert says(dashboard, SAME_SHOP) and says(install, SAME_SHOP) and not says(dashboard, SAME_BOOKS)
    assert says(pages(app, first["email"], first["tenant_id"])[0], SAME_SHOP)
    with db.session_scope() as session:  # a shop never connected yet warns no one
        session.execute(sa.text("UPDATE connections SET status = 'not_connected' WHERE tenant_id = :t"),
                        {"t": tenant_id})
    assert not says(pages(app, first["email"], first["tenant_id"])[0], SAME_SHOP)
