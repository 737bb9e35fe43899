"""Admin stats benchmark: the whole dashboard report (``/admin/api/stats``: every query of
bot/stats) on a large seeded database. Prints figures; asserts nothing.

- PostgreSQL: 100,000 users and about 3,000,000 check-ins (33 a user at most; as many suggestions and check-in
  prompts, 2/3 as many activities, reminders for one prompt in ten), seeded in the database with
  generate_series into a scratch database created and dropped here. Target: report <= 2 s.
- SQLite: 10,000 users (about 300,000 check-ins), seeded the same way with a recursive CTE.

For each engine: seeding time, the report's time (best and median of --runs), each query's share,
and EXPLAIN ANALYZE of the two slowest queries (EXPLAIN QUERY PLAN on SQLite).

    python -m bench.stats [--scale 1.0] [--sqlite-users 10000] [--runs 3] [--only pg|sqlite]

--scale multiplies the PostgreSQL size (0.05 while developing; the machine is shared). PostgreSQL
at BACKCHECK_BENCH_POSTGRES, default ``postgresql://postgres@127.0.0.1:5432/test``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import text

from bot.stats import DEFAULT_DAYS, default_range, stats_report
from bot.stats import report as report_module
from bot.stats.queries import Queries
from bot.store.repo import Store

PG_ADMIN = os.environ.get("BACKCHECK_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
CHECKINS_PER_USER = 33
TODAY = date(2026, 12, 1)
#: The dashboard's range (--days; its default is the dashboard's own).
DAYS = DEFAULT_DAYS


class _Timed(Queries):
    """Records each statement's SQL, parameters and time, under the name of the query method."""

    log: ClassVar[dict[str, list[float]]] = defaultdict(list)
    sql: ClassVar[dict[str, tuple[str, dict[str, Any]]]] = {}

    async def rows(self, sql: str) -> list[tuple[Any, ...]]:
        f = sys._getframe(1)
        while f.f_code.co_name in ("one", "rows"):
            f = f.f_back  # type: ignore[assignment]
        name = f.f_code.co_name
        t0 = time.perf_counter()
        out = await super().rows(sql)
        _Timed.log[name].append(time.perf_counter() - t0)
        _Timed.sql[name] = (sql, dict(self.p))
        return out


