"""Spreadsheet lines checked whole: each problem on its row with a fix, CSV and .xlsx alike."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from junkan.footprint import sheets
from junkan.footprint.schemas import ActivityIn, ComponentIn

FACTORS = [
    sheets.FactorChoice("f-jp", "grid electricity", "JP", "kWh"),
    sheets.FactorChoice("f-cn", "grid electricity", "CN", "kWh"),
    sheets.FactorChoice("f-li-1", "lithium hydroxide monohydrate", "GLO", "kg", 1),
    sheets.FactorChoice("f-li-2", "lithium hydroxide monohydrate", "GLO", "kg", 2),
]
SUPPLIERS = [sheets.SupplierChoice("fp-cam", "NMC811-CAM", "kg", "Niihama")]
HEADER = "line,kind,stage,description,quantity,unit,factor,region,supplier_footprint,primary"


def _csv(*rows: str) -> sheets.Sheet:
    text = "\n".join((HEADER, *rows)) + "\n"
    return sheets.parse("lines.csv", text.encode(), FACTORS, SUPPLIERS)


def _codes(sheet: sheets.Sheet) -> dict[int, list[tuple[str, str]]]:
    return {r.number: [(p.column, p.code) for p in r.problems] for r in sheet.rows}


def test_good_rows_become_lines_with_their_factor_or_supplier():
    sheet = _csv(
        "activity,energy,main_production,kiln power,12,kWh,grid electricity,jp,,no",
        "activity,process,main_production,stack,500,gCO2e,,,,",
        "component,,,lithium hydroxide,480,g,lithium hydroxide monohydrate,,,",
        "component,,,cathode,350,g,,,NMC811-CAM,",
        "component,,,cathode by id,0.35,kg,,,fp-cam,",
    )
    assert sheet.valid, _codes(sheet)
    power, stack = sheet.activities
    assert power == ActivityIn(
        kind="energy",
        stage="main_production",
        description="kiln power",
        quantity=12.0,
        unit="kWh",
        factor_id="f-jp",
        primary=False,
    )
    assert stack.factor_id is None and stack.primary is True
    lithium, cathode, by_id = sheet.components
    assert lithium.factor_id == "f-li-2"  # the newest version of the factor
    assert lithium.stage == "raw_materials"  # a component's default stage
    assert cathode == ComponentIn(
        description="cathode", quantity=350.0, unit="g", supplier_footprint_id="fp-cam"
    )
    assert by_id.supplier_footprint_id == "fp-cam"


@pytest.mark.parametrize(
    ("row", "column", "code", "hint"),
    [
        ("activity,energy,main_production,x,12,kgg,grid electricity,JP,,", "unit", "unit_unknown",
         "use a unit such as kg"),
        ("activity,energy,main_production,x,12,kg,grid electricity,JP,,", "unit", "unit_factor",
         "give the quantity in kWh"),
        ("component,,,x,2,kWh,,,NMC811-CAM,", "unit", "unit_supplier", "give the quantity in kg"),
        ("activity,energy,main_production,x,twelve,kWh,grid electricity,JP,,", "quantity",
         "quantity_text", "plain number"),
        ('activity,energy,main_production,x,"1,5",kWh,grid electricity,JP,,', "quantity",
         "quantity_comma", "dot as the decimal separator"),
        ("activity,energy,main_production,x,-1,kWh,grid electricity,JP,,", "quantity",
         "quantity_negative", "0 or more"),
        ("activity,energy,main_production,x,inf,kWh,grid electricity,JP,,", "quantity",
         "quantity_negative", "0 or more"),
        ("activity,energy,main_production,x,1,kWh,coal power,JP,,", "factor", "factor_unknown",
         "template's list"),
        ("activity,energy,main_production,x,1,kWh,grid electricity,DE,,", "region", "region",
         "CN, JP"),
        ("activity,energy,main_production,x,1,kWh,grid electricity,,,", "region",
         "region_needed", "CN, JP"),
        ("activity,energy,making,x,1,kWh,grid electricity,JP,,", "stage", "stage",
         "raw_materials, main_production"),
        ("activity,energy,,x,1,kWh,grid electricity,JP,,", "stage", "stage_empty", "use one of"),
        ("activity,power,main_production,x,1,kWh,grid electricity,JP,,", "kind", "kind",
         "material, energy"),
        ("activity,energy,main_production,x,1,kWh,grid electricity,JP,,maybe", "primary",
         "primary", "yes or no"),
        ("activity,energy,main_production,x,1,kWh,,,,", "factor", "factor_needed", "kgCO2e"),
        ("activity,material,raw_materials,x,1,kg,,,NMC811-CAM,", "supplier_footprint",
         "supplier_on_activity", "component"),
        ("component,,,x,1,kg,,,NMC999,", "supplier_footprint", "supplier_unknown", "shared"),
        ("component,,,x,1,kg,,,,", "factor", "no_source", "supplier footprint"),
        ("component,,,x,1,kg,lithium hydroxide monohydrate,GLO,NMC811-CAM,", "factor",
         "two_sources", "leave factor empty"),
        ("process,,,x,1,kg,,,,", "line", "line", "activity, component"),
        ("activity,energy,main_production,,1,kWh,grid electricity,JP,,", "description",
         "description_empty", "say what"),
    ],
)  # fmt: skip
def test_each_problem_is_on_its_row_with_a_fix(row, column, code, hint):
    good = "activity,energy,main_production,ok,1,kWh,grid electricity,JP,,"
    sheet = _csv(good, row, good)
    assert not sheet.valid
    problems = _codes(sheet)
    assert problems[2] == [] and problems[4] == []
    assert (column, code) in problems[3]
    shown = next(p for p in sheet.rows[1].problems if p.code == code)
    assert hint in shown.hint
    assert shown.message  # says what is wrong in words
    assert sheet.rows[1].line is None
    assert sheet.activities == [sheet.rows[0].line, sheet.rows[2].line]


def test_every_problem_of_a_row_is_reported_not_just_the_first():
    sheet = _csv("activity,,nowhere,x,-3,kgg,coal,,,")
    assert [c for _, c in _codes(sheet)[2]] == [
        "quantity_negative",
        "unit_unknown",
        "stage",
        "factor_unknown",
        "kind_empty",
    ]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (b"part,qty\nx,1\n", "columns_missing"),
        (HEADER.encode() + b",colour\n", "columns_unknown"),
        (b"", "file_empty"),
        (HEADER.encode() + b"\n\n", "file_no_lines"),
        ("line,description\né".encode("utf-16"), "file_encoding"),
    ],
)
def test_file_level_problems_stop_before_the_rows(text, code):
    sheet = sheets.parse("lines.csv", text, FACTORS, SUPPLIERS)
    assert not sheet.valid and not sheet.rows
    assert [p.code for p in sheet.problems][0] == code


def test_missing_columns_name_the_expected_ones():
    sheet = sheets.parse("x.csv", b"description,qty\n", FACTORS, SUPPLIERS)
    missing = sheet.problems[0]
    assert missing.message == "missing column(s): line, quantity, unit"
    assert missing.hint == "the expected columns are: " + ", ".join(sheets.COLUMNS)


def test_other_files_are_refused_by_name_and_content():
    assert sheets.parse("x.pdf", b"%PDF", FACTORS, SUPPLIERS).problems[0].code == "file_type"
    assert sheets.parse("x.xlsx", b"not a zip", FACTORS, SUPPLIERS).problems[0].code == "file_xlsx"


def test_semicolon_csv_and_comments_and_blank_rows():
    text = (
        HEADER.replace(",", ";") + "\n# a note\n\n"
        "activity;energy;main_production;kiln;12;kWh;grid electricity;JP;;\n"
    )
    sheet = sheets.parse("lines.csv", text.encode("utf-8-sig"), FACTORS, SUPPLIERS)
    assert sheet.valid and sheet.rows[0].number == 4  # the spreadsheet's own row number


def test_xlsx_reads_numbers_and_the_lines_sheet():
    book = Workbook()
    book.active.title = "notes"
    lines = book.create_sheet("lines")
    lines.append(HEADER.split(","))
    lines.append(["activity", "energy", "main_production", "kiln", 12, "kWh", "grid electricity",
                  "JP", None, "yes"])  # fmt: skip
    lines.append(["component", None, None, "cathode", 0.35, "kg", None, None, "NMC811-CAM"])
    out = io.BytesIO()
    book.save(out)
    sheet = sheets.parse("Lines.XLSX", out.getvalue(), FACTORS, SUPPLIERS)
    assert sheet.valid, _codes(sheet)
    assert sheet.activities[0].quantity == 12.0
    assert sheet.components[0].quantity == 0.35


def test_the_templates_are_valid_and_list_the_factors():
    text = sheets.template_csv(FACTORS)
    assert text.splitlines()[0] == HEADER
    assert "# grid electricity,,,,,kWh,grid electricity,CN" in text.splitlines()
    sheet = sheets.parse("t.csv", text.encode(), FACTORS, SUPPLIERS)
    assert sheet.valid and len(sheet.rows) == len(sheets.EXAMPLES)
    workbook = sheets.template_xlsx(FACTORS)
    listed = [r for r in load_workbook(io.BytesIO(workbook))["factors"].iter_rows(values_only=True)]
    assert listed[0] == ("factor", "region", "unit")
    assert ("grid electricity", "JP", "kWh") in listed
    assert sheets.parse("t.xlsx", workbook, FACTORS, SUPPLIERS).valid
