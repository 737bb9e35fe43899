"""domain.md's decision rules, checked in its order, and the sessions they prescribe."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

from bot import thresholds as th
from bot.domain import EMERGENCY_RED_FLAGS, RED_FLAGS, Nudge, Profile, Recommendation
from bot.model.analysis import Analysis, is_good, is_settled
from bot.model.reasons import (
    FLAG_WORDS,
    WALK_RANGE,
    WEEKDAYS,
    ago,
    capitalised,
    cut_clause,
    join_words,
    keep_moving_reason,
    num_text,
    pain_text,
    pct,
    phrase,
    progress_reason,
    regress_reason,
    session_ref,
    start_reason,
)
from bot.model.state import DayRecord, Progression, ToleranceState
from bot.stages import STAGES, Session, continuous, stage_for_minutes

# --- sessions --------------------------------------------------------------------------------------


def session_cap(longest: float) -> int:
    """Rule 6: at most 110% of the longest run in 30 days; for runs under 10 min the step is 1 min."""
    return max(math.floor(longest * th.SESSION_CAP_FACTOR + 1e-9), math.floor(longest) + th.MIN_STEP_MINUTES)


def _rotation(prog: Progression, a: Analysis) -> int:
    return min(sum(a.level_good), len(STAGES[prog.stage].sessions) - 1)


def level_session(prog: Progression, a: Analysis) -> Session:
    """The session at the current level: the stage's next session, or the capped continuous run."""
    if prog.stage >= th.CONTINUOUS_STAGE:
        run = prog.target
        if a.longest30 > 0:
            run = min(run, session_cap(a.longest30))
        return continuous(max(1, run))
    return STAGES[prog.stage].sessions[_rotation(prog, a)]


def seed_level(profile: Profile) -> tuple[int, int, int | None]:
    """(stage, continuous minutes, seeded comfortable minutes) from the profile.

    new -> stage 0 (comfortable minutes ignored). returning/regular -> from comfortable minutes
    (capped at SEED_MAX_RUN_MINUTES): >= CONTINUOUS_MIN_RUN_MINUTES continuous runs of that length,
    less a walk/run week; not given -> week 1 (conservative).
    """
    if profile.experience == "new":
        return 0, 0, None
    c = profile.comfortable_run_minutes
    if c is None or c <= 0:
        return 1, 0, None
    c = min(int(c), th.SEED_MAX_RUN_MINUTES)
    stage, target = stage_for_minutes(c)
    return stage, target, c


def _cut(prog: Progression, planned: Session, day: date) -> Progression:
    """Rule 3: drop one stage, or cut continuous running to REGRESS_RUN_FACTOR of the planned run."""
    if prog.stage >= th.CONTINUOUS_STAGE:
        new = round(planned.run_minutes * th.REGRESS_RUN_FACTOR)
        if new >= th.CONTINUOUS_MIN_RUN_MINUTES:
            return replace(prog, target=new, since=day, last_cut=day)
        stage, _ = stage_for_minutes(new)
        return replace(prog, stage=stage, target=0, since=day, last_cut=day)
    return replace(prog, stage=max(0, prog.stage - 1), target=0, since=day, last_cut=day)


# --- the decision ----------------------------------------------------------------------------------


