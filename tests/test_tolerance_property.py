"""Properties of the tolerance model over random check-in sequences (hypothesis)."""

from __future__ import annotations

import json
import math
import random
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import thresholds as th
from bot.domain import (
    ACTIVITY_KINDS,
    RED_FLAGS,
    SOON_RED_FLAGS,
    Activity,
    CheckIn,
    Intervals,
    Profile,
    Recommendation,
)
from bot.messages import recommendation_text
from bot.model import ToleranceState, initial_state, profile_changed, recommend, step, tolerance_summary

ACTIONS = {"run", "walk_run", "walk", "cross_train", "strength", "rest", "seek_care"}
NO_RUNNING = {"walk", "cross_train", "strength", "rest", "seek_care"}
D0 = date(2026, 1, 5)
#: A generous ceiling on the stored state: WINDOW_DAYS records of at most ~400 characters each.
STATE_JSON_MAX = th.WINDOW_DAYS * 400 + 1000
#: Every recommendation message stays under this many characters (issue 8).
MESSAGE_MAX = 500

# Numbers as a buggy parser or a user might send them: in range, out of range, and not finite.
odd_float = st.one_of(
    st.none(),
    st.floats(min_value=0, max_value=10),
    st.floats(min_value=-5, max_value=500),
    st.sampled_from([float("nan"), float("inf"), -0.0, 1e9]),
)
pain = st.one_of(st.none(), st.integers(0, 10).map(float), st.floats(min_value=-2, max_value=12))

activities = st.builds(
    Activity,
    kind=st.sampled_from(ACTIVITY_KINDS),
    minutes=odd_float,
    km=st.one_of(st.none(), st.floats(min_value=0, max_value=50), st.just(float("nan"))),
    effort=st.sampled_from([None, "easy", "steady", "hard"]),
    pain_during=pain,
    run_minutes=odd_float,
    intervals=st.one_of(st.none(), st.builds(Intervals, st.integers(0, 600), st.integers(0, 600),
                                             st.integers(0, 20))),
    rpe=odd_float,
)
checkins = st.builds(
    CheckIn,
    pain=pain,
    rested=st.booleans(),
    activities=st.lists(activities, max_size=3).map(tuple),
    red_flags=st.one_of(
        st.just(()),
        st.just(()),
        st.lists(st.sampled_from([*RED_FLAGS, "unknown_flag"]), min_size=1, max_size=3).map(tuple),
    ),
    leg_symptoms=st.sampled_from([(), ("leg_pain",), ("below_knee",), ("numb_patch",), ("pins_and_needles",)]),
    leg_pain=pain,
    possible_flags=st.sampled_from([(), (), ("minor_fall",)]),
    worried=st.booleans(),
    cleared=st.sampled_from([False, False, False, True]),
)
profiles = st.builds(
    Profile,
    experience=st.sampled_from(["new", "returning", "regular"]),
    comfortable_run_minutes=st.one_of(st.none(), st.integers(0, 240)),
)
# Mostly the next day; sometimes the same day (a correction), a gap, or an earlier day (late reply).
gaps = st.sampled_from([1, 1, 1, 1, 1, 0, 2, 3, 9, -1, -3])


def check_rec(r: Recommendation, ci: CheckIn | None = None) -> None:
    assert r.action in ACTIONS
    assert isinstance(r.minutes, int) and isinstance(r.run_minutes, int)
    assert r.minutes >= 0 and r.run_minutes >= 0 and r.run_minutes <= r.minutes
    assert len(r.nudges) <= 1 and set(r.nudges) <= {"keep_moving", "add_strength"}
    if r.action in NO_RUNNING:
        assert r.run_minutes == 0
    if r.intervals is not None:
        assert r.action == "walk_run"
        assert r.intervals.run_s * r.intervals.repeats <= r.run_minutes * 60
    if r.action == "seek_care":
        assert r.urgency in ("emergency", "same_day") and r.nudges == () and r.minutes == 0
    else:
        assert r.urgency == ("soon" if r.refer else None) and r.minutes > 0
    if r.refer:
        assert r.action == "walk"
    if ci is not None:
        urgent = [f for f in ci.red_flags if f not in SOON_RED_FLAGS]
        if urgent:
            assert r.action == "seek_care"
        elif ci.red_flags:
            assert (r.refer and r.urgency == "soon") or ci.cleared  # a "soon" flag: see a GP in the next days
        pain = ci.pain if ci.pain is not None and math.isfinite(ci.pain) else None
        if pain is not None and pain >= th.SEVERE_PAIN and r.action != "seek_care":
            assert r.action == "walk" and r.minutes <= th.SEVERE_MAX_MINUTES  # rule 4: gentle movement only
        leg = ci.leg_pain if ci.leg_pain is not None and math.isfinite(ci.leg_pain) else None
        if (leg is not None and leg >= th.REFER_LEG_PAIN_MIN) or ci.possible_flags:
            assert r.run_minutes == 0
        if leg is not None and leg >= th.REFER_LEG_PAIN_MIN and not ci.red_flags:
            # Referred, or (after a professional checked them) still no running.
            assert r.refer or r.rule in ("leg", "red_flag")
    text = recommendation_text(r)
    assert len(text) < MESSAGE_MAX, text
    assert r.reason and r.reason.endswith(".") and ". " not in r.reason[:-1]
    assert r.rule


