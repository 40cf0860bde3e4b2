"""The VAT table offers every EU rate (eu-vat-rates-data), each row only the VAT codes of its own rate."""
from __future__ import annotations

import re
from decimal import Decimal

import sqlalchemy as sa
from babel.dates import format_date

from tests.support.merchants import division_of, make_merchant
from tests.support.orders import Amount, build
from tests.support.waiting import wait_for
from worker import db, vat_rates
from worker.connectors.exact import ExactOnlineTarget
from worker.connectors.exact.sandbox import ExactState
from worker.connectors.exact.sandbox.seed import VAT_CODES
from worker.models import Connection, Order

HX = {"HX-Request": "true"}


def log_in_english(client, merchant: dict) -> None:
    client.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    client.post("/language/en")


def target_settings(merchant: dict) -> dict:
    with db.session_scope() as session:
        return dict(session.get(Connection, merchant["target"].id).settings)


def start_over(client) -> None:
    """The demo seed maps the whole table; these tests map it themselves, as a merchant does."""
    client.post("/config/vat/remove", headers=HX)


def form(rows: list[dict], mapping: dict[str, tuple[str, str]] | None = None, **extra) -> dict:
    """The VAT section's form as the browser sends it; ``mapping`` gives key -> (VAT code, GL account ID)."""
    data: dict = {"key": [row["key"] for row in rows], **extra}
    for row in rows:
        code, account = (mapping or {}).get(row["key"], (row.get("vat_code", ""), row.get("gl_account", "")))
        data.update({f"country-{row['key']}": row["country"], f"rate-{row['key']}": row["rate"],
                     f"code-{row['key']}": code, f"gl-{row['key']}": account})
        if row.get("custom"):
            data[f"custom-{row['key']}"] = "1"
    return data


def revenue(settings: dict, code: str) -> str:
    return next(g["ID"] for g in settings["reference"]["gl_accounts"] if g["Code"] == code)


def options_of(page: str, key: str) -> list[str]:
    """The VAT codes a row's drop-down offers."""
    select = re.search(rf'<select name="code-{re.escape(key)}".*?</select>', page, re.S).group(0)
    return [value for value in re.findall(r'<option value="([^"]*)"', select) if value]


def test_the_configuration_tab_lists_every_rate_of_each_eu_country_and_their_date(sandboxes, client):
    merchant = make_merchant(sandboxes)
    log_in_english(client, merchant)
    page = client.get("/config/").get_data(as_text=True)
    keys = re.findall(r'name="key" value="([^"]+)"', page)
    assert {"DE:19.00", "DE:7.00", "FR:20.00", "FR:10.00", "FR:5.50", "FR:2.10", "LU:3.00"} <= set(keys)
    assert keys[0] == "BE:21.00" and keys[-2:] == ["ICP", "INTERNATIONAL"]  # own country first
    assert len([k for k in keys if k.startswith("FR:")]) == len(vat_rates.rates_of("FR"))
    assert f"EU VAT rates as of {format_date(vat_rates.as_of(), 'd MMMM y', locale='en')}" in page


def test_each_row_offers_only_the_vat_codes_of_its_rate_and_says_when_there_is_none(sandboxes, client):
    merchant = make_merchant(sandboxes)
    log_in_english(client, merchant)
    page = client.get("/config/").get_data(as_text=True)
    rates = ExactOnlineTarget.vat_code_rates(target_settings(merchant)["reference"])
    seven = options_of(page, "DE:7.00")
    assert "DE2" in seven and "DE1" not in seven and "DEB" not in seven  # 7 %, incl. VAT (the price mode)
    assert seven and all(rates[code] == Decimal("7.00") for code in seven)
    assert set(options_of(page, "FR:5.50")) == {"FR5"}
    assert "3  " in options_of(page, "BE:21.00") and "4  " not in options_of(page, "BE:21.00")
    assert options_of(page, "ICP") and all(rates[code] == 0 for code in options_of(page, "ICP"))

    rows = vat_rates.default_rows("BE")
    added = client.post("/config/vat/rows", data=form(rows, new_country="DE", new_rate="15"), headers=HX)
    text = added.get_data(as_text=True)
    assert options_of(text, "DE:15.00") == []
    assert ("Your administration has no VAT code of 15 %; ask your accountant to create one in Exact Online, "
            "then reload the data.") in text


