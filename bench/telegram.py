"""Updates per second through the Telegram adapter end to end, against a fake Bot API in its own
process (tests/fake_telegram.py), compared in the same run with a bare python-telegram-bot echo
bot against the same server. Prints figures; asserts nothing.

    python -m bench.telegram [--users 200] [--per-user 5] [--repeat 3]

End to end means: the update is fetched by long polling (getUpdates, 100 a batch), handled
(backcheck: Coach.handle on SQLite, a transaction per message; echo: nothing), and every reply
is sent (sendMessage, answered by the fake server) before the update counts as done. The clock
runs from queuing all updates on the server to the last one done.

Both bots run without a pacing limit: the fake server has none, and with Telegram's 30
messages/s both would simply measure Telegram's limit. backcheck keeps AIORateLimiter in place
(its RetryAfter handling), with the rates set to 0; the echo bot is PTB's defaults (no limiter,
one update at a time), and also with ``concurrent_updates`` like ours, for a second ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ContextTypes,
    MessageHandler,
    filters,
)

from adapters.telegram import TelegramAdapter
from bot.config import Settings
from bot.conversation import Coach
from bot.store.repo import Store

#: One user's messages, in order: check-ins, commands, a bare pain answer. (/progress is left out:
#: its chart is CPU work measured on its own, see ``chart_ms``.)
SCRIPT = [
    "back 3/10, ran 20 min easy, fine during",
    "/today",
    "pain 2, walked 30 min",
    "/help",
    "3",
    "2/10, 1 min run 2 min walk x8, no pain during",
    "/settings",
    "rested, back 4/10",
]


def updates_for(users: int, per_user: int, base_id: int) -> list[dict[str, Any]]:
    out = []
    for round_ in range(per_user):
        for u in range(users):
            uid = base_id + u
            text = SCRIPT[round_ % len(SCRIPT)]
            msg: dict[str, Any] = {
                "message_id": round_ + 1, "date": int(time.time()),
                "chat": {"id": uid, "type": "private", "first_name": "Runner"},
                "from": {"id": uid, "is_bot": False, "first_name": "Runner"}, "text": text,
            }
            if text.startswith("/"):
                msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
            out.append({"message": msg})
    return out


class FakeServer:
    """tests/fake_telegram.py in a process of its own, so it does not share our CPU or GIL."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.fake_telegram", "--port", "0"],
                                     stdout=subprocess.PIPE, text=True,
                                     cwd=Path(__file__).resolve().parent.parent)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        self.base_url = line.strip().rsplit(" ", 1)[-1]
        self.root = self.base_url.rsplit("/", 1)[0]
        self.http = httpx.AsyncClient(timeout=60)

    async def queue(self, token: str, updates: list[dict[str, Any]]) -> None:
        r = await self.http.post(f"{self.root}/_fake/{token}/updates", json=updates)
        r.raise_for_status()

    async def stats(self, token: str) -> dict[str, Any]:
        r = await self.http.get(f"{self.root}/_fake/{token}/stats")
        return dict(r.json())

    async def close(self) -> None:
        await self.http.aclose()
        self.proc.terminate()
        self.proc.wait(10)


@dataclass
class Run:
    rate: float
    #: Share of one CPU the fake server used while the run lasted (1.0 = it was the bottleneck).
    server_load: float
    #: CPU milliseconds this process spent per update (steadier than rates on a busy machine).
    cpu_ms: float = 0.0


async def timed(fake: FakeServer, token: str, updates: list[dict[str, Any]], done: Callable[[], int]) -> Run:
    """Queue the updates and wait until ``done()`` counts them all."""
    start_count = done()
    cpu0 = (await fake.stats(token))["cpu"]
    own0 = time.process_time()
    t0 = time.perf_counter()
    await fake.queue(token, updates)
    while done() - start_count < len(updates):  # noqa: ASYNC110 - a counter in PTB handlers, no event to wait on
        await asyncio.sleep(0.02)
    wall = time.perf_counter() - t0
    own = time.process_time() - own0
    cpu1 = (await fake.stats(token))["cpu"]
    return Run(len(updates) / wall, (cpu1 - cpu0) / wall, own / len(updates) * 1000)


async def _store_with_users(db_dir: str, name: str, users: int, base_id: int) -> tuple[Store, Coach, Settings]:
    token = f"1:{uuid.uuid4().hex}"
    settings = Settings(_env_file=None, database_url=f"sqlite:///{db_dir}/{name}-{token[2:10]}.db",  # type: ignore[call-arg]
                        telegram_token=token)
    store = Store(settings.database_url)
    await store.migrate()
    coach = Coach(store, settings)
    now = datetime.now(UTC)
    for u in range(users):
        await coach.ensure_profile(f"telegram:{base_id + u}", now, {"experience": "returning",
                                                                     "comfortable_run_minutes": 20})
    return store, coach, settings


