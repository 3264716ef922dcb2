"""RFC 9457 problem details: the one error shape every endpoint speaks."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("junkan")

_TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Invalid input",
    429: "Too many requests",
    500: "Internal server error",
}


class Problem(Exception):
    """An error a caller can act on; carries everything the problem document needs."""

    status = 400
    slug = "bad-request"

    def __init__(
        self,
        detail: str,
        *,
        errors: Sequence[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = list(errors or [])
        self.headers = headers or {}
        self.extensions = extensions

    @property
    def title(self) -> str:
        return _TITLES.get(self.status, "Error")


class InvalidInput(Problem):
    status = 422
    slug = "invalid-input"


class NotFound(Problem):
    status = 404
    slug = "not-found"


class Conflict(Problem):
    status = 409
    slug = "conflict"


class Forbidden(Problem):
    status = 403
    slug = "forbidden"


class Unauthorized(Problem):
    status = 401
    slug = "unauthorized"


class TooManyRequests(Problem):
    status = 429
    slug = "too-many-requests"


def problem_type(slug: str) -> str:
    return f"urn:junkan:problem:{slug}"


def problem_response(
    status: int,
    detail: str,
    *,
    slug: str | None = None,
    title: str | None = None,
    instance: str | None = None,
    errors: Iterable[dict[str, Any]] = (),
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": problem_type(slug) if slug else "about:blank",
        "title": title or _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    errors = list(errors)
    if errors:
        body["errors"] = errors
    body.update(extensions)
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def field_path(loc: Sequence[str | int]) -> tuple[str, str]:
    """Turn a pydantic location into a dotted field name and a JSON pointer."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    dotted = ""
    for part in parts:
        dotted += f"[{part}]" if isinstance(part, int) else (f".{part}" if dotted else str(part))
    pointer = "#/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    return dotted or "(body)", pointer


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        dotted, pointer = field_path(err.get("loc", ()))
        message = str(err.get("msg", "invalid value"))
        if message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        out.append(
            {
                "field": dotted,
                "pointer": pointer,
                "in": (err.get("loc") or ["body"])[0],
                "message": message,
                "code": err.get("type", "invalid"),
            }
        )
    return out


def _wants_json_but_got_other(request: Request, errors: list[dict[str, Any]]) -> bool:
    content_type = request.headers.get("content-type", "")
    body_errors = [e for e in errors if e["in"] == "body"]
    return bool(body_errors) and bool(content_type) and "json" not in content_type


def install_problem_handlers(app: FastAPI, page: Callable | None = None) -> None:
    """`page(request, status, title, detail)` may answer with a web page instead (None: the
    problem document)."""

    def _page(request: Request, status: int, title: str, detail: str) -> Response | None:
        return page(request, status, title, detail) if page is not None else None

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> Response:
        if (html := _page(request, exc.status, exc.title, exc.detail)) is not None:
            return html
        return problem_response(
            exc.status,
            exc.detail,
            slug=exc.slug,
            title=exc.title,
            instance=request.url.path,
            errors=exc.errors,
            headers=exc.headers,
            **exc.extensions,
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(exc)
        if any(e["code"] == "json_invalid" for e in errors):
            return problem_response(
                400,
                "The request body is not valid JSON.",
                slug="malformed-json",
                instance=request.url.path,
                errors=errors,
            )
        if _wants_json_but_got_other(request, errors):
            return problem_response(
                415,
                "Send the body as JSON with Content-Type: application/json.",
                slug="unsupported-media-type",
                instance=request.url.path,
            )
        first = errors[0]
        detail = f"{first['field']}: {first['message']}"
        if len(errors) > 1:
            detail += f" (and {len(errors) - 1} more)"
        return problem_response(
            422, detail, slug="invalid-input", instance=request.url.path, errors=errors
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else _TITLES.get(exc.status_code, "")
        title = _TITLES.get(exc.status_code, "Error")
        if (html := _page(request, exc.status_code, title, detail)) is not None:
            return html
        return problem_response(
            exc.status_code,
            detail,
            instance=request.url.path,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(
            500,
            "The server failed to handle this request; it has been logged.",
            slug="internal-error",
            instance=request.url.path,
        )
