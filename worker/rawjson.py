"""Reading a webhook body that may be anything: strict UTF-8 JSON, nothing Postgres cannot store.

``read`` never raises: it returns what could be read and, when something was wrong, why. A body
nested too deep for a recursive parser is scanned without recursion, keeping its top-level values
(an order id among them) so the order can still be shown to the merchant.
"""
from __future__ import annotations

import json
import math
import re

from worker.i18n import N_
from worker.unreadable import Unreadable, shown

# An order is about four levels deep; anything far deeper is not an order we can book.
MAX_DEPTH = 32
_CLOSERS = {"{": "}", "[": "]"}
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"?', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")
# What in a UTF-8 body's text could become something JSONB refuses: a NUL (raw or escaped), an escaped
# surrogate (a lone one is refused; a pair is fine, but only the walk can tell), NaN or Infinity. A float
# too large for a double is caught as it is parsed (``_Parsed``). A body with none of these needs no walk;
# one with them (e.g. an emoji written as an escaped pair) is walked as before. Plain substring tests
# first: one regular expression over every body was four times the parse (issue 15).
_ESCAPE_REFUSED = re.compile(r"\\u0000|\\u[dD][89a-fA-F]")


def _maybe_refused(text: str) -> bool:
    return ("\x00" in text or "NaN" in text or "Infinity" in text
            or ("\\u" in text and _ESCAPE_REFUSED.search(text) is not None))


class _Parsed:
    """Notes, while a body is parsed, whether a number in it is too large for a float (it becomes infinite)."""

    __slots__ = ("infinite",)

    def __init__(self) -> None:
        self.infinite = False

    def float(self, literal: str) -> float:
        value = float(literal)
        if value in (math.inf, -math.inf):
            self.infinite = True
        return value


class _Constant:
    """NaN or Infinity where JSON allows neither (Python's parser accepts them by default)."""

    def __init__(self, name: str):
        self.name = name