async def run_backcheck(fake: FakeServer, db_dir: str, users: int, per_user: int, concurrency: int
                        ) -> tuple[Run, float]:
    base_id = 10_000_000
    store, coach, settings = await _store_with_users(db_dir, "bench", users, base_id)
    settings = settings.model_copy(update={"telegram_api_url": fake.base_url})
    token = settings.telegram_token or ""
    adapter = TelegramAdapter(coach, settings, concurrent_updates=concurrency,
                              rate_limiter=AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=2))
    await adapter.start()
    try:
        # A warm-up round (imports, first connections) is not timed.
        await timed(fake, token, updates_for(users, 1, base_id + users), lambda: adapter.updates_handled)
        before = (await fake.stats(token))["sent_messages"]
        run = await timed(fake, token, updates_for(users, per_user, base_id), lambda: adapter.updates_handled)
        replies = (await fake.stats(token))["sent_messages"] - before
    finally:
        await adapter.stop()
        await store.close()
    return run, replies / (users * per_user)


async def run_core_alone(db_dir: str, users: int, per_user: int) -> Run:
    """The same messages straight into Coach.handle, no Telegram: the ceiling the adapter works under."""
    base_id = 10_000_000
    store, coach, _ = await _store_with_users(db_dir, "core", users, base_id)
    try:
        msgs = [(f"telegram:{u['message']['from']['id']}", u["message"]["text"])
                for u in updates_for(users, per_user, base_id)]
        own0, t0 = time.process_time(), time.perf_counter()
        for key, text in msgs:
            await coach.handle(key, text, datetime.now(UTC))
        wall, own = time.perf_counter() - t0, time.process_time() - own0
        return Run(len(msgs) / wall, 0.0, own / len(msgs) * 1000)
    finally:
        await store.close()


async def run_echo(fake: FakeServer, users: int, per_user: int, concurrency: int | None) -> Run:
    token = f"2:{uuid.uuid4().hex}"
    handled = 0

    async def echo(update: Update, _ctx: ContextTypes.DEFAULT_TYPE) -> None:
        nonlocal handled
        try:
            if update.message is not None and update.message.text:
                await update.message.reply_text(update.message.text)
        finally:
            handled += 1

    builder = ApplicationBuilder().token(token).base_url(fake.base_url).job_queue(None)
    if concurrency:
        builder = builder.concurrent_updates(concurrency)
    app: Application[Any, Any, Any, Any, Any, Any] = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    await app.initialize()
    assert app.updater is not None
    await app.updater.start_polling()
    await app.start()
    try:
        await timed(fake, token, updates_for(users, 1, 20_000_000), lambda: handled)
        return await timed(fake, token, updates_for(users, per_user, 10_000_000), lambda: handled)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


def _fmt(runs: list[Run]) -> str:
    rate = statistics.median(r.rate for r in runs)
    load = max(r.server_load for r in runs)
    cpu = statistics.median(r.cpu_ms for r in runs)
    return (f"{rate:8.1f} updates/s, {cpu:5.2f} CPU ms/update  (runs: {', '.join(f'{r.rate:.0f}' for r in runs)}"
            + (f"; fake server busy <= {load:.0%} of a CPU)" if load else ")"))


async def main_async(users: int, per_user: int, repeat: int, concurrency: int) -> None:
    fake = FakeServer()
    ours: list[Run] = []
    per_update: list[float] = []
    echo: list[Run] = []
    echo_conc: list[Run] = []
    core: list[Run] = []
    try:
        with tempfile.TemporaryDirectory(prefix="backcheck-bench-tg-") as tmp:
            for _ in range(repeat):
                # Interleaved, so drift in the machine's load affects all alike.
                echo.append(await run_echo(fake, users, per_user, None))
                run, replies = await run_backcheck(fake, tmp, users, per_user, concurrency)
                ours.append(run)
                per_update.append(replies)
                echo_conc.append(await run_echo(fake, users, per_user, concurrency))
                core.append(await run_core_alone(tmp, users, per_user))
    finally:
        await fake.close()
    n = users * per_user

    def med(runs: list[Run], what: str = "rate") -> float:
        return statistics.median(getattr(r, what) for r in runs)

    b, e, ec, c = med(ours), med(echo), med(echo_conc), med(core)
    print(f"Telegram long polling, {n} updates from {users} users, median of {repeat} runs "
          f"(fake Bot API in its own process; backcheck on SQLite):")
    print(f"  backcheck adapter, end to end ({statistics.median(per_update):.2f} replies/update, "
          f"concurrent_updates={concurrency}):\n      {_fmt(ours)}")
    print(f"  bare PTB echo bot, PTB defaults (one update at a time):\n      {_fmt(echo)}")
    print(f"  bare PTB echo bot, concurrent_updates={concurrency}:\n      {_fmt(echo_conc)}")
    print(f"  the same messages into Coach.handle directly, no Telegram:\n      {_fmt(core)}")
    print(f"  ratio backcheck / echo (PTB defaults):  {b / e:.2f}   (target >= 0.5)")
    print(f"  ratio backcheck / echo (concurrent):    {b / ec:.2f}")
    print(f"  ratio backcheck / core alone:           {b / c:.2f}")
    over = med(ours, "cpu_ms") - med(core, "cpu_ms")
    print(f"  CPU per update: backcheck {med(ours, 'cpu_ms'):.2f} ms = core {med(core, 'cpu_ms'):.2f} ms "
          f"+ Telegram side {over:.2f} ms (the echo bot's whole update: {med(echo, 'cpu_ms'):.2f} ms)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("--users", type=int, default=200)
    ap.add_argument("--per-user", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--concurrency", type=int, default=32)
    args = ap.parse_args()
    asyncio.run(main_async(args.users, args.per_user, args.repeat, args.concurrency))


if __name__ == "__main__":
    main()
