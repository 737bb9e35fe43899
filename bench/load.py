"""Load through the Telegram webhook route on loopback, on PostgreSQL. Prints figures; asserts
only that nothing went wrong (no error, every message answered exactly once).

    python -m bench.load [--users 1000] [--per-user 10] [--fanout 5000] [--probe-seconds 30]

1. **Load**: USERS simulated users each send PER_USER messages (check-ins, commands, answers) as
   a person does, the next one when the previous was answered, all users at once. Each update is
   POSTed to ``/telegram/webhook`` of the real app (uvicorn, the adapter in webhook mode, the
   core, PostgreSQL); its reply goes to the fake Bot API (tests/fake_telegram.py, a process of its
   own, no rate limit). Handling latency is from the handler's start to the reply acknowledged by
   the fake; end to end adds the wait for a turn (with every user sending at once, a closed loop,
   that wait is the number of users over the throughput).
2. **Replies during a fan-out**: FANOUT users are due for their check-in now, and the scheduler
   sends to them at Telegram's 30 messages/s through the same bot, against a fake that enforces
   30/s bot-wide (429 beyond). Meanwhile some of the load users reply, one message each at random
   moments over PROBE_SECONDS; their latency is printed (the issue's target: p95 under 2 s), with
   the pushes sent in the window, 429s and the busiest second.

A fresh PostgreSQL database (BACKCHECK_TEST_POSTGRES's server) is created and dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import socket
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import aiohttp
import asyncpg
import uvicorn
from telegram.ext import AIORateLimiter

from adapters.telegram import TelegramAdapter
from bench.telegram import SCRIPT, FakeServer
from bot.config import Settings
from bot.conversation import Coach
from bot.store.repo import Store
from bot.web import create_app
from scheduler.runner import Scheduler
from tests.conftest import PG_ADMIN_URL
from tests.test_scheduler_helpers import add_users, user_row

BASE_ID = 500_000_000


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))] if xs else float("nan")


def fmt(xs: list[float]) -> str:
    ms = [x * 1000 for x in xs]
    return f"p50 {pct(ms, 50):.0f} ms, p95 {pct(ms, 95):.0f} ms, p99 {pct(ms, 99):.0f} ms, max {max(ms):.0f} ms"


def update(uid: int, n: int, text: str) -> dict[str, Any]:
    msg: dict[str, Any] = {"message_id": n, "date": int(time.time()), "text": text,
                           "chat": {"id": uid, "type": "private", "first_name": "Runner"},
                           "from": {"id": uid, "is_bot": False, "first_name": "Runner"}}
    if text.startswith("/"):
        msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": uid * 1000 + n, "message": msg}


class TimedAdapter(TelegramAdapter):
    """The adapter, noting when each private message's handling ended (its reply acknowledged)."""

    def __init__(self, bench: Bot, *args: Any, **kw: Any) -> None:
        self.bench = bench
        super().__init__(*args, **kw)

    async def _on_private(self, update: Any, ctx: Any) -> None:
        began = time.perf_counter()
        await super()._on_private(update, ctx)
        b, m = self.bench, update.message
        k = (m.chat_id, m.message_id)
        b.handling[k] = time.perf_counter() - began
        b.handled[k] += 1
        if k in b.posted:
            b.latency[k] = time.perf_counter() - b.posted[k]
        ev = b.done.get(m.chat_id)
        if ev is not None:
            ev.set()


class Bot:
    """The app under load: web app + adapter (webhook mode) + core on PostgreSQL, in this process."""

    def __init__(self, url: str, fake: FakeServer, *, paced: bool) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.token = f"7:{uuid.uuid4().hex}"
        self.settings = Settings(_env_file=None, database_url=url, telegram_token=self.token,  # type: ignore[call-arg]
                                 telegram_api_url=fake.base_url, reminder_after_minutes=0,
                                 telegram_webhook_url=f"http://127.0.0.1:{self.port}/telegram/webhook")
        self.store = Store(url)
        self.coach = Coach(self.store, self.settings)
        self.posted: dict[tuple[int, int], float] = {}
        self.latency: dict[tuple[int, int], float] = {}
        #: From the handler's start (the update's turn, after waiting in PTB's queue) to its reply.
        self.handling: dict[tuple[int, int], float] = {}
        self.done: dict[int, asyncio.Event] = {}
        self.handled = Counter[tuple[int, int]]()
        # Unpaced (the load): what the app can handle, the fake having no limit. Paced (the
        # fan-out): the adapter's own limiter at Telegram's 30 messages/s, as in production.
        limiter = None if paced else AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=2)
        self.adapter = TimedAdapter(self, self.coach, self.settings, concurrent_updates=64, rate_limiter=limiter)
        self.server = uvicorn.Server(uvicorn.Config(create_app(self.store, self.adapter.routes()),
                                                    log_level="warning", lifespan="off"))
        self.http: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        await self.store.migrate()
        self.serving = asyncio.create_task(self.server.serve(sockets=[self.sock]))
        await self.adapter.start()
        self.http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200))

    async def post(self, upd: dict[str, Any]) -> int:
        assert self.http is not None
        m = upd["message"]
        self.posted[(m["chat"]["id"], m["message_id"])] = time.perf_counter()
        async with self.http.post(f"http://127.0.0.1:{self.port}/telegram/webhook", json=upd,
                                  headers={"X-Telegram-Bot-Api-Secret-Token": self.adapter.secret}) as r:
            return r.status

    async def says(self, uid: int, n: int, text: str) -> int:
        ev = self.done[uid] = asyncio.Event()
        status = await self.post(update(uid, n, text))
        if status == 200:
            await asyncio.wait_for(ev.wait(), 120)
        return status

    async def stop(self) -> None:
        if self.http is not None:
            await self.http.close()
        await self.adapter.stop()
        self.server.should_exit = True
        await self.serving
        await self.store.close()