def storable_text(body: bytes) -> tuple[str, bytes | None]:
    """The body as text for reading, and the exact bytes when the text cannot be them (not UTF-8, NUL)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = _decoded_json(body) or body.decode("utf-8", "backslashreplace")
        return text.replace("\x00", "\\u0000"), body
    return (text, None) if "\x00" not in text else (text.replace("\x00", "\\u0000"), body)


def _decoded_json(body: bytes) -> str | None:
    """UTF-16 or UTF-32 JSON (which RFC 8259 does not allow between systems) decoded, else None."""
    encoding = json.detect_encoding(body)
    if encoding == "utf-8":
        return None
    try:
        return body.decode(encoding)
    except UnicodeDecodeError:
        return None


def read(body: bytes) -> tuple[object | None, Unreadable | None]:
    """(what could be read, why it is unreadable or None)."""
    problem = None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = _decoded_json(body)
        if text is None:
            return None, Unreadable(N_("it is not text in the UTF-8 encoding"))
        problem = Unreadable(N_("the shop sent it in the {encoding} text encoding instead of UTF-8"),
                             encoding=json.detect_encoding(body).upper())
    text = text.removeprefix("\ufeff")  # a byte order mark, which RFC 8259 lets a parser ignore
    if _too_deep(text):
        return top_level_values(text), Unreadable(N_("its data is nested more than {limit} levels deep"),
                                                  limit=MAX_DEPTH)
    parsed = _Parsed()
    try:
        data = json.loads(text, parse_constant=_Constant, parse_float=parsed.float)
    except (ValueError, RecursionError) as exc:
        return None, Unreadable(N_("it is not valid JSON ({error})"), error=str(exc)[:80])
    if problem is None and not parsed.infinite and not _maybe_refused(text):
        return data, None  # nothing in it JSONB refuses: no walk (issue 15; the walk was 0.07 ms under cProfile)
    data, bad = clean(data)
    return data, problem or bad


def clean(data) -> tuple[object, Unreadable | None]:
    """``data`` with what Postgres's JSONB refuses (NUL, lone surrogates, NaN) replaced, and the first such field.

    Nearly every body has none: a walk that only looks comes first, and the copy that names the field
    (a path built for every value) is made only when it finds something.
    """
    return _clean(data) if _refused(data) else (data, None)


def _refused(data) -> bool:
    """Whether ``data`` holds anything JSONB refuses (without recursion)."""
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item or not (item.isascii() or _encodable(item)):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, _Constant) or (isinstance(item, float) and not math.isfinite(item)):
            return True
    return False


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True


def _clean(data, path: str = "") -> tuple[object, Unreadable | None]:
    if isinstance(data, dict):
        items = [(_clean_text(key)[0], _clean(value, f"{path}.{key}" if path else str(key)))
                 for key, value in data.items()]
        return {key: value for key, (value, _) in items}, next((bad for _, (_, bad) in items if bad), None)
    if isinstance(data, list):
        items = [_clean(value, f"{path}[{index}]") for index, value in enumerate(data, 1)]
        return [value for value, _ in items], next((bad for _, bad in items if bad), None)
    if isinstance(data, _Constant) or (isinstance(data, float) and not math.isfinite(data)):
        name = data.name if isinstance(data, _Constant) else str(data)
        return None, Unreadable(N_("the field {field} is {value}, which is not a number"), field=path, value=name)
    if isinstance(data, str):
        text, changed = _clean_text(data)
        bad = Unreadable(N_("the field {field} holds characters that are not text: {value}"),
                         field=path, value=shown(data)) if changed else None
        return text, bad
    return data, None


def _clean_text(text: str) -> tuple[str, bool]:
    cleaned = text.replace("\x00", "\ufffd").encode("utf-8", "replace").decode("utf-8")
    return cleaned, cleaned != text


def _too_deep(text: str) -> bool:
    # A body cannot nest deeper than it has brackets: counting them (in C) settles almost every order.
    return text.count("{") + text.count("[") > MAX_DEPTH and depth(text) > MAX_DEPTH


def depth(text: str) -> int:
    """The deepest nesting of objects and arrays in ``text``, counted without recursion.

    Strings (an unterminated one runs to the end) are cut out by a regular expression first, so
    the loop sees brackets only, not every character of the body.
    """
    deepest = level = 0
    for char in _BRACKET.findall(_STRING.sub("", text)):
        level += 1 if char in "{[" else -1
        deepest = max(deepest, level)
    return deepest


def top_level_values(text: str) -> dict | None:
    """The scalar values of a top-level object (nested ones skipped unread), or None."""
    values = _top_level(text)
    return None if values is None else clean(values)[0]


def _top_level(text: str) -> dict | None:
    decoder, values, position = json.JSONDecoder(parse_constant=_Constant), {}, _skip_space(text, 0)
    if not text.startswith("{", position):
        return None
    position += 1
    while True:
        position = _skip_space(text, position)
        if not text.startswith('"', position):
            return values
        try:
            key, position = decoder.raw_decode(text, position)
            position = _skip_space(text, position)
            position = _skip_space(text, position + 1)  # the colon
            if text[position:position + 1] in _CLOSERS:
                position = _skip_nested(text, position)
            else:
                values[key], position = decoder.raw_decode(text, position)
        except (ValueError, IndexError):
            return values
        position = _skip_space(text, position)
        if not text.startswith(",", position):
            return values
        position += 1


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _skip_nested(text: str, position: int) -> int:
    """The position after the object or array starting at ``position``."""
    level, in_string, escaped = 0, False, False
    for index in range(position, len(text)):
        char = text[index]
        if in_string:
            escaped, in_string = (False, True) if escaped else (char == "\\", char != '"')
        elif char == '"':
            in_string = True
        elif char in "{[":
            level += 1
        elif char in "}]":
            level -= 1
            if level == 0:
                return index + 1
    raise ValueError("unterminated")
