"""The FastAPI application factory."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from junkan import __version__
from junkan.circularity.routes import router as telemetry_router
from junkan.config import Settings, get_settings
from junkan.db import make_engine, make_sessionmaker
from junkan.diligence.routes import router as diligence_router
from junkan.errors import install_problem_handlers, problem_response
from junkan.exchange.routes import router as exchange_router
from junkan.footprint.exchange import deliver_due
from junkan.footprint.pact import PactError
from junkan.footprint.pact_routes import exchange_router as pact_exchange_router
from junkan.footprint.pact_routes import pact_error
from junkan.footprint.pact_routes import router as pact_router
from junkan.footprint.routes import router as footprint_router
from junkan.identity.routes import auth_router
from junkan.identity.routes import router as identity_router
from junkan.ledger.routes import attest_request, commitments_router
from junkan.ledger.routes import router as ledger_router
from junkan.passport.routes import resolver
from junkan.passport.routes import router as passport_router
from junkan.recycling.routes import router as recycling_router
from junkan.users.routes import router as users_router
from junkan.web import STATIC
from junkan.web.diligence import router as web_diligence_router
from junkan.web.footprints import router as web_footprints_router
from junkan.web.passports import router as web_passports_router
from junkan.web.routes import assets as web_assets
from junkan.web.routes import router as web_router
from junkan.web.session import SignInRequired, render


class BodySizeLimit:
    """Refuses bodies over the limit before they reach a handler, declared or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        received = 0
        refused = False

        async def limited_receive() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request" and not refused:
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    refused = True
                    await self._refuse(scope, receive, send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if not refused:  # once refused, whatever the app answers is dropped
                await send(message)

        await self.app(scope, limited_receive, guarded_send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            413,
            f"The request body exceeds {self.max_bytes} bytes.",
            slug="body-too-large",
            instance=scope.get("path"),
        )
        await response(scope, receive, send)


@asynccontextmanager
async def lifespan(app: FastAPI):
    """Deliver queued PACT events in the background while the server runs."""
    interval = app.state.settings.pact_delivery_seconds
    task = asyncio.create_task(_deliver_forever(app, interval)) if interval > 0 else None
    yield
    if task:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _deliver_forever(app: FastAPI, interval: float) -> None:
    def once() -> None:
        with app.state.sessionmaker() as session:
            deliver_due(session)

    while True:
        try:
            await asyncio.to_thread(once)
        except Exception:  # noqa: BLE001 (keep delivering; the failure is logged)
            logging.getLogger(__name__).exception("PACT delivery failed")
        await asyncio.sleep(interval)


def _problem_page(request: Request, status: int, title: str, detail: str):
    """Errors on web pages are pages; the API keeps its problem documents."""
    if request.url.path != "/app" and not request.url.path.startswith("/app/"):
        return None
    return render(request, "error.html", status_code=status, title=title, detail=detail)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        lifespan=lifespan,
        dependencies=[Depends(attest_request)],
        title="Junkan",
        version=__version__,
        summary="Open data linkage for the battery value chain.",
        description=(
            "Battery passports, carbon footprints, due diligence and circularity data, "
            "shared exactly as far as each party may see. Errors are RFC 9457 problem details."
        ),
    )
    engine = make_engine(settings.database_url, settings.sqlite_busy_seconds)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine, settings.key_dir)

    install_problem_handlers(app, page=_problem_page)

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, exc: SignInRequired):
        return RedirectResponse(exc.location, status_code=303)

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError):
        return problem_response(
            409,
            "The write conflicts with a record stored at the same time; nothing was stored.",
            slug="conflict",
            instance=request.url.path,
        )

    @app.exception_handler(OperationalError)
    async def _busy(request: Request, exc: OperationalError):
        if "database is locked" not in str(exc.orig):
            raise exc  # a real failure: the generic 500 handler logs it
        return problem_response(
            503,
            "The database is busy with another write; nothing was stored. Retry shortly.",
            slug="busy",
            instance=request.url.path,
            headers={"Retry-After": "1"},
        )

    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.include_router(auth_router)
    app.include_router(identity_router)
    app.include_router(ledger_router)
    app.include_router(commitments_router)
    app.include_router(exchange_router)
    app.include_router(passport_router)
    app.include_router(footprint_router)
    app.include_router(pact_router)
    app.include_router(pact_exchange_router)
    app.include_router(telemetry_router)
    app.include_router(diligence_router)
    app.include_router(recycling_router)
    app.add_exception_handler(PactError, pact_error)
    app.include_router(resolver)
    app.include_router(users_router)
    app.include_router(web_router)
    app.include_router(web_footprints_router)
    app.include_router(web_passports_router)
    app.include_router(web_diligence_router)
    app.include_router(web_assets)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", tags=["meta"])
    def index(request: Request):
        """A browser goes to the web pages; a program gets the entry points."""
        if "text/html" in request.headers.get("accept", ""):
            return RedirectResponse("/app", status_code=303)
        return {
            "name": "Junkan",
            "version": __version__,
            "openapi": "/openapi.json",
            "docs": "/docs",
            "token_endpoint": f"{settings.base_url}/auth/token",
        }

    @app.get("/health", tags=["meta"])
    def health():
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
        return {"status": "ok"}

    return app