def _seed_sql(pg: bool, users: int) -> list[str]:
    """Statements that fill the tables in the database (no rows through Python)."""
    if pg:
        def series(a: str, b: str, alias: str = "s") -> str:
            return f"generate_series({a}, {b}) AS {alias}(i)"

        def date_ago(e: str) -> str:
            return f"(CAST(:today AS DATE) - ({e}))"

        def ts_ago(e: str, hours: int) -> str:
            return f"(CAST(:today AS TIMESTAMPTZ) - ({e}) * INTERVAL '1 day' + INTERVAL '{hours} hours')"

        def at(d: str, minutes: str) -> str:
            return f"(CAST({d} AS TIMESTAMPTZ) + ({minutes}) * INTERVAL '1 minute')"
    else:
        def series(a: str, b: str, alias: str = "s") -> str:
            return (f"(WITH RECURSIVE r(i) AS (SELECT {a} UNION ALL SELECT i + 1 FROM r WHERE i < {b}) "
                    f"SELECT i FROM r) AS {alias}")

        def date_ago(e: str) -> str:
            return f"date(:today, '-' || ({e}) || ' days')"

        def ts_ago(e: str, hours: int) -> str:
            return f"(datetime(:today, '-' || ({e}) || ' days', '+{hours} hours') || '.000000')"

        def at(d: str, minutes: str) -> str:
            return f"(datetime({d}, '+' || ({minutes}) || ' minutes') || '.000000')"

    # User i signed up c(i) days ago (0-399) and checks in every g(i) days (1-3) from then on.
    c = "((i * 7919) % 400)"
    # ...so its k-th check-in was this many days ago.
    ago = f"{c.replace('i', 'u.i')} - k.i * (1 + u.i % 3)"
    true = "true" if pg else "1"
    return [
        f"INSERT INTO users (id, key, timezone, checkin_time, days, experience, reminders, status, onboarded, "
        f"created_at, paused_until) SELECT i, 'telegram:' || i, 'UTC', '08:00', 'mon,tue,wed,thu,fri,sat,sun', "
        f"'new', {true}, CASE WHEN i % 50 = 0 THEN 'blocked' WHEN i % 70 = 0 THEN 'stopped' ELSE 'active' END, "
        f"{true}, {ts_ago(c, 9)}, CASE WHEN i % 40 = 0 THEN {date_ago('-7')} END FROM {series('1', str(users))}",
        # In date order, as a live database fills up: ids and pages follow time.
        f"INSERT INTO checkins (user_id, local_date, pain, rested, leg_pain, leg_symptoms, red_flags, text, "
        f"created_at, updated_at) SELECT u.i, "
        f"{date_ago(ago)}, "
        f"MAX_PAIN, {'false' if pg else '0'}, {'false' if pg else '0'}, '[]', "
        f"CASE WHEN (u.i * 31 + k.i) % 997 = 0 THEN '[\"saddle_numbness\"]' ELSE '[]' END, '', "
        f"{ts_ago(ago, 9)}, "
        f"{ts_ago(ago, 9)} "
        f"FROM {series('1', str(users), 'u')}, {series('0', str(CHECKINS_PER_USER - 1), 'k')} "
        f"WHERE k.i * (1 + u.i % 3) <= {c.replace('i', 'u.i')} ORDER BY 2, 1".replace(
            # Pain falls over a user's first month for 3 in 5 users, stays for the others.
            "MAX_PAIN", "CASE WHEN u.i % 5 < 3 THEN 7.0 - k.i / 5 ELSE 5.0 + u.i % 3 END"),
        "INSERT INTO activities (checkin_id, position, kind, minutes, run_minutes) SELECT id, 0, "
        "CASE id % 3 WHEN 1 THEN 'run' ELSE 'walk' END, 20 + id % 21, 20 + id % 21 FROM checkins WHERE id % 3 <> 0 ORDER BY id",
        "INSERT INTO recommendations (user_id, local_date, action, payload, created_at) SELECT user_id, local_date, "
        "CASE id % 7 WHEN 0 THEN 'rest' WHEN 1 THEN 'walk' WHEN 2 THEN 'walk_run' WHEN 3 THEN 'strength' "
        "WHEN 4 THEN 'cross_train' ELSE 'run' END, "
        "CASE WHEN red_flags <> '[]' THEN '{\"action\": \"seek_care\", \"nudges\": [], \"refer\": true, "
        "\"urgency\": \"emergency\"}' WHEN id % 11 = 0 THEN '{\"action\": \"walk\", \"nudges\": [\"keep_moving\"], "
        "\"refer\": false, \"urgency\": null}' ELSE '{\"action\": \"run\", \"nudges\": [], \"refer\": false, "
        "\"urgency\": null}' END, created_at FROM checkins ORDER BY id",
        f"INSERT INTO sent_messages (user_id, local_date, kind, status, due_at, claimed_at, sent_at, answered_at, "
        f"attempts) SELECT user_id, local_date, 'checkin', 'sent', {at('local_date', '480')}, "
        f"{at('local_date', '480')}, {at('local_date', '480')}, {at('local_date', '480 + id % 240')}, 1 "
        f"FROM checkins ORDER BY id",
        f"INSERT INTO sent_messages (user_id, local_date, kind, status, due_at, claimed_at, sent_at, answered_at, "
        f"attempts) SELECT user_id, local_date, 'reminder', 'sent', {at('local_date', '660')}, "
        f"{at('local_date', '660')}, {at('local_date', '660')}, NULL, 1 FROM checkins WHERE id % 10 = 0 ORDER BY id",
        f"INSERT INTO running_groups (id, key, title, timezone, active, created_at) SELECT i, 'telegram:-' || i, "
        f"'Club ' || i, 'UTC', {true}, {ts_ago('400', 9)} FROM {series('1', str(max(1, users // 500)))}",
        f"INSERT INTO group_members (group_id, user_key, display_name, show_pain, joined_at) SELECT 1 + i % "
        f"{max(1, users // 500)}, 'telegram:' || i, '', {'false' if pg else '0'}, {ts_ago('30', 9)} "
        f"FROM {series('1', str(users))} WHERE i % 25 = 0",
    ]


async def _seed(store: Store, users: int) -> float:
    pg = store.engine.dialect.name == "postgresql"
    today: Any = TODAY if pg else TODAY.isoformat()
    t0 = time.perf_counter()
    for sql in _seed_sql(pg, users):
        async with store.session() as s:
            await s.execute(text(sql), {"today": today})
    if pg:
        # As autovacuum would leave it: statistics, and the visibility map for index-only scans.
        import asyncpg

        conn = await asyncpg.connect(store.url, timeout=10)
        try:
            await conn.execute("VACUUM ANALYZE")
        finally:
            await conn.close()
    else:
        async with store.session() as s:
            await s.execute(text("ANALYZE"))
    return time.perf_counter() - t0


async def _counts(store: Store) -> dict[str, int]:
    out = {}
    async with store.session() as s:
        for t in ("users", "checkins", "activities", "recommendations", "sent_messages", "group_members"):
            out[t] = int((await s.execute(text(f"SELECT COUNT(*) FROM {t}"))).scalar_one())
    return out


