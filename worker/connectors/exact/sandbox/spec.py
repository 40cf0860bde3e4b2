"""EntitySpec: the properties of one Exact entity type, with their Edm types and read-only flags."""
from __future__ import annotations

import dataclasses

# The OData names Exact reports for our internal type codes (used in error texts).
EDM_NAMES = {
    "guid": "Guid",
    "int": "Int32",
    "dec": "Double",
    "date": "DateTime",
    "bool": "Boolean",
    "str": "String",
}
CLR_NAMES = {
    "guid": "System.Guid",
    "int": "System.Int32",
    "dec": "System.Double",
    "date": "System.DateTime",
    "bool": "System.Boolean",
    "str": "System.String",
}
# Descriptive fields Exact derives from a reference (names, descriptions, urls) cannot be filtered
# on. Exact publishes no such list for the normal endpoints; this rule is (inferred).
_UNFILTERABLE_SUFFIXES = ("Description", "FullName", "Url")
_UNFILTERABLE = {"Notes", "Remarks", "LogoFileName", "ExtraDescription"}


@dataclasses.dataclass
class EntitySpec:
    """Properties of one entity type, given as space-separated name lists per type."""

    model: str
    key: str
    guid: str = ""
    int: str = ""
    dec: str = ""
    date: str = ""
    bool: str = ""
    str: str = ""
    readonly: str = ""
    types: dict = dataclasses.field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.types = {}
        for code in EDM_NAMES:
            for name in getattr(self, code).split():
                self.types[name] = code
        self.readonly_set = set(self.readonly.split())
        self.lines: tuple[str, EntitySpec] | None = None

    @property
    def type_name(self) -> str:
        """The OData type name, as in ``__metadata.type``."""
        return f"Exact.Web.Api.Models.{self.model}"

    def has(self, name: str) -> bool:
        """Whether ``name`` is a property (scalar or the lines navigation) of this entity."""
        return name in self.types or bool(self.lines and self.lines[0] == name)

    def filterable(self, name: str) -> bool:
        """Whether a ``$filter`` may use this (existing, scalar) property."""
        return name not in _UNFILTERABLE and not name.endswith(_UNFILTERABLE_SUFFIXES)

    def writable(self, name: str) -> bool:
        """Whether a POST/PUT value for this property is taken (read-only ones are ignored)."""
        return name in self.types and name not in self.readonly_set and name != self.key

    def with_lines(self, nav: str, line_spec: EntitySpec) -> EntitySpec:
        """Attach the lines navigation property (e.g. SalesInvoiceLines) and return self."""
        self.lines = (nav, line_spec)
        return self

    def make_writable(self, *names: str) -> EntitySpec:
        """Clear the read-only flag of fields the current API accepts on POST; returns self."""
        self.readonly_set -= set(names)
        return self
