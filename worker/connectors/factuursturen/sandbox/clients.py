"""Clients: field limits, enums, country by id or name, numbers handed out (targets.md §4.7.6)."""
from __future__ import annotations

from babel import Locale

from .wire import FsError

LIMITS = {"contact": 50, "company": 50, "address": 50, "city": 50, "zipcode": 7, "phone": 13, "mobile": 13,
          "taxnumber": 18, "email": 255, "bankcode": 32, "mailintro": 128}
ENUMS = {"sendmethod": ("mail", "email", "printcenter"), "paymentmethod": ("bank", "autocollect"),
         "taxtype": ("intax", "extax")}
FIELDS = {*LIMITS, *ENUMS, "address_addon", "showcontact", "biccode", "tax_shifted", "taxshifted", "top",
          "stddiscount", "reference", "notes", "notesoninvoice", "active", "defaultdoclang", "currency", "country"}
# countrylist: id and Dutch name of every country (ids are the sandbox's own).
COUNTRIES = {str(index): name for index, (code, name) in enumerate(sorted(Locale("nl").territories.items()), 1)
             if code.isalpha() and len(code) == 2}
BY_NAME = {name.lower(): country_id for country_id, name in COUNTRIES.items()}


def country(value) -> str:
    """A country id from an id or a (Dutch) name; an unknown one is refused."""
    text = str(value).strip()
    if text in COUNTRIES:
        return text
    if text.lower() in BY_NAME:
        return BY_NAME[text.lower()]
    raise FsError(400, f"Country '{text}' is unknown. Use an id or a name from the countrylist.")


def check(body: dict) -> dict:
    """The client fields of ``body`` as stored; FsError(400) for a field too long or a value not allowed."""
    record = {key: value for key, value in body.items() if key in FIELDS}
    for field, most in LIMITS.items():
        if field in record and len(str(record[field])) > most:
            raise FsError(400, f"The field {field} may be at most {most} characters.")
    for field, allowed in ENUMS.items():
        if field in record and record[field] not in allowed:
            raise FsError(400, f"The field {field} must be one of: {', '.join(allowed)}.")
    if "country" in record and record["country"] not in ("", None):
        record["country"] = country(record["country"])
    if "taxshifted" in record:  # the .NET client's spelling; the docs say tax_shifted
        record["tax_shifted"] = record.pop("taxshifted")
    record["tax_shifted"] = record.get("tax_shifted") in (True, 1, "1", "true")
    record.setdefault("taxtype", "extax")
    return record


def create(state, username: str, body: dict) -> str:
    """POST clients: a new client with the next number; answers the number."""
    if not isinstance(body, dict):
        raise FsError(400, "The request body must be a client.")
    record = check(body)
    if not (record.get("contact") or record.get("company")):
        raise FsError(400, "A client needs a contact or a company name.")
    number = state.next_number(username, "client")
    record.update(clientnr=number, active=True, lastinvoice=None)
    state.accounts[username]["clients"][str(number)] = record
    state.count_post(username, "clients")
    return str(number)
