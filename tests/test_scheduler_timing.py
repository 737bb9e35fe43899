"""The pure due-time rules: time zones, daylight saving, catch-up window, 21:00 cutoff."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.timing import (
    CATCH_UP,
    checkin_instants,
    due_instant,
    next_minute,
    occurrences,
    reminder_cutoff,
    reminder_deadline,
    reminder_instant,
    week_start,
)

#: Zones with DST at 01:00/02:00, at midnight (Santiago, Havana), 30-minute DST (Lord Howe),
#: half-hour and quarter-hour offsets, a date-line zone, and no DST at all.
ZONES = ["Europe/London", "America/New_York", "Asia/Tokyo", "Europe/Berlin", "Australia/Sydney",
         "America/Santiago", "America/Havana", "Australia/Lord_Howe", "Asia/Kolkata", "Asia/Kathmandu",
         "Pacific/Apia", "Pacific/Kiritimati", "America/St_Johns", "UTC"]

zones = st.sampled_from(ZONES)
days_ = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))
hhmms = st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.integers(0, 59))


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


@pytest.mark.parametrize(("tz", "day", "hhmm", "expected"), [
    # Spring forward: 01:30 London does not exist on 2027-03-28 -> 02:30 BST = 01:30 UTC.
    ("Europe/London", date(2027, 3, 28), "01:30", utc(2027, 3, 28, 1, 30)),
    # Spring forward: 02:30 New York does not exist on 2026-03-08 -> 03:30 EDT = 07:30 UTC.
    ("America/New_York", date(2026, 3, 8), "02:30", utc(2026, 3, 8, 7, 30)),
    # Fall back: 01:30 happens twice; the first one counts (BST, EDT).
    ("Europe/London", date(2026, 10, 25), "01:30", utc(2026, 10, 25, 0, 30)),
    ("America/New_York", date(2026, 11, 1), "01:30", utc(2026, 11, 1, 5, 30)),
    # Ordinary days either side.
    ("Europe/London", date(2026, 7, 1), "07:30", utc(2026, 7, 1, 6, 30)),
    ("Europe/London", date(2026, 12, 1), "07:30", utc(2026, 12, 1, 7, 30)),
    ("Asia/Tokyo", date(2026, 12, 1), "07:30", utc(2026, 11, 30, 22, 30)),
    ("America/New_York", date(2026, 12, 1), "07:30", utc(2026, 12, 1, 12, 30)),
])
def test_due_instants_on_ordinary_and_daylight_saving_days(tz: str, day: date, hhmm: str, expected: datetime) -> None:
    assert due_instant(tz, day, hhmm) == expected


def _passes_that_see(tz: str, hhmm: str, day: date, start: datetime, end: datetime) -> list[datetime]:
    out = []
    t = start
    while t <= end:
        if any(d == day for d, _ in occurrences(tz, hhmm, t)):
            out.append(t)
        t += timedelta(minutes=1)
    return out


@pytest.mark.parametrize(("tz", "day", "hhmm", "due"), [
    ("America/New_York", date(2026, 11, 1), "01:30", utc(2026, 11, 1, 5, 30)),
    ("Europe/London", date(2027, 3, 28), "01:30", utc(2027, 3, 28, 1, 30)),
])
def test_per_minute_passes_see_a_dst_day_in_one_unbroken_window_from_the_due_instant(
    tz: str, day: date, hhmm: str, due: datetime
) -> None:
    # The second 01:30 of a fall-back night is not a second due instant.
    seen = _passes_that_see(tz, hhmm, day, due - timedelta(hours=2), due + timedelta(hours=5))
    assert seen[0] == due
    assert seen[-1] == due + CATCH_UP - timedelta(minutes=1)
    assert len(seen) == CATCH_UP // timedelta(minutes=1)


@settings(max_examples=300, deadline=None)
@given(zones, days_, hhmms)
def test_a_due_instant_reads_as_the_chosen_time_or_the_time_shifted_over_a_gap(tz: str, day: date, hhmm: str) -> None:
    due = due_instant(tz, day, hhmm)
    local = due.astimezone(ZoneInfo(tz))
    h, m = map(int, hhmm.split(":"))
    chosen = datetime.combine(day, time(h, m))
    wall = local.replace(tzinfo=None)
    if wall != chosen:
        # Only in a gap: the shift is forward by the gap's length (at most 2 hours anywhere).
        assert timedelta(0) < wall - chosen <= timedelta(hours=2)
        roundtrip = chosen.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC).astimezone(ZoneInfo(tz))
        assert roundtrip.replace(tzinfo=None) != chosen  # it really does not exist
    else:
        # If the time happens twice, it is the first of the two.
        other = chosen.replace(tzinfo=ZoneInfo(tz), fold=1).astimezone(UTC)
        assert due <= other


@settings(max_examples=300, deadline=None)
@given(zones, days_, hhmms, st.integers(-300, 300))
def test_occurrences_are_exactly_the_dates_due_within_the_window(tz: str, day: date, hhmm: str, minutes: int) -> None:
    now = due_instant(tz, day, hhmm) + timedelta(minutes=minutes)
    got = occurrences(tz, hhmm, now)
    # One due instant per local date, none in the future, none older than the window.
    assert len({d for d, _ in got}) == len(got)
    for d, due in got:
        assert due == due_instant(tz, d, hhmm)
        assert now - CATCH_UP < due <= now
    expect_day = 0 <= minutes < CATCH_UP // timedelta(minutes=1)
    assert (day in {d for d, _ in got}) == expect_day


@settings(max_examples=200, deadline=None)
@given(zones, days_, hhmms, st.sets(st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]), min_size=1),
       st.integers(1, 20))
def test_checkin_instants_list_each_chosen_day_once_in_order(tz: str, day: date, hhmm: str, chosen: set[str],
                                                             span_days: int) -> None:
    start = datetime.combine(day, time(0), tzinfo=UTC)
    end = start + timedelta(days=span_days)
    got = checkin_instants(tz, hhmm, ",".join(sorted(chosen)), start, end)
    dues = [due for _, due in got]
    assert dues == sorted(dues) and len({d for d, _ in got}) == len(got)
    for d, due in got:
        assert start < due <= end and due == due_instant(tz, d, hhmm)
        assert ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][d.weekday()] in chosen
    # Nothing on a chosen day in the span is left out.
    d = (start - timedelta(days=2)).date()
    while d <= end.date() + timedelta(days=2):
        if ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][d.weekday()] in chosen:
            due = due_instant(tz, d, hhmm)
            assert (start < due <= end) == ((d, due) in got)
        d += timedelta(days=1)


@settings(max_examples=300, deadline=None)
@given(zones, days_, hhmms, st.integers(0, 900), st.integers(0, 600))
def test_reminders_never_fall_at_or_after_21_local(tz: str, day: date, hhmm: str, late: int, after: int) -> None:
    sent = due_instant(tz, day, hhmm) + timedelta(minutes=late)
    at = reminder_instant(sent, tz, day, timedelta(minutes=after))
    cutoff = reminder_cutoff(tz, day)
    if after == 0:
        assert at is None
        return
    if at is None:
        assert sent + timedelta(minutes=after) >= cutoff
        return
    assert at == sent + timedelta(minutes=after) and at < cutoff
    deadline = reminder_deadline(at, tz, day)
    assert deadline <= cutoff and deadline <= at + CATCH_UP


def test_reminder_examples() -> None:
    # 07:30 London check-in, 3 hours: 10:30; an 18:30 one would land at 21:30, so there is none.
    assert reminder_instant(utc(2026, 12, 1, 7, 30), "Europe/London", date(2026, 12, 1),
                            timedelta(hours=3)) == utc(2026, 12, 1, 10, 30)
    assert reminder_instant(utc(2026, 12, 1, 18, 30), "Europe/London", date(2026, 12, 1), timedelta(hours=3)) is None
    assert reminder_instant(utc(2026, 12, 1, 17, 59), "Europe/London", date(2026, 12, 1),
                            timedelta(hours=3)) == utc(2026, 12, 1, 20, 59)


def test_small_helpers() -> None:
    assert next_minute(utc(2026, 12, 1, 7, 30)) == utc(2026, 12, 1, 7, 31)
    assert next_minute(datetime(2026, 12, 1, 7, 30, 0, 1, tzinfo=UTC)) == utc(2026, 12, 1, 7, 31)
    assert week_start(date(2026, 12, 6)) == date(2026, 11, 30)  # a Sunday -> its Monday
    assert week_start(date(2026, 11, 30)) == date(2026, 11, 30)