async def _as_the_report_does(s: Any) -> None:
    """The report's session settings on PostgreSQL (bot/stats/report.py)."""
    if s.get_bind().dialect.name == "postgresql":
        await s.execute(text(f"SET LOCAL work_mem = '{report_module.PG_WORK_MEM}'"))
        await s.execute(text("SET LOCAL jit = off"))


async def _plan(store: Store, sql: str, params: dict[str, Any]) -> str:
    pg = store.engine.dialect.name == "postgresql"
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if pg else "EXPLAIN QUERY PLAN "
    async with store.session() as s:
        await _as_the_report_does(s)
        rows = (await s.execute(text(prefix + sql), params)).all()
    if pg:
        return "\n".join(str(r[0]) for r in rows)
    return "\n".join(" ".join(str(x) for x in r) for r in rows)


async def run(url: str, users: int, runs: int, label: str) -> None:
    store = Store(url)
    await store.migrate()
    try:
        secs = await _seed(store, users)
        counts = await _counts(store)
        print(f"\n== {label}: seeded in {secs:.1f} s: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
        r = default_range(TODAY, DAYS)
        report_module.Queries = _Timed  # type: ignore[misc]
        times = []
        for i in range(runs):
            _Timed.log.clear()
            t0 = time.perf_counter()
            rep = await stats_report(store, r)
            times.append(time.perf_counter() - t0)
            print(f"  run {i + 1}: whole dashboard report {times[-1] * 1000:,.0f} ms")
        print(f"{label}: report best {min(times) * 1000:,.0f} ms, median {statistics.median(times) * 1000:,.0f} ms "
              f"(range {r.start} to {r.end}; target <= 2,000 ms on PostgreSQL at full scale)")
        print(f"  users {rep['users']['total']}, check-ins asked {rep['checkins']['sent']}, "
              f"retention cohorts {len(rep['retention'])}, outcome users {rep['outcomes']['users']}")
        report_module.Queries = Queries  # type: ignore[misc]
        await serial(url)
        per = sorted(((sum(v), k) for k, v in _Timed.log.items()), reverse=True)
        print("  per query, concurrently (last run, ms): " + ", ".join(f"{k} {t * 1000:,.0f}" for t, k in per))
        for t, name in per[:2]:
            sql, params = _Timed.sql[name]
            print(f"\n  -- plan of {name} ({t * 1000:,.0f} ms):")
            print("  " + (await _plan(store, sql, params)).replace("\n", "\n  "))
    finally:
        report_module.Queries = Queries  # type: ignore[misc]
        await store.close()


async def _admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN, timeout=10)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def serial(url: str) -> None:
    """Each query alone, one after another (no contention between them): where the time goes."""
    store = Store(url)
    try:
        r = default_range(TODAY, DAYS)
        names = [n for n in vars(Queries) if not n.startswith("_") and n not in ("only", "teams", "rows", "one")]
        out = []
        for name in names:
            async with store.session() as s:
                await _as_the_report_does(s)
                q = Queries(s, r)
                t0 = time.perf_counter()
                await getattr(q, name)()
                out.append((time.perf_counter() - t0, name))
        print("  alone (ms): " + ", ".join(f"{n} {t * 1000:,.0f}" for t, n in sorted(out, reverse=True))
              + f"; sum {sum(t for t, _ in out) * 1000:,.0f}")
    finally:
        await store.close()


async def main(scale: float, sqlite_users: int, runs: int, only: str | None, keep: str | None = None) -> None:
    if keep:
        await serial(keep)
        return
    print(f"bench.stats at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; scale {scale:g}")
    if only in (None, "sqlite"):
        with tempfile.TemporaryDirectory(prefix="backcheck-stats-") as tmp:
            await run(f"sqlite:///{tmp}/stats.db", sqlite_users, runs, f"SQLite, {sqlite_users:,} users")
    if only in (None, "pg"):
        name = f"backcheck_bench_stats_{uuid.uuid4().hex[:8]}"
        await _admin(f'CREATE DATABASE "{name}"')
        try:
            users = max(100, int(100_000 * scale))
            await run(f"{PG_ADMIN.rsplit('/', 1)[0]}/{name}", users, runs, f"PostgreSQL, {users:,} users")
        finally:
            await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=float, default=1.0, help="PostgreSQL size: 1.0 = 100,000 users")
    ap.add_argument("--sqlite-users", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", choices=("pg", "sqlite"))
    ap.add_argument("--days", type=int, default=DEFAULT_DAYS, help="the dashboard's range in days")
    ap.add_argument("--serial", metavar="URL", help="time each query alone on an existing seeded database")
    a = ap.parse_args()
    DAYS = a.days
    asyncio.run(main(a.scale, a.sqlite_users, a.runs, a.only, a.serial))
