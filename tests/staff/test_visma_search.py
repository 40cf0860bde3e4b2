"""Webcare finds a Visma eAccounting merchant by its company's id number, as it finds Exact merchants by division."""
from __future__ import annotations

from tests.staff.test_merchants import licence_key, set_division
from tests.support.merchants import make_merchant
from tests.support.staff import staff_client
from tests.test_pluggable import target_of
from tests.test_visma_flow import installed_visma_merchant

HX = {"HX-Request": "true"}


def test_a_visma_merchant_is_found_by_its_company_id_and_an_exact_division_still_finds_exact(sandboxes, web):
    installed_visma_merchant(web.test_client(), sandboxes, "kwekerij@example.nl")
    company = target_of("kwekerij@example.nl").settings["company_id"]
    assert company == sandboxes.visma.company(
        sandboxes.visma.users["kwekerij@visma.test"]["company"])["settings"]["CorporateIdentityNumber"]
    exact = make_merchant()
    set_division(exact, company)  # an Exact merchant whose division number happens to be the same digits
    other = make_merchant()
    client, _ = staff_client(web)
    page = client.get("/staff/", query_string={"q": company}, headers=HX).get_data(as_text=True)
    visma = licence_key({"tenant_id": target_of("kwekerij@example.nl").tenant_id})
    assert visma in page and licence_key(exact) in page and licence_key(other) not in page
    assert licence_key(exact) not in client.get("/staff/", query_string={"q": company[:-1]},
                                                headers=HX).get_data(as_text=True)  # ids match whole, not in part
