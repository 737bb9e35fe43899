"""What a physiotherapist's read-through of the persona diaries found, as small cases in wordings of
their own: each kind of problem once in the parser, once in the model."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from bot.conversation.understood import said
from bot.domain import Activity, CheckIn, Profile
from bot.model import initial_state, recommend, step
from bot.parse import parse_unguarded as parse

RET30 = Profile(experience="returning", comfortable_run_minutes=30)


def day(n: int) -> date:
    return date(2026, 3, 2) + timedelta(days=n)


# --- the parser --------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "back 3, my knee clicks whenever I run",
    "back 2, honestly not keen on running this week, swam 25 min",
    "back 4, I'm scared of running again, did 20 min on the bike",
    "back 5, tweaked it lifting the shopping out of the car",
    "back 4, lifted my toddler wrong yesterday",
    "back 3, it aches every time I walk up stairs",
])
def test_habits_attitudes_and_everyday_lifting_are_not_sessions(text: str) -> None:
    kinds = {a.kind for a in parse(text).activities}
    assert not kinds & {"run", "walk", "strength"}, (text, kinds)


@pytest.mark.parametrize("text", [
    "when I ran 25 min on Sunday my back was fine",
    "back 2, lifted weights for 30 min",
    "back 3, walked 40 min, the knee hurts when I walk downhill",
])
def test_real_sessions_still_count(text: str) -> None:
    assert parse(text).activities, text


@pytest.mark.parametrize("text", [
    "back 4, since Tuesday my right foot is weak and catches on the kerb",
    "back 3, my left leg is getting weaker",
    "my foot drags when I walk, back 3",
])
def test_weakness_on_one_side_is_recorded(text: str) -> None:
    ci = parse(text)
    assert "one_leg_weakness" in ci.leg_symptoms or "leg_weakness" in ci.red_flags, (text, ci)


def test_tiredness_after_a_session_is_not_weakness() -> None:
    assert not parse("back 2, ran 12k, my right leg felt weak on the last hill").leg_symptoms


@pytest.mark.parametrize(("text", "worse"), [
    ("back 5, honestly it's getting worse", True),
    ("back 4, no better than last week", True),
    ("back 5/10, it isn't improving at all", True),
    ("back 4, pain keeps going up week on week", True),
    ("back 3, ran 20, it got worse towards the end", False),
    ("back 2, getting better slowly", False),
    ("back 3, will it get worse if I run?", False),
])
def test_saying_it_is_getting_worse(text: str, worse: bool) -> None:
    assert parse(text).worse is worse


def test_miles_are_said_back_in_miles() -> None:
    assert "5 miles" in said(parse("back 2, 5 miles easy"))
    assert "km" not in said(parse("back 2, jogged 2.5 miles"))
    assert "8 km" in said(parse("back 2, 8k easy"))


# --- the model ---------------------------------------------------------------------------------------


def run(minutes: float, peak: float | None = 1) -> Activity:
    return Activity(kind="run", minutes=minutes, run_minutes=minutes, pain_during=peak)


def test_saying_it_is_getting_worse_refers_that_day() -> None:
    st = initial_state(RET30, day(0))
    st, _ = step(st, RET30, CheckIn(pain=3, activities=(run(30),)), day(0))
    _, r = step(st, RET30, CheckIn(pain=4, rested=True, worse=True), day(1))
    assert r.refer and r.run_minutes == 0 and "getting worse" in r.reason


def test_after_three_weeks_without_running_the_plan_starts_at_half() -> None:
    st = initial_state(RET30, day(0))
    for i in range(0, 6, 2):
        st, _ = step(st, RET30, CheckIn(pain=2, activities=(run(30),)), day(i))
    for i in range(6, 27, 3):  # walks only, for three weeks
        st, _ = step(st, RET30, CheckIn(pain=2, activities=(Activity(kind="walk", minutes=30),)), day(i))
    r = recommend(st, RET30, day(28))
    assert 10 <= r.run_minutes <= 17 and "start back" in r.reason, r  # half of the 32-33 planned
    st, _ = step(st, RET30, CheckIn(pain=2, activities=(run(12),)), day(28))
    st, _ = step(st, RET30, CheckIn(pain=2, activities=(Activity(kind="walk", minutes=30),)), day(29))
    r = recommend(st, RET30, day(30))
    offered = [int(m) for m in re.findall(r"(\d+) minutes of easy running", r.reason)]
    assert offered and max(offered) <= 13, r  # one step above the 12 minutes run since the break


def test_a_cyclist_who_keeps_cycling_gets_cycling_with_the_run_named() -> None:
    st = initial_state(RET30, day(0))
    recs = []
    for i in range(10):
        st, r = step(st, RET30, CheckIn(pain=2, activities=(Activity(kind="cycle", minutes=45),)), day(i))
        recs.append(r)
    assert recs[-1].rule == "follow" and recs[-1].action == "cross_train" and "run" in recs[-1].reason
    st, r = step(st, RET30, CheckIn(pain=2, activities=(run(20),)), day(10))
    assert r.rule != "follow"  # a run ends following the bike rides
