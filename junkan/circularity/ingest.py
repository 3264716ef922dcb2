"""Reading telemetry uploads: JSON lines or CSV, optionally gzip-compressed, checked line by
line without a model object per row (this is the hot path of a million-reading upload)."""

from __future__ import annotations

import csv
import io
import json
import math
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from junkan.db import utcnow

MAX_INFLATED_BYTES = 512 * 1024 * 1024
EVENT_KINDS = frozenset(
    {"deep_discharge", "over_temperature", "charging_extreme_temperature", "overcharge", "accident"}
)
# column: (low, high) — physical limits a real BMS cannot leave
LIMITS: dict[str, tuple[float, float]] = {
    "soce": (0.0, 100.0),
    "soc": (0.0, 100.0),
    "voltage": (0.0, 2000.0),
    "current": (-5000.0, 5000.0),
    "cell_temp_min": (-60.0, 150.0),
    "cell_temp_max": (-60.0, 150.0),
    "full_cycles": (0.0, 1e6),
    "energy_throughput": (0.0, 1e9),
}
COLUMNS = ("battery_id", "measured_at", *LIMITS, "events")
_LIMIT_ITEMS = tuple((name, low, high) for name, (low, high) in LIMITS.items())
CLOCK_SKEW = timedelta(minutes=5)


@dataclass
class Parsed:
    """Good readings as tuples in column order, and one error per bad line."""

    rows: list[tuple] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)


def inflate(body: bytes, content_encoding: str | None) -> bytes:
    """The upload, gunzipped if it is gzip (by header or by its magic bytes), size-capped."""
    if (content_encoding or "").lower() == "gzip" or body[:2] == b"\x1f\x8b":
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            data = inflater.decompress(body, MAX_INFLATED_BYTES)
        except zlib.error as exc:
            raise ValueError(f"the gzip stream is damaged: {exc}") from exc
        if inflater.unconsumed_tail:
            raise ValueError(f"the upload inflates to more than {MAX_INFLATED_BYTES} bytes")
        return data
    return body


def parse(text: str, content_type: str, default_battery: str | None = None) -> Parsed:
    """Every line checked; `default_battery` fills a missing battery_id (per-battery upload)."""
    parsed = Parsed()
    now = utcnow() + CLOCK_SKEW
    if "csv" in content_type:
        reader = csv.DictReader(io.StringIO(text))
        unknown = set(reader.fieldnames or ()) - set(COLUMNS)
        if unknown:
            parsed.errors.append(
                {"line": 1, "field": ", ".join(sorted(unknown)), "message": "unknown column"}
            )
            return parsed
        records = ((line, record) for line, record in enumerate(reader, start=2))
    else:
        records = _json_lines(text, parsed)
    for line, record in records:
        try:
            parsed.rows.append(_row(record, default_battery, now))
            parsed.lines.append(line)
        except ValueError as exc:
            name, _, message = str(exc).partition(": ")
            parsed.errors.append({"line": line, "field": name, "message": message})
    return parsed


def _json_lines(text: str, parsed: Parsed):
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError:
            parsed.errors.append({"line": line, "field": "(line)", "message": "not valid JSON"})
            continue
        except ValueError:  # an integer past Python's digit limit for int()
            message = "a number with too many digits"
            parsed.errors.append({"line": line, "field": "(line)", "message": message})
            continue
        if not isinstance(record, dict):
            parsed.errors.append({"line": line, "field": "(line)", "message": "not an object"})
            continue
        yield line, record


def _row(record: dict, default_battery: str | None, now: datetime) -> tuple:
    unknown = set(record) - set(COLUMNS)
    if unknown:
        raise ValueError(f"{sorted(unknown)[0]}: not a telemetry field")
    battery = record.get("battery_id") or default_battery
    if not battery:
        raise ValueError("battery_id: is missing")
    measured_at = _time(record.get("measured_at"), now)
    values = []
    for name, low, high in _LIMIT_ITEMS:  # inlined: this loop runs eight times per reading
        value = record.get(name)
        if value is None or value == "":
            values.append(None)
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{name}: {value!r} is not a number") from None
        except OverflowError:  # a JSON integer beyond any float
            raise ValueError(f"{name}: a number outside {low:g}…{high:g}") from None
        if not low <= number <= high or value is True or value is False:
            _number(name, value, low, high)  # raises with the precise message
        values.append(number)
    if values[4] is not None and values[5] is not None and values[4] > values[5]:
        raise ValueError("cell_temp_min: is above cell_temp_max")
    return (str(battery), measured_at, *values, _events(record.get("events")))


def _time(value: Any, now: datetime) -> datetime:
    if not isinstance(value, str) or not value:
        raise ValueError("measured_at: is missing")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"measured_at: {value!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise ValueError("measured_at: needs a time zone (e.g. Z)")
    if moment > now:
        raise ValueError("measured_at: is in the future")
    return moment


def _number(name: str, value: Any, low: float, high: float) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: {value!r} is not a number") from None
    if isinstance(value, bool) or not math.isfinite(number):
        raise ValueError(f"{name}: must be a finite number")
    if not low <= number <= high:
        raise ValueError(f"{name}: {number:g} is outside {low:g}…{high:g}")
    return number


def _events(value: Any) -> list[str] | None:
    if value in (None, "", []):
        return None
    kinds = value.split(";") if isinstance(value, str) else value
    if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
        raise ValueError("events: a list of event kinds")
    kinds = [k.strip() for k in kinds if k.strip()]
    unknown = [k for k in kinds if k not in EVENT_KINDS]
    if unknown:
        raise ValueError(
            f"events: unknown kind {unknown[0]!r}; known: {', '.join(sorted(EVENT_KINDS))}"
        )
    return kinds
