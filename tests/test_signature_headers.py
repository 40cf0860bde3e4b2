"""Hostile X-KMOShops-Signature headers: every one is a plain 401, none crashes the parser."""
from __future__ import annotations

import time

import pytest

from tests.support.merchants import make_merchant
from tests.support.webhooks import an_order, delivery
from tests.test_webhook_intake import counts, url_of
from worker.connectors.kmoshops import signature

NOW = int(time.time())
HOSTILE = [
    "t=²³,v1=abc",                      # superscript digits: str.isdigit() says yes, int() says no
    "t=١٢٣٤٥٦٧٨٩٠,v1=abc",               # Arabic-Indic digits
    f"t={NOW}",                          # no digest
    "v1=" + "a" * 64,                     # no timestamp
    "t=" + "9" * 5000 + ",v1=" + "a" * 64,  # an integer too long to read or compare with a float
    "t=" + "9" * 400 + ",v1=" + "a" * 64,   # readable, but too large to compare with the clock
    f"t={NOW},v1=é" + "a" * 63,           # non-ASCII digest
    f"t={NOW},v1=",                      # empty digest
    f"t=-{NOW},v1=" + "a" * 64,           # negative time
    f"t= {NOW} ,v1=" + "a" * 64,          # padded
    "=,=,=,,,",                          # only separators
    "t=1e9,v1=" + "a" * 64,               # not an integer
    "",
]


@pytest.mark.parametrize("header", HOSTILE)
def test_hostile_headers_never_verify(header):
    assert signature.verify("whsec-1", header, b"{}", time.time()) is False


def test_hostile_headers_are_401_and_store_nothing(client):
    merchant = make_merchant()
    body, headers = delivery(merchant["shop"]["webhook_secret"], an_order())
    for header in HOSTILE + ["t=\x00,v1=\x00", "t=" + "1" * 12 + ",v1=" + "z" * 64]:
        response = client.post(url_of(merchant), data=body, headers={**headers, "X-KMOShops-Signature": header})
        assert response.status_code == 401, header
    assert counts() == (0, 0, 0)
