"""After login, ``next`` leads only to a path the portal routes; anything else goes to the dashboard."""
from __future__ import annotations

import pytest

from tests.support.merchants import make_merchant

LOGIN_NEXT = [
    "/%09/evil.example",  # the browser drops the tab: //evil.example
    "//evil.example",
    "/\\evil.example",
    "https://evil.example/",
    "/%0d%0aSet-Cookie:%20x=1",  # a control character used to answer 500
    "/%00",
    "/no/such/page",
    "/logout",  # POST only
    "javascript:alert(1)",
]


@pytest.mark.parametrize("target", LOGIN_NEXT)
def test_next_outside_the_portal_goes_to_the_dashboard(client, database, target):
    merchant = make_merchant()
    answer = client.post(f"/login?next={target}", data={"username": merchant["email"],
                                                         "password": merchant["password"]})
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/"


def test_next_to_a_routed_page_is_kept_with_its_query(client, database):
    merchant = make_merchant()
    answer = client.post("/login?next=/tab/errors%3Fpage%3D2", data={"username": merchant["email"],
                                                                     "password": merchant["password"]})
    assert answer.headers["Location"] == "/tab/errors?page=2"