def decide(
    records: tuple[DayRecord, ...], prog: Progression, state: ToleranceState, day: date, allow_progress: bool,
) -> tuple[Recommendation, Progression, tuple[str, str, str, str]]:
    """The day's answer, the level after it, and what to note on the day's record."""
    a = Analysis(records, day, prog)
    t = a.today
    pain, base = a.pain, a.baseline
    planned = level_session(prog, a)

    # Rule 3's triggers change the level whichever rule decides today's session, so that a flare is
    # never forgotten because a higher rule (red flag, refer) spoke that day.
    trig = _regress_trigger(a, prog)
    new_prog = prog
    cut_done = False
    if trig and a.load_since_cut:
        new_prog = _cut(prog, planned, day)
        cut_done = True

    # 1. Red flags: stop all training advice.
    if t is not None and t.flags:
        urgent = any(f in EMERGENCY_RED_FLAGS for f in t.flags)
        words = join_words([FLAG_WORDS.get(f, "a warning symptom") for f in t.flags])
        reason = (f"You reported {words}, which needs urgent checking: go to A&E or call your emergency "
                  "number now, and no training until you have been seen."
                  if urgent else
                  f"You reported {words}, which a doctor should check today, so no training advice until "
                  "you have been seen.")
        rec = Recommendation(action="seek_care", reason=reason, rule="red_flag",
                             urgency="emergency" if urgent else "same_day",
                             red_flags=tuple(f for f in t.flags if f in RED_FLAGS))
        return rec, new_prog, ("seek_care", "red_flag", "", "")

    # 2. Refer (and rule 7's referral when pain is why the user rests): walk level.
    refer = _refer(a, day, state.start)
    if refer is not None:
        code, reason = refer
        rule = "keep_moving" if code == "inactive_pain" else "refer"
        minutes = th.KEEP_MOVING_WALK_MINUTES if code == "inactive_pain" else th.REFER_WALK_MINUTES
        nudges: tuple[Nudge, ...] = ("keep_moving",) if a.inactive_days >= th.KEEP_MOVING_DAYS else ()
        rec = Recommendation(action="walk", minutes=minutes, effort="easy", nudges=nudges,
                             reason=reason + cut_clause(prog, new_prog, cut_done) + ".", rule=rule, refer=True)
        return rec, new_prog, ("walk", rule, code, nudges[0] if nudges else "")

    keep_nudge = a.inactive_days >= th.KEEP_MOVING_DAYS

    # 3. Regress: cross-train today; the level was cut above.
    if trig:
        mins = _cross_minutes(planned)
        reason = regress_reason(trig, a, day, mins) + cut_clause(prog, new_prog, cut_done) + "."
        rec = _cross(mins, reason, "regress", keep_nudge)
        return rec, new_prog, ("cross_train", "regress", trig, "keep_moving" if keep_nudge else "")

    # 4. Cross-train on a bad morning.
    if pain is not None and (pain >= th.CROSS_TRAIN_PAIN or (base is not None and pain >= base + th.CROSS_TRAIN_RISE)):
        mins = _cross_minutes(planned)
        if pain >= th.CROSS_TRAIN_PAIN:
            why = f"Your back is at {pain_text(pain)} this morning"
        else:
            why = f"Your back is at {pain_text(pain)} this morning, {num_text(pain - (base or 0))} points above your usual {pain_text(base)}"
        reason = f"{why}, so today is an easy {mins}-minute bike, swim, cross-trainer or walk instead of running."
        rec = _cross(mins, reason, "cross_train", keep_nudge)
        return rec, new_prog, ("cross_train", "cross_train", "", "keep_moving" if keep_nudge else "")

    # 5/6. Hold or progress.
    progressed, hold_why = _try_progress(prog, a, day)
    if not allow_progress:
        progressed = None
    if progressed is not None:
        new_prog = progressed
        session = level_session(new_prog, Analysis(records, day, new_prog))
        rule = "progress"
        reason = progress_reason(prog, new_prog, session, a, day)
    else:
        session = planned
        fresh = not a.level and prog.since == prog.seeded_on
        rule = "start" if fresh else "hold"
        if fresh:
            reason = start_reason(prog, state)
        elif hold_why:
            reason = hold_why
        else:
            # Read-only, with every condition to progress met: stepping up waits for today's check-in.
            reason = (f"Your back settled after {session_ref(a.level[-1], day)}, so today is {{s}}, and after your "
                      "check-in we can look at stepping up.")
        reason = reason.replace("{s}", phrase(session, prog))

    # 7. Keep moving.
    nudge: Nudge | None = None
    if keep_nudge:
        nudge = "keep_moving"
        if rule in ("hold", "start"):
            rule = "keep_moving"
            reason = keep_moving_reason(a.inactive_days, phrase(session, new_prog))

    # 9. Week shape: no run the day after a run, and about RUNS_PER_WEEK runs a week.
    lead, aside = _off_day(a, day, new_prog)
    action = session.action
    if action in ("run", "walk_run") and lead:
        strength = _strength_due(a, state, day)
        if strength:
            off_words = f"a {th.STRENGTH_MINUTES}-minute strength session ({_strength_words(a, day)})"
        else:
            mins = _cross_minutes(session)
            off_words = f"an easy {mins}-minute bike, swim, cross-trainer or walk"
        if rule == "progress":
            reason = reason.rstrip(".") + f"; today, {aside}, is {off_words}."
        else:
            rule = "week_shape"
            reason = f"{lead}, so today is {off_words}, and your next run is {phrase(session, new_prog)}."
        if strength:
            rec = Recommendation(action="strength", minutes=th.STRENGTH_MINUTES, nudges=("add_strength",),
                                 reason=reason, rule=rule)
            return rec, new_prog, ("strength", rule, "", "add_strength")
        rec = Recommendation(action="cross_train", minutes=mins, effort="easy", reason=reason, rule=rule)
        return rec, new_prog, ("cross_train", rule, "", "")

    # 8. Add strength (keep moving comes first: at most one nudge).
    if nudge is None and _strength_due(a, state, day) and not a.strength_nudged:
        nudge = "add_strength"

    rec = Recommendation(
        action=action, minutes=session.minutes, run_minutes=session.run_minutes, intervals=session.intervals,
        effort="steady" if action == "walk" else "easy", nudges=(nudge,) if nudge else (),
        reason=reason, rule=rule,
    )
    return rec, new_prog, (action, rule, "", nudge or "")


