"""``simulate --table``'s rows (bot.simulate.day_rows): one per user and local day, silent days too."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot import prompts
from bot.simulate import day_rows, describe_checkin


def ci(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"date": "2026-12-01", "pain": 3, "rested": False, "text": "", "activities": [],
                            "red_flags": [], "leg_pain": None, "leg_symptoms": [], "possible_flags": []}
    return {**base, **kw}


def test_a_check_in_in_words() -> None:
    assert describe_checkin(ci(activities=[{"kind": "run", "minutes": 20, "km": None, "effort": "easy",
                                            "pain_during": 2}])) == "back 3/10; run 20 min easy pain 2 during"
    assert describe_checkin(ci(pain=3, leg_pain=6, leg_symptoms=["leg_pain", "below_knee"])) == \
        "back 3/10; leg 6/10; (below knee)"
    assert describe_checkin(ci(leg_symptoms=["leg_pain"])) == "back 3/10; leg pain"
    assert describe_checkin(ci(leg_symptoms=["leg_pain", "pins_needles"])) == "back 3/10; leg pain (pins needles)"
    assert describe_checkin(ci(leg_pain=True)) == "back 3/10; leg pain"
    assert describe_checkin(ci(activities=[{"kind": "run", "minutes": None, "km": 8}])) == "back 3/10; run 8 km"
    assert describe_checkin(ci(pain=None, rested=True)) == "rested"
    assert describe_checkin(ci(red_flags=["saddle_numbness"])) == "back 3/10; RED FLAG: saddle_numbness"


def line(at: str, d: str, text: str, **kw: Any) -> dict[str, Any]:
    return {"at": at, "user": "ann", "dir": d, "text": text, "choices": [], "recommendation": None, **kw}


def test_every_day_gets_a_row_and_silent_days_show_what_was_sent() -> None:
    reco = {"action": "walk_run", "minutes": 25, "run_minutes": 8, "nudges": ["keep_moving"],
            "reason": "Because.", "refer": True, "urgency": None}
    lines = [
        line("2026-12-01T07:30:00+00:00", "out", prompts.question()[0].text),
        line("2026-12-01T08:00:00+00:00", "in", "back 3/10, rested", checkin=ci(rested=True)),
        line("2026-12-01T08:00:00+00:00", "out", "Today: ...", recommendation=reco),
        line("2026-12-02T07:30:00+00:00", "out", prompts.question()[0].text),
        line("2026-12-02T10:30:00+00:00", "out", prompts.REMINDER),
        line("2026-12-04T07:30:00+00:00", "out", prompts.PAUSE_OFFER),
        line("2026-12-05T09:00:00+00:00", "in", "keep asking"),
        line("2026-12-05T09:00:00+00:00", "out", "Noted."),
    ]
    rows = day_rows(lines, {"ann": "Europe/London"})
    assert [r.day for r in rows] == [date(2026, 12, d) for d in range(1, 6)]
    first, second, third, fourth, fifth = rows
    assert first.wrote == ["back 3/10, rested"] and first.recorded == "back 3/10; rested"
    assert (first.action, first.minutes, first.nudge, first.reason) == (
        "walk_run + see GP/physio", "25 (run 8)", "keep moving", "Because.")
    assert first.sent == ["check-in"]
    assert second.wrote == [] and second.sent == ["check-in", "reminder"]
    assert third.sent == [] and third.wrote == []
    assert fourth.sent == ["pause offer"]
    assert fifth.wrote == ["keep asking"] and fifth.recorded == "(not a check-in)" and fifth.sent == []
