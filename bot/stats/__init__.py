"""Usage and outcome stats for admins (issue 10): aggregates only, small numbers hidden.

``stats_report(store, range)`` is the one entry point; the CLI, the admin chat command, the web
dashboard and its JSON/CSV all show what it returns.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.stats.privacy import MIN_USERS, SMALL, cell
from bot.stats.queries import Range
from bot.stats.report import Report, build, csv_text, flat, pct
from bot.store.repo import Store

#: The range shown when none is asked for (retention looks further back: RETENTION_COHORTS).
DEFAULT_DAYS = 28


def default_range(today: date, days: int = DEFAULT_DAYS, team: str | None = None) -> Range:
    return Range(today - timedelta(days=days - 1), today, team)


async def stats_report(store: Store, r: Range) -> Report:
    """The whole report (bot/stats/report.py)."""
    return await build(store, r)


__all__ = ["DEFAULT_DAYS", "MIN_USERS", "SMALL", "Range", "Report", "cell", "csv_text", "default_range", "flat",
           "pct", "stats_report"]
