"""The admin routes over HTTP (in-process ASGI): the token gate, backoff, the JSON and CSV, bad
parameters as 400s, and /metrics in Prometheus' text format."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest_asyncio
from prometheus_client.parser import text_string_to_metric_families

from bot.admin import admin_routes
from bot.admin.auth import COOKIE, Gate
from bot.config import Settings
from bot.conversation import Coach
from bot.store.repo import Store
from bot.web import create_app
from tests.conftest import migrated_store
from tests.stats_seed import END, EXPECTED, seed

TOKEN = "s3cret-admin-token"
RANGE = "start=2026-11-02&end=2026-12-01"


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def club(tmp_path_factory) -> AsyncIterator[Store]:  # type: ignore[no-untyped-def]
    async with migrated_store(f"sqlite:///{tmp_path_factory.mktemp('admin') / 'admin.db'}") as store:
        await seed(store)
        yield store


def client(store: Store, token: str | None = TOKEN, gate: Gate | None = None) -> httpx.AsyncClient:
    settings = Settings(_env_file=None, database_url="sqlite:///unused.db", admin_token=token)  # type: ignore[call-arg]
    app = create_app(store, admin_routes(store, settings, today=lambda: END, gate=gate))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


def bearer(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_without_a_configured_token_everyone_is_refused(club: Store) -> None:
    async with client(club, token=None) as c:
        for path in ("/admin", "/admin/api/stats", "/admin/stats.csv", "/metrics"):
            r = await c.get(path, headers=bearer(""))
            assert r.status_code == 403, path
        assert (await c.post("/admin/login", data={"token": ""})).status_code == 403


async def test_the_bearer_token_opens_the_json_and_a_wrong_one_slows_its_sender(club: Store) -> None:
    clock = FakeClock()
    async with client(club, gate=Gate(TOKEN, clock)) as c:
        assert (await c.get("/admin/api/stats")).status_code == 401
        r = await c.get(f"/admin/api/stats?{RANGE}", headers=bearer())
        assert r.status_code == 200
        rep = r.json()
        assert rep["users"]["total"] == EXPECTED["users"]["total"] and rep["users"]["blocked"] == "<5"
        assert rep["retention"] == EXPECTED["retention"]

        assert (await c.get("/admin/api/stats", headers=bearer("wrong"))).status_code == 401
        # Right away, even the right token waits: the client is slowed down.
        r = await c.get("/admin/api/stats", headers=bearer())
        assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
        clock.t += 0.6
        assert (await c.get("/admin/api/stats", headers=bearer("wrong again"))).status_code == 401
        clock.t += 0.6  # the second failure doubled the wait to 1 s
        assert (await c.get("/admin/api/stats", headers=bearer())).status_code == 429
        clock.t += 0.6
        assert (await c.get("/admin/api/stats", headers=bearer())).status_code == 200


async def test_login_form_sets_a_signed_strict_httponly_cookie(club: Store) -> None:
    clock = FakeClock()
    async with client(club, gate=Gate(TOKEN, clock)) as c:
        r = await c.get("/admin")
        assert r.status_code == 401 and 'name="token"' in r.text
        r = await c.post("/admin/login", data={"token": "nope"})
        assert r.status_code == 401 and "Wrong token" in r.text and COOKIE not in r.cookies
        clock.t += 1
        r = await c.post("/admin/login", data={"token": TOKEN})
        assert r.status_code == 303 and r.headers["location"] == "/admin"
        cookie = r.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        r = await c.get(f"/admin?{RANGE}")
        assert r.status_code == 200 and 'id="chart-retention"' in r.text
        csv = await c.get(f"/admin/stats.csv?{RANGE}")
        assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
        assert "users,total,,12" in csv.text and "users,blocked,,<5" in csv.text
        # A forged cookie is no login.
        c.cookies.set(COOKIE, "admin.forged.signature")
        assert (await c.get("/admin/api/stats")).status_code == 401
        await c.post("/admin/logout")


async def test_malformed_parameters_are_400s(club: Store) -> None:
    async with client(club) as c:
        for q in ("start=yesterday", "end=2026-13-01", "start=2026-12-02&end=2026-12-01", "days=0", "days=x",
                  "days=99999", "start=2026-11-01&days=3", "start=1900-01-01", "team=" + "x" * 201,
                  "start=%00"):
            r = await c.get(f"/admin/api/stats?{q}", headers=bearer())
            assert r.status_code == 400, q
            assert "error" in r.json()
            assert (await c.get(f"/admin/stats.csv?{q}", headers=bearer())).status_code == 400, q
        r = await c.post("/admin/login", content=b"\xff\xfe", headers={"content-type": "application/x-www-form-urlencoded"})
        assert r.status_code == 400
        assert (await c.post("/admin/login", content=b"token=" + b"a" * 5000)).status_code == 413


async def test_metrics_in_prometheus_text_format(club: Store) -> None:
    settings = Settings(_env_file=None, database_url="sqlite:///unused.db")  # type: ignore[call-arg]
    coach = Coach(club, settings)
    await coach.handle("console:metrics", "hello", datetime(2026, 12, 1, 8, tzinfo=UTC))
    async with client(club) as c:
        assert (await c.get("/metrics")).status_code == 401
        r = await c.get("/metrics", headers=bearer())
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(r.text)}
    for name in ("backcheck_messages_sent", "backcheck_messages_failed", "backcheck_updates_handled",
                 "backcheck_handler_seconds", "backcheck_scheduler_pass_seconds", "backcheck_scheduler_due",
                 "backcheck_scheduler_backlog", "backcheck_database_errors"):
        assert name in families, name
    count = [s.value for s in families["backcheck_handler_seconds"].samples if s.name.endswith("_count")]
    assert count and count[0] >= 1
