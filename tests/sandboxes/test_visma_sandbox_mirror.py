"""The Visma sandbox's side of the mirror: ``or`` and date-time filters, ``$select``, PUT and DELETE of customers,
and the 3000 a document naming a deleted customer gets."""
from __future__ import annotations

from tests.sandboxes.test_visma_sandbox import draft, error, mount, row, visma  # noqa: F401  (fixtures)


def test_look_ups_or_several_keys_case_insensitively_and_select_fields(visma):
    visma.customer(EmailAddress="A@Example.nl", Name="A")
    visma.customer(EmailAddress="b@example.nl", Name="B")
    visma.customer(EmailAddress="c@example.nl", Name="C")
    page = visma.get("customers", **{"$filter": "EmailAddress eq 'a@example.nl' or EmailAddress eq 'c@example.nl'",
                                     "$select": "Id,EmailAddress"}).json()
    assert sorted(c["EmailAddress"] for c in page["Data"]) == ["A@Example.nl", "c@example.nl"]
    assert all(set(c) == {"Id", "EmailAddress"} for c in page["Data"])
    assert error(visma.get("customers", **{"$select": "Id,Nope"}))[:2] == (400, 2000)
    assert error(visma.get("customers", **{"$filter": "EmailAddress eq 'a' or"}))[:2] == (400, 2000)


def test_changed_utc_filters_with_a_bare_date_time_and_a_put_moves_it(visma):
    first = visma.customer(EmailAddress="oud@example.nl")
    visma.clock.advance(120)
    later = visma.customer(EmailAddress="later@example.nl")
    since = later["ChangedUtc"][:19] + "Z"
    changed = visma.get("customers", **{"$filter": f"ChangedUtc ge {since}"}).json()["Data"]
    assert [c["Id"] for c in changed] == [later["Id"]]
    # OData v4: a quoted literal is a string, which does not compare with a DateTimeOffset.
    assert error(visma.get("customers", **{"$filter": f"ChangedUtc ge '{since}'"}))[:2] == (400, 2000)
    visma.clock.advance(60)
    put = visma.call("PUT", f"customers/{first['Id']}", json={"EmailAddress": "nieuw@example.nl"})
    assert put.status_code == 200 and put.json()["ChangedUtc"] > later["ChangedUtc"]
    changed = visma.get("customers", **{"$filter": f"ChangedUtc ge {since}"}).json()["Data"]
    assert {c["EmailAddress"] for c in changed} == {"nieuw@example.nl", "later@example.nl"}


def test_a_document_naming_a_deleted_customer_is_a_3000(visma):
    customer, article = visma.customer(), visma.article()
    assert visma.call("DELETE", f"customers/{customer['Id']}").status_code == 204
    assert error(visma.call("DELETE", f"customers/{customer['Id']}"))[:2] == (404, 3000)
    status, code, message = error(visma.post("customerinvoicedrafts", draft(customer, row(article, "104.90"))))
    assert (status, code) == (400, 3000) and customer["Id"] in message
    assert visma.state.records(visma.company, "customerinvoicedrafts") == []


def test_a_query_string_over_2048_bytes_is_refused(visma):
    answer = visma.get("customers", **{"$filter": "EmailAddress eq '" + "x" * 2100 + "'"})
    assert answer.status_code == 404
