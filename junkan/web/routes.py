"""Sign-in, language, the dashboard and the assets every page uses."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated

import plotly
from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, RedirectResponse
from sqlalchemy import select

from junkan.deps import SessionDep, SettingsDep
from junkan.errors import TooManyRequests
from junkan.footprint import exchange
from junkan.footprint.models import Footprint, Product
from junkan.users import service as users
from junkan.web import i18n
from junkan.web.footprints import requested_products
from junkan.web.session import (
    SESSION_COOKIE,
    FormDep,
    UserDep,
    WebUserDep,
    render,
    safe_next,
)

router = APIRouter(prefix="/app", include_in_schema=False)
assets = APIRouter(include_in_schema=False)
LOGIN_CSRF_COOKIE = "junkan_login_csrf"
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


@assets.get("/static/vendor/plotly.min.js")
def plotly_js():
    """plotly.js from the installed package: pages work on a network without a CDN."""
    return FileResponse(PLOTLY_JS, media_type="text/javascript", headers=_cache_a_day())


def _cache_a_day() -> dict[str, str]:
    return {"Cache-Control": "public, max-age=86400"}


def _secure(settings) -> bool:
    return settings.base_url.startswith("https://")


@router.get("/login")
def login_page(request: Request, settings: SettingsDep, user: WebUserDep, next: str = "/app"):
    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_form(request, settings, next)


def _login_form(request, settings, next_path, error=None, status_code=200, email=""):
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        "login.html",
        status_code=status_code,
        next=safe_next(next_path),
        login_csrf=token,
        error=error,
        email=email,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=_secure(settings)
    )
    return response


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/app",
):
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, csrf_token):
        return _login_form(request, settings, next, "login.expired", 400, email)
    address = request.client.host if request.client else "unknown"
    try:
        user = users.authenticate(session, email, password, address)
    except TooManyRequests:
        response = _login_form(request, settings, next, "login.rate_limited", 429, email)
        response.headers["Retry-After"] = str(int(users.LIMIT_WINDOW.total_seconds()))
        return response
    if user is None:
        return _login_form(request, settings, next, "login.invalid", 401, email)
    token = users.start_session(session, user)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(users.SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=_secure(settings),
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, form: FormDep):
    users.end_session(session, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/app/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/language/{language}")
def switch_language(
    language: str, request: Request, session: SessionDep, user: WebUserDep, next: str = "/app"
):
    """A plain link, so the switch works without JavaScript on public pages too."""
    if language not in i18n.LANGUAGES:
        language = i18n.DEFAULT
    if user is not None:
        users.set_language(session, user.user, language)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(i18n.COOKIE, language, max_age=365 * 86400, samesite="lax")
    return response


@router.get("")
def dashboard(request: Request, session: SessionDep, user: UserDep):
    me = user.caller.participant_id
    products = session.scalars(
        select(Product).where(Product.owner_id == me).order_by(Product.part_number)
    ).all()
    active = {
        f.product_id: f
        for f in session.scalars(
            select(Footprint).where(
                Footprint.owner_id == me,
                Footprint.status == "Active",
                Footprint.product_id.is_not(None),
            )
        )
    }
    received = exchange.requests_of(session, me, "received")
    sent = exchange.requests_of(session, me, "sent")
    return render(
        request,
        "dashboard.html",
        user,
        products=[(p, active.get(p.id)) for p in products],
        received=received,
        sent=sent,
        asked_for={r.id: ", ".join(requested_products(r)) for r in [*received, *sent]},
    )