def _cross(mins: int, reason: str, rule: str, keep_nudge: bool) -> Recommendation:
    return Recommendation(action="cross_train", minutes=mins, effort="easy", reason=reason, rule=rule,
                          nudges=("keep_moving",) if keep_nudge else ())


def _cross_minutes(planned: Session) -> int:
    """Rule 4: cross-train for the planned time, within bounds."""
    return max(th.CROSS_TRAIN_MIN_MINUTES, min(th.CROSS_TRAIN_MAX_MINUTES, planned.minutes))


# --- rules -----------------------------------------------------------------------------------------


def _regress_trigger(a: Analysis, prog: Progression) -> str:
    """Rule 3's trigger for today ("" none): peak, mornings or trend.

    The peak trigger is today's news and always counts. The two slower ones count only when a session
    at the level has been done since the last cut: one flare is answered by one cut.
    """
    t = a.today
    if t is None:
        return ""
    if t.pk is not None and t.pk > th.REGRESS_PEAK_ABOVE:
        return "peak"
    if not a.load_since_cut:
        return ""
    if t.p is not None and t.b is not None and t.p >= t.b + th.REGRESS_MORNING_RISE:
        if a.high_mornings >= th.REGRESS_MORNINGS:
            return "mornings"
    if t.p is not None:
        means = [a.week_mean(w) for w in range(th.TREND_RISING_WEEKS, -1, -1)]
        if all(m is not None for m in means):
            ms = [m for m in means if m is not None]
            if all(ms[i + 1] - ms[i] >= th.TREND_MIN_RISE for i in range(len(ms) - 1)):
                return "trend"
    return ""


