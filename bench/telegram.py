"""The Telegram adapter end to end against a fake Bot API in its own process
(tests/fake_telegram.py), compared in the same run with a bare python-telegram-bot echo bot
against the same server. Prints figures; asserts nothing.

    python -m bench.telegram [--users 200] [--per-user 5] [--paced-users 60] [--repeat 3]

Two comparisons, interleaved run by run so drift in the machine's load hits all bots alike:

- unpaced: updates per second with no pacing limit (target: backcheck >= 0.5x the echo bot);
- paced at Telegram's real limit, 30 messages/s: both bots with PTB's ``AIORateLimiter`` (backcheck
  its default one, the echo bot ``AIORateLimiter()``), where the rate is the limiter's and the
  figure that tells is process CPU time per update (target: backcheck <= 2x the echo bot).

Each also runs the same messages straight into Coach.handle (back to back, and spaced 1/30 s
apart for the paced split), so a line splits backcheck's CPU per update into core and Telegram
side. Defaults take about 3.5 minutes on two cores.

End to end means: the update is fetched by long polling (getUpdates, 100 a batch), handled
(backcheck: Coach.handle on SQLite, a transaction per message; echo: nothing), and every reply
is sent (sendMessage, answered by the fake server) before the update counts as done. The clock
runs from queuing all updates on the server to the last one done.

Unpaced, the fake server has no limit and backcheck keeps AIORateLimiter in place (its RetryAfter
handling) with the rates set to 0; the echo bot is PTB's defaults (no limiter, one update at a
time), and also with ``concurrent_updates`` like ours, for a second ratio. The same messages
straight into Coach.handle give the core's share, so the rest is the Telegram side's.
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
from dataclasses import dataclass, field
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


async def run_backcheck(fake: FakeServer, db_dir: str, users: int, per_user: int, concurrency: int,
                        paced: bool = False) -> tuple[Run, float]:
    """``paced``: the adapter's own default rate limiter (30 messages/s), else one with no rates."""
    base_id = 10_000_000
    store, coach, settings = await _store_with_users(db_dir, "bench", users, base_id)
    settings = settings.model_copy(update={"telegram_api_url": fake.base_url})
    token = settings.telegram_token or ""
    unpaced = AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=2)
    adapter = TelegramAdapter(coach, settings, concurrent_updates=concurrency,
                              rate_limiter=None if paced else unpaced)
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


async def run_core_alone(db_dir: str, users: int, per_user: int, gap: float = 0.0) -> Run:
    """The same messages straight into Coach.handle, no Telegram: the ceiling the adapter works under.

    ``gap``: seconds between messages, as the paced runs space them. The core costs more CPU per
    message then (its caches go cold between messages on a shared host), which is not the
    Telegram side's doing, so the paced comparison subtracts this figure."""
    base_id = 10_000_000
    store, coach, _ = await _store_with_users(db_dir, "core", users, base_id)
    try:
        msgs = [(f"telegram:{u['message']['from']['id']}", u["message"]["text"])
                for u in updates_for(users, per_user, base_id)]
        own, t0 = 0.0, time.perf_counter()
        for key, text in msgs:
            c0 = time.process_time()
            await coach.handle(key, text, datetime.now(UTC))
            own += time.process_time() - c0
            if gap:
                await asyncio.sleep(gap)
        wall = time.perf_counter() - t0
        return Run(len(msgs) / wall, 0.0, own / len(msgs) * 1000)
    finally:
        await store.close()


async def run_echo(fake: FakeServer, users: int, per_user: int, concurrency: int | None,
                   paced: bool = False) -> Run:
    """``paced``: with ``AIORateLimiter()``, PTB's defaults (30 messages/s overall)."""
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
    if paced:
        builder = builder.rate_limiter(AIORateLimiter())
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


def _fmt(runs: list[Run], by: str = "rate") -> str:
    rate = statistics.median(r.rate for r in runs)
    load = max(r.server_load for r in runs)
    cpu = statistics.median(r.cpu_ms for r in runs)
    each = ", ".join(f"{r.rate:.0f}" if by == "rate" else f"{r.cpu_ms:.2f}" for r in runs)
    return (f"{rate:8.1f} updates/s, {cpu:5.2f} CPU ms/update  ({'runs' if by == 'rate' else 'CPU ms'}: {each}"
            + (f"; fake server busy <= {load:.0%} of a CPU)" if load else ")"))


def med(runs: list[Run], what: str = "rate") -> float:
    return statistics.median(getattr(r, what) for r in runs)


@dataclass
class Results:
    ours: list[Run] = field(default_factory=list)
    per_update: list[float] = field(default_factory=list)
    echo: list[Run] = field(default_factory=list)
    echo_conc: list[Run] = field(default_factory=list)
    core: list[Run] = field(default_factory=list)
    ours_paced: list[Run] = field(default_factory=list)
    echo_paced: list[Run] = field(default_factory=list)
    core_paced: list[Run] = field(default_factory=list)


