"""Issue 8, the model's part: diaries a physiotherapist can read, one per item. 2026-12-07 is a Monday."""

from __future__ import annotations

import itertools
import random
import re
from datetime import date, timedelta

from bot import thresholds as th
from bot.domain import ACTIVITY_KINDS, RED_FLAGS, SOON_RED_FLAGS, Activity, CheckIn, Intervals, Profile
from bot.messages import REFER, REFER_REMINDER, STRENGTH_ROUTINE, recommendation_text, session_line
from bot.model import initial_state, recommend, step
from bot.model.reasons import session_ref
from bot.model.state import DayRecord
from tests.test_tolerance import RET20, ci, cycle, day, feed, follow, ready, run, walk

NO_RUN = {"walk", "cross_train", "strength", "rest", "seek_care"}


# --- 1. leg symptoms (rule 2) ----------------------------------------------------------------------


def test_sciatica_down_the_calf_never_gets_a_run() -> None:
    # "back 4, sciatica down my calf 7/10, walked 10"
    leg = CheckIn(pain=4, leg_pain=7, leg_symptoms=("leg_pain", "below_knee"), activities=(walk(10, None),))
    st, r = step(ready(), RET20, leg, day(7))
    assert r.action in NO_RUN and r.run_minutes == 0
    assert (r.refer, r.urgency, r.rule) == (True, "soon", "refer")
    assert "leg pain of 7/10" in r.reason.lower() and REFER in recommendation_text(r)
    # Not gone the next day: the user did not mention the leg again.
    st, r2 = step(st, RET20, ci(3, walk(20)), day(8))
    assert r2.refer and r2.urgency == "soon" and r2.run_minutes == 0 and r2.rule == "refer_reminder"
    assert REFER_REMINDER in recommendation_text(r2) and REFER not in recommendation_text(r2)
    # In force for REFER_HOLD_DAYS after the last report, then coaching resumes.
    st, recs = feed(RET20, [ci(2, walk(25)) for _ in range(th.REFER_HOLD_DAYS)], start=9, state=st)
    assert all(r.refer for r in recs[:th.REFER_HOLD_DAYS - 2])
    assert not recs[-1].refer


def test_numbness_or_weakness_in_one_leg_refers_whatever_the_number() -> None:
    for sym in sorted(th.LEG_REFER_SYMPTOMS):
        _, r = step(ready(), RET20, ci(2, leg_symptoms=(sym,)), day(7))
        assert r.refer and r.run_minutes == 0, sym


def test_below_knee_symptoms_refer_once_they_last_more_than_a_few_days() -> None:
    below = ("below_knee",)
    st, recs = feed(RET20, [ci(2, cycle(), leg_symptoms=below) for _ in range(th.LEG_LASTING_DAYS)], start=7,
                    state=ready())
    assert not any(r.refer for r in recs)  # a day or two of tingling: coaching goes on
    _, r = step(st, RET20, ci(2, cycle(), leg_symptoms=below), day(7 + th.LEG_LASTING_DAYS))
    assert r.refer and r.run_minutes == 0


def test_cleared_resumes_coaching_and_new_symptoms_start_it_again() -> None:
    st, _ = step(ready(), RET20, ci(3, leg_pain=6, leg_symptoms=("leg_pain",)), day(7))
    st, r = step(st, RET20, ci(2, walk(20), cleared=True), day(8))
    assert not r.refer and r.action != "seek_care"
    st, r = step(st, RET20, ci(2, walk(20)), day(9))
    assert not r.refer and r.action in ("run", "cross_train", "strength")
    st, r = step(st, RET20, ci(2, leg_symptoms=("one_leg_weakness",)), day(10))
    assert r.refer and r.rule == "refer" and r.run_minutes == 0


# --- 2. red flags with their urgency, possible flags -------------------------------------------------


def test_every_red_flag_gets_its_urgency() -> None:
    from bot.red_flags import BY_ID

    for flag in RED_FLAGS:
        _, r = step(ready(), RET20, ci(2, red_flags=(flag,)), day(7))
        if flag in SOON_RED_FLAGS:
            assert (r.action, r.refer, r.urgency, r.run_minutes) == ("walk", True, "soon", 0), flag
            assert BY_ID[flag].words in r.reason
        else:
            assert (r.action, r.urgency) == ("seek_care", BY_ID[flag].urgency), flag
            assert len(recommendation_text(r)) < 500