def check_state(s: ToleranceState) -> None:
    assert len(s.records) <= th.WINDOW_DAYS
    ds = [r.d for r in s.records]
    assert ds == sorted(ds) and len(set(ds)) == len(ds)
    if ds:
        assert (ds[-1] - ds[0]).days < th.WINDOW_DAYS
    text = json.dumps(s.to_dict(), allow_nan=False)
    assert len(text) <= STATE_JSON_MAX
    assert ToleranceState.from_dict(json.loads(text)) == s
    assert 0 <= s.prog.stage <= th.CONTINUOUS_STAGE
    assert 0 <= s.prog.target <= th.RUN_MINUTES_MAX


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles, st.lists(st.tuples(checkins, gaps), max_size=50))
def test_random_sequences(profile: Profile, seq: list[tuple[CheckIn, int]]) -> None:
    s = initial_state(profile, D0)
    check_rec(recommend(s, profile, D0))
    d = D0
    for ci, gap in seq:
        d = d + timedelta(days=gap)
        before = s
        s, r = step(s, profile, ci, d)
        check_rec(r, ci)
        check_state(s)
        # Read-only: the day's answer again, and nothing moves.
        snapshot = s.to_dict()
        if d == s.last_step:
            assert recommend(s, profile, d) == r
        check_rec(recommend(s, profile, d + timedelta(days=1)))
        assert s.to_dict() == snapshot
        # A correction with the same check-in changes nothing.
        if d == s.last_step:
            again, r2 = step(s, profile, ci, d)
            assert r2 == r and again == s
        del before
    summary = tolerance_summary(s)
    json.dumps(summary, allow_nan=False)
    assert summary["stage"] == s.prog.stage


@settings(max_examples=60, deadline=None)
@given(profiles, profiles, st.lists(checkins, max_size=20))
def test_profile_change_keeps_history(p1: Profile, p2: Profile, seq: list[CheckIn]) -> None:
    s = initial_state(p1, D0)
    for i, ci in enumerate(seq):
        s, _ = step(s, p1, ci, D0 + timedelta(days=i))
    d = D0 + timedelta(days=len(seq))
    s2 = profile_changed(s, p2, d)
    assert s2.records == s.records
    check_state(s2)
    check_rec(recommend(s2, p2, d))


@settings(max_examples=5, deadline=None)
@given(st.integers(0, 2**32 - 1), profiles)
def test_a_thousand_steps_stay_bounded(seed: int, profile: Profile) -> None:
    """Step cost depends on the window, not on history: after 1,000 check-ins the state a step reads and
    writes is no bigger than after 100."""
    rng = random.Random(seed)
    s = initial_state(profile, D0)
    sizes: dict[int, tuple[int, int]] = {}
    for i in range(1000):
        kind = rng.choice([*ACTIVITY_KINDS, None, None])
        acts = () if kind is None else (Activity(
            kind=kind,  # type: ignore[arg-type]
            minutes=rng.choice([None, 5, 15, 25, 40]), pain_during=rng.choice([None, 0, 2, 4, 6, 8]),
            effort=rng.choice([None, "easy", "hard"])),)
        flags = (rng.choice(RED_FLAGS),) if rng.random() < 0.01 else ()
        ci = CheckIn(pain=rng.choice([None, 0, 1, 2, 3, 4, 5, 6, 7, 8]), activities=acts, red_flags=flags,
                     rested=kind is None and rng.random() < 0.5, leg_symptoms=("leg_pain",) if rng.random() < 0.05 else ())
        s, r = step(s, profile, ci, D0 + timedelta(days=i))
        check_rec(r, ci)
        if i + 1 in (100, 1000):
            sizes[i + 1] = (len(s.records), len(json.dumps(s.to_dict())))
    assert sizes[1000][0] == sizes[100][0] == th.WINDOW_DAYS
    assert sizes[1000][1] <= STATE_JSON_MAX
    # Same window length, same order of size: nothing accumulates beyond the window.
    assert sizes[1000][1] <= 2 * sizes[100][1]
    check_state(s)
