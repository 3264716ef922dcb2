"""Activity data and bills of materials from a spreadsheet (CSV or .xlsx), checked whole.

Pure: the caller passes the factors and supplier footprints it may use; every row comes back
with its problems and a hint how to fix each, and lines are only usable when no row has one.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook, load_workbook
from pydantic import ValidationError

from junkan.footprint import units
from junkan.footprint.schemas import ActivityIn, ActivityKind, ComponentIn, Stage

COLUMNS = (
    "line",
    "kind",
    "stage",
    "description",
    "quantity",
    "unit",
    "factor",
    "region",
    "supplier_footprint",
    "primary",
)
REQUIRED = ("line", "description", "quantity", "unit")
LINE_TYPES = ("activity", "component")
KINDS = tuple(k.value for k in ActivityKind)
STAGES = tuple(s.value for s in Stage)
YES, NO = ("yes", "y", "true", "1"), ("no", "n", "false", "0")
MAX_ROWS = 5000


@dataclass(frozen=True)
class FactorChoice:
    id: str
    name: str
    region: str
    unit: str
    version: int = 1


@dataclass(frozen=True)
class SupplierChoice:
    """A footprint the importer may use: its id, the supplier's part number, declared unit."""

    id: str
    part_number: str
    declared_unit: str
    supplier: str = ""


@dataclass
class Row:
    number: int  # the spreadsheet's row number (the header is row 1)
    values: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    line: ActivityIn | ComponentIn | None = None


@dataclass
class Sheet:
    """A parsed file: file-level problems (nothing per row can be said) or rows."""

    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems and bool(self.rows) and all(not r.problems for r in self.rows)

    @property
    def activities(self) -> list[ActivityIn]:
        return [r.line for r in self.rows if isinstance(r.line, ActivityIn)]

    @property
    def components(self) -> list[ComponentIn]:
        return [r.line for r in self.rows if isinstance(r.line, ComponentIn)]


# --- Reading files ------------------------------------------------------------------------------


