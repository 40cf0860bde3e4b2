"""Reading a body skips the walk for what JSONB refuses only when the text shows none can be there.

Property: for any JSON value (text with NULs, lone or paired surrogates, emoji; NaN, infinities, huge
floats; nested lists and objects), written as a shop might (escaped or not), ``rawjson.read`` finds a
refused value exactly when walking the parsed data does.
"""
from __future__ import annotations

import json

from hypothesis import given, settings, strategies as st

from worker import rawjson

TEXT = st.text(alphabet=st.one_of(st.characters(codec=None), st.sampled_from("\x00\ud800\udfff\U0001F600aé")),
               max_size=12)
NUMBER = st.one_of(st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([1e308, 5e-324]))
VALUE = st.recursive(st.one_of(st.none(), st.booleans(), NUMBER, TEXT),
                     lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
                     max_leaves=12)


@given(VALUE, st.booleans())
@settings(max_examples=400, deadline=None)
def test_a_refused_value_is_found_with_or_without_the_walk(value, ascii_only):
    text = json.dumps({"order": value}, ensure_ascii=ascii_only)
    try:
        body = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate written raw is not UTF-8: not this path's concern
        return
    walked = rawjson.clean(json.loads(text, parse_constant=rawjson._Constant))[1]
    assert (rawjson.read(body)[1] is None) == (walked is None)


def test_a_body_of_an_ordinary_order_needs_no_walk():
    from tests.support.webhooks import an_order

    text = json.dumps(an_order(1))
    assert not rawjson._maybe_refused(text)  # the fast path is the common path


def test_what_a_shop_may_write_by_hand_is_still_found():
    refused = [b'{"total": 1' + b"0" * 400 + b'.0}', b'{"total": -Infinity}', b'{"name": "a\\u0000b"}',
               b'{"name": "\\ud800"}', b'{"total": 2E+999}']
    assert [rawjson.read(body)[1] is not None for body in refused] == [True] * len(refused)
    fine = [b'{"name": "\\ud83d\\ude00"}', b'{"total": 1' + b"0" * 400 + b'}', b'{"total": 1e300}']
    assert [rawjson.read(body)[1] for body in fine] == [None] * len(fine)
