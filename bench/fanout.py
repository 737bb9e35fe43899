"""Fan-out benchmark: the pass-based scheduler against a one-APScheduler-job-per-user design.

100,000 users over 30 time zones and 10 check-in times (plus 360 Telegram-style users for the
rate-limit run). Figures, printed, never asserted:

- selection: time of one pass's due-user query at the busiest UTC minute, steady state (what fell
  due earlier in the catch-up window is already claimed), on SQLite and PostgreSQL; for the
  per-user design, APScheduler's own due-job processing of that minute;
- dispatch: messages/s for that minute into a local fake platform with no limit (PostgreSQL);
- rate: achieved messages/s into a fake platform that answers 429 beyond 30 messages/s, and
  how many 429s came back;
- peak RSS and start-up time (process start until the scheduler runs) of each design.

Each design runs in a child process of its own, so RSS and start-up are its alone.

Run: ``.venv/bin/python bench/fanout.py`` (PostgreSQL at BACKCHECK_BENCH_POSTGRES, default
``postgresql://postgres@127.0.0.1:5432/test``; a scratch database is created and dropped).
About 3 minutes on 2 cores.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

N_USERS = 100_000
N_RATE = 360
DAY = date(2026, 12, 1)  # a Tuesday
#: The Telegram-style users are all due this long after the busiest minute, when nobody else is.
RATE_AFTER = timedelta(minutes=10)
ZONES = [
    "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Berlin", "Europe/Paris", "Europe/Madrid",
    "Europe/Rome", "Europe/Amsterdam", "Europe/Stockholm", "Europe/Warsaw", "Europe/Athens", "Europe/Helsinki",
    "Europe/Kyiv", "America/New_York", "America/Toronto", "America/Chicago", "America/Mexico_City",
    "America/Denver", "America/Los_Angeles", "America/Vancouver", "America/Sao_Paulo",
    "America/Argentina/Buenos_Aires", "Asia/Tokyo", "Asia/Seoul", "Asia/Shanghai", "Asia/Singapore",
    "Asia/Kolkata", "Asia/Dubai", "Australia/Sydney", "Pacific/Auckland",
]
TIMES = ["06:00", "06:30", "07:00", "07:30", "08:00", "08:30", "09:00", "12:30", "18:00", "19:30"]
TIME_WEIGHTS = [6, 10, 20, 20, 12, 8, 8, 4, 6, 6]
EVERY_DAY = "mon,tue,wed,thu,fri,sat,sun"
PG_ADMIN = os.environ.get("BACKCHECK_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


# --- data ------------------------------------------------------------------------------------


CREATED = datetime(2026, 1, 1, tzinfo=UTC)


def users() -> list[dict[str, Any]]:
    rnd = random.Random(42)
    rows = []
    for i in range(N_USERS):
        rows.append({
            "key": f"console:u{i}", "timezone": rnd.choice(ZONES),
            "checkin_time": rnd.choices(TIMES, TIME_WEIGHTS)[0],
            "days": EVERY_DAY if rnd.random() < 0.75 else "mon,tue,wed,thu,fri",
            "experience": "new", "reminders": True, "status": "active", "onboarded": True, "created_at": CREATED,
        })
    return rows


def rate_users(at: datetime) -> list[dict[str, Any]]:
    return [{"key": f"telegram:{i}", "timezone": "UTC", "checkin_time": f"{at:%H:%M}", "days": EVERY_DAY,
             "experience": "new", "reminders": True, "status": "active", "onboarded": True, "created_at": CREATED}
            for i in range(N_RATE)]


def due_on_day(rows: Sequence[dict[str, Any]]) -> list[tuple[int, date, datetime]]:
    """(row index, local date, due instant) for every check-in due during DAY in UTC."""
    from scheduler.timing import due_instant, weekday_id

    start = datetime.combine(DAY, datetime.min.time(), tzinfo=UTC)
    out = []
    cache: dict[tuple[str, str, date], datetime] = {}
    for i, r in enumerate(rows):
        for back in (-1, 0, 1):
            d = DAY + timedelta(days=back)
            if weekday_id(d) not in r["days"]:
                continue
            k = (r["timezone"], r["checkin_time"], d)
            due = cache.get(k)
            if due is None:
                due = cache[k] = due_instant(r["timezone"], d, r["checkin_time"])
            if start <= due < start + timedelta(days=1):
                out.append((i, d, due))
    return out


async def setup(url: str, rows: list[dict[str, Any]], dues: list[tuple[int, date, datetime]],
                busiest: datetime) -> float:
    """Migrate, insert the users, and claim what fell due in the three hours before the busiest
    minute (the steady state a pass running every minute would leave). Returns seconds taken."""
    from sqlalchemy import insert, text

    from bot.store.outbox import SENT_T, USER_T
    from bot.store.repo import Store

    t = time.perf_counter()
    store = Store(url)
    await store.migrate()
    async with store.session() as s:
        for i in range(0, len(rows), 10_000):
            await s.execute(insert(USER_T), rows[i:i + 10_000])
    async with store.session() as s:
        ids = dict((await s.execute(text("SELECT key, id FROM users"))).all())
    earlier = [{"user_id": ids[rows[i]["key"]], "local_date": d, "kind": "checkin", "status": "sent",
                "due_at": due, "claimed_at": due, "sent_at": due, "answered_at": due + timedelta(minutes=20),
                "attempts": 1} for i, d, due in dues if busiest - timedelta(hours=4) < due < busiest]
    # The weekly safety notes went out with Monday's check-ins (the busiest minute is on a Tuesday).
    monday = DAY - timedelta(days=DAY.weekday())
    noon = datetime.combine(monday, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
    safety = [{"user_id": uid, "local_date": monday, "kind": "safety", "status": "sent", "due_at": noon,
               "claimed_at": noon, "sent_at": noon, "attempts": 1} for uid in ids.values()]
    async with store.session() as s:
        for batch in (earlier, safety):
            for i in range(0, len(batch), 10_000):
                await s.execute(insert(SENT_T), batch[i:i + 10_000])
    if store.engine.dialect.name == "postgresql":
        async with store.engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text("VACUUM ANALYZE"))
    else:
        async with store.session() as s:
            await s.execute(text("ANALYZE"))
    await store.close()
    return time.perf_counter() - t


async def reset(url: str, since: datetime) -> None:
    """Forget what a run sent (rows claimed at or after ``since``), so the next design starts equal."""
    from sqlalchemy import delete, update

    from bot.store.outbox import SENT_T, USER_T
    from bot.store.repo import Store

    store = Store(url)
    async with store.session() as s:
        await s.execute(delete(SENT_T).where(SENT_T.c.claimed_at >= since))
        await s.execute(update(USER_T).values(conv_state=None, conv_on=None))
    await store.close()


# --- the bench-side platform client ----------------------------------------------------------


class HttpSender:
    """What an adapter does, minus the platform SDK: one POST per message; 429 -> TemporaryFailure."""

    def __init__(self, platform: str, port: int, session: Any) -> None:
        self.platform = platform
        self.url = f"http://127.0.0.1:{port}/send"
        self.session = session

    async def send(self, key: str, messages: Sequence[Any]) -> None:
        from bot.ports import PermanentFailure, TemporaryFailure

        for m in messages:
            async with self.session.post(self.url, json={"key": key, "text": m.text}) as r:
                if r.status == 429:
                    body = await r.json()
                    raise TemporaryFailure("429", retry_after=float(body["parameters"]["retry_after"]))
                if r.status >= 500:
                    raise TemporaryFailure(f"HTTP {r.status}")
                if r.status != 200:
                    raise PermanentFailure(f"HTTP {r.status}")


async def platform_stats(port: int, reset_after: bool = True) -> dict[str, Any]:
    import aiohttp

    async with aiohttp.ClientSession() as s:
        async with s.get(f"http://127.0.0.1:{port}/stats") as r:
            stats: dict[str, Any] = await r.json()
        if reset_after:
            async with s.post(f"http://127.0.0.1:{port}/reset"):
                pass
    return stats


class NullSender:
    """A platform in the same process that accepts at once: measures the scheduler alone."""

    platform = "console"

    async def send(self, key: str, messages: Sequence[Any]) -> None:
        await asyncio.sleep(0)


# --- child: the pass-based scheduler ---------------------------------------------------------


async def child_ours(pg: str, sqlite: str, fast_port: int, limited_port: int, busiest: datetime) -> dict[str, Any]:
    import aiohttp

    from bot.store.repo import Store
    from scheduler.dispatch import Dispatcher
    from scheduler.passes import run_pass, select_due
    from scheduler.runner import Scheduler
    from tests.test_scheduler_helpers import make_settings

    settings = make_settings(reminder_after_minutes=180)
    store = Store(pg)
    # Start-up as at one minute before the busiest one: its catch-up pass finds all sent already.
    clock = [busiest - timedelta(minutes=1)]
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200))
    senders = {"console": HttpSender("console", fast_port, session),
               "telegram": HttpSender("telegram", limited_port, session)}
    sched = Scheduler(store, senders, settings, clock=lambda: clock[0])
    sched.start()
    print("READY", flush=True)
    await asyncio.sleep(0.5)
    if sched._aps is not None:  # the measured passes below are run by hand, at chosen instants
        sched._aps.shutdown(wait=False)
        sched._aps = None
    out: dict[str, Any] = {}
    for name, url in (("sqlite", sqlite), ("postgresql", pg)):
        st = store if url == pg else Store(url)
        times, n = [], 0
        for _ in range(7):
            t = time.perf_counter()
            n = len(await select_due(st, settings, busiest, platforms=["console", "telegram"]))
            times.append(time.perf_counter() - t)
        out[f"select_{name}_ms"] = statistics.median(times[1:]) * 1000
        out["due_at_busiest"] = n
        if st is not store:
            await st.close()
    clock[0] = busiest
    # First into a platform in this process (the scheduler's own capacity), then, the same
    # minute again, over HTTP to the fake platform in another process.
    null = Dispatcher(store, {"console": NullSender()}, clock=lambda: clock[0])
    t = time.perf_counter()
    rep = await run_pass(store, senders, settings, busiest, dispatcher=null, digests=False)
    out["inproc_s"] = time.perf_counter() - t
    out["inproc_sent"] = rep.outcome["checkin.sent"]
    await null.close()
    await reset(pg, busiest - timedelta(minutes=1))
    t = time.perf_counter()
    rep = await run_pass(store, senders, settings, busiest, dispatcher=sched.dispatcher, digests=False)
    out["dispatch_s"] = time.perf_counter() - t
    out["dispatch_sent"] = rep.outcome["checkin.sent"]
    rate_at = clock[0] = busiest + RATE_AFTER
    t = time.perf_counter()
    rep = await run_pass(store, senders, settings, rate_at, dispatcher=sched.dispatcher, digests=False)
    out["rate_s"] = time.perf_counter() - t
    out["rate_sent"] = rep.outcome["checkin.sent"]
    await sched.stop()
    await session.close()
    await store.close()
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


# --- child: one APScheduler job per user -----------------------------------------------------


async def child_naive(pg: str, fast_port: int, limited_port: int, busiest: datetime) -> dict[str, Any]:
    """The design the issue warns against, done the usual way: a CronTrigger job per user in an
    in-memory job store (its best case: nothing pickled); each job prompts, sends and records
    on its own; a 429 is retried after its retry_after, up to 3 times, job by job."""
    import aiohttp
    import apscheduler.schedulers.base as aps_base
    from apscheduler.schedulers.asyncio import AsyncIOScheduler
    from apscheduler.triggers.cron import CronTrigger
    from sqlalchemy import insert, select

    from bot.conversation import Coach
    from bot.ports import TemporaryFailure
    from bot.store.outbox import SENT_T, USER_T
    from bot.store.repo import Store
    from tests.test_scheduler_helpers import make_settings

    # Jobs are added as at one minute before the busiest minute.
    holder = [busiest - timedelta(minutes=1)]
    rate_at = busiest + RATE_AFTER

    class FakeNow(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Any:  # type: ignore[override]
            return holder[0].astimezone(tz) if tz else holder[0]

    aps_base.datetime = FakeNow  # type: ignore[misc]  # APScheduler's idea of "now" only
    settings = make_settings(reminder_after_minutes=180)
    store = Store(pg)
    coach = Coach(store, settings)
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200))
    senders = {"console": HttpSender("console", fast_port, session),
               "telegram": HttpSender("telegram", limited_port, session)}
    done: Counter[str] = Counter()
    # A careful per-user design bounds its jobs' database work by the pool (10 + 10 overflow);
    # unbounded, most jobs of a busy minute time out waiting for a connection.
    db_slots = asyncio.Semaphore(20)
    finished = asyncio.Event()
    expected = [0]

    async def job(user_id: int, key: str, tz: str) -> None:
        now = holder[0]
        try:
            from scheduler.timing import zone

            day = now.astimezone(zone(tz)).date()
            async with db_slots:
                msgs = await coach.checkin_prompt(key, now, for_date=day)
            for attempt in range(4):
                try:
                    await senders[key.split(":")[0]].send(key, msgs)
                    break
                except TemporaryFailure as exc:
                    done["429"] += 1
                    if attempt == 3:
                        raise
                    await asyncio.sleep(exc.retry_after or 1)
            async with db_slots, store.session() as s:
                await s.execute(insert(SENT_T).values(user_id=user_id, local_date=day, kind="checkin",
                                                      status="sent", due_at=now, claimed_at=now, sent_at=now,
                                                      attempts=1))
            done["sent"] += 1
        except Exception as exc:
            done[type(exc).__name__] += 1
        finally:
            done["finished"] += 1
            if done["finished"] >= expected[0]:
                finished.set()

    async with store.session() as s:
        rows = (await s.execute(select(USER_T.c.id, USER_T.c.key, USER_T.c.timezone, USER_T.c.checkin_time,
                                       USER_T.c.days))).all()
    aps = AsyncIOScheduler(timezone="UTC")
    for uid, key, tz, hhmm, days in rows:
        h, m = hhmm.split(":")
        aps.add_job(job, CronTrigger(day_of_week=days, hour=int(h), minute=int(m), timezone=tz),
                    args=[uid, key, tz], id=str(uid), misfire_grace_time=3600)
    aps.start()
    print("READY", flush=True)
    out: dict[str, Any] = {"jobs": len(rows)}

    async def minute(at: datetime) -> tuple[int, float, float]:
        done.clear()
        finished.clear()
        holder[0] = at
        due = sum(1 for j in aps.get_jobs() if j.next_run_time is not None and j.next_run_time <= at)
        expected[0] = due
        t = time.perf_counter()
        aps._process_jobs()  # what APScheduler's wakeup does at that minute
        select_s = time.perf_counter() - t
        if due:
            await asyncio.wait_for(finished.wait(), 300)
        return due, select_s, time.perf_counter() - t

    for at in (busiest, rate_at):
        due, sel, disp = await minute(at)
        errors = {k: v for k, v in done.items() if k not in ("sent", "finished", "429")}
        if at == busiest:
            out.update(due_at_busiest=due, select_ms=sel * 1000, dispatch_s=disp, dispatch_sent=done["sent"],
                       dispatch_errors=errors)
        else:
            out.update(rate_due=due, rate_s=disp, rate_sent=done["sent"], rate_429s=done["429"], rate_errors=errors)
    aps.shutdown(wait=False)
    await session.close()
    await store.close()
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


# --- orchestration -----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_platform(rate: float) -> tuple[subprocess.Popen[str], int]:
    import urllib.request

    port = _free_port()
    p = subprocess.Popen([sys.executable, str(ROOT / "bench" / "fake_platform.py"), "--port", str(port),
                          "--rate", str(rate)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/stats", timeout=1).read()
            return p, port
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("fake platform did not start")


def _child(args: list[str]) -> tuple[float, dict[str, Any]]:
    """Run a child; returns (seconds from spawn to READY, its result)."""
    t = time.perf_counter()
    p = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert p.stdout is not None
    startup = None
    result: dict[str, Any] = {}
    for line in p.stdout:
        if line.startswith("READY") and startup is None:
            startup = time.perf_counter() - t
        elif line.startswith("{"):
            result = json.loads(line)
    if p.wait() != 0:
        raise RuntimeError(f"child {args[0]} failed")
    return startup or float("nan"), result


async def _admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN, timeout=10)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def main() -> None:
    t_all = time.perf_counter()
    rows = users()
    dues = due_on_day(rows)
    per_minute = Counter(due for _, _, due in dues)
    busiest, n_busiest = per_minute.most_common(1)[0]
    assert not per_minute[busiest + RATE_AFTER], "the rate-test minute must be a quiet one"
    rows += rate_users(busiest + RATE_AFTER)
    print(f"{N_USERS:,} users over {len(ZONES)} time zones and {len(TIMES)} check-in times "
          f"(+{N_RATE} rate-test users); busiest UTC minute on {DAY}: {busiest:%H:%M} with {n_busiest:,} due")
    name = f"backcheck_bench_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    pg = f"{PG_ADMIN.rsplit('/', 1)[0]}/{name}"
    tmp = tempfile.mkdtemp(prefix="backcheck-bench-")
    sqlite = f"sqlite:///{tmp}/bench.db"
    fast = limited = None
    try:
        for url in (sqlite, pg):
            secs = asyncio.run(setup(url, rows, dues, busiest))
            print(f"  set up {url.split(':')[0]:<10} in {secs:5.1f}s")
        fast, fast_port = _start_platform(0)
        limited, limited_port = _start_platform(30)
        ctx = [str(fast_port), str(limited_port), busiest.isoformat()]

        ours_start, ours = _child(["_ours", pg, sqlite, *ctx])
        ours_fast = asyncio.run(platform_stats(fast_port))
        ours_lim = asyncio.run(platform_stats(limited_port))
        asyncio.run(reset(pg, busiest - timedelta(minutes=1)))
        naive_start, naive = _child(["_naive", pg, *ctx])
        naive_fast = asyncio.run(platform_stats(fast_port))
        naive_lim = asyncio.run(platform_stats(limited_port))
    finally:
        for p in (fast, limited):
            if p is not None:
                p.terminate()
                p.wait()
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def rate(stats: dict[str, Any]) -> float:
        # n deliveries span n - 1 intervals.
        return (stats["ok"] - 1) / stats["span_s"] if stats["span_s"] else float("nan")

    o_tp = ours["dispatch_sent"] / ours["dispatch_s"]
    o_in = ours["inproc_sent"] / ours["inproc_s"]
    n_tp = naive["dispatch_sent"] / naive["dispatch_s"]
    table = [
        ("due at the busiest minute", f"{ours['due_at_busiest']:,}", f"{naive['due_at_busiest']:,}", ""),
        ("selection, SQLite (ms)", f"{ours['select_sqlite_ms']:.1f}", f"{naive['select_ms']:.1f}*",
         f"{naive['select_ms'] / ours['select_sqlite_ms']:.1f}x"),
        ("selection, PostgreSQL (ms)", f"{ours['select_postgresql_ms']:.1f}", f"{naive['select_ms']:.1f}*",
         f"{naive['select_ms'] / ours['select_postgresql_ms']:.1f}x"),
        ("dispatch, platform in-process (msg/s, PostgreSQL)", f"{o_in:,.0f}", "", ""),
        ("dispatch, HTTP fake, no limit (msg/s, PostgreSQL)", f"{o_tp:,.0f}", f"{n_tp:,.0f}", f"{o_tp / n_tp:.1f}x"),
        ("  delivered / duplicates at the platform", f"{ours_fast['ok']:,} / {ours_fast['duplicates']}",
         f"{naive_fast['ok']:,} / {naive_fast['duplicates']}", ""),
        (f"429-beyond-30/s platform: {N_RATE} due at once", "", "", ""),
        ("  achieved rate (msg/s), share of 30/s", f"{rate(ours_lim):.1f} {rate(ours_lim) / 30:.0%}",
         f"{rate(naive_lim):.1f} {rate(naive_lim) / 30:.0%}", ""),
        ("  delivered / 429s received", f"{ours_lim['ok']} / {ours_lim['refused']}",
         f"{naive_lim['ok']} / {naive_lim['refused']}", ""),
        ("  time until all delivered or given up (s)", f"{ours['rate_s']:.1f}", f"{naive['rate_s']:.1f}", ""),
        ("peak RSS (MB)", f"{ours['rss_mb']:.0f}", f"{naive['rss_mb']:.0f}", f"{naive['rss_mb'] / ours['rss_mb']:.1f}x"),
        ("start-up until scheduling (s)", f"{ours_start:.2f}", f"{naive_start:.2f}", f"{naive_start / ours_start:.1f}x"),
    ]
    print()
    print(f"{'':50} {'pass-based':>14} {'job per user':>14} {'ratio':>8}")
    for label, a, b, r in table:
        print(f"{label:50} {a:>14} {b:>14} {r:>8}")
    print("* the per-user design has no query: APScheduler's processing of the jobs due that minute "
          "(finding them, submitting them, computing their next run), the same for either database.")
    if naive.get("dispatch_errors") or naive.get("rate_errors"):
        print(f"per-user design errors: dispatch {naive['dispatch_errors']}, rate run {naive['rate_errors']}")
    print(f"total bench time {time.perf_counter() - t_all:.0f}s")


def _child_main() -> None:
    role = sys.argv[1]
    if role == "_ours":
        pg, sqlite, fast, limited, busiest = sys.argv[2:7]
        res = asyncio.run(child_ours(pg, sqlite, int(fast), int(limited), datetime.fromisoformat(busiest)))
    else:
        pg, fast, limited, busiest = sys.argv[2:6]
        res = asyncio.run(child_naive(pg, int(fast), int(limited), datetime.fromisoformat(busiest)))
    print(json.dumps(res, default=str), flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1].startswith("_"):
        _child_main()
    else:
        main()
