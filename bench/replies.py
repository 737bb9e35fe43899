"""Replies per second through parse + recommend + store (the whole Coach.handle path) on SQLite, one
process, and the cost per reply with 10 vs 5,000 prior check-ins. Prints figures; asserts nothing.

    python -m bench.replies [--replies 3000] [--history 5000]
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


async def _users(coach: Coach, n: int, start: datetime) -> list[str]:
    keys = [f"console:bench{i}" for i in range(n)]
    for k in keys:
        await coach.ensure_profile(k, start, {"experience": "returning", "comfortable_run_minutes": 20})
    return keys


async def throughput(coach: Coach, n_replies: int) -> float:
    start = datetime(2026, 1, 1, 8, tzinfo=UTC)
    keys = await _users(coach, 100, start)
    rnd = random.Random(1)
    t0 = time.perf_counter()
    for i in range(n_replies):
        key = keys[i % len(keys)]
        now = start + timedelta(days=1 + i // len(keys))
        await coach.handle(key, rnd.choice(REPLIES), now)
    return n_replies / (time.perf_counter() - t0)


async def cost_at_history(coach: Coach, key: str, prior: int, measured: int) -> float:
    start = datetime(2000, 1, 1, 8, tzinfo=UTC)
    await coach.ensure_profile(key, start, {"experience": "regular", "comfortable_run_minutes": 30})
    rnd = random.Random(2)
    for d in range(prior):
        await coach.handle(key, rnd.choice(REPLIES), start + timedelta(days=d + 1))
    times = []
    for d in range(prior, prior + measured):
        now = start + timedelta(days=d + 1)
        t0 = time.perf_counter()
        await coach.handle(key, rnd.choice(REPLIES), now)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


async def main(n_replies: int, history: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        store = Store(url)
        await store.migrate()
        coach = Coach(store, Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
        rate = await throughput(coach, n_replies)
        print(f"replies/s (parse + recommend + store, SQLite, one process): {rate:,.0f}  (target >= 1,000)")
        small = await cost_at_history(coach, "console:short", 10, 300)
        large = await cost_at_history(coach, "console:long", history, 300)
        print(f"median cost per reply with {10} prior check-ins: {small * 1e6:,.0f} µs")
        print(f"median cost per reply with {history:,} prior check-ins: {large * 1e6:,.0f} µs")
        print(f"ratio {history:,} / 10: {large / small:.2f}  (target <= 1.2)")
        await store.close()


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--replies", type=int, default=3000)
    ap.add_argument("--history", type=int, default=5000)
    a = ap.parse_args()
    asyncio.run(main(a.replies, a.history))
