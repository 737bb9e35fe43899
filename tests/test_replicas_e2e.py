"""The issue's acceptance, by hand as an operator would: two `backcheck run` processes against one
PostgreSQL, Telegram in webhook mode through the fake Bot API enforcing 30 messages/s. Scheduled
check-ins go out once within the limit, replies are answered by whichever replica gets them, and
SIGKILL of one replica loses nothing: the other answers on."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import socket
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest

from adapters.telegram import webhook_secret
from bot.config import Settings
from bot.store.repo import Store
from tests.conftest import fresh_pg_database
from tests.fake_telegram import FakeTelegram
from tests.terminal import BACKCHECK, clean_env
from tests.test_scheduler_helpers import add_users, user_row

pytestmark = pytest.mark.asyncio(loop_scope="session")

N = 40


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def eventually(ok, within: float = 90) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    end = loop.time() + within
    while not await ok():
        assert loop.time() < end, "not in time"
        await asyncio.sleep(0.1)


@pytest.fixture(scope="module")
def e2e_pg() -> Iterator[str]:
    with fresh_pg_database("backcheck_e2e") as url:
        yield url


async def test_two_replicas_of_backcheck_run_share_the_work_and_survive_a_kill(
        tmp_path: Path, fake_telegram: FakeTelegram, e2e_pg: str) -> None:
    token = f"{random.randint(10**8, 10**9)}:{uuid.uuid4().hex}"
    fb = fake_telegram.bot(token)
    fb.rate_limit = 30
    url = e2e_pg
    setup = Store(url)
    await setup.migrate()
    # Due now: their check-in time is this minute, so the pass each replica runs at start finds them.
    hhmm = datetime.now(UTC).strftime("%H:%M")
    chats = random.sample(range(10**8, 2 * 10**9), N)
    await add_users(setup, [user_row(f"telegram:{c}", "UTC", at=hhmm) for c in chats])
    await setup.close()

    ports = [free_port(), free_port()]
    procs = []
    for port in ports:
        env = clean_env(tmp_path, BACKCHECK_DATABASE_URL=url, BACKCHECK_PORT=str(port),
                        BACKCHECK_TELEGRAM_TOKEN=token, BACKCHECK_TELEGRAM_API_URL=fake_telegram.base_url,
                        BACKCHECK_TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram/webhook")
        procs.append(await asyncio.create_subprocess_exec(
            *BACKCHECK, "run", env=env, cwd=tmp_path, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL))
    secret = webhook_secret(Settings(_env_file=None, telegram_token=token))  # type: ignore[call-arg]
    try:
        async with aiohttp.ClientSession() as http:
            async def ready() -> bool:
                for port in ports:
                    try:
                        async with http.get(f"http://127.0.0.1:{port}/readyz") as r:
                            if r.status != 200:
                                return False
                    except aiohttp.ClientError:
                        return False
                return True

            await eventually(ready)

            def checkins() -> Counter[int]:
                return Counter(s.chat_id for s in fb.sent if s.method == "sendMessage" and s.chat_id in set(chats))

            async def all_sent() -> bool:
                return sum(checkins().values()) >= N

            await eventually(all_sent)
            await asyncio.sleep(1)
            assert checkins() == Counter(chats)  # each once, from whichever replica leads
            assert fb.too_many == 0 and fb.busiest_second() <= 30

            async def reply(port: int, chat: int, n: int) -> None:
                before = len(fb.sent_to(chat))
                upd = {"update_id": chat % 10**6 * 100 + n,
                       **fb.message(chat, "back 3/10, walked 20 min", push=False)}
                async with http.post(f"http://127.0.0.1:{port}/telegram/webhook", json=upd,
                                     headers={"X-Telegram-Bot-Api-Secret-Token": secret}) as r:
                    assert r.status == 200

                async def answered() -> bool:
                    return len(fb.sent_to(chat)) > before

                await eventually(answered, 30)

            # A load balancer sends replies to either replica: both answer.
            await asyncio.gather(*(reply(ports[i % 2], c, 1) for i, c in enumerate(chats[:10])))
            # One replica dies hard; the other answers everything from now on.
            procs[0].send_signal(signal.SIGKILL)
            await procs[0].wait()
            await asyncio.gather(*(reply(ports[1], c, 2) for c in chats[10:20]))
            assert fb.too_many == 0
    finally:
        for p in procs:
            if p.returncode is None:
                p.send_signal(signal.SIGTERM)
                try:
                    await asyncio.wait_for(p.wait(), 30)
                except TimeoutError:
                    os.kill(p.pid, signal.SIGKILL)
                    await p.wait()