def test_a_german_order_at_19_and_7_percent_is_posted_with_the_vat_of_each_rate(sandboxes, client, web, worker):
    merchant = make_merchant(sandboxes)
    log_in_english(client, merchant)
    start_over(client)
    settings = target_settings(merchant)
    rows = [vat_rates.row("DE", Decimal("19")), vat_rates.row("DE", Decimal("7"))]
    mapping = {"DE:19.00": ("DE1", revenue(settings, "8000")), "DE:7.00": ("DE2", revenue(settings, "8010"))}
    saved = client.post("/config/vat", data=form(rows, mapping), headers=HX).get_data(as_text=True)
    assert 'class="note"' in saved and "field-error" not in saved
    assert target_settings(merchant)["vat_map"]["DE:7.00"]["vat_code"] == "DE2"

    payload, vat_by_rate = build("unused", 0, [Amount(Decimal("59.95"), Decimal("19"), 2),
                                               Amount(Decimal("12.49"), Decimal("7"), 3)],
                                 incl=True, email="kunde@example.de")
    address = {**payload["billing_address"], "city": "Köln", "postal_code": "50667", "country_code": "DE"}
    shop_order = sandboxes.kmo.create_order(
        merchant["shop"]["shop_id"], status="paid", lines=payload["lines"], totals=payload["totals"], shipping={},
        discounts=[], prices_include_vat=True, vat_regime="oss", billing_address=address, shipping_address=address)

    order = wait_for(lambda: (o := order_row(shop_order["number"])) and o.state in ("posted", "failed") and o,
                     message="order posted")
    assert order.state == "posted", (order.error_code, order.error_message)
    [invoice] = sandboxes.exact.documents(division_of(merchant), "SalesInvoices")
    vat_by_code: dict[str, Decimal] = {}
    for line in invoice["SalesInvoiceLines"]:
        vat_by_code[line["VATCode"]] = vat_by_code.get(line["VATCode"], Decimal(0)) + Decimal(str(line["VATAmountDC"]))
    assert vat_by_code == {"DE1": vat_by_rate[Decimal("19")], "DE2": vat_by_rate[Decimal("7")]}
    assert Decimal(str(invoice["AmountDC"])) == Decimal(payload["totals"]["total_incl_vat"])


def order_row(number: str) -> Order | None:
    with db.session_scope() as session:
        order = session.execute(sa.select(Order).where(Order.number == number)).scalar()
        if order is not None:
            session.expunge(order)
        return order


def test_a_rate_that_is_not_listed_is_added_saved_mapped_and_removed(sandboxes, client):
    merchant = make_merchant(sandboxes)
    log_in_english(client, merchant)
    start_over(client)
    rows = vat_rates.default_rows("BE")
    for country, rate, why in (("DE", "19", "in the table already"), ("XX", "5", "Choose an EU country"),
                               ("DE", "45", "between 0 and 30")):
        refused = client.post("/config/vat/rows", data=form(rows, new_country=country, new_rate=rate), headers=HX)
        assert why in refused.get_data(as_text=True)
    added = client.post("/config/vat/rows", data=form(rows, new_country="NL", new_rate="0"), headers=HX)
    assert 'name="custom-NL:0.00"' in added.get_data(as_text=True)

    settings = target_settings(merchant)
    custom = vat_rates.row("NL", Decimal("0"), custom=True)
    rows = vat_rates.insert_row(rows, custom)
    saved = client.post("/config/vat", data=form(rows, {"NL:0.00": ("0  ", revenue(settings, "8020"))}), headers=HX)
    assert "field-error" not in saved.get_data(as_text=True)
    settings = target_settings(merchant)
    assert settings["vat_map"]["NL:0.00"]["vat_code"] == "0  "
    assert {**custom, "vat_code": "0  "}.items() <= next(r for r in settings["vat_table"]
                                                       if r["key"] == "NL:0.00").items()
    page = client.get("/config/").get_data(as_text=True)
    assert options_of(page, "NL:0.00") and 'name="custom-NL:0.00"' in page  # shown again, removable

    removed = client.post("/config/vat/rows/remove", data=form(settings["vat_table"], remove_row="NL:0.00"),
                          headers=HX).get_data(as_text=True)
    assert 'value="NL:0.00"' not in removed and 'value="NL:21.00"' in removed
    kept = client.post("/config/vat/rows/remove", data=form(settings["vat_table"], remove_row="NL:21.00"),
                       headers=HX).get_data(as_text=True)
    assert 'value="NL:21.00"' in kept  # the EU's own rows stay
    client.post("/config/vat", data=form([r for r in settings["vat_table"] if r["key"] != "NL:0.00"]), headers=HX)
    assert "NL:0.00" not in target_settings(merchant)["vat_map"]


