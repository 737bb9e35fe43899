"""The one ASGI app: health now; adapters add webhook routes, later issues admin and metrics."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import BaseRoute, Route

from bot.startup import Readiness
from bot.store.repo import Store
from bot.web_limits import BodyLimit


def create_app(store: Store, extra_routes: Sequence[BaseRoute] = (), **state: Any) -> Starlette:
    async def healthz(_: Request) -> PlainTextResponse:
        return PlainTextResponse("ok")

    async def readyz(request: Request) -> JSONResponse:
        # While starting (bot/startup.py), what is awaited: the database, a platform.
        starting: Readiness | None = getattr(request.app.state, "readiness", None)
        if starting is not None and not starting.ready:
            return JSONResponse({"status": "starting", "waiting_for": starting.waiting_for}, status_code=503)
        if await store.ping():
            return JSONResponse({"status": "ready", "database": "ok"})
        return JSONResponse({"status": "not ready", "database": "unreachable"}, status_code=503)

    async def not_found(_: Request, exc: Exception) -> JSONResponse:
        code = getattr(exc, "status_code", 404)
        return JSONResponse({"error": getattr(exc, "detail", "not found")}, status_code=code)

    app = Starlette(
        routes=[Route("/healthz", healthz), Route("/readyz", readyz), *extra_routes],
        exception_handlers={404: not_found, 405: not_found},
        # Every route: a body over 1 MiB is refused with 413 before it is read whole.
        middleware=[Middleware(BodyLimit)],
    )
    app.state.store = store
    for k, v in state.items():
        setattr(app.state, k, v)
    return app
