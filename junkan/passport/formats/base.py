"""What every passport format shares: the source it maps from, and its official schema check."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator, validators

SCHEMAS = Path(__file__).parent / "schemas"


@dataclass(frozen=True)
class Source:
    """A passport as one caller may see it, with what a format needs beyond the attributes."""

    passport: dict[str, Any]  # passport.service.view(): id, battery_id, operator, data, …
    status: str
    issued_at: datetime
    updated_at: datetime
    sites: list[dict[str, Any]]  # the operator's sites: name, country, identifiers
    resolver_url: str

    @property
    def data(self) -> dict[str, Any]:
        return self.passport["data"]

    def measured_at(self, key: str) -> datetime | None:
        return self.passport["dynamic_updated_at"].get(key)

    def operator_identifier(self, scheme: str) -> str | None:
        return next(
            (i["value"] for i in self.passport["operator"]["identifiers"] if i["scheme"] == scheme),
            None,
        )

    def facility_identifier(self, scheme: str) -> str | None:
        """The manufacturing facility's identifier in `scheme`, found through its site."""
        named = self.data.get("manufacturing_facility")
        for site in self.sites:
            values = {i["scheme"]: i["value"] for i in site["identifiers"]}
            if named in values.values():
                return values.get(scheme)
        return None


@dataclass(frozen=True)
class Imported:
    """A document read back: the battery, its static values and timestamped dynamic values."""

    battery_id: str
    data: dict[str, Any]
    dynamic: dict[datetime, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Format:
    name: str
    title: str
    export: Callable[[Source], dict[str, Any]]
    read: Callable[[dict[str, Any]], Imported]
    validate: Callable[[dict[str, Any]], list[dict[str, str]]]
    carries: frozenset[str]  # the attributes that survive export and import unchanged
    licence: str


def load_json(relative: str) -> Any:
    return json.loads((SCHEMAS / relative).read_text(encoding="utf-8"))


@cache
def validator(relative: str):
    """A validator for a vendored schema, of the draft the schema declares (draft 4 if none)."""
    schema = load_json(relative)
    cls = validators.validator_for(schema, default=Draft4Validator)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def schema_errors(relative: str, document: Any, prefix: str = "") -> list[dict[str, str]]:
    """Every way `document` breaks the schema, each with the JSON path where it breaks."""
    found = validator(relative).iter_errors(document)
    return sorted(
        (
            {
                "field": prefix + ".".join(str(part) for part in error.absolute_path) or "(root)",
                "message": error.message[:300],
            }
            for error in found
        ),
        key=lambda e: (e["field"], e["message"]),
    )
