"""The stats report: every figure of the admin views, computed by :mod:`bot.stats.queries` and
passed through the small-numbers rule (:func:`bot.stats.privacy.cell`) before anyone sees it.

The report is a plain JSON-ready dict (the ``/admin/api/stats`` format, docs/contracts.md); the CLI
table, the chat summary, the CSV and the dashboard's charts are all drawn from it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator, Sequence
from datetime import date, timedelta
from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.stats.privacy import cell
from bot.stats.queries import CLAMP, MIC, RETENTION_WEEKS, Queries, Range, Row
from bot.store.repo import Store

Report = dict[str, Any]
T = TypeVar("T")

#: Queries at once on PostgreSQL (each on its own connection); SQLite has one connection's worth.
PG_PARALLEL = 4
#: The aggregates sort and hash more than a reply does: room for that in memory (per transaction).
PG_WORK_MEM = "64MB"


def _rate(num: int, den: int) -> float | None:
    return round(num / den, 3) if den else None


def _round(x: Any, nd: int = 1) -> float | None:
    return None if x is None else round(float(x), nd)


def _week(r: Range, w: int) -> str:
    return (r.monday + timedelta(days=7 * int(w))).isoformat()


async def build(store: Store, r: Range) -> Report:
    """Every figure, suppressed. On PostgreSQL the independent queries run concurrently, each in a
    transaction of its own (figures may be a moment apart, as on any live dashboard)."""
    pg = store.engine.dialect.name == "postgresql"
    gate = asyncio.Semaphore(PG_PARALLEL if pg else 1)

    async def ask(fn: Callable[[Queries], Awaitable[T]]) -> T:
        async def work(s: AsyncSession) -> T:
            if pg:
                # JIT compiling these plans costs more (hundreds of ms) than running them.
                await s.execute(text(f"SET LOCAL work_mem = '{PG_WORK_MEM}'"))
                await s.execute(text("SET LOCAL jit = off"))
            return await fn(Queries(s, r))

        async with gate:
            return await store.run(work)

    # The slowest first, so the others fill in around them.
    (outcome, totals, retention, cohorts, daily, active_daily, minutes, recos, flagged, flags,
     reminders, users, active, platforms, new, teams) = await asyncio.gather(
        ask(Queries.pain_change), ask(Queries.prompts_total), ask(Queries.retention), ask(Queries.cohort_sizes),
        ask(Queries.prompts_daily), ask(Queries.active_daily), ask(Queries.weekly_minutes),
        ask(Queries.suggestions), ask(Queries.flagged_suggestions), ask(Queries.red_flags),
        ask(Queries.reminders), ask(Queries.users), ask(Queries.active), ask(Queries.by_platform),
        ask(Queries.new_per_week), ask(Queries.team_rows))
    total, paused, blocked, stopped = users
    a7, a30 = active
    sent, answered, sent_u, answered_u, med_min, med_u = totals
    rem, rem_u, after, _after_u = reminders
    nudges = {name: (n, u) for kind, name, n, u in flagged if kind == "nudge"}
    referrals = [(name, n, u) for kind, name, n, u in flagged if kind == "referral"]
    flags_n, flags_u = flags
    med_change, change_u, improved = outcome[0][2:] if outcome else (None, 0, 0)
    return {
        "range": {"start": r.start.isoformat(), "end": r.end.isoformat(), "team": r.team},
        "users": {
            "total": cell(total, total), "active_7d": cell(a7, a7), "active_30d": cell(a30, a30),
            "paused": cell(paused, paused), "blocked": cell(blocked, blocked), "stopped": cell(stopped, stopped),
            "new_per_week": [{"week": _week(r, w), "users": cell(n, n)} for w, n in new],
            "by_platform": {str(p): cell(n, n) for p, n in platforms},
        },
        "checkins": {
            "sent": cell(sent, sent_u), "answered": cell(answered, answered_u),
            "response_rate": cell(_rate(answered, sent), sent_u),
            "median_minutes_to_answer": cell(_round(med_min), med_u),
            "reminders_sent": cell(rem, rem_u),
            "answered_after_reminder_share": cell(_rate(after, rem), rem_u),
            "daily": [{"date": _iso(d), "sent": cell(n, u), "answered": cell(a, au)} for d, n, a, u, au in daily],
            "active_daily": [{"date": _iso(d), "users": cell(n, n)} for d, n in active_daily],
        },
        "coaching": {
            "suggestions": {str(a): cell(n, u) for a, n, u in recos},
            "nudges": {name: cell(*nudges.get(name, (0, 0))) for name in ("keep_moving", "add_strength")},
            "referrals": {str(g): cell(n, u) for g, n, u in sorted(referrals)},
            "red_flag_answers": cell(flags_n, flags_u),
        },
        "retention": _retention(r, retention, cohorts),
        "outcomes": {
            "users": cell(change_u, change_u),
            "median_pain_change": cell(_round(med_change), change_u),
            "improved_share": cell(_rate(improved, change_u), change_u),
            "improved_by": MIC,
            "distribution": _bins([(b, n) for b, n, *_ in outcome]),
            "weekly_minutes": [{"week": _week(r, w), "kind": str(k), "minutes": cell(round(float(m)), u),
                                "users": cell(u, u)} for w, k, m, u in minutes],
        },
        "teams": [
            {"team": title or key, "members": cell(n, n), "participation": cell(_rate(act, n), n),
             "active_7d": cell(act, act), "on_streak": cell(strk, strk), "mean_streak_days": cell(_round(mean), n)}
            for title, key, n, act, strk, mean in teams
        ],
    }


def _bins(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Every whole-point change from -CLAMP to +CLAMP, people per change (0 where none)."""
    n = {int(b): int(c) for b, c in rows}
    return [{"change": b, "users": cell(n.get(b, 0), n.get(b, 0))} for b in range(-CLAMP, CLAMP + 1)]


