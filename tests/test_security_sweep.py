"""Hostile input answers 4xx, never 500: every route of the url_map, every form field and query
parameter the portal reads, as a logged-in merchant and as anonymous."""
from __future__ import annotations

import itertools
import pathlib
import re
import urllib.parse

import pytest
from flask_wtf import FlaskForm

from tests.support.merchants import make_merchant
from worker import connectors

ROOT = pathlib.Path(__file__).resolve().parent.parent
HOSTILE = ["99999999999999999999", "-99999999999999999999", "-1", "1e309", "NaN", "\x00", "a\r\nb\x1b[0m",
           "x" * 20000, "2026-13-45", "../../etc/passwd", "ż€’\U0001f600"]
RAW = "%ff%fe%c3%28"  # not UTF-8 once decoded
PATH_VALUES = {"int": ["1", "99999999999999999999"], "default": ["x", "%00", RAW, "a" * 3000]}
SKIP_LOGGED_IN = {"auth.logout"}  # the sweep's own session must survive


def field_names() -> list[str]:
    """Every request field the portal reads: its forms, request.args/form/values, and its templates."""
    names = set()
    forms = list(FlaskForm.__subclasses__())
    while forms:
        form = forms.pop()
        forms.extend(form.__subclasses__())
        names |= {name for name, value in vars(form).items() if hasattr(value, "field_class")}
    for source in (ROOT / "portal").glob("*.py"):
        names |= set(re.findall(r"request\.(?:args|form|values)\.get(?:list)?\(\s*[\"']([\w-]+)", source.read_text()))
    for template in (ROOT / "templates").rglob("*.html"):
        names |= set(re.findall(r'name="([\w-]+)"', template.read_text()))
    for connector in connectors.REGISTRY.values():  # the generic key forms ask what each connector declares
        names |= {field.name for field in connector.connect_fields()}
    return sorted(name for name in names if not name.startswith("_"))


def urls(rule) -> list[str]:
    """The rule's path with each variable filled by ordinary and hostile values."""
    variables = re.findall(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", rule.rule)
    choices = [PATH_VALUES.get(converter or "default", PATH_VALUES["default"]) for converter, _ in variables]
    built = []
    for values in itertools.product(*choices):
        path = rule.rule
        for value in values:
            path = re.sub(r"<[^>]+>", lambda _m: urllib.parse.quote(value, safe="%"), path, count=1)
        built.append(path)
    return built


def sweep(client, app, skip=()) -> list[str]:
    """Every route × method × hostile value; the requests that answered 500."""
    fields, failures = field_names(), []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint in skip:
            continue
        for path, method in itertools.product(urls(rule), sorted(rule.methods & {"GET", "POST"})):
            for answer in requests_for(client, path, method, fields):
                answer.get_data()  # a streamed body (the CSV export) runs to its end, then its context closes
                answer.close()
                if answer.status_code >= 500:
                    failures.append(f"{method} {path[:80]} -> {answer.status_code}")
    return failures


def requests_for(client, path, method, fields):
    for value in HOSTILE:
        as_list = {name: [value, value] for name in fields}
        if method == "GET":
            yield client.get(path, query_string=as_list)
        else:
            yield client.post(path, data=as_list)
    raw = "&".join(f"{name}={RAW}" for name in fields)
    if method == "GET":
        yield client.get(f"{path}?{raw}")
    else:
        yield client.post(path, data=raw.encode(), content_type="application/x-www-form-urlencoded")


def test_the_fields_found_include_the_forms_and_query_parameters(app):
    names = field_names()
    assert {"page", "q", "since", "until", "username", "password", "email", "code", "extra_email",
            "shop_id", "api_key", "document_type"} <= set(names)


def test_a_page_number_too_large_is_a_bad_request(sandboxes, client):
    merchant = make_merchant(sandboxes)
    client.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
    assert client.get("/tab/report?page=99999999999999999999").status_code == 400
    assert client.get("/tab/report?page=-5").status_code == 200


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "merchant"])
def test_no_hostile_value_on_any_route_answers_500(sandboxes, app, logged_in):
    client = app.test_client()
    if logged_in:
        merchant = make_merchant(sandboxes)
        client.post("/login", data={"username": merchant["email"], "password": merchant["password"]})
        assert client.get("/profile/").status_code == 200
    failures = sweep(client, app, SKIP_LOGGED_IN if logged_in else ())
    if logged_in:
        assert client.get("/profile/").status_code == 200  # still the merchant: the sweep ran logged in
    assert failures == []