def read(filename: str, content: bytes) -> tuple[list[str], list[list[Any]]] | str:
    """Header and rows of a CSV or .xlsx file, or the code of why it cannot be read."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _read_xlsx(content)
    if name.endswith(".csv") or name.endswith(".txt"):
        return _read_csv(content)
    return "file_type"


def _read_csv(content: bytes) -> tuple[list[str], list[list[Any]]] | str:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "file_encoding"
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)  # Excel writes ; where the decimal mark is ,
    records = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    return _split(records)


def _read_xlsx(content: bytes) -> tuple[list[str], list[list[Any]]] | str:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 (openpyxl raises many kinds for a file that is not .xlsx)
        return "file_xlsx"
    sheet = book["lines"] if "lines" in book.sheetnames else book.worksheets[0]
    records = [list(r) for r in sheet.iter_rows(values_only=True)]
    book.close()
    return _split(records)


def _split(records: list[list[Any]]) -> tuple[list[str], list[list[Any]]] | str:
    if not records:
        return "file_empty"
    header = [_text(c).lower().replace(" ", "_") for c in records[0]]
    return header, records[1:]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- Checking -----------------------------------------------------------------------------------

# What each problem says and how to fix it (English; pages translate by the code).
TEXTS = {
    "file_type": (
        "the file is neither .csv nor .xlsx",
        "save the spreadsheet as CSV UTF-8 or Excel Workbook (.xlsx)",
    ),
    "file_encoding": ("the CSV file is not UTF-8 text", "save it as CSV UTF-8"),
    "file_xlsx": ("the file is not a readable .xlsx workbook", "save it as Excel Workbook"),
    "file_missing": ("no file was chosen", "choose a .csv or .xlsx file"),
    "file_empty": ("the file is empty", "start with the header row of the template"),
    "file_long": ("more than {value} lines", "split the file"),
    "file_no_lines": ("the file holds no lines below its header row", "add one line per row"),
    "columns_missing": ("missing column(s): {value}", "the expected columns are: {choices}"),
    "columns_unknown": ("unknown column(s): {value}", "the expected columns are: {choices}"),
    "line": ("{value!r} is not a line type", "use one of: {choices}"),
    "stage": ("{value!r} is not a life-cycle stage", "use one of: {choices}"),
    "stage_empty": ("the stage is empty", "use one of: {choices}"),
    "description_empty": ("the description is empty", "say what the input is"),
    "quantity_empty": ("the quantity is empty", "write a plain number such as 12.5"),
    "quantity_text": ("{value!r} is not a number", "write a plain number such as 12.5"),
    "quantity_comma": (
        "{value!r} is not a number",
        "use a dot as the decimal separator and no thousands separator, e.g. 1234.5",
    ),
    "quantity_negative": ("{value} is not allowed", "give a quantity of 0 or more"),
    "unit_empty": ("the unit is empty", "use a unit such as {examples}"),
    "unit_unknown": ("unknown unit {value!r}", "use a unit such as {examples}"),
    "unit_factor": (
        "{value!r} cannot be converted to {target!r}, the unit of the emission factor",
        "give the quantity in {target} or a unit like it",
    ),
    "unit_supplier": (
        "{value!r} cannot be converted to {target!r}, the unit of the supplier's footprint",
        "give the quantity in {target} or a unit like it",
    ),
    "factor_unknown": (
        "no emission factor named {value!r}",
        "copy a factor name from the template's list of factors",
    ),
    "region": ("{value!r} has no factor for region {region!r}", "use one of: {choices}"),
    "region_needed": ("{value!r} exists for several regions", "use one of: {choices}"),
    "supplier_unknown": (
        "no footprint {value!r} is shared with you",
        "give the id or part number of a footprint your supplier shared with you",
    ),
    "supplier_on_activity": (
        "an activity has no supplier footprint",
        "write 'component' in the line column for supplied parts",
    ),
    "kind": ("{value!r} is not a kind of activity", "use one of: {choices}"),
    "kind_empty": ("the kind is empty", "use one of: {choices}"),
    "primary": ("{value!r} is not yes or no", "write yes or no"),
    "factor_needed": (
        "no emission factor for an amount that is not CO2e",
        "name an emission factor, or give direct emissions in kgCO2e",
    ),
    "two_sources": (
        "both a factor and a supplier footprint",
        "leave factor empty when the supplier's footprint is given",
    ),
    "no_source": (
        "a component needs a source of its footprint",
        "name an emission factor or a supplier footprint shared with you",
    ),
    "invalid": ("{value}", "see the template's example rows"),
}
UNIT_EXAMPLES = "kg, g, t, kWh, MJ, l, m3, t*km, piece, kgCO2e"


@dataclass
class Problem:
    column: str
    code: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return TEXTS[self.code][0].format(**self.params)

    @property
    def hint(self) -> str:
        return TEXTS[self.code][1].format(**self.params)


def parse(
    filename: str,
    content: bytes,
    factors: Sequence[FactorChoice],
    suppliers: Sequence[SupplierChoice],
) -> Sheet:
    read_back = read(filename, content)
    if isinstance(read_back, str):
        return Sheet(problems=[Problem("", read_back)])
    return check(*read_back, factors=factors, suppliers=suppliers)


def check(
    header: list[str],
    records: Iterable[Sequence[Any]],
    factors: Sequence[FactorChoice],
    suppliers: Sequence[SupplierChoice],
) -> Sheet:
    """Every row checked; the file's own problems (columns) stop before rows are read."""
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c and c not in COLUMNS]
    expected = {"choices": ", ".join(COLUMNS)}
    problems = []
    if missing:
        problems.append(Problem("", "columns_missing", {"value": ", ".join(missing)} | expected))
    if unknown:
        problems.append(Problem("", "columns_unknown", {"value": ", ".join(unknown)} | expected))
    if problems:
        return Sheet(problems=problems)
    sheet = Sheet()
    for number, record in enumerate(records, start=2):
        values = {c: _text(v) for c, v in zip(header, record, strict=False) if c}
        if not any(values.values()) or values.get("line", "").startswith("#"):
            continue  # blank rows and comments (the template lists factors in comments)
        if len(sheet.rows) == MAX_ROWS:
            sheet.problems.append(Problem("", "file_long", {"value": str(MAX_ROWS)}))
            break
        sheet.rows.append(_row(number, values, factors, suppliers))
    if not sheet.rows and not sheet.problems:
        sheet.problems.append(Problem("", "file_no_lines"))
    return sheet


