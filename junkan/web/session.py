"""Who is signed in, CSRF checks and page rendering shared by every page."""

from __future__ import annotations

import secrets
from functools import partial
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import FormData

from junkan.deps import SessionDep
from junkan.errors import Forbidden
from junkan.users import service as users
from junkan.users.service import SignedIn
from junkan.web import i18n, templates
from junkan.web.pages import navigation_for

SESSION_COOKIE = "junkan_session"


class SignInRequired(Exception):
    """Raised by pages that need a user; answered with a redirect to the sign-in page."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path

    @property
    def location(self) -> str:
        return f"/app/login?next={quote(self.next_path, safe='/')}"


def web_user(request: Request, session: SessionDep) -> SignedIn | None:
    return users.signed_in(session, request.cookies.get(SESSION_COOKIE))


WebUserDep = Annotated[SignedIn | None, Depends(web_user)]


def require_user(request: Request, user: WebUserDep) -> SignedIn:
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(target)
    return user


UserDep = Annotated[SignedIn, Depends(require_user)]


async def checked_form(request: Request, user: UserDep) -> FormData:
    """The posted form, once its CSRF token matches the session's."""
    form = await request.form()
    if not secrets.compare_digest(str(form.get("csrf_token", "")), user.csrf_token):
        raise Forbidden("The form has expired or did not come from this site; reload the page.")
    return form


FormDep = Annotated[FormData, Depends(checked_form)]


def safe_next(target: str | None, default: str = "/app") -> str:
    """Only paths on this site, so a link cannot send a signed-in user elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def render(
    request: Request,
    name: str,
    user: SignedIn | None = None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    language = i18n.language_of(request, user.user.language if user else None)
    caller = user.caller if user else None
    page = templates.get_template(name).render(
        request=request,
        lang=language,
        t=partial(i18n.translate, language),
        languages=i18n.LANGUAGES,
        user=user,
        caller=caller,
        csrf_token=user.csrf_token if user else "",
        navigation=navigation_for(caller) if caller else [],
        path=request.url.path,
        **context,
    )
    return HTMLResponse(page, status_code=status_code, headers={"Content-Language": language})