def test_possible_flag_alone_is_cautious_walking_without_seek_care() -> None:
    st, r = step(ready(), RET20, ci(2, run(20, 1), possible_flags=("minor_fall",)), day(7))
    assert (r.action, r.rule, r.run_minutes, r.refer, r.urgency) == ("walk", "possible_flag", 0, False, None)
    # The next day, without the flag, coaching goes on.
    _, r = step(st, RET20, ci(2, cycle()), day(8))
    assert r.rule != "possible_flag"


# --- 3. escalation when not improving ----------------------------------------------------------------


def test_pain_7_on_3_of_5_days_refers() -> None:
    st, recs = feed(RET20, [ci(7, cycle()), ci(4, cycle()), ci(7, cycle()), ci(4, cycle())], start=7, state=ready())
    assert not any(r.refer for r in recs)
    _, r = step(st, RET20, ci(7, cycle()), day(11))
    assert r.refer and r.rule == "refer" and "3 of the last 5 days" in r.reason


def test_after_clearing_only_the_days_since_count() -> None:
    st, recs = feed(RET20, [ci(7, cycle()), ci(7, cycle()), ci(7, cycle())], start=7, state=ready())
    assert recs[-1].refer
    st, r = step(st, RET20, ci(7, cycle(), cleared=True), day(10))
    assert not r.refer
    st, r = step(st, RET20, ci(7, cycle()), day(11))
    assert not r.refer  # the three 7s before the check are not counted again
    st, _ = step(st, RET20, ci(7, cycle()), day(12))
    st, r = step(st, RET20, ci(7, cycle()), day(13))
    assert r.refer and r.rule == "refer"  # 7 again on 3 of 5 days since: a new referral


def test_pain_5_on_most_days_of_14_refers() -> None:
    pains = [5, 3] * 3 + [5] * (th.REFER_PERSISTENT_MIN_DAYS - 3)
    _, recs = feed(RET20, [ci(p, walk(25)) for p in pains])
    assert not any(r.refer for r in recs[:-1])
    assert recs[-1].refer and "8 of the last 14 days" in recs[-1].reason


def test_pain_rising_two_weeks_while_load_fell_refers() -> None:
    days = [ci(2, walk(40))] * 7 + [ci(2.6, walk(30))] * 7 + [ci(3.2, walk(20))] * 7
    _, recs = feed(Profile(experience="new"), days)
    hits = [r for r in recs if r.refer]
    assert hits and "while you did less" in hits[0].reason
    # The same rise with a growing load is a regress (rule 3), not a referral.
    days = [ci(2, walk(20))] * 7 + [ci(2.6, walk(30))] * 7 + [ci(3.2, walk(40))] * 7
    _, recs = feed(Profile(experience="new"), days)
    assert not any(r.refer for r in recs) and any(r.rule == "regress" for r in recs)


def test_worried_refers_with_nhs_advice_repeated_at_most_weekly_and_cleared() -> None:
    st, r = step(ready(), RET20, ci(3, cycle(), worried=True), day(7))
    assert r.refer and r.urgency == "soon" and "NHS" in r.reason and "GP" in r.reason
    st, recs = feed(RET20, [ci(3, cycle(), worried=True) for _ in range(8)], start=8, state=st)
    full = [i for i, r in enumerate(recs) if r.rule == "refer"]
    assert all(r.refer for r in recs)
    assert full == [th.REFER_REPEAT_DAYS - 1]  # day 7 + 7: the advice again, a week on
    texts = [recommendation_text(r) for r in recs]
    assert sum(REFER in t for t in texts) == 1
    st, r = step(st, RET20, ci(2, cycle(), cleared=True), day(16))
    assert not r.refer


# --- 4. what was done, not what was planned (rule 10) ------------------------------------------------


def test_runs_logged_by_distance_count_as_running() -> None:
    km8 = Activity(kind="run", km=8, pain_during=1)
    st, _ = feed(RET20, [ci(2), ci(2, km8), ci(2, cycle()), ci(2, km8)])
    assert st.records[1].rt == 8 * th.DEFAULT_PACE_MIN_PER_KM and st.records[1].ran
    # Once a timed run with distance is logged, the user's own pace is used.
    st, _ = step(st, RET20, ci(2, Activity(kind="run", minutes=50, km=10, pain_during=1)), day(4))
    st, _ = step(st, RET20, ci(2, km8), day(5))
    assert st.records[-1].rt == 40