def _refer(a: Analysis, day: date, start: date) -> tuple[str, str] | None:
    """Rule 2 (and rule 7's referral): (trigger code, reason without the final period) or None."""
    t = a.today
    walk = f"keep to an easy {th.REFER_WALK_MINUTES}-minute walk for now"
    if a.flag_day is not None:
        return ("red_flag_followup",
                f"You reported warning symptoms on {WEEKDAYS[a.flag_day.weekday()]}, so until a professional "
                f"has checked you, {walk}")
    if t is not None and t.leg and t.p is not None and t.p >= th.REFER_LEG_PAIN_MIN:
        return ("leg_pain",
                f"Your back is at {pain_text(t.p)} with pain spreading into your leg, which is worth getting checked "
                f"by a GP or physio, so {walk}")
    pains = a.last_pains(th.REFER_HIGH_PAIN_CHECKINS)
    if len(pains) == th.REFER_HIGH_PAIN_CHECKINS and all(p >= th.REFER_HIGH_PAIN for p in pains):
        return ("high_pain",
                f"Your pain has been {pain_text(th.REFER_HIGH_PAIN)} or more on your last "
                f"{th.REFER_HIGH_PAIN_CHECKINS} check-ins, so please see a GP or physio, and {walk}")
    span = th.REFER_NO_IMPROVEMENT_DAYS
    if t is not None and t.p is not None and not a.refer_given and (day - start).days >= span - 1:
        first = a.week_mean(span // th.WEEK_DAYS - 1)
        last = a.week_mean(0)
        if (first is not None and last is not None and last >= th.REFER_NO_IMPROVEMENT_MIN_PAIN
                and last > first - th.REFER_MIN_IMPROVEMENT):
            return ("no_improvement",
                    f"Your morning pain has not improved over {span // th.WEEK_DAYS} weeks ({num_text(first)}/10 then, "
                    f"{num_text(last)}/10 now), so it is worth seeing a GP or physio; today {walk}")
    if (t is not None and t.p is not None and a.inactive_days >= th.KEEP_MOVING_FIRM_DAYS
            and t.p >= th.KEEP_MOVING_REFER_PAIN):
        return ("inactive_pain",
                f"You have had {a.inactive_days} days with little movement and your back is at {pain_text(t.p)}: rest "
                f"tends to make back pain worse, so take a gentle {WALK_RANGE} minute walk today and ask a GP or physio "
                f"about the pain")
    return None


def _try_progress(prog: Progression, a: Analysis, day: date) -> tuple[Progression | None, str]:
    """Rule 6, or why not (rule 5's reason)."""
    why = _hold_reason(prog, a, day)
    if why:
        return None, why
    if prog.stage < th.CONTINUOUS_STAGE - 1:
        return replace(prog, stage=prog.stage + 1, since=day, last_progress=day), ""
    base = prog.target if prog.stage >= th.CONTINUOUS_STAGE else th.C25K_FINAL_RUN_MINUTES
    new, cap_why = _next_run(base, a)
    if new <= base:
        return None, cap_why
    return replace(prog, stage=th.CONTINUOUS_STAGE, target=new, since=day, last_progress=day), ""


def _next_run(run: int, a: Analysis) -> tuple[int, str]:
    """Rule 6 on continuous running: one step, capped by 110% of the 30-day longest and +20% a week."""
    want = run + max(th.MIN_STEP_MINUTES, round(run * th.PROGRESS_STEP_FRACTION))
    new, why = want, ""
    if new > th.RUN_MINUTES_MAX:
        new = th.RUN_MINUTES_MAX
        why = (f"You are at {run} minutes, the longest single run this plan builds to, so keep {{s}} and "
               "build intensity with a coach if you want more.")
    if a.longest30 > 0 and new > session_cap(a.longest30):
        new = session_cap(a.longest30)
        why = (f"Your longest run in the last {th.LONGEST_RUN_DAYS} days was {num_text(a.longest30)} minutes and a "
               f"run should not be more than {pct(th.SESSION_CAP_FACTOR)} longer, so repeat {{s}}.")
    if a.week_runs > 0:
        week_cap = math.floor(th.WEEKLY_CAP_FACTOR * a.week_run_total / a.week_runs + 1e-9)
        if new > week_cap:
            new = week_cap
            why = (f"You ran {num_text(a.week_run_total)} minutes over {a.week_runs} run(s) this past week and weekly "
                   f"running should rise by no more than {pct(th.WEEKLY_CAP_FACTOR)}, so repeat {{s}}.")
    else:
        new = run
        why = "There is no run in the last week to build on, so repeat {s}."
    return new, why


def _hold_reason(prog: Progression, a: Analysis, day: date) -> str:
    """Why the level holds today ("" when rule 6's conditions are all met). ``{s}`` = the session."""
    level = a.level
    last = level[-1] if level else None
    if last is not None:
        ref = session_ref(last, day)
        pk = last.pk
        if pk is not None and pk > th.PAIN_SAFE_MAX:
            settled = "settled by the next morning" if is_settled(last) else "had not fully settled by the next morning"
            return f"Peak pain was {pain_text(pk)} during {ref} and {settled}, so repeat {{s}}."
        if last.hard:
            return f"{capitalised(ref)} felt hard, so repeat {{s}} at an easy pace."
        if not is_settled(last):
            return f"Your back had not settled back to its usual level after {ref}, so repeat {{s}}."
        if not is_good(last):
            return (f"You did not give a peak pain for {ref} and your back is at {pain_text(last.p)} the morning "
                    "after, so repeat {s}.")
    if a.pain is not None and a.baseline is not None and a.pain > a.baseline + th.SETTLED_RISE:
        return (f"Your back is at {pain_text(a.pain)} this morning, above your usual {pain_text(a.baseline)}, so repeat {{s}} "
                "rather than step up.")
    if last is None:
        return "This is the first session at this level, so do {s}."
    ref = session_ref(last, day)
    tail = _tail_good(a.level_good)
    if tail < th.PROGRESS_SETTLED_SESSIONS:
        more = th.PROGRESS_SETTLED_SESSIONS - tail
        return (f"Your back settled after {ref}; {more} more settled session{'s' if more > 1 else ''} at this "
                "level before stepping up, so today is {s}.")
    if prog.stage < th.CONTINUOUS_STAGE and sum(a.level_good) < len(STAGES[prog.stage].sessions):
        # Weeks with different runs (5 and 6) are finished before stepping up.
        return f"Your back settled after {ref}, so today is {{s}}, the next run of this week of the plan."
    days = (day - prog.since).days
    if days < th.PROGRESS_MIN_DAYS:
        when = "this level started" if prog.last_progress != prog.since else "you stepped up"
        return (f"Your back settled after {ref}, but {when} {ago(days)} and steps come at most "
                f"once a week, so repeat {{s}}.")
    return ""


def _tail_good(good: list[bool]) -> int:
    n = 0
    for g in reversed(good):
        if not g:
            break
        n += 1
    return n


def _off_day(a: Analysis, day: date, prog: Progression) -> tuple[str, str]:
    """Rule 9: why today should not be a run, as (sentence opening, aside) ("" both: it may be)."""
    if prog.stage == 0:
        return "", ""
    t = a.today
    if t is not None and t.ran:
        return "You ran yesterday", "the day after a run"
    if t is None and a.recs and (day - a.recs[-1].d).days == 1 and a.recs[-1].pa in ("run", "walk_run"):
        return "Yesterday was a planned run day", "the day after a planned run"
    if a.runs_6d >= th.RUNS_PER_WEEK:
        days = th.WEEK_DAYS - 1
        return (f"You have done {a.runs_6d} runs in the last {days} days", f"after {a.runs_6d} runs in {days} days")
    return "", ""


def _strength_gap(a: Analysis, day: date) -> int | None:
    """Days since the last strength session, which was done the day before the check-in reporting it."""
    return None if a.last_strength is None else (day - a.last_strength).days + 1


def _strength_due(a: Analysis, state: ToleranceState, day: date) -> bool:
    """Rule 8: the last strength session STRENGTH_GAP_DAYS or more ago, or none yet after
    STRENGTH_FIRST_PROMPT_DAYS with us."""
    gap = _strength_gap(a, day)
    if gap is not None:
        return gap >= th.STRENGTH_GAP_DAYS
    return (day - state.start).days >= th.STRENGTH_FIRST_PROMPT_DAYS


def _strength_words(a: Analysis, day: date) -> str:
    aim = f"{th.STRENGTH_SESSIONS_PER_WEEK} a week help your back"
    gap = _strength_gap(a, day)
    if gap is None:
        return f"none logged yet, and {aim}"
    return f"the last was {gap} days ago, and {aim}"
