"""Visma prices a company's rows excl. VAT whatever the shop did: a cent that would move stops the order first."""
from __future__ import annotations

from decimal import Decimal

import pytest

from tests.connectors.test_visma_documents import visma  # noqa: F401  (fixture)
from tests.support.orders import Amount, build
from worker.connectors.errors import MappingError
from worker.connectors.kmoshops.mapping import to_canonical
from worker.pipeline.messages import problem

D = Decimal


def company_order(number: str, unit_incl: Decimal):
    data, _ = build(number, int(number), [Amount(unit_incl, D(21), 3)], True, f"inkoop{number}@bv.example",
                    company="Bakker BV")
    return to_canonical(data)


def test_a_company_order_priced_incl_vat_that_visma_would_book_a_cent_off_is_stopped_before_sending(visma, sandboxes):
    # 3 × 9.99 incl.: the shop books 29.97; Visma, excl. for a company, 3 × 8.26 + 21 % = 29.98.
    with pytest.raises(MappingError) as stopped:
        visma["documents"].create("order", company_order("92001", D("9.99")))
    assert stopped.value.code == "PRICE_BASIS_MISMATCH"
    assert sandboxes.visma.post_count(visma["company"], "orders") == 0
    shown = problem(stopped.value.code, detail=str(stopped.value), **stopped.value.values)
    assert "Visma eAccounting" in shown.message and "excl." in shown.message  # what the merchant reads in Errors


def test_a_company_order_whose_cents_agree_goes_through(visma, sandboxes):
    created = visma["documents"].create("order", company_order("92002", D("12.10")))  # 3 × 10.00 + 21 % = 36.30
    assert created.total == "36.30" and sandboxes.visma.post_count(visma["company"], "orders") == 1