def test_a_user_who_runs_40_every_day_is_told_once_and_the_plan_follows() -> None:
    """Told to run 20, runs 35-45 every day: no twelve identical replies, no five cuts in a row."""
    rng = random.Random(8)
    st = initial_state(RET20, day(0))
    recs, inputs = [], []
    for i in range(14):
        pain = 3 if i % 3 else 4  # a little up and down, never a flare
        c = ci(pain, run(rng.choice([35, 40, 45]), 2))
        st, r = step(st, RET20, c, day(i))
        recs.append(r)
        inputs.append(c)
    told = [r for r in recs if "running your own way" in r.reason]
    assert len(told) == 1
    for i in range(1, 14):  # a changed input never gets yesterday's words
        if inputs[i] != inputs[i - 1]:
            assert recs[i].reason != recs[i - 1].reason
    assert st.prog.target >= 35  # the plan follows what they do
    cuts = [r for r in recs if "drops to" in r.reason]
    assert len(cuts) <= 1


def test_one_flare_one_cut_a_second_within_4_days_needs_a_new_flare() -> None:
    st, _ = step(ready(), RET20, ci(2, run(20, 7)), day(7))
    assert st.prog.target == 14
    # High mornings and runs at the new level, but no new flare: no second cut within 4 days.
    st, recs = feed(RET20, [ci(5, run(14, 3)), ci(5, run(14, 3)), ci(5, run(14, 3))], start=8, state=st)
    assert st.prog.target == 14 and not any("drops to" in r.reason for r in recs)
    # A new flare (peak pain > 5) cuts again.
    st, _ = step(st, RET20, ci(3, run(14, 7)), day(11))
    assert st.prog.target == 10


def test_a_run_over_110_percent_is_named_and_no_step_up_follows_for_a_week() -> None:
    p = Profile(experience="regular", comfortable_run_minutes=55)
    seq = [ci(2)] + [ci(2, run(80, 1)) if i % 2 == 0 else ci(2, cycle()) for i in range(10)]
    st, _ = feed(p, seq)
    st, r = step(st, p, ci(2, run(95, 1)), day(11))  # 119% of the 30-day longest
    assert "95-minute run was 19% over" in r.reason and "no step up" in r.reason
    st, recs = feed(p, [ci(2, cycle()), ci(2, run(60, 1)), ci(2, cycle()), ci(2, run(60, 1)), ci(2, cycle())],
                    start=12, state=st)
    assert not any(r.rule == "progress" for r in recs)
    assert all("step up to" not in r.reason for r in recs)


# --- 5. severe pain (rule 4) ------------------------------------------------------------------------


def test_severe_pain_is_gentle_movement_only() -> None:
    # "back 9/10, can barely move" after a planned 45-minute session
    p = Profile(experience="regular", comfortable_run_minutes=45)
    st, _ = feed(p, [ci(2), ci(2, run(45, 1))])
    for pain in (8, 9, 10):
        _, r = step(st, p, ci(pain), day(2))
        assert r.action == "walk" and r.minutes <= th.SEVERE_MAX_MINUTES and r.run_minutes == 0
        assert "gentle movement only" in recommendation_text(r)
    _, r = step(st, p, ci(9, run(45, 8)), day(2))  # a flare and severe pain: still gentle, and cut
    assert r.action == "walk" and r.minutes <= th.SEVERE_MAX_MINUTES and "drops to" in r.reason
    _, r = step(st, p, ci(7.5), day(2))
    assert r.action == "cross_train"


# --- 6. reasons true and fresh ----------------------------------------------------------------------


def test_no_session_older_than_a_week_is_called_by_weekday_or_last() -> None:
    r13 = DayRecord(d=day(0), k="run", m=20)
    assert session_ref(r13, day(13)) == "your 20-minute run 14 days ago"
    assert session_ref(r13, day(5)) == "Sunday's 20-minute run"
    st, _ = feed(RET20, [ci(2), ci(2, run(20, 1))] + [ci(2, cycle())] * 11)
    r = recommend(st, RET20, day(13))  # before the day's check-in
    assert "days ago" in r.reason and not re.search(r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)'s",
                                                    r.reason)


