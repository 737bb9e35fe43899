"""Faults (issue 11, item 6): the Bot API failing a fifth of the calls during a fan-out, a webhook
delivered twice, a process killed in the middle of a reply."""

from __future__ import annotations

import asyncio
import random
import signal
import socket
import subprocess
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import func, select

from adapters.telegram import TelegramAdapter
from bot.conversation import Coach
from bot.store.repo import Store
from bot.store.tables import ActivityRow, CheckInRow, RecommendationRow
from bot.web import create_app
from scheduler.passes import run_pass
from tests.conftest import Clock, wipe
from tests.fake_telegram import FakeTelegram
from tests.terminal import BACKCHECK, clean_env
from tests.test_scheduler_helpers import add_users, make_settings, sent_rows, user_row, utc
from tests.test_telegram import TgBot, new_token, new_user_id

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_a_fan_out_through_429s_500s_and_timeouts_delivers_each_checkin_once(
        sched_pg_url: str, fake_telegram: FakeTelegram) -> None:
    n = 60
    store = Store(sched_pg_url)
    await store.migrate()
    await wipe(store)
    chats = random.sample(range(10**8, 2 * 10**9), n)
    await add_users(store, [user_row(f"telegram:{c}", "Europe/London") for c in chats])
    token = new_token()
    fb = fake_telegram.bot(token)
    fb.flaky, fb.flaky_hang = 0.2, 1.0
    settings = make_settings(database_url=sched_pg_url, telegram_token=token, telegram_api_url=fake_telegram.base_url,
                             reminder_after_minutes=0)
    adapter = TelegramAdapter(Coach(store, settings), settings, retry_backoff=0.01)
    adapter.app.bot.request._read = 0.3  # type: ignore[attr-defined]  # a timeout is 0.3 s here, not 5
    await adapter.initialize()
    try:
        now = utc(2026, 12, 1, 7, 30)
        for _ in range(8):  # passes a few minutes apart take up what failed (retry_delay 2 min)
            await run_pass(store, {"telegram": adapter}, settings, now)
            statuses = Counter(r["status"] for r in await sent_rows(store, "checkin"))
            if statuses == {"sent": n}:
                break
            now += timedelta(minutes=3)
        assert statuses == {"sent": n}
        got = Counter(s.chat_id for s in fb.sent if s.method == "sendMessage")
        assert got == Counter(chats)  # every check-in delivered, none twice
        assert all(fb.injected[k] > 0 for k in ("429", "500", "timeout")), fb.injected
        print(f"\nfaults injected: {dict(fb.injected)}; {n} check-ins delivered once each")
    finally:
        await adapter.stop()
        await store.close()


async def test_a_webhook_update_delivered_twice_is_handled_once(fake_telegram: FakeTelegram, telegram_store: Store,
                                                                clock: Clock) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/telegram/webhook"
    b = TgBot(fake_telegram, telegram_store, clock, telegram_webhook_url=url)
    server = uvicorn.Server(uvicorn.Config(create_app(telegram_store, b.adapter.routes()), log_level="warning",
                                           lifespan="off"))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        await b.adapter.start()
        uid = new_user_id()
        update = {"update_id": 777, **b.fb.message(uid, "/start", push=False)}
        assert await fake_telegram.deliver_webhook(b.token, update) == 200
        assert await fake_telegram.deliver_webhook(b.token, update) == 200  # Telegram's retry
        await fake_telegram.deliver_webhook(b.token, {"update_id": 778, **b.fb.message(uid, "help", push=False)})
        loop = asyncio.get_running_loop()
        end = loop.time() + 15
        while b.adapter.updates_handled < 2:
            assert loop.time() < end
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.2)
        assert b.adapter.updates_handled == 2
        user = await b.coach.export(f"telegram:{uid}", clock())
        assert user is not None
        assert [m["text"] for m in user["messages_received"]] == ["/start", "help"]
    finally:
        await b.adapter.stop()
        server.should_exit = True
        await serving


