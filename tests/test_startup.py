"""Start-up that explains itself (issue 11, item 1): every cause is one line naming it and the
setting to fix, exit 2 for configuration and 1 otherwise, never a secret; transient causes are
retried with one log line per attempt while /readyz says what is awaited; a running bot survives
its PostgreSQL connections being cut."""

from __future__ import annotations

import asyncio
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy import text

from bot import startup
from bot.startup import ConfigError, Readiness, StartupError, Unreachable
from bot.store.repo import Store
from tests.conftest import PG_ADMIN_URL, fresh_pg_database
from tests.fake_telegram import FakeTelegram
from tests.terminal import BACKCHECK, clean_env, first_answer

PG_HOST = PG_ADMIN_URL.rsplit("/", 1)[0]
SECRET_PASSWORD = "pw-" + uuid.uuid4().hex
TOKEN = f"123456:{uuid.uuid4().hex}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def backcheck(args: list[str], tmp_path: Path, **env: str) -> tuple[int, str]:
    """Run the CLI without blocking the loop (the fake Bot API answers on it); (exit code, stderr)."""
    proc = await asyncio.create_subprocess_exec(
        *BACKCHECK, *args, cwd=tmp_path, env=clean_env(tmp_path, **env), stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode is not None
    return proc.returncode, err.decode()


def one_line(err: str, *names: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    for name in names:
        assert name in lines[0], err
    for secret in (SECRET_PASSWORD, TOKEN, TOKEN.split(":")[1]):
        assert secret not in err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture(scope="module")
def pg_empty() -> Iterator[str]:
    with fresh_pg_database("backcheck_startup") as url:
        yield url


# --- each cause: one line, the setting, the exit code ---------------------------------------------


async def test_postgresql_down_is_one_line_without_the_password(tmp_path: Path) -> None:
    url = f"postgresql://postgres:{SECRET_PASSWORD}@127.0.0.1:{free_port()}/backcheck"
    code, err = await backcheck(["run"], tmp_path, BACKCHECK_DATABASE_URL=url, BACKCHECK_STARTUP_TIMEOUT="0",
                                BACKCHECK_PORT=str(free_port()), BACKCHECK_TELEGRAM_TOKEN=TOKEN)
    # The web app line comes first (it serves /readyz meanwhile), then the cause.
    lines = err.strip().splitlines()
    assert len(lines) == 2 and "web app on" in lines[0], err
    line = one_line(lines[1], "BACKCHECK_DATABASE_URL", "connection refused", "start PostgreSQL")
    assert code == 1, line


async def test_a_database_that_does_not_exist_says_createdb(tmp_path: Path) -> None:
    url = f"{PG_HOST}/nosuch_{uuid.uuid4().hex[:8]}"
    code, err = await backcheck(["db", "upgrade"], tmp_path, BACKCHECK_DATABASE_URL=url)
    assert code == 2
    one_line(err, "BACKCHECK_DATABASE_URL", "does not exist", "createdb nosuch_")


async def test_a_wrong_postgresql_user_is_configuration(tmp_path: Path) -> None:
    url = f"postgresql://nobody_{uuid.uuid4().hex[:6]}:{SECRET_PASSWORD}@127.0.0.1:5432/test"
    code, err = await backcheck(["user", "export", "console:x"], tmp_path, BACKCHECK_DATABASE_URL=url)
    assert code == 2
    one_line(err, "BACKCHECK_DATABASE_URL", "refused user")


async def test_a_sqlite_file_in_a_missing_folder(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/no/such/folder/backcheck.db"
    code, err = await backcheck(["run"], tmp_path, BACKCHECK_DATABASE_URL=url)
    assert code == 2
    one_line(err, "BACKCHECK_DATABASE_URL", "does not exist", str(tmp_path / "no" / "such" / "folder"))


async def test_libpq_parameters_work_in_postgresql_urls(tmp_path: Path, pg_empty: str) -> None:
    # What managed providers hand out; SQLAlchemy alone fails with "unexpected keyword 'sslmode'".
    url = f"{pg_empty}?sslmode=prefer&connect_timeout=5&application_name=backcheck-test"
    code, err = await backcheck(["db", "upgrade"], tmp_path, BACKCHECK_DATABASE_URL=url)
    assert code == 0, err
    store = Store(url)
    try:
        async with store.session() as s:
            name = (await s.execute(text("SELECT current_setting('application_name')"))).scalar_one()
        assert name == "backcheck-test"
    finally:
        await store.close()
    # This server has no SSL: sslmode=require is refused, and said so in one line.
    code, err = await backcheck(["db", "upgrade"], tmp_path, BACKCHECK_DATABASE_URL=f"{pg_empty}?sslmode=require")
    assert code == 2
    one_line(err, "BACKCHECK_DATABASE_URL", "SSL", "sslmode")


async def test_a_port_in_use_is_found_before_saying_the_app_is_up(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, err = await backcheck(["run"], tmp_path, BACKCHECK_PORT=str(port), BACKCHECK_TELEGRAM_TOKEN=TOKEN)
    assert code == 1
    line = one_line(err, "BACKCHECK_PORT", "already in use", str(port))
    assert "web app on" not in line


@pytest.mark.parametrize("url", ["http://coach.example.org/telegram/webhook",
                                 "https://coach.example.org:8080/telegram/webhook"])
async def test_a_webhook_url_telegram_cannot_reach_is_refused(tmp_path: Path, url: str) -> None:
    code, err = await backcheck(["run"], tmp_path, BACKCHECK_TELEGRAM_TOKEN=TOKEN, BACKCHECK_TELEGRAM_WEBHOOK_URL=url)
    assert code == 2
    one_line(err, "BACKCHECK_TELEGRAM_WEBHOOK_URL")


@pytest.mark.asyncio(loop_scope="session")
async def test_a_wrong_telegram_token_never_prints_it(tmp_path: Path, fake_telegram: FakeTelegram) -> None:
    fake_telegram.bot(TOKEN).fail("getMe", 401, times=None, description="Unauthorized")
    env = {"BACKCHECK_TELEGRAM_TOKEN": TOKEN, "BACKCHECK_TELEGRAM_API_URL": fake_telegram.base_url,
           "BACKCHECK_PORT": str(free_port())}
    code, err = await backcheck(["run"], tmp_path, **env)
    assert code == 2
    one_line(err.split("\n", 1)[1], "BACKCHECK_TELEGRAM_TOKEN", "refused", "@BotFather")
    code, err = await backcheck(["tick"], tmp_path, **env)
    assert code == 2
    one_line(err, "BACKCHECK_TELEGRAM_TOKEN")


async def test_no_network_is_retried_one_line_per_attempt_then_given_up(tmp_path: Path) -> None:
    # Nothing listens at the API URL: as when the network is not up yet.
    api = f"http://127.0.0.1:{free_port()}/bot"
    code, err = await backcheck(["tick"], tmp_path, BACKCHECK_TELEGRAM_TOKEN=TOKEN, BACKCHECK_TELEGRAM_API_URL=api,
                                BACKCHECK_STARTUP_TIMEOUT="2")
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) >= 2, err
    assert all("Telegram is unreachable" in x and "BACKCHECK_TELEGRAM_API_URL" in x for x in lines), err
    assert all("attempt" in x for x in lines[:-1]) and "gave up after" in lines[-1], err
    assert TOKEN not in err and "Traceback" not in err


def test_readyz_says_what_it_waits_for_while_the_database_is_unreachable(tmp_path: Path) -> None:
    import subprocess

    port = free_port()
    url = f"postgresql://postgres:{SECRET_PASSWORD}@127.0.0.1:{free_port()}/backcheck"
    env = clean_env(tmp_path, BACKCHECK_DATABASE_URL=url, BACKCHECK_STARTUP_TIMEOUT="120",
                    BACKCHECK_PORT=str(port), BACKCHECK_TELEGRAM_TOKEN=TOKEN)
    proc = subprocess.Popen([*BACKCHECK, "run"], cwd=tmp_path, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        r = first_answer(proc, f"http://127.0.0.1:{port}/readyz", time.monotonic() + 60)
        assert r.status_code == 503 and r.json() == {"status": "starting", "waiting_for": "database"}
        assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    attempts = [x for x in err.splitlines() if "attempt" in x]
    assert attempts and all("BACKCHECK_DATABASE_URL" in x and SECRET_PASSWORD not in x for x in attempts), err


# --- the retry loop, on a fake clock -----------------------------------------------------------------


async def test_retrying_backs_off_and_logs_once_per_attempt(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    waits: list[float] = []

    async def sleep(s: float) -> None:
        waits.append(s)
        now[0] += s

    calls = 0

    async def flaky() -> str:
        nonlocal calls
        calls += 1
        if calls < 4:
            raise Unreachable("database is unreachable")
        return "up"

    ready = Readiness()
    with caplog.at_level("WARNING", logger="bot.startup"):
        assert await startup.retrying("database", flaky, patience=60, readiness=ready, sleep=sleep,
                                      monotonic=lambda: now[0]) == "up"
    assert waits == [1.0, 2.0, 4.0]
    assert [r.getMessage() for r in caplog.records] == [
        f"database is unreachable; attempt {n}, next in {w:.0f}s" for n, w in ((1, 1), (2, 2), (3, 4))]
    assert ready.waiting_for == "database"

    async def down() -> None:
        raise Unreachable("database is unreachable")

    with pytest.raises(Unreachable, match=r"gave up after \d+ attempts in 10s"):
        await startup.retrying("database", down, patience=10, sleep=sleep, monotonic=lambda: now[0])

    async def wrong() -> None:
        raise ConfigError("BACKCHECK_X: wrong")

    waits.clear()
    with pytest.raises(ConfigError):
        await startup.retrying("database", wrong, patience=10, sleep=sleep, monotonic=lambda: now[0])
    assert waits == []


def test_exit_codes_of_the_kinds() -> None:
    assert ConfigError("x").exit_code == 2
    assert Unreachable("x").exit_code == 1
    assert StartupError("x").exit_code == 1


# --- a running bot and a PostgreSQL restart ----------------------------------------------------------


async def _cut_connections(db: str) -> int:
    """What a PostgreSQL restart does to a running bot: every connection to its database dies.
    (The machine's server is shared, so it is not restarted; its backends for our database are.)"""
    conn = await asyncpg.connect(PG_ADMIN_URL, timeout=10)
    try:
        pids = [r["pid"] for r in await conn.fetch(
            "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 "
            "AND pid <> pg_backend_pid()", db)]
        # Terminating only signals: wait until they are gone, as after a restart.
        for _ in range(500):
            if not await conn.fetchval("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY($1::int[])", pids):
                break
            await asyncio.sleep(0.02)
        return len(pids)
    finally:
        await conn.close()


@pytest.mark.asyncio(loop_scope="session")
async def test_a_running_store_survives_its_connections_being_cut(pg_empty: str) -> None:
    from bot.web import create_app

    store = Store(pg_empty)
    db = pg_empty.rsplit("/", 1)[1]
    try:
        await store.migrate()

        async def count(s) -> int:  # type: ignore[no-untyped-def]
            return int((await s.execute(text("SELECT count(*) FROM users"))).scalar_one())

        assert await store.run(count) == 0
        # Idle pooled connections die: the next unit of work gets a fresh one (pre-ping).
        assert await _cut_connections(db) >= 1
        assert await store.run(count) == 0
        assert await store.ping()

        # A connection dies in the middle of a unit of work: Store.run runs it again whole.
        tries = 0

        async def cut_once(s) -> int:  # type: ignore[no-untyped-def]
            nonlocal tries
            tries += 1
            await s.execute(text("SELECT 1"))
            if tries == 1:
                await _cut_connections(db)
            return await count(s)

        assert await store.run(cut_once) == 0
        assert tries == 2

        # /readyz follows the database: ready, and ready again after the cut.
        app = create_app(store)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            assert (await http.get("/readyz")).status_code == 200
            await _cut_connections(db)
            assert (await http.get("/readyz")).json() == {"status": "ready", "database": "ok"}
    finally:
        await store.close()


@pytest.mark.asyncio(loop_scope="session")
async def test_readyz_reports_an_unreachable_database() -> None:
    from bot.web import create_app

    store = Store(f"postgresql://postgres@127.0.0.1:{free_port()}/x?connect_timeout=2")
    try:
        app = create_app(store)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            r = await http.get("/readyz")
        assert r.status_code == 503 and r.json()["database"] == "unreachable"
    finally:
        await store.close()

