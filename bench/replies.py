"""Replies per second through parse + recommend + store (the whole Coach.handle path) on SQLite, one
process, and the cost per reply with 10 vs 5,000 prior check-ins. Prints figures; asserts nothing.

    python -m bench.replies [--replies 3000] [--history 5000] [--rounds 3]

The history comparison is interleaved: the two users answer alternately, day after day, so a change
in the machine's load hits both alike; each figure is the median over all measured replies.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta

from bot.config import Settings
from bot.conversation import Coach
from bot.store.repo import Store

REPLIES = [
    "pain 3, ran 20 min easy, fine during",
    "back's a 4 today. walked 30 mins",
    "2/10, 1 min run 2 min walk x8, no pain during",
    "a bit sore, swam 1500m",
    "rested, back 5/10",
    "fine, 5k in 31 mins, steady",
    "pain 3. 20 min core and 30 min bike",
    "back 2 out of 10, did nothing",
]


async def _users(coach: Coach, prefix: str, n: int, start: datetime) -> list[str]:
    keys = [f"console:{prefix}{i}" for i in range(n)]
    for k in keys:
        await coach.ensure_profile(k, start, {"experience": "returning", "comfortable_run_minutes": 20})
    return keys


async def throughput(coach: Coach, n_replies: int, prefix: str = "bench") -> tuple[float, float]:
    """(replies per second, CPU milliseconds per reply) for ``n_replies`` check-ins of 100 users."""
    start = datetime(2026, 1, 1, 8, tzinfo=UTC)
    keys = await _users(coach, prefix, 100, start)
    rnd = random.Random(1)
    t0, cpu0 = time.perf_counter(), time.process_time()
    for i in range(n_replies):
        key = keys[i % len(keys)]
        now = start + timedelta(days=1 + i // len(keys))
        await coach.handle(key, rnd.choice(REPLIES), now)
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return n_replies / wall, cpu / n_replies * 1000


async def history_costs(coach: Coach, history: int, measured: int) -> tuple[float, float]:
    """Median seconds per reply for a user with 10 and one with ``history`` prior check-ins,
    measured alternately."""
    start = datetime(2000, 1, 1, 8, tzinfo=UTC)
    short, long_ = "console:short", "console:long"
    for key in (short, long_):
        await coach.ensure_profile(key, start, {"experience": "regular", "comfortable_run_minutes": 30})
    rnd = random.Random(2)
    for d in range(history):
        if d >= history - 10:
            await coach.handle(short, rnd.choice(REPLIES), start + timedelta(days=d + 1))
        await coach.handle(long_, rnd.choice(REPLIES), start + timedelta(days=d + 1))
    times: dict[str, list[float]] = {short: [], long_: []}
    for d in range(history, history + measured):
        now = start + timedelta(days=d + 1)
        text = rnd.choice(REPLIES)
        for key in ((short, long_) if d % 2 else (long_, short)):
            t0 = time.perf_counter()
            await coach.handle(key, text, now)
            times[key].append(time.perf_counter() - t0)
    return statistics.median(times[short]), statistics.median(times[long_])


async def main(n_replies: int, history: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        store = Store(url)
        await store.migrate()
        coach = Coach(store, Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
        await throughput(coach, 300, prefix="warmup")
        runs = [await throughput(coach, n_replies, prefix=f"r{r}-") for r in range(rounds)]
        rate = statistics.median(r for r, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        print(f"replies/s (parse + recommend + store, SQLite, one process): {rate:,.0f}  (target >= 1,000; "
              f"rounds: {', '.join(f'{r:,.0f}' for r, _ in runs)})")
        print(f"CPU per reply: {cpu:.2f} ms")
        small, large = await history_costs(coach, history, 400)
        print(f"median cost per reply with 10 prior check-ins: {small * 1e6:,.0f} µs")
        print(f"median cost per reply with {history:,} prior check-ins: {large * 1e6:,.0f} µs")
        print(f"ratio {history:,} / 10 (interleaved): {large / small:.2f}  (target <= 1.2)")
        await store.close()


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--replies", type=int, default=3000)
    ap.add_argument("--history", type=int, default=5000)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    asyncio.run(main(a.replies, a.history, a.rounds))
