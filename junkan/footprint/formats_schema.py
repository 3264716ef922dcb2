"""Checks against the official schemas, vendored unchanged in standards/ (see NOTICE.md).

PACT publishes no standalone JSON Schema: the schemas live in each version's OpenAPI document,
so a validator is built over the whole document and pointed at one component or response.
Formats the schemas declare but JSON Schema does not assert (uuid, date-time, decimal, urn,
uri) are asserted here as the specifications define them, so a decimal string like "1e3" or a
date without a zone fails as the prose says it must.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import yaml  # PyYAML: reaches us through uvicorn[standard]; the PACT files are YAML as published
from jsonschema import Draft4Validator, Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMAS = Path(__file__).parent / "standards"
PACT_V2_SPEC_VERSION = "2.3.3"
PACT_V3_SPEC_VERSION = "3.0.3"
_PACT_FILES = {2: "pact-v2.3.3-openapi.yaml", 3: "pact-v3.0.3-openapi.yaml"}
_CATENAX_FILES = {7: "catenax-pcf-7.0.0-schema.json", 9: "catenax-pcf-9.0.0-schema.json"}
KINDS = ("pact-v2", "pact-v3", "catenax-pcf-7", "catenax-pcf-9")
# PACT actions -> (path template, method) in each version's OpenAPI document
OPERATIONS = {
    "ListFootprints": ("/{v}/footprints", "get"),
    "GetFootprint": ("/{v}/footprints/{{id}}", "get"),
    "Events": ("/{v}/events", "post"),
}

_DECIMAL = re.compile(r"^[+-]?\d+(\.\d+)?$")  # spec/v3 Decimal; v2 prose: "dotted-decimal"
_REQUIRED = re.compile(r"^'(.+)' is a required property$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


def _formats() -> FormatChecker:
    checker = FormatChecker(formats=())

    @checker.checks("uuid", raises=ValueError)
    def _uuid(value: object) -> bool:
        return not isinstance(value, str) or bool(uuid.UUID(value))

    @checker.checks("date-time", raises=ValueError)
    def _date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if not re.match(r"^\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)$", value):
            return False
        return datetime.fromisoformat(value.upper().replace("Z", "+00:00")) is not None

    @checker.checks("decimal")
    def _decimal(value: object) -> bool:
        return not isinstance(value, str) or bool(_DECIMAL.match(value))

    @checker.checks("urn")
    @checker.checks("uri")
    def _uri(value: object) -> bool:
        return not isinstance(value, str) or bool(_URI.match(value))

    return checker


FORMATS = _formats()


@cache
def openapi(version: int) -> dict[str, Any]:
    """The PACT OpenAPI document of a major version (2 or 3), parsed once."""
    text = (SCHEMAS / _PACT_FILES[version]).read_text(encoding="utf-8")
    return yaml.safe_load(text)


@cache
def _registry(version: int) -> Registry:
    resource = Resource.from_contents(openapi(version), default_specification=DRAFT202012)
    return Registry().with_resource(_base(version), resource)


def _base(version: int) -> str:
    return f"urn:junkan:pact-openapi:v{version}"


@cache
def _pact_validator(version: int, pointer: str) -> Draft202012Validator:
    """A validator for one place in the OpenAPI document (OpenAPI 3.1 uses JSON Schema 2020-12)."""
    return Draft202012Validator(
        {"$ref": f"{_base(version)}#{pointer}"},
        registry=_registry(version),
        format_checker=FORMATS,
    )


@cache
def _catenax_validator(version: int) -> Draft4Validator:
    schema = json.loads((SCHEMAS / _CATENAX_FILES[version]).read_text(encoding="utf-8"))
    return Draft4Validator(schema, format_checker=FORMATS)


def _report(validator: Any, document: Any) -> list[dict[str, str]]:
    """Every error, as {field, message}; a missing property is named as the field itself."""
    out = []
    for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.path))):
        for leaf in _leaves(error):
            path = list(leaf.absolute_path)
            missing = _REQUIRED.match(leaf.message) if leaf.validator == "required" else None
            if missing:
                path.append(missing.group(1))
            out.append({"field": _dotted(path), "message": leaf.message})
    return out


def _leaves(error: ValidationError) -> list[ValidationError]:
    """The deepest errors under a oneOf/anyOf, where the useful message is."""
    if not error.context:
        return [error]
    deepest = max(len(e.absolute_path) for e in error.context)
    if deepest <= len(error.absolute_path):
        return [error]
    return [e for e in error.context if len(e.absolute_path) == deepest]


def _dotted(path: list) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def validate(kind: str, document: Any) -> list[dict[str, str]]:
    """Errors of one footprint document against its official schema; [] when valid.

    kind: pact-v2 | pact-v3 (a ProductFootprint), catenax-pcf-7 | catenax-pcf-9 (a Pcf).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown footprint format {kind!r}; known: {', '.join(KINDS)}")
    version = int(kind[-1])
    if kind.startswith("pact"):
        validator = _pact_validator(version, "/components/schemas/ProductFootprint")
    else:
        validator = _catenax_validator(version)
    return _report(validator, document)


def validate_response(version: int, operation: str, status: int, body: Any) -> list[dict[str, str]]:
    """Errors of an HTTP response body against the PACT OpenAPI document of `version` (2 or 3).

    operation: ListFootprints | GetFootprint | Events. A status the document does not list for
    the operation is itself an error; a response declared without content wants no body.
    """
    doc = openapi(version)
    if operation not in OPERATIONS:
        raise ValueError(f"unknown PACT operation {operation!r}; known: {', '.join(OPERATIONS)}")
    template, method = OPERATIONS[operation]
    path = template.format(v=version)
    responses = doc["paths"][path][method]["responses"]
    response = responses.get(str(status), responses.get(status))
    if response is None:
        listed = ", ".join(map(str, responses))
        return [{"field": "", "message": f"{status} is not a {operation} response ({listed})"}]
    pointer = f"/paths/{_escape(path)}/{method}/responses/{status}"
    if "$ref" in response:  # v2: components/responses; v3 puts them under components/schemas
        pointer = response["$ref"].lstrip("#")
        response = _resolve(doc, pointer)
    content = (response.get("content") or {}).get("application/json")
    if content is None:
        empty = body in (None, "", b"", {})
        return [] if empty else [{"field": "", "message": "this response has no body"}]
    return _report(_pact_validator(version, f"{pointer}/content/application~1json/schema"), body)


def validate_event(version: int, event: Any) -> list[dict[str, str]]:
    """Errors of a CloudEvents body POSTed to /{version}/events, against the OpenAPI oneOf."""
    path = _escape(OPERATIONS["Events"][0].format(v=version))
    pointer = f"/paths/{path}/post/requestBody/content/application~1cloudevents+json/schema"
    return _report(_pact_validator(version, pointer), event)


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def _resolve(doc: dict[str, Any], pointer: str) -> dict[str, Any]:
    node: Any = doc
    for part in pointer.strip("/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node