async def load(bot: Bot, users: int, per_user: int) -> None:
    now = datetime.now(UTC)
    for u in range(users):
        await bot.coach.ensure_profile(f"telegram:{BASE_ID + u}", now, {"experience": "returning",
                                                                          "comfortable_run_minutes": 20})
    statuses: Counter[int] = Counter()

    async def person(uid: int) -> None:
        await asyncio.sleep(random.random())  # not all in the same millisecond
        for n in range(1, per_user + 1):
            statuses[await bot.says(uid, n, SCRIPT[(n - 1) % len(SCRIPT)])] += 1

    t0 = time.perf_counter()
    await asyncio.gather(*(person(BASE_ID + u) for u in range(users)))
    wall = time.perf_counter() - t0
    total = users * per_user
    twice = sum(1 for c in bot.handled.values() if c > 1)
    print(f"load: {users} users x {per_user} messages = {total} updates in {wall:.1f} s "
          f"({total / wall:.0f}/s) on PostgreSQL through /telegram/webhook")
    print(f"  HTTP statuses {dict(statuses)}; handled {len(bot.handled)} of {total}, twice {twice}; "
          f"errors {bot.adapter.updates_handled - len(bot.handled)}")
    print(f"  handling (handler start to reply acknowledged): {fmt(list(bot.handling.values()))}")
    print(f"  end to end (POST to reply acknowledged, queueing included): {fmt(list(bot.latency.values()))}")
    assert statuses == {200: total} and len(bot.handled) == total and twice == 0, "errors under load"


async def fanout_with_replies(bot: Bot, fake: FakeServer, fanout: int, probe_users: int,
                              seconds: float) -> dict[str, Any]:
    now = datetime.now(UTC)
    hhmm = now.strftime("%H:%M")
    await add_users(bot.store, [user_row(f"telegram:{900_000_000 + i}", "UTC", at=hhmm) for i in range(fanout)])
    await fake.http.post(f"{fake.root}/_fake/{bot.token}/rate", json={"rate": 30})
    sched = Scheduler(bot.store, {"telegram": bot.adapter}, bot.settings)
    bot.latency.clear()
    before = (await fake.stats(bot.token))["sent_messages"]
    t0 = time.perf_counter()
    report = await sched.tick(now)
    assert report is not None

    async def reply(uid: int) -> None:
        await asyncio.sleep(random.random() * seconds)
        await bot.says(uid, 100, "back 2/10, walked 30 min")

    await asyncio.gather(*(reply(BASE_ID + u) for u in range(probe_users)))
    wall = time.perf_counter() - t0
    stats = await fake.stats(bot.token)
    sent = stats["sent_messages"] - before
    lat = [v for (_, n), v in bot.latency.items() if n == 100]
    print(f"replies during a fan-out: {report.queued} check-ins queued; in {wall:.1f} s "
          f"{sent - probe_users} pushes and {probe_users} replies went out "
          f"({sent / wall:.1f} messages/s; fake's limit 30/s, busiest second {stats['busiest_second']}, "
          f"429s {stats['too_many']})")
    print(f"  reply latency while pushing: {fmt(lat)} (target p95 < 2000 ms)")
    await sched.stop(grace=1)
    return {**stats, "replies": len(lat), "pushes": sent - len(lat)}


async def main_async(args: argparse.Namespace) -> None:
    name = f"backcheck_load_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(PG_ADMIN_URL, timeout=10)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    fake = FakeServer()
    bots: list[Bot] = []
    try:
        bots.append(Bot(url, fake, paced=False))
        await bots[-1].start()
        await load(bots[-1], args.users, args.per_user)
        await bots[-1].stop()
        if args.fanout:
            bots.append(Bot(url, fake, paced=True))
            await bots[-1].start()
            await fanout_with_replies(bots[-1], fake, args.fanout, min(args.users, args.probe_users),
                                      args.probe_seconds)
            await bots[-1].stop()
    finally:
        await fake.close()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=1000)
    ap.add_argument("--per-user", type=int, default=10)
    ap.add_argument("--fanout", type=int, default=5000)
    ap.add_argument("--probe-users", type=int, default=100)
    ap.add_argument("--probe-seconds", type=float, default=30.0)
    args = ap.parse_args()
    random.seed(7)
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