class _Checks:
    """One row's checks, collecting every problem rather than stopping at the first."""

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values
        self.problems: list[Problem] = []

    def add(self, column: str, code: str, **params: Any) -> None:
        self.problems.append(Problem(column, code, {k: str(v) for k, v in params.items()}))

    def get(self, column: str) -> str:
        return self.values.get(column, "")

    def quantity(self) -> float | None:
        text = self.get("quantity")
        try:
            value = float(text)
        except ValueError:
            code = "quantity_empty" if not text else "quantity_text"
            self.add("quantity", "quantity_comma" if "," in text else code, value=text)
            return None
        if not math.isfinite(value) or value < 0:
            self.add("quantity", "quantity_negative", value=text)
            return None
        return value

    def unit(self) -> bool:
        unit = self.get("unit")
        try:
            units.parse_unit(unit)
        except ValueError:
            code = "unit_unknown" if unit else "unit_empty"
            self.add("unit", code, value=unit, examples=UNIT_EXAMPLES)
            return False
        return True

    def convertible(self, target: str, code: str) -> None:
        try:
            units.conversion(self.get("unit"), target)
        except ValueError:
            self.add("unit", code, value=self.get("unit"), target=target)

    def factor(self, factors: Sequence[FactorChoice]) -> FactorChoice | None:
        name, region = self.get("factor"), self.get("region").upper()
        if not name:
            return None
        named = [f for f in factors if f.name.lower() == name.lower()]
        if not named:
            self.add("factor", "factor_unknown", value=name)
            return None
        matches = [f for f in named if not region or f.region == region]
        regions = ", ".join(sorted({f.region for f in named}))
        if not matches:
            self.add("region", "region", value=name, region=region, choices=regions)
            return None
        if "," in regions and not region:
            self.add("region", "region_needed", value=name, choices=regions)
            return None
        return max(matches, key=lambda f: f.version)  # the newest version

    def supplier(self, suppliers: Sequence[SupplierChoice]) -> SupplierChoice | None:
        wanted = self.get("supplier_footprint")
        if not wanted:
            return None
        for choice in suppliers:
            if wanted in (choice.id, choice.part_number):
                return choice
        self.add("supplier_footprint", "supplier_unknown", value=wanted)
        return None

    def model(self, model, **data):
        """The validated line, once the row's own checks passed (the model checks the rest)."""
        if self.problems:
            return None
        try:
            return model(**data)
        except ValidationError as exc:
            for error in exc.errors():
                column = str(error["loc"][0]) if error["loc"] else "line"
                self.add(column, "invalid", value=error["msg"])
            return None


def _row(number, values, factors, suppliers) -> Row:
    checks = _Checks(values)
    line_type = checks.get("line").lower()
    if line_type not in LINE_TYPES:
        checks.add("line", "line", value=checks.get("line"), choices=", ".join(LINE_TYPES))
        return Row(number, values, checks.problems)
    quantity = checks.quantity()
    unit_ok = checks.unit()
    stage = checks.get("stage").lower() or ("raw_materials" if line_type == "component" else "")
    if stage not in STAGES:
        code = "stage" if stage else "stage_empty"
        checks.add("stage", code, value=stage, choices=", ".join(STAGES))
    if not checks.get("description"):
        checks.add("description", "description_empty")
    factor = checks.factor(factors)
    supplier = checks.supplier(suppliers)
    common = {
        "description": checks.get("description"),
        "quantity": quantity,
        "unit": checks.get("unit"),
        "stage": stage,
        "factor_id": factor.id if factor else None,
    }
    if line_type == "activity":
        line = _activity(checks, common, unit_ok, factor)
    else:
        line = _component(checks, common, unit_ok, factor, supplier)
    return Row(number, values, checks.problems, line if not checks.problems else None)