def _iso(d: Any) -> str:
    return d.isoformat() if isinstance(d, date) else str(d)


def _retention(r: Range, retention: Sequence[Row], cohorts: Sequence[Row]) -> list[dict[str, Any]]:
    """One row per weekly signup cohort: its size and, for weeks 1-8 after signup, the share still
    checking in (None where that week has not begun for everyone in the cohort)."""
    active = {(int(cw), int(wk)): int(n) for cw, wk, n in retention}
    out = []
    for cw, size in cohorts:
        first = r.cohort_monday + timedelta(days=7 * int(cw))
        weeks: list[Any] = []
        for wk in range(1, RETENTION_WEEKS + 1):
            # The cohort's last signup day plus (wk - 1) weeks: week wk has begun for all of them.
            if first + timedelta(days=6 + 7 * (wk - 1)) > r.end:
                weeks.append(None)
                continue
            n = active.get((int(cw), wk), 0)
            weeks.append(cell(round(n / size, 3), n) if cell(size, size) == size else cell(None, size))
        out.append({"cohort": first.isoformat(), "users": cell(size, size), "weeks": weeks})
    return out


# --- flat forms ------------------------------------------------------------------------------------


def flat(rep: Report, daily: bool = True) -> Iterator[tuple[str, str, str, Any]]:
    """(section, figure, detail, value) rows: the CSV download and (without the daily series, which
    are the dashboard's charts) the CLI table."""
    u, c, k, o = rep["users"], rep["checkins"], rep["coaching"], rep["outcomes"]
    for name in ("total", "active_7d", "active_30d", "paused", "blocked", "stopped"):
        yield "users", name, "", u[name]
    for p, n in u["by_platform"].items():
        yield "users", "by_platform", p, n
    for row in u["new_per_week"]:
        yield "users", "new_per_week", row["week"], row["users"]
    for name in ("sent", "answered", "response_rate", "median_minutes_to_answer", "reminders_sent",
                 "answered_after_reminder_share"):
        yield "checkins", name, "", c[name]
    for row in c["daily"] if daily else ():
        yield "checkins", "daily_sent", row["date"], row["sent"]
        yield "checkins", "daily_answered", row["date"], row["answered"]
    for row in c["active_daily"] if daily else ():
        yield "checkins", "daily_active_users", row["date"], row["users"]
    for a, n in k["suggestions"].items():
        yield "coaching", "suggestions", a, n
    for a, n in k["nudges"].items():
        yield "coaching", "nudges", a, n
    for a, n in k["referrals"].items():
        yield "coaching", "referrals", a, n
    yield "coaching", "red_flag_answers", "", k["red_flag_answers"]
    for row in rep["retention"]:
        yield "retention", "cohort_users", row["cohort"], row["users"]
        for i, share in enumerate(row["weeks"], start=1):
            yield "retention", f"week_{i}", row["cohort"], share
    for name in ("users", "median_pain_change", "improved_share"):
        yield "outcomes", name, "", o[name]
    for row in o["distribution"]:
        yield "outcomes", "pain_change_users", str(row["change"]), row["users"]
    for row in o["weekly_minutes"]:
        yield "outcomes", "weekly_minutes", f"{row['week']} {row['kind']}", row["minutes"]
    for t in rep["teams"]:
        for name in ("members", "participation", "active_7d", "on_streak", "mean_streak_days"):
            yield "teams", name, t["team"], t[name]


def csv_text(rep: Report) -> str:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["section", "figure", "detail", "value"])
    for row in flat(rep):
        w.writerow([_inert(v) for v in row])
    return buf.getvalue()


def _inert(v: Any) -> Any:
    """A cell a spreadsheet will not run: a team's title is anyone's text, and one starting with
    = + @ (or - not followed by a digit) would be read as a formula."""
    if v is None:
        return ""
    if not isinstance(v, str):
        return v
    if v[:1] in ("=", "+", "@", "\t", "\r") or (v[:1] == "-" and not v[1:2].isdigit()):
        return "'" + v
    return v


def pct(v: Any) -> str:
    """A share as a percentage; "<5" and "-" as they are."""
    if isinstance(v, int | float) and not isinstance(v, bool):
        return f"{100 * v:.0f}%"
    return "-" if v is None else str(v)


__all__ = ["CLAMP", "Range", "Report", "build", "csv_text", "flat", "pct"]
