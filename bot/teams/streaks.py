"""Team streaks that pause rather than break. Pure: the digest gathers the days, this counts.

A streak is the number of check-ins in a row, counted back from the member's latest check-in in
the period. Some days neither break nor extend it (they are skipped as if absent from the
calendar):

- a day the member had paused check-ins (``/pause``);
- an *eased* day (:func:`eased`): the coach had them under a flare, a referral or a red flag;
- a day that is not one of their check-in days (a missed day off never breaks a streak; a
  check-in on a day off still counts: it is a check-in).

Only a missed scheduled day, outside a pause and not eased, breaks the streak.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import date, timedelta
from typing import Any

from bot.domain import DAYS

#: The coach's rules (``Recommendation.rule``) that mean a flare, a referral or a red flag.
EASED_RULES = frozenset({"red_flag", "refer", "refer_reminder", "leg", "possible_flag", "regress", "severe",
                         "cross_train"})
#: The actions that mean "no training today": care first, or rest.
EASED_ACTIONS = frozenset({"seek_care", "rest"})
#: A missed day this soon after an eased day is eased too: a flare or a referral lasts beyond the
#: day it was reported, and a member told to ease off should not lose their streak for doing so.
EASE_CARRIES = timedelta(days=3)


def eased(reco: Mapping[str, Any] | None, red_flags: bool = False) -> bool:
    """Whether a day's stored recommendation (``Recommendation.to_dict()``) or check-in puts the
    member under a flare, referral or red flag: care or rest advised, a referral or urgency, red
    flags reported, or a rule that eases training for symptoms (regress, cross-train on a bad
    morning, severe pain, leg symptoms). A week-shape cross-training day is ordinary training."""
    if red_flags:
        return True
    if not reco:
        return False
    return bool(
        reco.get("action") in EASED_ACTIONS
        or reco.get("refer")
        or reco.get("urgency")
        or reco.get("red_flags")
        or reco.get("rule") in EASED_RULES
    )


def eased_days(recos: Mapping[date, Mapping[str, Any]], flagged: Collection[date], checked: Collection[date],
               start: date, end: date) -> set[date]:
    """The eased days from ``start`` to ``end``: a day whose recommendation or check-in is eased,
    and a day without a check-in within EASE_CARRIES after one."""
    out: set[date] = set()
    last_eased: date | None = None
    d = start - EASE_CARRIES
    while d <= end:
        if eased(recos.get(d), d in flagged):
            last_eased = d
            out.add(d)
        elif d in checked:
            last_eased = None  # an ordinary check-in: the flare is over
        elif last_eased is not None and d - last_eased <= EASE_CARRIES:
            out.add(d)
        d += timedelta(days=1)
    return {d for d in out if start <= d <= end}


def streak(end: date, checked: Collection[date], *, start: date, scheduled: Collection[str] = DAYS,
           paused: Callable[[date], bool] = lambda _d: False, eased_on: Collection[date] = (),
           ongoing: bool = False) -> int:
    """Check-ins in a row up to ``end`` (see the module's rules), looking back to ``start``.
    ``ongoing``: the streak as it stands on ``end`` (a home screen), so a missed scheduled day
    after the latest check-in ends it; only ``end`` itself may still be unanswered. Without it,
    the streak counts back from the latest check-in (a digest of a week the member took part in)."""
    n, seen = 0, False
    d = end
    while d >= start:
        if paused(d) or d in eased_on:
            pass
        elif d in checked:
            n, seen = n + 1, True
        elif DAYS[d.weekday()] not in scheduled:
            pass
        elif seen or (ongoing and d != end):
            break
        d -= timedelta(days=1)
    return n


def in_pauses(pauses: Collection[tuple[date, date]]) -> Callable[[date], bool]:
    """A ``paused(day)`` for :func:`streak` from (start, until) pairs, ``until`` not included."""
    spans = tuple(pauses)
    return lambda d: any(a <= d < b for a, b in spans)
