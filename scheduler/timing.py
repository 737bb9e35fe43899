"""When things are due: pure functions of (zone, local date, wall-clock time, now). No I/O, no clock.

A check-in is due at the user's wall-clock time on a local date. Daylight-saving days need a rule:

- a time that does not exist (spring forward, e.g. 02:30 in America/New_York) is due at the instant
  the same number of minutes after the last valid wall time, which reads as the shifted time
  (03:30 EDT): Python's ``fold=0`` gives exactly that;
- a time that happens twice (fall back, e.g. 01:30) is due at its first occurrence (``fold=0``).

Either way a local date has exactly one due instant, and the claim row keyed by local date makes
it one message even if several passes see it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.config import parse_hhmm
from bot.domain import DAYS

#: What fell due longer ago than this (downtime, a slow platform) is skipped: no 3 a.m. pings.
CATCH_UP = timedelta(hours=3)
#: Reminders go out strictly before this local time on the check-in's date.
REMINDER_CUTOFF = time(21, 0)
#: A user who has said nothing since a check-in question sent this long ago is *silent*: the daily
#: question stops, and a pause offer goes out on PAUSE_OFFER_DAYS instead (docs/scheduler.md).
SILENT_AFTER = timedelta(days=7)
#: The days a silent user is asked whether to pause, at their check-in time: twice a week.
PAUSE_OFFER_DAYS = ("mon", "thu")


@lru_cache(maxsize=1024)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@lru_cache(maxsize=4096)
def wall_time(hhmm: str) -> time:
    h, m = parse_hhmm(hhmm)
    return time(h, m)


def as_utc(dt: datetime) -> datetime:
    """Aware UTC; naive values are UTC (SQLite hands timestamps back without their offset)."""
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def due_instant(tz: str, day: date, hhmm: str | time) -> datetime:
    """The UTC instant of wall-clock ``hhmm`` on ``day`` in ``tz`` (DST rules in the module doc)."""
    t = hhmm if isinstance(hhmm, time) else wall_time(hhmm)
    return datetime.combine(day, t, tzinfo=zone(tz)).astimezone(UTC)


def weekday_id(day: date) -> str:
    return DAYS[day.weekday()]


def week_start(day: date) -> date:
    """Monday of ``day``'s week: the local date the weekly safety reminder is keyed by."""
    return day - timedelta(days=day.weekday())


def occurrences(tz: str, hhmm: str, now: datetime, window: timedelta = CATCH_UP) -> list[tuple[date, datetime]]:
    """Local dates whose ``hhmm`` in ``tz`` fell due in ``(now - window, now]``, with the due instant.

    Only the weekday filter is left to the caller (it depends on the user, not the pair)."""
    now = as_utc(now)
    today = now.astimezone(zone(tz)).date()
    out: list[tuple[date, datetime]] = []
    # A due instant never precedes its local date's midnight (gaps only shift forward), so a date
    # after today cannot be due yet; how far back to look depends on the window.
    for back in range(window.days + 1, -1, -1):
        d = today - timedelta(days=back)
        due = due_instant(tz, d, hhmm)
        if now - window < due <= now:
            out.append((d, due))
    return out


def checkin_instants(tz: str, hhmm: str, days: str | tuple[str, ...], start: datetime, end: datetime
                     ) -> list[tuple[date, datetime]]:
    """Every (local date, due instant) with ``start < due <= end`` on the user's days, in order."""
    start, end = as_utc(start), as_utc(end)
    chosen = set(days.split(",")) if isinstance(days, str) else set(days)
    first = start.astimezone(zone(tz)).date() - timedelta(days=1)
    last = end.astimezone(zone(tz)).date()
    out: list[tuple[date, datetime]] = []
    d = first
    while d <= last:
        if weekday_id(d) in chosen:
            due = due_instant(tz, d, hhmm)
            if start < due <= end:
                out.append((d, due))
        d += timedelta(days=1)
    return out


def silent_before(now: datetime) -> datetime:
    """A pass at ``now`` treats a user as silent if nothing came from them since a check-in
    question sent at or before this instant: ``SILENT_AFTER`` ago plus the catch-up window, so a
    question that went out late a week ago still counts, while yesterday's never does."""
    return as_utc(now) - SILENT_AFTER + CATCH_UP


def reminder_cutoff(tz: str, day: date) -> datetime:
    return due_instant(tz, day, REMINDER_CUTOFF)


def reminder_instant(sent_at: datetime, tz: str, day: date, after: timedelta) -> datetime | None:
    """When the one reminder for the check-in of ``day`` (sent at ``sent_at``) is due, or None when
    reminders are off (``after`` is zero) or it would not be before 21:00 local that day."""
    if after <= timedelta(0):
        return None
    at = as_utc(sent_at) + after
    return at if at < reminder_cutoff(tz, day) else None


def reminder_deadline(at: datetime, tz: str, day: date, window: timedelta = CATCH_UP) -> datetime:
    """A reminder may be sent in ``[at, deadline)``: the catch-up window, but never at 21:00 or later."""
    return min(as_utc(at) + window, reminder_cutoff(tz, day))


def next_minute(t: datetime) -> datetime:
    """The first whole minute strictly after ``t``: when a per-minute pass next runs."""
    t = as_utc(t)
    return t.replace(second=0, microsecond=0) + timedelta(minutes=1)