async def collect(args: argparse.Namespace) -> Results:
    """All runs, interleaved: each repetition runs every bot once, paced and unpaced."""
    fake = FakeServer()
    res = Results()
    try:
        with tempfile.TemporaryDirectory(prefix="backcheck-bench-tg-") as tmp:
            for _ in range(args.repeat):
                res.echo.append(await run_echo(fake, args.users, args.per_user, None))
                run, replies = await run_backcheck(fake, tmp, args.users, args.per_user, args.concurrency)
                res.ours.append(run)
                res.per_update.append(replies)
                res.echo_conc.append(await run_echo(fake, args.users, args.per_user, args.concurrency))
                res.core.append(await run_core_alone(tmp, args.users, args.per_user))
                if args.paced_users:
                    res.echo_paced.append(await run_echo(fake, args.paced_users, args.per_user, None, paced=True))
                    run, _ = await run_backcheck(fake, tmp, args.paced_users, args.per_user, args.concurrency,
                                                 paced=True)
                    res.ours_paced.append(run)
                    res.core_paced.append(await run_core_alone(tmp, args.paced_users, args.per_user, gap=1 / 30))
    finally:
        await fake.close()
    return res


def report(res: Results, args: argparse.Namespace) -> None:
    n, repeat, conc = args.users * args.per_user, args.repeat, args.concurrency
    b, e, ec, c = med(res.ours), med(res.echo), med(res.echo_conc), med(res.core)
    core_ms = med(res.core, "cpu_ms")
    print(f"Telegram long polling, median of {repeat} interleaved runs (fake Bot API in its own process; "
          f"backcheck on SQLite, concurrent_updates={conc}).")
    print(f"(a) Unpaced: {n} updates from {args.users} users, no rate limit:")
    print(f"  backcheck adapter, end to end ({statistics.median(res.per_update):.2f} replies/update):\n"
          f"      {_fmt(res.ours)}")
    print(f"  bare PTB echo bot, PTB defaults (one update at a time):\n      {_fmt(res.echo)}")
    print(f"  bare PTB echo bot, concurrent_updates={conc}:\n      {_fmt(res.echo_conc)}")
    print(f"  the same messages into Coach.handle directly, no Telegram:\n      {_fmt(res.core)}")
    ours_ms = med(res.ours, "cpu_ms")
    print(f"  ratio backcheck / echo (PTB defaults):  {b / e:.2f}   (target >= 0.5)")
    print(f"  ratio backcheck / echo (concurrent):    {b / ec:.2f}")
    print(f"  ratio backcheck / core alone:           {b / c:.2f}")
    # Rates swing with whatever else the host runs; CPU per update much less.
    print(f"  the same ratio from CPU per update (echo / backcheck): {med(res.echo, 'cpu_ms') / ours_ms:.2f} "
          f"(the rates if each had a CPU to itself)")
    print(f"  CPU per update: backcheck {ours_ms:.2f} ms = core {core_ms:.2f} ms "
          f"+ Telegram side {ours_ms - core_ms:.2f} ms (the echo bot's whole update: {med(res.echo, 'cpu_ms'):.2f} ms)")
    if not res.ours_paced:
        return
    pn = args.paced_users * args.per_user
    paced_ms, echo_ms = med(res.ours_paced, "cpu_ms"), med(res.echo_paced, "cpu_ms")
    print(f"(b) Paced at Telegram's 30 messages/s: {pn} updates from {args.paced_users} users:")
    print(f"  backcheck adapter, its default AIORateLimiter:\n      {_fmt(res.ours_paced, 'cpu')}")
    print(f"  bare PTB echo bot, AIORateLimiter() (one update at a time):\n      {_fmt(res.echo_paced, 'cpu')}")
    print(f"  the same messages into Coach.handle directly, 1/30 s apart:\n      {_fmt(res.core_paced, 'cpu')}")
    print(f"  ratio CPU per update backcheck / echo:  {paced_ms / echo_ms:.2f}   (target <= 2.0)")
    core_paced_ms = med(res.core_paced, "cpu_ms")
    print(f"  CPU per update: backcheck {paced_ms:.2f} ms = core {core_paced_ms:.2f} ms (spaced like the updates) "
          f"+ Telegram side {paced_ms - core_paced_ms:.2f} ms (the echo bot's whole update: {echo_ms:.2f} ms)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("--users", type=int, default=200)
    ap.add_argument("--per-user", type=int, default=5)
    ap.add_argument("--paced-users", type=int, default=60,
                    help="users in the paced comparison (times --per-user updates at 30/s; 0 skips it)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--concurrency", type=int, default=32)
    args = ap.parse_args()
    report(asyncio.run(collect(args)), args)


if __name__ == "__main__":
    main()