def test_headline_and_reason_agree_on_intervals() -> None:
    from dataclasses import replace

    for stage in range(1, 7):
        st = initial_state(Profile(experience="new"), day(0))
        st = replace(st, prog=replace(st.prog, stage=stage))
        r = recommend(st, RET20, day(0))
        line = session_line(r)
        assert f"{r.minutes} minutes" in line and f"{r.minutes} minutes" in r.reason
        from bot.stages import STAGES
        assert STAGES[stage].sessions[0].description in line


def test_cross_training_and_strength_are_acknowledged() -> None:
    """A cyclist is not told 'start with 20 minutes of running' every day for three weeks."""
    st, recs = feed(RET20, [ci(2)] + [ci(2, cycle(40)) for _ in range(20)])
    assert sum(r.rule == "start" for r in recs) == 1
    told = [r for r in recs if "bike rides over the runs" in r.reason]
    assert len(told) == 1
    assert all("40-minute bike ride" in r.reason for r in recs[1:] if r not in told)
    _, r = step(st, RET20, ci(2, Activity(kind="strength", minutes=15)), day(21))
    assert "strength session" in r.reason


def test_a_changed_input_never_gets_yesterdays_words() -> None:
    st, r1 = step(ready(), RET20, ci(2, run(20, 1)), day(7))
    st, r2 = step(st, RET20, CheckIn(pain=4, rested=True, text="rested, pretty stiff"), day(8))
    assert r1.reason != r2.reason and "4/10" in r2.reason


# --- 7. less nagging ---------------------------------------------------------------------------------


def test_strength_nudge_at_most_once_in_3_days_and_routine_once_a_message() -> None:
    # A runner who follows the runs but never does the strength sessions offered.
    _, recs = follow(RET20, 30, events={i: ci(2, cycle()) for i in range(2, 30, 2)})
    days = [i for i, r in enumerate(recs) if "add_strength" in r.nudges]
    assert days and all(b - a >= th.STRENGTH_NUDGE_REPEAT_DAYS for a, b in itertools.pairwise(days))
    for r in recs:
        assert recommendation_text(r).count(STRENGTH_ROUTINE) <= 1


# --- 8. messages under 500 characters ----------------------------------------------------------------


def test_messages_stay_under_500_characters_over_many_random_diaries() -> None:
    longest = 0
    for seed in range(120):
        rng = random.Random(seed)
        prof = Profile(experience=rng.choice(["new", "returning", "regular"]),
                       comfortable_run_minutes=rng.choice([None, 3, 5, 20, 45, 60]))
        st = initial_state(prof, day(0))
        for i in range(45):
            kind = rng.choice([*ACTIVITY_KINDS, None])
            acts = () if kind is None else (Activity(
                kind=kind,  # type: ignore[arg-type]
                minutes=rng.choice([None, 10, 20, 35, 45, 95]), km=rng.choice([None, None, 8.0]),
                pain_during=rng.choice([None, 1, 3, 5, 7, 9]),
                intervals=Intervals(60, 90, 8) if kind == "walk_run" and rng.random() < 0.5 else None),)
            c = CheckIn(pain=rng.choice([None, 1, 2, 3, 4, 5, 6, 7, 8, 9]), activities=acts,
                        red_flags=(rng.choice(RED_FLAGS),) if rng.random() < 0.03 else (),
                        leg_pain=rng.choice([None] * 8 + [3, 6, 8]),
                        leg_symptoms=rng.choice([()] * 6 + [("below_knee",), ("numb_patch",), ("leg_pain",)]),
                        possible_flags=("minor_fall",) if rng.random() < 0.03 else (),
                        worried=rng.random() < 0.05, cleared=rng.random() < 0.05)
            st, r = step(st, prof, c, day(i) + timedelta(days=0))
            text = recommendation_text(r)
            longest = max(longest, len(text))
            assert len(text) < 500, text
            assert ". " not in r.reason[:-1], r.reason
    assert longest > 300  # the diaries do reach long messages


def test_dates_are_fixed() -> None:
    assert date(2026, 12, 7).weekday() == 0
