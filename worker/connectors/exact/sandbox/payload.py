"""Reading POST/PUT bodies against an entity's properties, and resolving references."""
from __future__ import annotations

import dataclasses

from .convert import convert
from .convert import net_date
from .errors import ExactError
from .errors import bad_reference
from .errors import mandatory
from .spec import EntitySpec
from .state import ExactState


def read_body(body, spec: EntitySpec, strict: bool) -> dict:
    """Posted properties converted to stored form; read-only ones are dropped, unknown ones refused."""
    if not isinstance(body, dict):
        raise ExactError(400, "The request body is not a JSON object.")
    out: dict = {}
    for name, value in body.items():
        if name == "__metadata":
            continue
        if spec.lines and name == spec.lines[0]:
            out[name] = _read_lines(value, spec.lines[1], strict)
        elif not spec.has(name):
            if strict:
                raise ExactError(400, f"The property '{name}' does not exist on type '{spec.type_name}'. "
                                      "Make sure to only use property names that are defined by the type.")
        elif spec.writable(name):
            out[name] = convert(name, spec.types[name], value)
    return out


def _read_lines(value, spec: EntitySpec, strict: bool) -> list[dict]:
    # OData v2 clients send a plain array or the verbose {"results": [...]} form.
    if isinstance(value, dict) and isinstance(value.get("results"), list):
        value = value["results"]
    if not isinstance(value, list):
        raise ExactError(400, f"A collection was expected for '{spec.model}s'.")
    return [read_body(line, spec, strict) for line in value]


@dataclasses.dataclass
class Ctx:
    """What a create/update handler needs: the state, the division, the caller and the time."""

    state: ExactState
    division: int
    user: dict
    now: float

    @property
    def now_ms(self) -> int:
        """Now as epoch milliseconds."""
        return int(self.now * 1000)

    def stamp(self) -> dict:
        """The audit fields Exact fills on create."""
        return {"Division": self.division, "Created": net_date(self.now_ms), "Modified": net_date(self.now_ms),
                "Creator": self.user["user_id"], "CreatorFullName": self.user["full_name"],
                "Modifier": self.user["user_id"], "ModifierFullName": self.user["full_name"]}

    def touch(self, record: dict) -> None:
        """The audit fields Exact moves on every update (what a delta sync on ``Modified`` reads)."""
        record.update(Modified=net_date(self.now_ms), Modifier=self.user["user_id"],
                      ModifierFullName=self.user["full_name"])

    def docs(self, entity: str) -> dict:
        """The live records of an entity set in this division."""
        return self.state.docs(self.division, entity)

    def ref(self, entity: str, field: str, guid: str | None, required: bool = False) -> dict | None:
        """The record a GUID property points at; a 400 when required and absent, a 500 when dangling."""
        if guid is None:
            if required:
                raise mandatory(field)
            return None
        record = self.docs(entity).get(guid)
        if record is None:
            raise bad_reference(field)
        return record

    def by_code(self, entity: str, field: str, code: str | None, required: bool = False) -> dict | None:
        """The record a code property (journal, VAT code, payment condition) points at."""
        if code is None or code == "":
            if required:
                raise mandatory(field)
            return None
        record = find_code(self.docs(entity), code)
        if record is None:
            raise bad_reference(field)
        return record


def same_code(left, right) -> bool:
    """SQL Server equality of codes: case-insensitive, trailing spaces ignored (inferred)."""
    return str(left).rstrip(" ").casefold() == str(right).rstrip(" ").casefold()


def find_code(records: dict, code: str, field: str = "Code") -> dict | None:
    """The first record whose ``field`` equals ``code`` by :func:`same_code`."""
    for record in records.values():
        if record.get(field) is not None and same_code(record[field], code):
            return record
    return None


def require(data: dict, *fields: str) -> None:
    """400 for the first mandatory property that is missing or empty."""
    for field in fields:
        value = data.get(field)
        if value is None or (isinstance(value, str) and not value.strip()) or value == []:
            raise mandatory(field)
