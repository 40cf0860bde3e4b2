"""A small validator for a vendor's Swagger 2.0 document: find an operation, check a body against its schema.

It checks what a Swagger 2.0 definition states: ``$ref``, ``type``, ``required``, ``properties``,
``items``, ``enum``, ``maxLength``/``minLength``, ``minimum``/``maximum``, the ``int32``/``int64``
ranges and the ``uuid``/``date-time`` formats. Two readings the vendors' specs need:

* ``pattern`` on a *number* (Visma writes ``[-]?\\d+(.\\d{1,2})?`` to mean "at most 2 decimals")
  is checked against the number as JSON writes it; JSON Schema would ignore it.
* ``null`` is accepted for a property that is not required: Swagger 2.0 cannot say "nullable" and
  the .NET serialiser behind these APIs writes unset values as null. A required property may not be null.
"""
from __future__ import annotations

import datetime as dt
import json
import pathlib
import re
import uuid
from decimal import Decimal

INT_RANGES = {"int32": (-2**31, 2**31 - 1), "int64": (-2**63, 2**63 - 1)}


class Swagger:
    """One Swagger 2.0 document: operations by method and path, schemas by reference."""

    def __init__(self, path: str | pathlib.Path):
        self.doc = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
        self.base = self.doc.get("basePath", "").rstrip("/")

    def resolve(self, schema: dict) -> dict:
        """The schema a ``$ref`` points at (followed until there is none)."""
        while "$ref" in schema:
            name = schema["$ref"].split("#/definitions/", 1)[1]
            schema = self.doc["definitions"][name]
        return schema

    def operation(self, method: str, path: str) -> tuple[str, dict]:
        """(template, operation) for a concrete path; literal segments beat ``{parameters}``."""
        found = []
        for template, operations in self.doc["paths"].items():
            pattern = re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(self.base + template))
            if method.lower() in operations and re.fullmatch(pattern, path, flags=re.I):
                found.append((template.count("{"), template, operations[method.lower()]))
        if not found:
            raise LookupError(f"the swagger has no operation {method} {path}")
        _, template, operation = min(found, key=lambda item: item[0])
        return template, operation

    def body_schema(self, operation: dict) -> dict | None:
        """The schema of the operation's body parameter, if it takes one."""
        return next((p["schema"] for p in operation.get("parameters", []) if p.get("in") == "body"), None)

    def query_names(self, operation: dict) -> set[str]:
        """The query parameters the operation declares (lower-cased: ASP.NET binds them case-insensitively)."""
        return {p["name"].lower() for p in operation.get("parameters", []) if p.get("in") == "query"}

    def response_schema(self, operation: dict, status: int) -> dict | None:
        """The schema of the operation's answer for ``status`` (200 for every success the spec lists)."""
        answer = operation.get("responses", {}).get(str(status)) or {}
        return answer.get("schema")

    def errors(self, value, schema: dict, where: str = "$") -> list[str]:
        """Every way ``value`` breaks ``schema``; empty when it conforms."""
        schema = self.resolve(schema)
        kind = schema.get("type") or ("object" if "properties" in schema else None)
        if kind == "object" or "properties" in schema:
            return self._object(value, schema, where)
        if kind == "array":
            if not isinstance(value, list):
                return [f"{where}: expected an array, got {type(value).__name__}"]
            items = schema.get("items", {})
            return [e for i, item in enumerate(value) for e in self.errors(item, items, f"{where}[{i}]")]
        return _scalar(value, schema, kind, where)

    def _object(self, value, schema: dict, where: str) -> list[str]:
        if not isinstance(value, dict):
            return [f"{where}: expected an object, got {type(value).__name__}"]
        problems = [f"{where}.{name}: required" for name in schema.get("required", []) if value.get(name) is None]
        for name, sub in schema.get("properties", {}).items():
            if value.get(name) is not None:
                problems += self.errors(value[name], sub, f"{where}.{name}")
        return problems


def _scalar(value, schema: dict, kind: str | None, where: str) -> list[str]:
    checks = {"string": _string, "integer": _integer, "number": _number, "boolean": _boolean}
    problems = checks[kind](value, schema, where) if kind in checks else []
    if not problems and "enum" in schema and value not in schema["enum"]:
        problems.append(f"{where}: {value!r} is not one of {schema['enum']}")
    return problems


def _string(value, schema: dict, where: str) -> list[str]:
    if not isinstance(value, str):
        return [f"{where}: expected a string, got {value!r}"]
    problems = []
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        problems.append(f"{where}: {len(value)} characters, at most {schema['maxLength']}")
    if len(value) < schema.get("minLength", 0):
        problems.append(f"{where}: fewer than {schema['minLength']} characters")
    fmt = schema.get("format")
    if fmt == "uuid" and not _is_uuid(value):
        problems.append(f"{where}: {value!r} is not a uuid")
    if fmt == "date-time" and not _is_date_time(value):
        problems.append(f"{where}: {value!r} is not a date-time")
    if "pattern" in schema and not re.search(schema["pattern"], value):
        problems.append(f"{where}: {value!r} does not match {schema['pattern']}")
    return problems


def _integer(value, schema: dict, where: str) -> list[str]:
    if isinstance(value, bool) or not isinstance(value, int):
        return [f"{where}: expected an integer, got {value!r}"]
    low, high = INT_RANGES.get(schema.get("format"), (None, None))
    low, high = schema.get("minimum", low), schema.get("maximum", high)
    if (low is not None and value < low) or (high is not None and value > high):
        return [f"{where}: {value} outside [{low}, {high}]"]
    return []


def _number(value, schema: dict, where: str) -> list[str]:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return [f"{where}: expected a number, got {value!r}"]
    problems = []
    if "minimum" in schema and value < schema["minimum"]:
        problems.append(f"{where}: {value} below {schema['minimum']}")
    if "maximum" in schema and value > schema["maximum"]:
        problems.append(f"{where}: {value} above {schema['maximum']}")
    # The vendor's way of stating decimals; anchored here, as the vendor's validator means it.
    if "pattern" in schema and not re.fullmatch(schema["pattern"], _as_json(value)):
        problems.append(f"{where}: {value} has more decimals than {schema['pattern']} allows")
    return problems


def _boolean(value, schema: dict, where: str) -> list[str]:
    return [] if isinstance(value, bool) else [f"{where}: expected a boolean, got {value!r}"]


def _as_json(value) -> str:
    text = json.dumps(float(value) if isinstance(value, Decimal) else value)
    return text[:-2] if text.endswith(".0") else text


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _is_date_time(value: str) -> bool:
    """ISO 8601 date-time, or a plain date: Visma's .NET binder takes ``2024-05-01`` for a DateTime (§2.4)."""
    try:
        if "T" in value:
            dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        else:
            dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True
