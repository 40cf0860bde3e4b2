"""Validating and saving a merchant's configuration (the Configuration tab), engine side.

Every choice is checked against what the accounting system offers (its reference data, loaded
with the administration), so a saved configuration never names a journal or VAT code that does not exist.
Error messages are English, marked for the catalogue (``N_``); the portal shows them through ``_()``.
"""
from __future__ import annotations

import re
from decimal import Decimal

from worker import connectors, vat_map as lines_map, vat_rates
from worker.i18n import N_
from worker.models import Connection

def options(target: Connection) -> dict:
    """What the sections choose from, as the target declares it: general drop-downs, VAT codes, revenue accounts."""
    cls, reference = connectors.get(target.system), target.settings.get("reference") or {}
    accounts = lines_map.accounts_needed(target.settings)
    return {"general": cls.general_choices(reference), "vat_codes": cls.vat_code_rows(reference, None),
            "gl_accounts": cls.revenue_accounts(reference) if accounts else [], "revenue_accounts": accounts,
            "payment_ledgers": cls.payment_ledger_rows(reference)}


def save_payment_methods(target: Connection, methods: list[str], debtors: list[str], ledgers: list[str]) -> None:
    """Store each payment method's fixed debtor and, where the target books payments, the ledger they come in on.

    The lists are the form's rows in order; a ledger the administration does not offer is not kept.
    """
    offered = {str(value) for value, _ in connectors.get(target.system).payment_ledger_rows(
        target.settings.get("reference") or {})}
    fixed = {m: d for m, d in zip(methods, debtors) if m and d}
    booked_on = {m: ledger for m, ledger in zip(methods, ledgers) if m and ledger in offered}
    target.settings = {**target.settings, "payment_debtors": fixed, "payment_ledgers": booked_on}


def allowed_document_types(target: Connection) -> tuple[tuple[str, str], ...]:
    """The (key, label) document types the merchant may choose: those the administration can take, within the contract.

    Without revenue accounts (a contract option) documents that book each line on one are not offered.
    """
    cls = connectors.get(target.system)
    contract = set(target.settings.get("contract_document_types") or ())
    ledger = frozenset() if lines_map.accounts_needed(target.settings) else cls.ledger_document_types
    offered = cls.possible_document_types(target.settings.get("reference") or {})
    return tuple(pair for pair in offered if (not contract or pair[0] in contract) and pair[0] not in ledger)


def save_general(target: Connection, form: dict) -> dict[str, str]:
    """Validate and store the general settings; returns errors by field (empty when saved)."""
    cls, errors, reference = connectors.get(target.system), {}, target.settings.get("reference") or {}
    choices = cls.general_choices(reference)
    if form.get("document_type") not in dict(allowed_document_types(target)):
        errors["document_type"] = N_("Choose what Koppel creates.")
    for choice in choices:
        value = form.get(choice.name, "")
        if value and value not in {str(v) for v, _ in choice.rows}:
            errors[choice.name] = N_("Not in your administration; reload the data from your accounting system.")
        elif not value and choice.required:
            errors[choice.name] = choice.required
    errors = {**cls.check_general(form, reference), **errors}
    if cls.price_modes and form.get("price_mode") not in cls.price_modes:
        errors["price_mode"] = N_("Choose incl. or excl. VAT.")
    if not errors:
        names = ["document_type", *(c.name for c in choices), *(t[0] for t in cls.text_settings),
                 *(["price_mode"] if cls.price_modes else [])]
        target.settings = {**target.settings, **{name: form.get(name, "") for name in names}}
    return errors


REFERENCE_PREFIX = re.compile(r"[A-Za-z0-9/_-]{0,10}")


def save_statuses(source: Connection, chosen: list[str], prefix: str) -> dict[str, str]:
    """Validate and store the transfer statuses and the reference prefix; returns errors by field."""
    source_cls, errors = connectors.get(source.system), {}
    if any(status in source_cls.cancelled_statuses for status in chosen):
        errors["status"] = N_("Cancelled and refunded orders are never transferred; untick those statuses.")
    chosen = [status for status in chosen if status in source_cls.transferable_statuses(source)]
    if not chosen and not errors:
        errors["status"] = N_("Tick at least one status.")
    prefix = prefix.strip()
    if not REFERENCE_PREFIX.fullmatch(prefix):
        errors["reference_prefix"] = N_("Use at most 10 letters, digits, - / or _.")
    if not errors:
        source.settings = {**source.settings, "transfer_statuses": ",".join(chosen), "reference_prefix": prefix}
    return errors


def vat_code_choices(target: Connection) -> dict[str, list[dict]]:
    """The VAT codes each row may choose, by rate ("7.00"): same rate, of the kind the price mode sends."""
    cls, reference = connectors.get(target.system), target.settings.get("reference") or {}
    rates = cls.vat_code_rates(reference)
    choices: dict[str, list[dict]] = {}
    for code in cls.vat_code_rows(reference, target.settings.get("price_mode", "incl")):
        if code["value"] in rates:
            choices.setdefault(f"{rates[code['value']]:.2f}", []).append(code)
    return choices


