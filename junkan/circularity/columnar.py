"""The fast reader of telemetry uploads: a clean CSV or JSON-lines upload read column-wise with
pyarrow and checked with vectorised comparisons. It answers only "clean, here are the columns"
or "not sure": anything it does not fully vouch for (a bad value, a quoted CSV field, an odd
line break, a time format it does not know) sends the whole upload to the exact line-by-line
reader in ingest.py, so every error message and line number comes from one place."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.json as pa_json

from junkan.circularity.ingest import CLOCK_SKEW, COLUMNS, LIMITS, _events
from junkan.db import utcnow

# Times both readers parse the same way: ISO 8601 with seconds, up to microseconds, and a zone.
_TIME = (
    r"^[1-9]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d"
    r"(\.\d{1,6})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$"
)
# Line breaks str.splitlines() knows and pyarrow does not (or the other way round).
_ODD_BREAKS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
_BLANK_LINE = re.compile(r"\n[ \t]*\r?\n")
pa.array([0.0])  # pyarrow imports its pandas bridge on first use: at start, not in an upload
_FLOATS = {name: pa.float64() for name in LIMITS}
_JSON_SCHEMA = pa.schema(
    [("battery_id", pa.string()), ("measured_at", pa.string())]
    + [(name, pa.float64()) for name in LIMITS]
    + [("events", pa.list_(pa.string()))]
)


@dataclass
class Columns:
    """A clean upload: batteries as codes into `batteries`, times as UTC microseconds, numbers
    as float64 with NaN for "not given" (a given NaN is refused), events per row or None."""

    batteries: list[str]
    codes: np.ndarray  # int32, index into batteries
    micros: np.ndarray  # int64, UTC microseconds since the epoch
    values: dict[str, np.ndarray]  # LIMITS column -> float64
    events: list[list[str] | None] | None  # None when no row has events

    def __len__(self) -> int:
        return len(self.micros)


def read(text: str, content_type: str, default_battery: str | None = None) -> Columns | None:
    """The upload's columns if every line is clean, else None (use the exact reader)."""
    if text.count("\r") != text.count("\r\n"):
        return None
    if not text.isascii() and any(odd in text for odd in _ODD_BREAKS):
        return None
    try:
        table = _csv(text) if "csv" in content_type else _json_lines(text)
        return None if table is None else _check(table, default_battery)
    except (pa.ArrowException, ValueError, TypeError, OverflowError):
        return None


def _csv(text: str) -> pa.Table | None:
    header, _, _ = text.partition("\n")
    names = header.rstrip("\r").split(",")
    if '"' in text or len(set(names)) != len(names) or not set(names) <= set(COLUMNS):
        return None  # quoting, repeated or unknown columns: the exact reader decides
    if _blank_line(text.rstrip(" \t\r\n")):
        return None
    types = {"battery_id": pa.string(), "measured_at": pa.string(), "events": pa.string()}
    return pa_csv.read_csv(
        io.BytesIO(text.encode()),
        parse_options=pa_csv.ParseOptions(newlines_in_values=False),
        convert_options=pa_csv.ConvertOptions(
            column_types=types | _FLOATS,
            null_values=[""],
            strings_can_be_null=True,
            true_values=[],
            false_values=[],
        ),
    )


def _json_lines(text: str) -> pa.Table | None:
    body = text.rstrip(" \t\r\n")
    if not body or _blank_line(body) or body[0] in " \t\r\n":
        return None
    table = pa_json.read_json(
        io.BytesIO(body.encode()),
        parse_options=pa_json.ParseOptions(
            explicit_schema=_JSON_SCHEMA, unexpected_field_behavior="error"
        ),
    )
    # two objects on one line are one bad line to json.loads, two rows to pyarrow
    return table if table.num_rows == body.count("\n") + 1 else None


def _blank_line(text: str) -> bool:
    """Whether a line in the middle is empty or white (plain searches first: a regex over a
    hundred megabytes is slow)."""
    if "\n\n" in text or "\n\r\n" in text:
        return True
    return ("\n " in text or "\n\t" in text) and _BLANK_LINE.search(text) is not None


def _check(table: pa.Table, default_battery: str | None) -> Columns | None:
    rows = table.num_rows
    if rows == 0:
        return None
    names = set(table.column_names)
    battery = (
        table["battery_id"].combine_chunks()
        if "battery_id" in names
        else pa.nulls(rows, pa.string())
    )
    battery = pc.if_else(pc.equal(battery, ""), pa.scalar(None, pa.string()), battery)
    if battery.null_count:
        if not default_battery:
            return None
        battery = pc.fill_null(battery, default_battery)
    coded = pc.dictionary_encode(battery)
    if "measured_at" not in names:
        return None
    times = table["measured_at"]
    if times.null_count or not pc.all(pc.match_substring_regex(times, _TIME)).as_py():
        return None
    stamps = pc.cast(times, pa.timestamp("us", tz="UTC"))
    micros = stamps.combine_chunks().cast(pa.int64()).to_numpy()
    if micros.max() > _micros(utcnow() + CLOCK_SKEW):
        return None
    values = {}
    for name, (low, high) in LIMITS.items():
        if name not in names:
            values[name] = np.full(rows, np.nan)
            continue
        column = table[name].combine_chunks()
        numbers = column.to_numpy(zero_copy_only=False)  # nulls become NaN
        given = column.is_valid().to_numpy(zero_copy_only=False)
        with np.errstate(invalid="ignore"):
            inside = (numbers >= low) & (numbers <= high)
        if not np.array_equal(inside, given):  # NaN, infinite or out of range
            return None
        values[name] = numbers
    with np.errstate(invalid="ignore"):
        if np.any(values["cell_temp_min"] > values["cell_temp_max"]):
            return None
    events = _event_rows(table["events"]) if "events" in names else None
    return Columns(
        batteries=[str(b) for b in coded.dictionary.to_pylist()],
        codes=coded.indices.to_numpy(zero_copy_only=False).astype(np.int32),
        micros=micros,
        values=values,
        events=events,
    )


def _event_rows(column: pa.ChunkedArray) -> list[list[str] | None] | None:
    """Events checked once per distinct value (a fleet reports few distinct combinations)."""
    if column.null_count == len(column):
        return None
    column = column.combine_chunks()
    if pa.types.is_list(column.type):
        raw = column.to_pylist()
        return [_events(value) for value in raw]
    coded = pc.dictionary_encode(column)
    kinds = [_events(value) for value in coded.dictionary.to_pylist()]
    indices = coded.indices.to_pylist()
    return [None if i is None else kinds[i] for i in indices]


def _micros(moment: datetime) -> int:
    return int(moment.timestamp()) * 1_000_000 + moment.microsecond
