"""Checking JSON against a vendor's OpenAPI 3.0 spec (the subset of schema keywords vendor specs use).

Besides types, required fields, enums, lengths and bounds, a property the schema does not name is
an error: our requests may only use fields the vendor documents, and a sandbox may only answer with them.
"""
from __future__ import annotations

import functools
import pathlib

import yaml

SPECS = pathlib.Path(__file__).resolve().parents[1] / "specs"  # tests/specs/, with their origin and licence
TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "integer": int, "number": (int, float)}


@functools.lru_cache(maxsize=4)
def load(relative: str) -> dict:
    """A vendor spec kept in tests/specs/."""
    path = SPECS / relative
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = functools.reduce(lambda node, part: node[part], schema["$ref"].lstrip("#/").split("/"), spec)
    return schema


def request_schema(spec: dict, path: str, method: str) -> dict:
    return spec["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]


def response_schema(spec: dict, path: str, method: str, status: str) -> dict:
    return spec["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]


def _scalar(schema: dict, value, where: str) -> list[str]:
    problems = []
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{where}: {value!r} is not one of {schema['enum']}")
    if isinstance(value, str) and len(value) > schema.get("maxLength", len(value)):
        problems.append(f"{where}: longer than {schema['maxLength']}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value < schema.get("minimum", value) or value > schema.get("maximum", value):
            problems.append(f"{where}: {value} outside {schema.get('minimum')}..{schema.get('maximum')}")
    return problems


def errors(spec: dict, schema: dict, value, where: str = "$") -> list[str]:
    """Every way ``value`` breaks ``schema`` (empty when it fits)."""
    schema = resolve(spec, schema)
    if value is None:
        return [] if schema.get("nullable", True) else [f"{where}: null"]
    kind = schema.get("type") or ("object" if "properties" in schema else None)
    if kind and not isinstance(value, TYPES[kind]) or (kind in ("integer", "number") and isinstance(value, bool)):
        return [f"{where}: {type(value).__name__} where {kind} belongs"]
    if kind == "array":
        return [p for index, item in enumerate(value) for p in errors(spec, schema.get("items", {}), item,
                                                                       f"{where}[{index}]")]
    if kind == "object":
        properties = schema.get("properties", {})
        problems = [f"{where}.{name}: required" for name in schema.get("required", []) if name not in value]
        for name, item in value.items():
            if name in properties:
                problems += errors(spec, properties[name], item, f"{where}.{name}")
            elif properties and not schema.get("additionalProperties"):
                problems.append(f"{where}.{name}: not in the spec")
        return problems
    return _scalar(schema, value, where)
