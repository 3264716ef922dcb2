"""Uploading activity data and bills of materials: the whole file is checked first, every
problem shown on its row, and only a valid file is stored (with its footprint) at once."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from junkan.deps import SessionDep
from junkan.errors import Problem
from junkan.exchange.service import granted
from junkan.footprint import schemas, service, sheets
from junkan.footprint.models import Footprint, Product
from junkan.identity.models import Participant
from junkan.identity.service import Caller
from junkan.web.session import FormDep, UserDep, render

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PRODUCT_FIELDS = ("part_number", "plant", "name", "declared_unit")
DETAIL_FIELDS = ("mass_per_declared_unit_kg", "cpc_code")  # what PACT exports need


def factor_choices(session: Session, caller: Caller) -> list[sheets.FactorChoice]:
    return [
        sheets.FactorChoice(f.id, f.name, f.region, f.unit, f.version)
        for f in service.list_factors(session, caller, None, None)
    ]


def supplier_choices(session: Session, caller: Caller) -> list[sheets.SupplierChoice]:
    """Active footprints others shared with the caller, and those it received from other
    hosts: what a bill of materials may name as a supplier's footprint."""
    ids, owners = granted(session, caller, "footprint")
    shared = session.scalars(
        select(Footprint).where(
            Footprint.status == "Active",
            Footprint.product_id.is_not(None),
            Footprint.owner_id != caller.participant_id,
            Footprint.id.in_(ids) | Footprint.owner_id.in_(owners),
        )
    ).all()
    products = {
        p.id: p
        for p in session.scalars(
            select(Product).where(Product.id.in_({f.product_id for f in shared}))
        )
    }
    names = dict(
        session.execute(
            select(Participant.id, Participant.name).where(
                Participant.id.in_({f.owner_id for f in shared})
            )
        ).all()
    )
    choices = [
        sheets.SupplierChoice(
            f.id, products[f.product_id].part_number, f.declared_unit, names.get(f.owner_id, "")
        )
        for f in shared
    ]
    received = session.scalars(
        select(Footprint).where(
            Footprint.owner_id == caller.participant_id,
            Footprint.product_id.is_(None),
            Footprint.status == "Active",
        )
    )
    for footprint in received:
        provenance = footprint.provenance or {}
        part = (provenance.get("product_ids") or [footprint.id])[0]
        part = str(part).rsplit(":", 1)[-1]
        choices.append(
            sheets.SupplierChoice(
                footprint.id, part, footprint.declared_unit, provenance.get("company", "")
            )
        )
    return choices


def _own_products(session: Session, caller: Caller) -> list[Product]:
    return list(
        session.scalars(
            select(Product)
            .where(Product.owner_id == caller.participant_id)
            .order_by(Product.part_number, Product.plant)
        )
    )


@router.get("/upload/template.csv")
def template_csv(session: SessionDep, user: UserDep):
    text = sheets.template_csv(factor_choices(session, user.caller))
    return Response(
        text.encode("utf-8-sig"),  # Excel opens UTF-8 CSV correctly only with the BOM
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="junkan-lines-template.csv"'},
    )


@router.get("/upload/template.xlsx")
def template_xlsx(session: SessionDep, user: UserDep):
    content = sheets.template_xlsx(factor_choices(session, user.caller))
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="junkan-lines-template.xlsx"'},
    )


@router.get("/upload")
def upload_page(request: Request, session: SessionDep, user: UserDep, product: str = "new"):
    return _form(request, session, user, {"product_id": product})


def _form(request, session, user, values, status_code=200, **context):
    return render(
        request,
        "upload.html",
        user,
        status_code=status_code,
        products=_own_products(session, user.caller),
        values=values,
        suppliers=supplier_choices(session, user.caller),
        **context,
    )


@router.post("/upload")
def upload(request: Request, session: SessionDep, user: UserDep, form: FormDep):
    caller = user.caller
    fields = ("product_id", *PRODUCT_FIELDS, *DETAIL_FIELDS)
    values = {k: str(form.get(k, "")).strip() for k in fields}
    product_errors: dict[str, str] = {}
    target: schemas.ProductIn | str = values["product_id"]
    if values["product_id"] in ("", "new"):
        details = {k: values[k] for k in DETAIL_FIELDS if values[k]}
        try:
            target = schemas.ProductIn(
                **{k: values[k] for k in PRODUCT_FIELDS},
                details=schemas.ProductDetails(**details) if details else None,
            )
        except ValidationError as exc:
            product_errors = {str(e["loc"][-1]): e["msg"] for e in exc.errors() if e["loc"]}
    upload_file = form.get("file")
    if not isinstance(upload_file, UploadFile) or not upload_file.filename:
        sheet = sheets.Sheet(problems=[sheets.Problem("", "file_missing")])
    else:
        content = upload_file.file.read()
        factors = factor_choices(session, caller)
        sheet = sheets.parse(
            upload_file.filename, content, factors, supplier_choices(session, caller)
        )
    if product_errors or not sheet.valid:
        return _form(
            request,
            session,
            user,
            values,
            422,
            sheet=sheet,
            product_errors=product_errors,
            bad_rows=sum(1 for r in sheet.rows if r.problems),
        )
    try:
        footprint = service.import_lines(
            session, caller, target, sheet.activities, sheet.components
        )
    except Problem as exc:  # e.g. the part exists, or the bill loops: nothing was stored
        return _form(request, session, user, values, exc.status, sheet=sheet, error=exc.detail)
    return RedirectResponse(f"/app/footprints/{footprint.id}", status_code=303)