def _activity(checks: _Checks, common: dict, unit_ok: bool, factor) -> ActivityIn | None:
    kind = checks.get("kind").lower()
    if kind not in KINDS:
        checks.add("kind", "kind" if kind else "kind_empty", value=kind, choices=", ".join(KINDS))
    if checks.get("supplier_footprint"):
        checks.add("supplier_footprint", "supplier_on_activity")
    primary = checks.get("primary").lower() or "yes"
    if primary not in YES + NO:
        checks.add("primary", "primary", value=primary)
    if unit_ok and factor is not None:
        checks.convertible(factor.unit, "unit_factor")
    elif unit_ok and not checks.get("factor") and not units.is_emission(checks.get("unit")):
        checks.add("factor", "factor_needed")
    return checks.model(ActivityIn, kind=kind, primary=primary in YES, **common)


def _component(checks: _Checks, common: dict, unit_ok: bool, factor, supplier):
    named_factor, named_supplier = checks.get("factor"), checks.get("supplier_footprint")
    if named_factor and named_supplier:
        checks.add("factor", "two_sources")
    elif not named_factor and not named_supplier:
        checks.add("factor", "no_source")
    elif unit_ok and factor is not None:
        checks.convertible(factor.unit, "unit_factor")
    elif unit_ok and supplier is not None:
        checks.convertible(supplier.declared_unit, "unit_supplier")
    return checks.model(
        ComponentIn, supplier_footprint_id=supplier.id if supplier else None, **common
    )


# --- Templates ----------------------------------------------------------------------------------

EXAMPLES = (
    ("activity", "energy", "main_production", "electricity of the calcination kilns", "12",
     "kWh", "grid electricity", "JP", "", "yes"),
    ("activity", "process", "main_production", "process emissions measured at the stack",
     "0.05", "kgCO2e", "", "", "", "yes"),
    ("component", "", "raw_materials", "lithium hydroxide", "0.48", "kg",
     "lithium hydroxide monohydrate", "GLO", "", ""),
)  # fmt: skip


def _factor_rows(factors: Sequence[FactorChoice]) -> list[tuple[str, str, str]]:
    return sorted({(f.name, f.region, f.unit) for f in factors})


def template_csv(factors: Sequence[FactorChoice]) -> str:
    """The header, example rows, and the usable factors as comment rows (skipped on upload)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(EXAMPLES)
    writer.writerow(["# Rows starting with # are skipped. Factors you may use (factor, region, "
                     "unit); a supplied part takes supplier_footprint = its footprint id or "
                     "part number instead of a factor:"])  # fmt: skip
    for name, region, unit in _factor_rows(factors):
        writer.writerow([f"# {name}", "", "", "", "", unit, name, region])
    return out.getvalue()


def template_xlsx(factors: Sequence[FactorChoice]) -> bytes:
    """A workbook: sheet 'lines' to fill in, sheet 'factors' with the usable factors."""
    book = Workbook()
    lines = book.active
    lines.title = "lines"
    lines.append(COLUMNS)
    for example in EXAMPLES:
        lines.append([_number_or_text(v) for v in example])
    listing = book.create_sheet("factors")
    listing.append(("factor", "region", "unit"))
    for row in _factor_rows(factors):
        listing.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _number_or_text(value: str) -> float | str:
    try:
        return float(value)
    except ValueError:
        return value