def save_vat_table(target: Connection, rows: list[dict]) -> dict:
    """Validate and store the VAT table; errors by row key are a message, or (message, parameters).

    Under the contract option "no revenue account on lines" a row maps a VAT code only.
    """
    # Rows left without code and account are countries the merchant does not sell to.
    reference = target.settings.get("reference") or {}
    code_rates = connectors.get(target.system).vat_code_rates(reference)
    with_accounts = lines_map.accounts_needed(target.settings)
    accounts = {g["value"] for g in connectors.get(target.system).revenue_accounts(reference)}
    errors, vat_map, table, seen = {}, {}, [], set()
    for row in rows:
        if not with_accounts:
            row = {k: v for k, v in row.items() if k != "gl_account"}
        key, code, account = row["key"], row.get("vat_code", ""), row.get("gl_account", "")
        rate = _rate(row, errors)
        table.append({**row, "rate": rate})
        map_key = key if key in vat_rates.SPECIAL_ROWS else f"{row['country']}:{rate}"
        if key not in errors:
            _check_row(row, map_key in seen, errors)
        seen.add(map_key)
        if key in errors or (not code and not account):
            continue
        if code not in code_rates and not with_accounts:
            errors[key] = N_("Choose a VAT code.")
        elif code not in code_rates or (with_accounts and account not in accounts):
            errors[key] = N_("Choose both a VAT code and a revenue account.")
        elif code_rates[code] != Decimal(rate):
            errors[key] = (N_("This VAT code charges %(code_rate)s %%, the row is %(row_rate)s %%."),
                           {"code_rate": code_rates[code], "row_rate": Decimal(rate)})
        else:
            vat_map[map_key] = {"vat_code": code, **({"gl_account": account} if with_accounts else {})}
    if not errors:
        target.settings = {**target.settings, "vat_table": table, "vat_map": vat_map}
    return errors


def _check_row(row: dict, duplicate: bool, errors: dict) -> None:
    if row["key"] in vat_rates.SPECIAL_ROWS:
        return
    if row.get("country") not in vat_rates.EU:
        errors[row["key"]] = N_("Choose an EU country.")
    elif duplicate:
        errors[row["key"]] = N_("This country has another row at this rate; keep one of them.")


def _rate(row: dict, errors: dict) -> str:
    if row["key"] in vat_rates.SPECIAL_ROWS:
        return "0.00"  # ICP and International are 0 % by definition
    rate = vat_rates.parse_rate(row.get("rate", ""))
    if rate is None:
        errors[row["key"]] = N_("Enter the VAT percentage, e.g. 21.")
        return row.get("rate", "")
    if not Decimal(0) <= rate <= vat_rates.MAX_RATE:
        errors[row["key"]] = N_("A VAT percentage is between 0 and 30.")
    return f"{rate:.2f}"


def add_vat_row(rows: list[dict], country: str, rate_text: str) -> tuple[list[dict], str | None]:
    """The table with a merchant's own row added (not saved yet), or the rows and why it cannot be."""
    rate = vat_rates.parse_rate(rate_text)
    if country not in vat_rates.EU:
        return rows, N_("Choose an EU country.")
    if rate is None or not Decimal(0) <= rate <= vat_rates.MAX_RATE:
        return rows, N_("Enter a VAT percentage between 0 and 30.")
    new = vat_rates.row(country, rate, custom=True)
    if any(r["key"] == new["key"] or (r["country"], vat_rates.parse_rate(r.get("rate", ""))) == (country, rate)
           for r in rows):
        return rows, N_("That rate is in the table already.")
    return vat_rates.insert_row(rows, new), None


def remove_vat_row(rows: list[dict], key: str) -> list[dict]:
    """The table without a row the merchant added (rows from the EU's list stay)."""
    return [r for r in rows if not (r["key"] == key and r.get("custom"))]


def vat_rows(target: Connection, home_country: str) -> list[dict]:
    """The VAT table as saved (with rows the EU's list gained since), or the default rows pre-filled."""
    saved = target.settings.get("vat_table")
    return vat_rates.merged_rows(saved, home_country) if saved else vat_rates.default_rows(home_country)


def is_configured(target: Connection, home_country: str) -> bool:
    """Configured enough to transfer: every required general setting and the shop country's standard rate mapped."""
    vat_map = target.settings.get("vat_map") or {}
    standard = f"{home_country}:{vat_rates.standard_rate(home_country):.2f}"
    choices = connectors.get(target.system).general_choices(target.settings.get("reference") or {})
    general = all(target.settings.get(choice.name) for choice in choices if choice.required)
    return general and (standard in vat_map or standard.split(":")[1] in vat_map)
