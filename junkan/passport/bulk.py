"""Bulk passport import from JSON lines or CSV: every bad row reported, all rows or none."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from junkan.errors import InvalidInput
from junkan.identity.service import Caller
from junkan.passport.attributes import BY_KEY, ITEM_MODELS
from junkan.passport.models import Passport
from junkan.passport.service import issue_passports, prepare, require_issuer


def parse_upload(body: bytes, content_type: str) -> list[tuple[int, str, dict[str, Any]]]:
    """(line, battery_id, data) per row of a JSON-lines or CSV upload."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput("the upload is not UTF-8 text") from exc
    rows = []
    if "csv" in content_type:
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames or "battery_id" not in reader.fieldnames:
            raise InvalidInput("the CSV needs a header row with a battery_id column")
        unknown = [c for c in reader.fieldnames if c != "battery_id" and c not in BY_KEY]
        if unknown:
            raise InvalidInput(
                f"unknown columns: {', '.join(unknown)}",
                errors=[{"field": c, "message": "not a passport attribute"} for c in unknown],
            )
        for line, record in enumerate(reader, start=2):
            data = {
                k: _csv_value(k, v)
                for k, v in record.items()
                if k != "battery_id" and v not in (None, "")
            }
            rows.append((line, record.get("battery_id") or "", data))
        return rows
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
        except json.JSONDecodeError:
            rows.append((line, "", {"__error__": "not valid JSON"}))
            continue
        if not isinstance(item, dict) or not isinstance(item.get("data"), dict):
            rows.append((line, "", {"__error__": 'each line is {"battery_id": …, "data": {…}}'}))
            continue
        rows.append((line, str(item.get("battery_id", "")), item["data"]))
    return rows


def _csv_value(key: str, text: str) -> Any:
    kind = BY_KEY[key].kind
    if kind in ("number", "percent", "integer"):
        try:
            return float(text) if kind != "integer" else int(text)
        except ValueError:
            return text  # reported by the attribute check, with the column named
    if kind in ("address", "list", *ITEM_MODELS) and text.lstrip()[:1] in ("{", "["):
        try:
            return json.loads(text)  # structured values travel as JSON inside the cell
        except json.JSONDecodeError:
            return text  # reported by the attribute check, with the column named
    if kind in ("list", *ITEM_MODELS):
        return [part.strip() for part in text.split(";") if part.strip()]
    return text


def import_passports(
    session: Session, caller: Caller, rows: list[tuple[int, str, dict]], partial: bool
) -> tuple[list[Passport], list[dict[str, Any]]]:
    """All rows or none (unless `partial`); every bad row is reported with its line."""
    require_issuer(caller)
    errors: list[dict[str, Any]] = []
    good: list[tuple[int, str, dict]] = []
    seen: dict[str, int] = {}
    for line, battery_id, data in rows:
        if "__error__" in data:
            errors.append({"line": line, "field": "(line)", "message": data["__error__"]})
            continue
        try:
            normalized, values = prepare(battery_id, data)
        except InvalidInput as exc:
            errors += [{"line": line, **error} for error in exc.errors]
            continue
        if normalized in seen:
            errors.append(
                {"line": line, "field": "battery_id", "message": f"repeats line {seen[normalized]}"}
            )
            continue
        seen[normalized] = line
        good.append((line, normalized, values))
    existing = set(
        session.scalars(
            select(Passport.battery_id).where(
                Passport.battery_id.in_(list(seen)), Passport.superseded_by.is_(None)
            )
        )
    )
    for line, battery_id, _ in list(good):
        if battery_id in existing:
            errors.append(
                {"line": line, "field": "battery_id", "message": "already has a passport"}
            )
    good = [row for row in good if row[1] not in existing]
    errors.sort(key=lambda e: e["line"])
    if errors and not partial:
        raise InvalidInput(
            f"{len(errors)} problem(s) in {len({e['line'] for e in errors})} "
            f"row(s); nothing was stored",
            errors=errors,
        )
    created = issue_passports(
        session, caller, [(battery_id, values) for _, battery_id, values in good]
    )
    session.commit()
    return created, errors
