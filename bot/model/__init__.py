"""The per-user load-tolerance model: check-ins in, one explainable session out.

Pure: no I/O, no clock (dates are passed in). Read it in this order, as a clinician would:

- ``state.py``: what is stored per user: a rolling window of at most ``WINDOW_DAYS`` compact day
  records plus the current level. A step touches only that window, so its cost does not grow with
  the length of a user's history.
- ``record.py``: how one check-in becomes a day record.
- ``analysis.py``: what the recent window says (baseline, flares, longest run, inactivity, strength).
- ``rules.py``: domain.md's decision rules in its order: 1 red flags, 2 refer, 3 regress,
  4 cross-train, 5 hold, 6 progress, 7 keep moving, 8 add strength, 9 week shape.
- ``reasons.py``: the one-sentence reasons the user reads.

Every number is named in bot/thresholds.py; docs/coaching-model.md explains each rule with its source.

A check-in dated D carries D's morning pain and the activities done *since the previous check-in*,
i.e. the previous session, usually the day before; so D's morning pain is the "next morning" of the
session it reports, and "ran yesterday" means "D's check-in reports a run".
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from operator import itemgetter
from typing import Any

from bot import thresholds as th
from bot.domain import CheckIn, Profile, Recommendation
from bot.model.analysis import Analysis
from bot.model.record import day_record, longest_before, median, pace_of, put_record, with_meta
from bot.model.rules import decide, level_session, seed_level, session_cap
from bot.model.state import Progression, ToleranceState, iso, jnum
from bot.stages import stage_label

_DAY = itemgetter(0)  # DayRecord.d

# --- public API ------------------------------------------------------------------------------------


def initial_state(profile: Profile, today: date) -> ToleranceState:
    """A new user's state: stage 0 for a new runner, else seeded from their comfortable minutes."""
    stage, target, seed = seed_level(profile)
    prog = Progression(stage=stage, target=target, since=today, seeded_on=today)
    return ToleranceState(start=today, prog=prog, seed_minutes=seed)


def step(
    state: ToleranceState, profile: Profile, checkin: CheckIn, day: date
) -> tuple[ToleranceState, Recommendation]:
    """Record ``checkin`` for local date ``day`` and decide today's session.

    ``profile`` is part of the contract but the level lives in the state: it is seeded from the profile
    by :func:`initial_state` and re-seeded by :func:`profile_changed`.

    A second call for the same day replaces that day's record and restarts from the level as it was
    before the first call. A check-in for a day before the last step is recorded, and answered with
    the current level, without moving the level.
    """
    base = state.prog
    if state.last_step is not None and day == state.last_step and state.undo is not None:
        base = state.undo
    # Usually no record is the day's yet: the dates are compared in C and the tuple kept as it is.
    records_before = state.records
    prior = (records_before if day not in map(_DAY, records_before)
             else tuple(r for r in records_before if r.d != day))
    yesterday = day - timedelta(days=1)
    yest = next((r for r in reversed(prior) if r.d == yesterday), None)
    asked = yest.pm if yest is not None and yest.pa in ("run", "walk_run") else 0
    new_rec = day_record(checkin, day, pace_of(prior), longest_before(prior, day), asked)
    records = put_record(state.records, new_rec, day)
    if state.last_step is not None and day < state.last_step:
        rec, _, meta = decide(records, base, state, day, allow_progress=False)
        return replace(state, records=with_meta(records, day, meta)), rec
    rec, prog, meta = decide(records, base, state, day, allow_progress=True)
    new = ToleranceState(start=state.start, prog=prog, records=with_meta(records, day, meta),
                         seed_minutes=state.seed_minutes, last_step=day, undo=base)
    return new, rec


def recommend(state: ToleranceState, profile: Profile, day: date) -> Recommendation:
    """Today's suggestion without a new check-in (read-only; never moves the level).

    On a day that already has a check-in this is the answer that check-in got. On a day without one,
    the latest evidence decides; "ran yesterday" then means yesterday's answer was a run.
    """
    base = state.prog
    if state.last_step is not None and day == state.last_step and state.undo is not None:
        base = state.undo
    rec, _, _ = decide(state.records, base, state, day, allow_progress=day == state.last_step)
    return rec


def tolerance_summary(state: ToleranceState) -> dict[str, Any]:
    """For the user export. ``stage`` is an int (0 walking, 1-9 Couch to 5K week, 10 continuous);
    ``stage_label`` says it in words. ``run_minutes`` is the running tolerated now: the longest run in
    the last 30 days, or the seeded comfortable minutes while no run is logged."""
    recs = state.records
    day = recs[-1].d if recs else state.prog.since
    a = Analysis(recs, day, state.prog)
    pains = [r.p for r in recs if r.p is not None][-th.BASELINE_CHECKINS:]
    tolerated = a.longest30 if a.longest30 > 0 else (state.seed_minutes or 0)
    session = level_session(state.prog, a)
    return {
        "run_minutes": jnum(round(float(tolerated), 1)),
        "stage": state.prog.stage,
        "stage_label": stage_label(state.prog.stage, state.prog.target),
        "baseline_pain": jnum(median(pains)) if pains else None,
        "next_session": {"action": session.action, "minutes": session.minutes,
                         "run_minutes": session.run_minutes},
        "weekly_run_minutes": jnum(round(a.week_run_total, 1)),
        "inactive_days": a.inactive_days,
        "strength_last_7_days": a.strength_7,
        "last_progress": iso(state.prog.last_progress),
        "last_regress": iso(state.prog.last_cut),
        "level_since": state.prog.since.isoformat(),
        "checkins_in_window": len(recs),
        "as_of": day.isoformat(),
    }


def profile_changed(state: ToleranceState, profile: Profile, today: date) -> ToleranceState:
    """Re-seed the level after the user changed experience or comfortable minutes; the pain history
    stays. A continuous run is capped by rule 6 against the runs logged in the last 30 days, and within
    a week of a regress the level is not raised."""
    stage, target, seed = seed_level(profile)
    a = Analysis(state.records, today, state.prog)
    if stage == th.CONTINUOUS_STAGE and a.longest30 > 0:
        target = min(target, session_cap(a.longest30))
    cur = state.prog
    recently_cut = cur.last_cut is not None and (today - cur.last_cut).days < th.PROGRESS_MIN_DAYS
    if recently_cut and (stage, target) > (cur.stage, cur.target):
        return replace(state, seed_minutes=seed)
    if (stage, target) == (cur.stage, cur.target):
        return replace(state, seed_minutes=seed)
    prog = replace(cur, stage=stage, target=target, since=today, seeded_on=today)
    undo = prog if state.last_step == today else state.undo
    return replace(state, prog=prog, seed_minutes=seed, undo=undo)
