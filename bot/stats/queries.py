"""The stats queries: each one SQL aggregate (GROUP BY in the database), written once for both
engines with :class:`~bot.stats.dialect.Dialect`. Nothing here loads rows to count them in
Python: every result is a handful of rows, one per group.

Every figure comes with the number of distinct users behind it, for the small-numbers rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.stats.dialect import Dialect
from bot.teams.digest import STREAK_LOOKBACK, STREAK_SHOWN

#: Weeks after signup that retention follows...
RETENTION_WEEKS = 8
#: ...for at least this many weekly signup cohorts up to the range's end.
RETENTION_COHORTS = 12
#: A user's first (from signup) and latest stretch of check-ins compared for the pain outcome (days)...
OUTCOME_SPAN = 14
#: ...and the history a user needs for the two stretches not to overlap.
OUTCOME_MIN_HISTORY = 2 * OUTCOME_SPAN
#: A fall in morning pain of this much or more is the minimal important change (0-10 scale).
MIC = 2.0
#: The outcome distribution's bins run from -CLAMP to +CLAMP (whole points; beyond falls in the end bins).
CLAMP = 5


@dataclass(frozen=True)
class Range:
    """Local dates ``start`` to ``end`` inclusive; ``team`` (a group's title or key) narrows every
    figure to that group's members."""

    start: date
    end: date
    team: str | None = None

    @property
    def monday(self) -> date:
        """Weeks (new users, cohorts, weekly minutes) are ISO weeks starting on Monday."""
        return self.start - timedelta(days=self.start.weekday())

    @property
    def cohort_monday(self) -> date:
        """Retention follows the weekly signup cohorts of the range, and at least the last
        RETENTION_COHORTS of them: a short range still shows how people stay over eight weeks."""
        first = min(self.start, self.end - timedelta(days=7 * RETENTION_COHORTS - 1))
        return first - timedelta(days=first.weekday())


Row = tuple[Any, ...]


def _plain(v: Any) -> Any:
    """PostgreSQL's SUM of integers is numeric (a Decimal): back to an int (or float), as SQLite's."""
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v


class Queries:
    def __init__(self, s: AsyncSession, r: Range) -> None:
        self.s, self.r = s, r
        self.d = d = Dialect.named(s.get_bind().dialect.name)
        self.p: dict[str, Any] = {
            "start": d.bind_date(r.start), "end": d.bind_date(r.end), "monday": d.bind_date(r.monday),
            "cmonday": d.bind_date(r.cohort_monday), "cstart_ts": d.bind_ts(r.cohort_monday),
            "a7": d.bind_date(r.end - timedelta(days=6)), "a30": d.bind_date(r.end - timedelta(days=29)),
            "prev": d.bind_date(r.end - timedelta(days=1)), "look": d.bind_date(r.end - STREAK_LOOKBACK),
            "start_ts": d.bind_ts(r.start), "end_ts": d.bind_ts(r.end + timedelta(days=1)),
        }
        if r.team is not None:
            self.p["team"] = r.team
        # Shorthands used in the SQL below.
        self.start, self.end = d.date("start"), d.date("end")

    def only(self, uid: str) -> str:
        """`` AND <uid> is one of the team's members`` (nothing without a team)."""
        if self.r.team is None:
            return ""
        return (f" AND {uid} IN (SELECT tu.id FROM users tu JOIN group_members tm ON tm.user_key = tu.key "
                f"JOIN running_groups tg ON tg.id = tm.group_id WHERE tg.title = :team OR tg.key = :team)")

    def teams(self, g: str = "g") -> str:
        return f" AND ({g}.title = :team OR {g}.key = :team)" if self.r.team is not None else ""

    async def rows(self, sql: str) -> list[Row]:
        return [tuple(_plain(v) for v in r) for r in (await self.s.execute(text(sql), self.p)).all()]

    async def one(self, sql: str) -> Row:
        return (await self.rows(sql))[0]

    # --- users ----------------------------------------------------------------------------------

    async def users(self) -> Row:
        """(total, paused, blocked, stopped): users who existed at the end of the range; status as now."""
        return await self.one(
            f"SELECT COUNT(*), "
            f"COALESCE(SUM(CASE WHEN status = 'active' AND paused_until >= {self.end} THEN 1 ELSE 0 END), 0), "
            f"COALESCE(SUM(CASE WHEN status = 'blocked' THEN 1 ELSE 0 END), 0), "
            f"COALESCE(SUM(CASE WHEN status = 'stopped' THEN 1 ELSE 0 END), 0) "
            f"FROM users u WHERE created_at < {self.d.ts('end_ts')}{self.only('u.id')}")

    async def active(self) -> Row:
        """(checked in within the last 7 days of the range, within its last 30 days)."""
        return await self.one(
            f"SELECT COUNT(DISTINCT CASE WHEN local_date >= {self.d.date('a7')} THEN user_id END), "
            f"COUNT(DISTINCT user_id) FROM checkins "
            f"WHERE local_date >= {self.d.date('a30')} AND local_date <= {self.end}{self.only('user_id')}")

    async def by_platform(self) -> list[Row]:
        p = self.d.platform("key")
        return await self.rows(
            f"SELECT {p} AS platform, COUNT(*) FROM users u WHERE created_at < {self.d.ts('end_ts')}"
            f"{self.only('u.id')} GROUP BY {p} ORDER BY 1")

    async def new_per_week(self) -> list[Row]:
        w = f"{self.d.days(self.d.day_of('created_at'), self.d.date('monday'))} / 7"
        return await self.rows(
            f"SELECT {w} AS w, COUNT(*) FROM users u WHERE created_at >= {self.d.ts('start_ts')} "
            f"AND created_at < {self.d.ts('end_ts')}{self.only('u.id')} GROUP BY {w} ORDER BY 1")

    # --- check-ins ------------------------------------------------------------------------------

    def _prompts(self, kind: str, alias: str = "") -> str:
        a = f"{alias}." if alias else ""
        return (f"{a}kind = '{kind}' AND {a}status = 'sent' AND {a}local_date >= {self.start} "
                f"AND {a}local_date <= {self.end}{self.only(a + 'user_id')}")

    async def prompts_daily(self) -> list[Row]:
        """Per date: (date, sent, answered, users sent to, users who answered). One prompt of a kind
        per user and date (the claim's unique key), so rows are users: no DISTINCT needed."""
        return await self.rows(
            f"SELECT local_date, COUNT(*), COUNT(answered_at), COUNT(*), COUNT(answered_at) "
            f"FROM sent_messages WHERE {self._prompts('checkin')} GROUP BY local_date ORDER BY local_date")

    async def prompts_total(self) -> Row:
        """(sent, answered, users sent to, users who answered, median minutes from question to
        answer, users behind that median) over the range. Users are counted by grouping per user
        first (a hash aggregate), cheaper than COUNT(DISTINCT) sorts over every prompt."""
        m = self.d.minutes("answered_at", "sent_at")
        return await self.one(
            f"WITH v AS (SELECT user_id, answered_at, CASE WHEN answered_at >= sent_at THEN {m} END AS x "
            f"FROM sent_messages WHERE {self._prompts('checkin')}), "
            f"per AS (SELECT user_id, COUNT(*) AS n, COUNT(answered_at) AS a, COUNT(x) AS t FROM v GROUP BY user_id) "
            f"SELECT COALESCE(SUM(n), 0), COALESCE(SUM(a), 0), COUNT(*), COUNT(CASE WHEN a > 0 THEN 1 END), "
            f"{self.d.median_of('v')}, COUNT(CASE WHEN t > 0 THEN 1 END) FROM per")

    async def reminders(self) -> Row:
        """(reminders sent, users; answered after the reminder, users). The answer is looked up
        per reminder (EXISTS on the prompts' unique key): reminders are few, prompts many."""
        after = ("EXISTS (SELECT 1 FROM sent_messages c WHERE c.user_id = r.user_id AND c.local_date = r.local_date "
                 "AND c.kind = 'checkin' AND c.answered_at > r.sent_at)")
        return await self.one(
            f"WITH v AS MATERIALIZED (SELECT r.user_id, CASE WHEN {after} THEN 1 ELSE 0 END AS a "
            f"FROM sent_messages r WHERE {self._prompts('reminder', 'r')}) "
            f"SELECT COUNT(*), COUNT(DISTINCT user_id), COALESCE(SUM(a), 0), "
            f"COUNT(DISTINCT CASE WHEN a = 1 THEN user_id END) FROM v")

    async def active_daily(self) -> list[Row]:
        """Per date: (date, users who checked in): one check-in per user and date, so a count of rows
        (from the (local_date, user_id) index alone)."""
        return await self.rows(
            f"SELECT local_date, COUNT(*) FROM checkins WHERE local_date >= {self.start} "
            f"AND local_date <= {self.end}{self.only('user_id')} GROUP BY local_date ORDER BY local_date")

    # --- coaching -------------------------------------------------------------------------------

    def _recos(self) -> str:
        return f"local_date >= {self.start} AND local_date <= {self.end}{self.only('user_id')}"

    async def suggestions(self) -> list[Row]:
        """Per action: (action, suggestions, users), grouped per user first (see prompts_total);
        read off the (local_date, action, user_id) index alone."""
        return await self.rows(
            f"SELECT action, SUM(n), COUNT(*) FROM (SELECT action, user_id, COUNT(*) AS n FROM recommendations "
            f"WHERE {self._recos()} GROUP BY action, user_id) v GROUP BY action ORDER BY action")

    async def flagged_suggestions(self) -> list[Row]:
        """Nudges and referrals: rows (``nudge``, name, given, users) for keep_moving and
        add_strength, and (``referral``, urgency, referrals, users) per urgency.

        One scan of the range's suggestions; a LIKE on the stored text picks the few candidate rows
        and only those are parsed as JSON (parsing every payload would be most of the cost). Only
        ``refer`` is a boolean in a suggestion, so a referral's text holds ``true``."""
        d = self.d
        nudge = ("SELECT 'nudge', '{x}', COUNT(*), COUNT(DISTINCT user_id) FROM v "
                 "WHERE n LIKE '%\"{x}\"%'")
        return await self.rows(
            f"WITH v AS MATERIALIZED (SELECT user_id, "
            f"CASE WHEN payload LIKE '%keep_moving%' OR payload LIKE '%add_strength%' "
            f"THEN {d.json_text('payload', 'nudges')} END AS n, "
            f"CASE WHEN payload LIKE '%true%' AND {d.json_true('payload', 'refer')} "
            f"THEN COALESCE({d.json_text('payload', 'urgency')}, 'none') END AS urgency "
            f"FROM recommendations WHERE {self._recos()} AND (payload LIKE '%keep_moving%' "
            f"OR payload LIKE '%add_strength%' OR payload LIKE '%true%')) "
            f"{nudge.format(x='keep_moving')} UNION ALL {nudge.format(x='add_strength')} UNION ALL "
            f"SELECT 'referral', urgency, COUNT(*), COUNT(DISTINCT user_id) FROM v WHERE urgency IS NOT NULL "
            f"GROUP BY urgency")

    async def red_flags(self) -> Row:
        """(check-ins that reported a red flag, users)."""
        return await self.one(
            f"SELECT COUNT(*), COUNT(DISTINCT user_id) FROM checkins WHERE red_flags <> '[]' "
            f"AND local_date >= {self.start} AND local_date <= {self.end}{self.only('user_id')}")

    # --- retention ------------------------------------------------------------------------------

    def _cohort(self) -> str:
        d = self.d
        d0 = d.day_of("created_at")
        return (f"SELECT id, {d0} AS d0, {d.days(d0, d.date('cmonday'))} / 7 AS cw FROM users u "
                f"WHERE created_at >= {d.ts('cstart_ts')} AND created_at < {d.ts('end_ts')}{self.only('u.id')}")

    async def cohort_sizes(self) -> list[Row]:
        return await self.rows(f"SELECT cw, COUNT(*) FROM ({self._cohort()}) k GROUP BY cw ORDER BY cw")

    async def retention(self) -> list[Row]:
        """Per (cohort week, week after signup 1..8): users with a check-in that week."""
        days = self.d.days("c.local_date", "k.d0")
        return await self.rows(
            f"SELECT k.cw, {days} / 7 + 1 AS wk, COUNT(DISTINCT c.user_id) FROM ({self._cohort()}) k "
            f"JOIN checkins c ON c.user_id = k.id AND c.local_date >= k.d0 "
            f"WHERE {days} < {7 * RETENTION_WEEKS} AND c.local_date <= {self.end} "
            f"GROUP BY k.cw, {days} / 7 + 1 ORDER BY 1, 2")

    # --- outcomes -------------------------------------------------------------------------------

    async def pain_change(self) -> list[Row]:
        """Per whole-point change in morning pain (clamped to +-CLAMP): (change, users, median change,
        users with a change, users whose pain fell by MIC or more), the last three the same on
        every row; no rows when nobody qualifies.

        A user qualifies with a check-in in the range at least four weeks after signing up: their
        first two weeks after signup are compared with the two weeks up to their latest check-in in
        the range (mean morning pain of each, both stretches with a score). Each stretch is a
        correlated subquery: an index range on (user_id, local_date) per user, on both engines."""
        d = self.d
        mean = ("(SELECT AVG(c.pain) FROM checkins c WHERE c.user_id = b.user_id AND c.pain IS NOT NULL "
                "AND c.local_date {lo} AND c.local_date {hi})")
        late = mean.format(lo=f"> {d.plus_days('b.l', -OUTCOME_SPAN)}", hi="<= b.l")
        early = mean.format(lo=">= b.f", hi=f"< {d.plus_days('b.f', OUTCOME_SPAN)}")
        binned = (f"CASE WHEN x < {-CLAMP} THEN {-CLAMP} WHEN x > {CLAMP} THEN {CLAMP} "
                  f"ELSE CAST(ROUND(x) AS INTEGER) END")
        return await self.rows(
            f"WITH b AS (SELECT l.user_id, {d.day_of('u.created_at')} AS f, l.l FROM "
            f"(SELECT user_id, MAX(local_date) AS l FROM checkins WHERE local_date >= {self.start} "
            f"AND local_date <= {self.end}{self.only('user_id')} GROUP BY user_id) l "
            f"JOIN users u ON u.id = l.user_id "
            f"WHERE {d.days('l.l', d.day_of('u.created_at'))} >= {OUTCOME_MIN_HISTORY}), "
            # Materialized: each user's two index ranges are read once, not once per use of x.
            f"w AS MATERIALIZED (SELECT b.user_id, {late} - {early} AS x FROM b), "
            f"v AS (SELECT user_id, x FROM w WHERE x IS NOT NULL) "
            f"SELECT {binned} AS bin, COUNT(*), {d.median_of('v')}, (SELECT COUNT(*) FROM v), "
            f"(SELECT COUNT(*) FROM v WHERE x <= {-MIC}) FROM v GROUP BY {binned} ORDER BY 1")

    async def weekly_minutes(self) -> list[Row]:
        """Per (week, kind): (week, kind, minutes, users), grouped per user first."""
        w = f"{self.d.days('c.local_date', self.d.date('monday'))} / 7"
        return await self.rows(
            f"SELECT w, kind, SUM(m), COUNT(*) FROM (SELECT {w} AS w, a.kind, c.user_id, SUM(a.minutes) AS m "
            f"FROM activities a JOIN checkins c ON c.id = a.checkin_id WHERE c.local_date >= {self.start} "
            f"AND c.local_date <= {self.end} AND a.minutes IS NOT NULL{self.only('c.user_id')} "
            # Activities carry no date, but their check-in's id: every check-in of the range has an
            # id at least the smallest among them, so this bound loses nothing, and ids follow time,
            # so the activities index reads about the range instead of the whole table. (id + 0:
            # the smallest id from the date index, not by walking the primary key from the start.)
            f"AND a.checkin_id >= (SELECT MIN(id + 0) FROM checkins WHERE local_date >= {self.start} "
            f"AND local_date <= {self.end}) "
            f"GROUP BY {w}, a.kind, c.user_id) v GROUP BY w, kind ORDER BY 1, 2")

    # --- teams ----------------------------------------------------------------------------------

    async def team_rows(self) -> list[Row]:
        """Per active group: (title, key, members, members who checked in within the range's last 7
        days, members on a streak of STREAK_SHOWN+ days, mean current streak of those with a user row).

        A current streak ends on the range's last day or the day before (today may be unanswered):
        check-ins numbered newest first, day offset plus number is constant along a run of days.
        """
        d = self.d
        grp = f"{d.days('c.local_date', self.end)} + ROW_NUMBER() OVER (PARTITION BY c.user_id ORDER BY c.local_date DESC)"
        streaks = (
            f"SELECT user_id, CASE WHEN MAX(local_date) = {self.end} THEN SUM(CASE WHEN grp = 1 THEN 1 ELSE 0 END) "
            f"WHEN MAX(local_date) = {d.date('prev')} THEN SUM(CASE WHEN grp = 0 THEN 1 ELSE 0 END) ELSE 0 END AS streak "
            f"FROM (SELECT c.user_id, c.local_date, {grp} AS grp FROM checkins c "
            f"WHERE c.local_date <= {self.end} AND c.local_date > {d.date('look')} "
            f"AND c.user_id IN (SELECT u.id FROM users u JOIN group_members m ON m.user_key = u.key)) z "
            f"GROUP BY user_id")
        return await self.rows(
            f"SELECT g.title, g.key, COUNT(DISTINCT m.user_key), "
            f"COUNT(DISTINCT CASE WHEN EXISTS (SELECT 1 FROM checkins c WHERE c.user_id = u.id "
            f"AND c.local_date >= {d.date('a7')} AND c.local_date <= {self.end}) THEN m.user_key END), "
            f"COUNT(DISTINCT CASE WHEN s.streak >= {STREAK_SHOWN} THEN m.user_key END), "
            f"AVG(CASE WHEN u.id IS NOT NULL THEN COALESCE(s.streak, 0) END) "
            f"FROM running_groups g JOIN group_members m ON m.group_id = g.id "
            f"LEFT JOIN users u ON u.key = m.user_key LEFT JOIN ({streaks}) s ON s.user_id = u.id "
            f"WHERE g.active{self.teams()} GROUP BY g.id, g.title, g.key ORDER BY g.title, g.key")
