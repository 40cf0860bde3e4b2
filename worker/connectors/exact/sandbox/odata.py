"""An OData v2 ``$filter`` parser and evaluator with the checks and error texts Exact answers with.

Grammar: or-expressions of and-expressions of ``not``/comparisons (eq ne gt ge lt le) between
fields, literals and the string functions startswith, endswith, substringof, tolower, toupper,
trim; parentheses group. Literals: guid'..', datetime'..', '..' ('' escapes a quote), numbers,
true, false, null.
"""
from __future__ import annotations

import re

from .convert import GUID_RE
from .convert import date_ms
from .convert import parse_iso_ms
from .convert import to_decimal
from .errors import ExactError
from .spec import CLR_NAMES
from .spec import EntitySpec

_TOKEN = re.compile(
    r"\s*(?:(?P<typed>(?:guid|datetime|datetimeoffset)'[^']*')|(?P<str>'(?:[^']|'')*')"
    r"|(?P<num>-?\d+(?:\.\d+)?[mMdDfFlL]?)|(?P<name>[A-Za-z_][A-Za-z0-9_/]*)|(?P<punct>[(),]))"
)
_COMPARE = {"eq", "ne", "gt", "ge", "lt", "le"}
_FUNCS = {"startswith": ("str", "str"), "endswith": ("str", "str"), "substringof": ("str", "str"),
          "tolower": ("str",), "toupper": ("str",), "trim": ("str",)}


def parse_filter(text: str, spec: EntitySpec):
    """Parse and type-check ``text`` against ``spec``; returns an evaluable tree or raises 400."""
    parser = _Parser(text, spec)
    tree = parser.parse()
    if parser.unfilterable:
        raise ExactError(400, "Filtering on these fields is not supported: " + ", ".join(parser.unfilterable))
    if tree[1] != "bool":
        raise ExactError(400, "Expression of type 'System.Boolean' expected at position 0.")
    return tree


def matches(tree, record: dict) -> bool:
    """Evaluate a parsed filter against one stored record."""
    return bool(_eval(tree, record))


def _tokens(text: str):
    pos = 0
    while pos < len(text):
        if not text[pos:].strip():
            return
        match = _TOKEN.match(text, pos)
        if not match:
            raise ExactError(400, f"Syntax error at position {pos}.")
        kind = match.lastgroup
        start = match.start(kind)
        yield kind, match.group(kind), start
        pos = match.end()


class _Parser:
    def __init__(self, text: str, spec: EntitySpec):
        self.tokens = list(_tokens(text))
        self.end = len(text)
        self.index = 0
        self.spec = spec
        self.unfilterable: list[str] = []

    def peek(self):
        return self.tokens[self.index] if self.index < len(self.tokens) else (None, None, self.end)

    def take(self, value: str | None = None):
        token = self.peek()
        if token[0] is None or (value is not None and token[1] != value):
            raise ExactError(400, f"Syntax error at position {token[2]}.")
        self.index += 1
        return token

    def parse(self):
        tree = self.binary("or", self.binary_and)
        if self.index != len(self.tokens):
            raise ExactError(400, f"Syntax error at position {self.peek()[2]}.")
        return tree

    def binary_and(self):
        return self.binary("and", self.unary)

    def binary(self, op: str, operand):
        left = operand()
        while self.peek()[0] == "name" and self.peek()[1] == op:
            pos = self.take()[2]
            right = operand()
            _require_bool(op, left, right, pos)
            left = (op, "bool", left, right)
        return left

    def unary(self):
        if self.peek()[0] == "name" and self.peek()[1] == "not":
            self.take()
            inner = self.unary()
            return ("not", "bool", inner)
        left = self.primary()
        if self.peek()[0] == "name" and self.peek()[1] in _COMPARE:
            op, pos = self.peek()[1], self.take()[2]
            right = self.primary()
            _check_operands(op, left, right, pos)
            return ("cmp", "bool", op, left, right)
        return left

    def primary(self):
        kind, value, pos = self.take()
        if kind == "punct" and value == "(":
            inner = self.binary("or", self.binary_and)
            self.take(")")
            return inner
        if kind in ("typed", "str", "num"):
            return _literal(kind, value, pos)
        if kind == "name" and value in ("true", "false", "null"):
            return ("lit", "null" if value == "null" else "bool", None if value == "null" else value == "true")
        if kind == "name" and self.peek()[1] == "(" and value in _FUNCS:
            return self.call(value, pos)
        if kind == "name":
            return self.field(value, pos)
        raise ExactError(400, f"Syntax error at position {pos}.")

    def call(self, name: str, pos: int):
        self.take("(")
        args = [self.binary("or", self.binary_and)]
        while self.peek()[1] == ",":
            self.take(",")
            args.append(self.binary("or", self.binary_and))
        self.take(")")
        if len(args) != len(_FUNCS[name]) or any(a[1] not in ("str", "null") for a in args):
            raise ExactError(400, f"No applicable function found for '{name}' at position {pos}.")
        return ("call", "str" if len(args) == 1 else "bool", name, args)

    def field(self, name: str, pos: int):
        code = self.spec.types.get(name)
        if code is None:
            raise ExactError(400, f"No property '{name}' exists in type '{self.spec.type_name}' at position {pos}.")
        if not self.spec.filterable(name) and name not in self.unfilterable:
            self.unfilterable.append(name)
        return ("field", code, name)


