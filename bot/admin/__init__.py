"""The admin side of the one ASGI app (bot/web.py): the stats dashboard at ``/admin``, its JSON
and CSV, and Prometheus ``/metrics``, all behind ``BACKCHECK_ADMIN_TOKEN`` (bot/admin/auth.py).

Routes (docs/contracts.md): ``GET /admin`` (the dashboard, or the login form), ``POST /admin/login``,
``POST /admin/logout``, ``GET /admin/api/stats``, ``GET /admin/stats.csv``, ``GET /metrics``.
Range parameters: ``start`` and ``end`` (YYYY-MM-DD, default: the last 28 days to today UTC) or
``days``; ``team``. A malformed parameter is a 400.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs

from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot import metrics
from bot.admin import page
from bot.admin.auth import COOKIE, COOKIE_MAX_AGE, Gate
from bot.config import Settings
from bot.stats import DEFAULT_DAYS, Range, Report, csv_text, stats_report
from bot.store.repo import Store

log = logging.getLogger(__name__)

#: The longest range asked for (ten years).
MAX_DAYS = 3660
MAX_LOGIN_BODY = 4096


class BadQuery(ValueError):
    """A malformed range parameter: 400 with this message."""


def parse_range(params: dict[str, str], today: date) -> Range:
    def day(name: str) -> date | None:
        v = params.get(name, "").strip()
        if not v:
            return None
        try:
            return date.fromisoformat(v)
        except ValueError:
            raise BadQuery(f"{name}: {v[:40]!r} is not a date like 2026-12-01") from None

    end = day("end") or today
    start = day("start")
    days_s = params.get("days", "").strip()
    if days_s:
        if start is not None:
            raise BadQuery("give start or days, not both")
        if not days_s.isdigit() or not 1 <= int(days_s) <= MAX_DAYS:
            raise BadQuery(f"days: a whole number from 1 to {MAX_DAYS}")
        start = end - timedelta(days=int(days_s) - 1)
    if start is None:
        start = end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise BadQuery("start is after end")
    if (end - start).days >= MAX_DAYS:
        raise BadQuery(f"a range of at most {MAX_DAYS} days")
    team = params.get("team", "").strip() or None
    if team is not None and len(team) > 200:
        raise BadQuery("team: at most 200 characters")
    return Range(start, end, team)


def _today() -> date:
    return datetime.now(UTC).date()


def admin_routes(store: Store, settings: Settings, today: Callable[[], date] = _today,
                 gate: Gate | None = None) -> list[BaseRoute]:
    gate = gate or Gate(settings.admin_token)

    def refused(request: Request, html: bool) -> Response | None:
        """None if the request may pass; else the answer that refuses it."""
        if not gate.enabled:
            return (HTMLResponse(page.login(disabled=True), status_code=403) if html
                    else JSONResponse({"error": "admin disabled"}, status_code=403))
        client = gate.client(request)
        token = gate.bearer(request)
        if token is not None:
            wait = gate.wait(client)
            if wait > 0:
                return _slow_down(wait)
            if gate.token_ok(token):
                gate.succeeded(client)
                return None
            gate.failed(client)
            return JSONResponse({"error": "wrong token"}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
        if gate.cookie_ok(request):
            return None
        if html:
            return HTMLResponse(page.login(), status_code=401)
        return JSONResponse({"error": "log in first"}, status_code=401, headers={"WWW-Authenticate": "Bearer"})

    async def report_for(request: Request) -> Report | Response:
        try:
            r = parse_range(dict(request.query_params), today())
        except BadQuery as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        try:
            return await stats_report(store, r)
        except SQLAlchemyError:
            log.exception("admin: stats query failed")
            return JSONResponse({"error": "database unavailable"}, status_code=503)

    def guarded(html: bool, fn: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            no = refused(request, html)
            return no if no is not None else await fn(request)
        return endpoint

    async def dashboard(request: Request) -> Response:
        rep = await report_for(request)
        if isinstance(rep, Response):
            return rep
        return HTMLResponse(page.dashboard(rep, dict(request.query_params)))

    async def api(request: Request) -> Response:
        rep = await report_for(request)
        return rep if isinstance(rep, Response) else JSONResponse(rep)

    async def csv(request: Request) -> Response:
        rep = await report_for(request)
        if isinstance(rep, Response):
            return rep
        name = f"backcheck-stats-{rep['range']['start']}-{rep['range']['end']}.csv"
        return PlainTextResponse(csv_text(rep), media_type="text/csv",
                                 headers={"Content-Disposition": f'attachment; filename="{name}"'})

    async def prometheus(_: Request) -> Response:
        body, ctype = metrics.exposition()
        return Response(body, media_type=ctype)

    async def login(request: Request) -> Response:
        if not gate.enabled:
            return HTMLResponse(page.login(disabled=True), status_code=403)
        client = gate.client(request)
        wait = gate.wait(client)
        if wait > 0:
            return _slow_down(wait, html=True)
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_LOGIN_BODY:
                return PlainTextResponse("too large", status_code=413)
        try:
            form = parse_qs(body.decode(), max_num_fields=5)
        except (UnicodeDecodeError, ValueError):
            return HTMLResponse(page.login("That was not a login form."), status_code=400)
        token = (form.get("token") or [""])[0]
        if not gate.token_ok(token):
            delay = gate.failed(client)
            # Answer no sooner than a fraction of the wait: a script learns nothing faster.
            await asyncio.sleep(min(delay, 1.0))
            return HTMLResponse(page.login("Wrong token."), status_code=401)
        gate.succeeded(client)
        resp = RedirectResponse("/admin", status_code=303)
        resp.set_cookie(COOKIE, gate.cookie_value(), max_age=COOKIE_MAX_AGE, path="/", httponly=True,
                        samesite="strict", secure=request.url.scheme == "https")
        return resp

    async def logout(_: Request) -> Response:
        resp = RedirectResponse("/admin", status_code=303)
        resp.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
        return resp

    return [
        Route("/admin", guarded(True, dashboard), methods=["GET"]),
        Route("/admin/login", login, methods=["POST"]),
        Route("/admin/logout", logout, methods=["POST"]),
        Route("/admin/api/stats", guarded(False, api), methods=["GET"]),
        Route("/admin/stats.csv", guarded(False, csv), methods=["GET"]),
        Route("/metrics", guarded(False, prometheus), methods=["GET"]),
    ]


def _slow_down(wait: float, html: bool = False) -> Response:
    headers = {"Retry-After": str(max(1, round(wait)))}
    if html:
        return HTMLResponse(page.login(f"Too many wrong tokens: try again in {max(1, round(wait))} s."), status_code=429,
                            headers=headers)
    return JSONResponse({"error": "too many wrong tokens; slow down"}, status_code=429, headers=headers)
