"""What every connector declares: its settings schema (secrets marked) and its role."""
from __future__ import annotations

import dataclasses
from typing import ClassVar


@dataclasses.dataclass(frozen=True)
class Setting:
    """One setting a connector needs; ``secret`` ones are stored encrypted and never shown back."""

    name: str
    label: str
    secret: bool = False
    required: bool = True
    choices: tuple[str, ...] = ()
    default: str | None = None

    def json_schema(self) -> dict:
        schema: dict = {"type": "string", "title": self.label}
        if self.choices:
            schema["enum"] = list(self.choices)
        if self.default is not None:
            schema["default"] = self.default
        if self.secret:
            schema["writeOnly"] = True
        return schema


class Connector:
    """Base of every connector class: a registry key, a display name and a settings schema."""

    key: ClassVar[str]
    name: ClassVar[str]
    role: ClassVar[str]
    settings_schema: ClassVar[tuple[Setting, ...]] = ()
    uses_oauth: ClassVar[bool] = False

    @classmethod
    def secret_names(cls) -> set[str]:
        return {s.name for s in cls.settings_schema if s.secret}

    @classmethod
    def json_schema(cls) -> dict:
        """The settings schema as JSON Schema, for forms and the contract tests."""
        return {
            "type": "object",
            "properties": {s.name: s.json_schema() for s in cls.settings_schema},
            "required": [s.name for s in cls.settings_schema if s.required],
        }


class Source(Connector):
    """A system orders come from (a webshop or marketplace)."""

    role = "source"

    @staticmethod
    def identity(data) -> dict | None:
        """``shop_order_id``, ``number`` and ``shop_status`` of an order too broken to map, or None."""
        return None


class Target(Connector):
    """An accounting system documents go to."""

    role = "target"
    # The document types this target can create, as (key, label) pairs.
    document_types: ClassVar[tuple[tuple[str, str], ...]] = ()