def _literal(kind: str, text: str, pos: int):
    if kind == "str":
        return ("lit", "str", text[1:-1].replace("''", "'"))
    if kind == "num":
        return ("lit", "int" if text.lstrip("-").isdigit() else "dec", to_decimal(text.rstrip("mMdDfFlL")))
    prefix, body = text.split("'", 1)
    body = body[:-1]
    if prefix == "guid":
        if not GUID_RE.match(body):
            raise ExactError(400, f"Unrecognized 'Edm.Guid' literal '{text}' in '{pos}'.")
        return ("lit", "guid", body.lower())
    try:
        return ("lit", "date", parse_iso_ms(body))
    except ValueError:
        raise ExactError(400, f"Unrecognized 'Edm.DateTime' literal '{text}' in '{pos}'.") from None


def _compatible(left: str, right: str) -> bool:
    numeric = {"int", "dec"}
    return left == right or "null" in (left, right) or (left in numeric and right in numeric)


def _check_operands(op: str, left, right, pos: int) -> None:
    if not _compatible(left[1], right[1]):
        names = [CLR_NAMES.get(side[1], "System.Object") for side in (left, right)]
        raise ExactError(400, f"Operator '{op}' incompatible with operand types '{names[0]}' and "
                              f"'{names[1]}' at position {pos}.")


def _require_bool(op: str, left, right, pos: int) -> None:
    if left[1] != "bool" or right[1] != "bool":
        raise ExactError(400, f"Operator '{op}' incompatible with operand types at position {pos}.")


def _value(node, record: dict):
    kind = node[0]
    if kind == "lit":
        return node[2]
    if kind == "field":
        raw = record.get(node[2])
        if raw is None:
            return None
        code = node[1]
        if code == "date":
            return date_ms(raw)
        if code in ("int", "dec"):
            return to_decimal(raw)
        return raw.lower() if code == "guid" else raw
    return _eval(node, record)


def _sql_text(value):
    # Exact runs on SQL Server: text compares case-insensitively and ignores trailing spaces
    # (so 'Code eq '2'' finds '2  ', but leading padding matters). (inferred)
    return value.rstrip(" ").casefold() if isinstance(value, str) else value


def _compare(op: str, left, right) -> bool:
    left, right = _sql_text(left), _sql_text(right)
    if op == "eq":
        return left == right
    if op == "ne":
        return left != right
    if left is None or right is None:
        return False
    return {"gt": left > right, "ge": left >= right, "lt": left < right, "le": left <= right}[op]


def _call(name: str, args: list):
    if any(a is None for a in args):
        return None if len(args) == 1 else False
    if name in ("tolower", "toupper", "trim"):
        return {"tolower": str.lower, "toupper": str.upper, "trim": str.strip}[name](args[0])
    first, second = (a.casefold() for a in args)
    if name == "substringof":
        return first in second
    return first.startswith(second) if name == "startswith" else first.endswith(second)


def _eval(node, record: dict):
    kind = node[0]
    if kind == "and":
        return _eval(node[2], record) and _eval(node[3], record)
    if kind == "or":
        return _eval(node[2], record) or _eval(node[3], record)
    if kind == "not":
        return not _eval(node[2], record)
    if kind == "cmp":
        return _compare(node[2], _value(node[3], record), _value(node[4], record))
    if kind == "call":
        return _call(node[2], [_value(a, record) for a in node[3]])
    return _value(node, record)