@pytest.mark.filterwarnings("ignore::pytest.PytestWarning")
def test_sigkill_in_the_middle_of_replies_leaves_no_half_written_checkin(tmp_path: Path) -> None:
    """A check-in is one transaction: killed at any instant, a day has its check-in with its
    activities and its suggestion, or none of them."""
    env = clean_env(tmp_path, BACKCHECK_DATABASE_URL=f"sqlite:///{tmp_path}/kill.db")
    setup = "/start\nreturning\n20\nUTC\n07:30\nevery day\n"
    assert subprocess.run([*BACKCHECK, "chat", "--user", "k"], input=setup, text=True, env=env, cwd=tmp_path,
                          capture_output=True, timeout=120).returncode == 0
    rng = random.Random(5)
    for _ in range(5):
        proc = subprocess.Popen([*BACKCHECK, "chat", "--user", "k"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, text=True, env=env, cwd=tmp_path)
        assert proc.stdin is not None
        # Corrections of today's check-in, each rewriting the row, its activities and its
        # suggestion, one message at a time, until the kill lands somewhere among them.
        kill_at = time.monotonic() + 1.5 + rng.random() * 2.0
        while time.monotonic() < kill_at:
            try:
                proc.stdin.write(f"back {rng.randint(1, 6)}/10, ran {rng.randint(10, 40)} min easy, "
                                 f"walked {rng.randint(5, 30)} min\n")
                proc.stdin.flush()
            except BrokenPipeError:
                break
            time.sleep(0.15)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)

    async def check() -> None:
        store = Store(f"sqlite:///{tmp_path}/kill.db")
        try:
            async with store.session() as s:
                rows = list((await s.execute(select(CheckInRow))).scalars())
                assert rows, "no check-in was ever written: the kills came too early to test anything"
                for r in rows:
                    acts = (await s.execute(select(func.count()).select_from(ActivityRow)
                                            .where(ActivityRow.checkin_id == r.id))).scalar_one()
                    reco = (await s.execute(select(func.count()).select_from(RecommendationRow)
                                            .where(RecommendationRow.user_id == r.user_id,
                                                   RecommendationRow.local_date == r.local_date))).scalar_one()
                    # Every message of the day adds to its check-in (the text grows by a line, the
                    # activities by a run and a walk) in one transaction: the row, its activities and
                    # its suggestion agree, whichever message the kill interrupted.
                    assert (acts, reco) == (2 * r.text.count("ran "), 1), (acts, reco, r.text.count("ran "))
        finally:
            await store.close()

    asyncio.run(check())


async def test_a_webhook_retry_that_reaches_the_other_replica_is_not_handled_again(
        fake_telegram: FakeTelegram, telegram_store: Store, clock: Clock) -> None:
    # Two replicas behind one URL: Telegram's retry may land on the one that did not see the
    # update. Each replica's memory of update ids is its own; the database's claim is shared.
    socks, urls = [], []
    for _ in range(2):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        socks.append(sock)
        urls.append(f"http://127.0.0.1:{sock.getsockname()[1]}/telegram/webhook")
    first = TgBot(fake_telegram, telegram_store, clock, telegram_webhook_url=urls[0])
    second = TgBot(fake_telegram, telegram_store, clock, token=first.token, telegram_webhook_url=urls[1])
    servers = [uvicorn.Server(uvicorn.Config(create_app(telegram_store, b.adapter.routes()), log_level="warning",
                                             lifespan="off")) for b in (first, second)]
    serving = [asyncio.create_task(srv.serve(sockets=[sock])) for srv, sock in zip(servers, socks, strict=True)]
    try:
        for b in (first, second):
            await b.adapter.start()
        uid = new_user_id()
        update = {"update_id": 4242, **first.fb.message(uid, "/start", push=False)}
        async with httpx.AsyncClient() as http:
            for b, url in ((first, urls[0]), (second, urls[1])):
                r = await http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": b.adapter.secret})
                assert r.status_code == 200
        loop = asyncio.get_running_loop()
        end = loop.time() + 15
        while first.adapter.updates_handled + second.adapter.updates_handled < 2:
            assert loop.time() < end
            await asyncio.sleep(0.01)
        user = await first.coach.export(f"telegram:{uid}", clock())
        assert user is not None
        assert [m["text"] for m in user["messages_received"]] == ["/start"]
        assert len([s for s in first.fb.sent if s.chat_id == uid and s.method == "sendMessage"]) == 2  # one answer
    finally:
        for b in (first, second):
            await b.adapter.stop()
        for srv in servers:
            srv.should_exit = True
        for task in serving:
            await task