def test_a_vat_code_of_another_rate_is_refused_beside_its_row(sandboxes, client):
    merchant = make_merchant(sandboxes)
    log_in_english(client, merchant)
    before = target_settings(merchant)["vat_map"]
    settings = target_settings(merchant)
    rows = [vat_rates.row("FR", Decimal("20")), {"key": "ICP", "country": "ICP", "rate": "0.00"}]
    mapping = {"FR:20.00": ("3  ", revenue(settings, "8000")), "ICP": ("FR1", revenue(settings, "8020"))}
    answer = client.post("/config/vat", data=form(rows, mapping), headers=HX).get_data(as_text=True)
    assert "This VAT code charges 21 %, the row is 20 %." in answer
    assert "This VAT code charges 20 %, the row is 0 %." in answer
    assert target_settings(merchant)["vat_map"] == before  # nothing saved


def test_a_table_saved_before_keeps_its_rows_and_gains_the_new_ones(sandboxes, client):
    merchant = make_merchant(sandboxes)
    log_in_english(client, merchant)
    settings = target_settings(merchant)
    old = [{"key": "BE:21.00", "country": "BE", "rate": "21.00", "vat_code": "3  ", "gl_account": revenue(settings, "8000")},
           {"key": "BE:0.00", "country": "BE", "rate": "0.00"},
           {"key": "DE:19.00", "country": "DE", "rate": "19.00"},
           {"key": "ICP", "country": "ICP", "rate": "0.00"}, {"key": "INTERNATIONAL", "country": "INTERNATIONAL",
                                                             "rate": "0.00"}]
    with db.session_scope() as session:
        target = session.get(Connection, merchant["target"].id)
        target.settings = {**target.settings, "vat_table": old}
    page = client.get("/config/").get_data(as_text=True)
    keys = re.findall(r'name="key" value="([^"]+)"', page)
    assert keys[:2] == ["BE:21.00", "BE:0.00"] and "BE:12.00" in keys and keys[-2:] == ["ICP", "INTERNATIONAL"]
    assert keys.index("DE:7.00") == keys.index("DE:19.00") + 1  # new rows beside their country
    assert re.search(r'<option value="3  " selected>', page)


def test_the_sandbox_has_an_oss_code_per_eu_country_rate_and_kind_of_at_most_three_characters():
    codes = [row[0] for row in VAT_CODES]
    assert all(len(code) <= 3 for code in codes)
    assert len({code.strip().casefold() for code in codes}) == len(codes)  # Exact compares case-insensitively
    oss = {(row[1].split()[1], Decimal(row[3]) * 100, row[2]) for row in VAT_CODES if row[1].startswith("OSS ")}
    for country in set(vat_rates.EU) - {"NL"}:
        for rate in vat_rates.rates_of(country):
            assert {(country, rate, "I"), (country, rate, "E")} <= oss


def test_a_sandbox_saved_before_the_oss_codes_gets_them_when_loaded(tmp_path):
    state = ExactState()
    division = state.add_division()
    codes = state.docs(division, "VATCodes")
    for key in [k for k, row in codes.items() if row["Description"].startswith("OSS ")]:
        del codes[key]
    state.save(str(tmp_path / "exact.json"))
    loaded = ExactState.load(str(tmp_path / "exact.json"))
    assert {row["Code"] for row in loaded.docs(division, "VATCodes").values()} == {row[0] for row in VAT_CODES}
