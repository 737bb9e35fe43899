"""domain.md's decision rules, checked in its order, and the sessions they prescribe."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import fields, replace
from datetime import date, timedelta

from bot import messages as M
from bot import thresholds as th
from bot.domain import RED_FLAGS, SOON_RED_FLAGS, Nudge, Profile, Recommendation
from bot.model.analysis import Analysis, is_good, is_settled
from bot.model.reasons import (
    FLAG_WORDS,
    KIND_PLURAL,
    WALK_RANGE,
    WEEKDAYS,
    ack,
    adopt_clause,
    ago,
    capitalised,
    cut_clause,
    fit_lead,
    join_clauses,
    join_words,
    keep_moving_reason,
    noted,
    num_text,
    pain_text,
    pct,
    phrase,
    progress_reason,
    regress_reason,
    session_ref,
    start_reason,
)
from bot.model.record import Meta
from bot.model.state import DayRecord, Progression, ToleranceState
from bot.red_flags import urgency_of
from bot.stages import STAGES, Session, continuous, stage_for_minutes

# --- sessions --------------------------------------------------------------------------------------


#: Every field of a Recommendation is an init field, so the answer with a new reason is a fresh one
#: built from the same values: dataclasses.replace checks each field's kind first and costs several
#: times more, on every step.
_RECOMMENDATION_FIELDS = tuple(f.name for f in fields(Recommendation) if f.init)


def _with_reason(rec: Recommendation, reason: str) -> Recommendation:
    values = {name: getattr(rec, name) for name in _RECOMMENDATION_FIELDS}
    values["reason"] = reason
    return Recommendation(**values)


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


def _cut(prog: Progression, planned: Session, day: date, done: float = 0.0) -> Progression:
    """Rule 3: drop one stage, or cut continuous running to REGRESS_RUN_FACTOR of the run that flared:
    the run logged today (``done``, rule 10: what was done), else the planned one."""
    if prog.stage >= th.CONTINUOUS_STAGE:
        new = round((done if done > 0 else planned.run_minutes) * th.REGRESS_RUN_FACTOR)
        new = min(new, th.RUN_MINUTES_MAX)
        if new >= th.CONTINUOUS_MIN_RUN_MINUTES:
            return replace(prog, target=new, since=day, last_cut=day)
        stage, _ = stage_for_minutes(new)
        return replace(prog, stage=stage, target=0, since=day, last_cut=day)
    return replace(prog, stage=max(0, prog.stage - 1), target=0, since=day, last_cut=day)


def _adopt(prog: Progression, a: Analysis) -> tuple[Progression, DayRecord | None]:
    """Rule 10: a run done with settled pain is evidence, whoever planned it. The level rises to the
    longest such run since the last cut (in the last 30 days), unless it was an overreach (named, held)."""
    best: DayRecord | None = None
    cut = prog.last_cut
    for r in a.recs:
        if (not r.ran or r.k != "run" or r.ov or r.hard or (cut is not None and r.d <= cut) or r.d <= prog.seeded_on
                or (a.day - r.d).days >= th.LONGEST_RUN_DAYS or not is_settled(r)
                or (r.pk is not None and r.pk > th.DEMONSTRATED_PEAK_MAX)):
            continue
        if best is None or (r.m or 0) > (best.m or 0):
            best = r  # the continuous run itself (r.m), not a walk/run logged beside it
    if best is None or (best.m or 0) < th.CONTINUOUS_MIN_RUN_MINUTES:
        return prog, None  # only a continuous run is evidence for a continuous level
    mins = min(int(best.m or 0), th.RUN_MINUTES_MAX)
    current = prog.target if prog.stage >= th.CONTINUOUS_STAGE else STAGES[prog.stage].sessions[-1].run_minutes
    if mins <= current:
        return prog, None
    stage, target = stage_for_minutes(mins)
    if (stage, target) <= (prog.stage, prog.target):
        return prog, None
    # The level counts from that run: it is the first session at the new level.
    return replace(prog, stage=stage, target=target, since=best.d - timedelta(days=1)), best


# --- the decision ----------------------------------------------------------------------------------


def decide(
    records: tuple[DayRecord, ...], prog: Progression, state: ToleranceState, day: date, allow_progress: bool,
) -> tuple[Recommendation, Progression, Meta]:
    """The day's answer, the level after it, and what to note on the day's record."""
    a = Analysis(records, day, prog)
    t = a.today
    pain, base = a.pain, a.baseline

    # Rule 10: the level follows demonstrated tolerance before anything is planned from it.
    adopted, shown = _adopt(prog, a) if allow_progress else (prog, None)
    if shown is not None:
        prog = adopted
        a = Analysis(records, day, prog)
    planned = level_session(prog, a)
    # Rules 5/6/10: with pain above the baseline or rising, no more running than the user managed lately.
    recent = _recent_run_cap(a) or _return_cap(a, planned)
    capped = recent is not None and planned.run_minutes > recent[0]
    if recent is not None and capped:
        planned = _capped(planned, recent[0], prog.stage)

    # Rule 3's triggers change the level whichever rule decides today's session, so that a flare is
    # never forgotten because a higher rule (red flag, refer) spoke that day.
    trig = _regress_trigger(a, prog, day)
    new_prog = prog
    cut_done = False
    if trig and a.load_since_cut:
        new_prog = _cut(prog, planned, day, t.rl if t is not None and t.ran else 0.0)
        cut_done = True
    # Lead clauses, most important first: an overreach named, "you keep doing something else", the level
    # following a demonstrated run; then a thanks for what was done (noted() in done()).
    lead = ack(a, day)
    told = _diverging(a, new_prog, day)
    lead = join_clauses(lead, told)
    own = _own_week(a, new_prog)
    shape_note = ""
    shape_used: list[bool] = []
    if own and new_prog.shape_told is None:
        shape_note = M.SHAPE_NOTE.format(n=th.RUNS_PER_WEEK)
    adopt_words = adopt_clause(shown, day, new_prog) if shown is not None and not cut_done else ""
    lead = join_clauses(lead, adopt_words)

    def done(rec: Recommendation, trigger: str = "") -> tuple[Recommendation, Progression, Meta]:
        final = new_prog
        if rec.action != "seek_care":
            first, tail = noted(a, day, " ".join([*lead, rec.reason]))
            reason, kept = fit_lead([*lead, first], rec.reason, tail)
            rec = _with_reason(rec, reason)
            if told and told in kept:  # told once: only when it was said
                final = replace(final, told=day)
            if shape_used:  # said once
                final = replace(final, shape_told=day)
        pm = rec.run_minutes or rec.minutes
        return rec, final, (rec.action, rec.rule, trigger, rec.nudges[0] if rec.nudges else "", pm)

    # 1. Red flags (emergency, same day): stop all training advice.
    urgent_flags = tuple(f for f in t.flags if f not in SOON_RED_FLAGS) if t is not None else ()
    if t is not None and urgent_flags:
        urgency = urgency_of(urgent_flags) or "same_day"
        words = join_words([FLAG_WORDS.get(f, M.A_WARNING_SYMPTOM) for f in urgent_flags])
        reason = (M.REASON_RED_FLAG_EMERGENCY if urgency == "emergency" else M.REASON_RED_FLAG_SAME_DAY).format(
            words=words)
        return done(Recommendation(action="seek_care", reason=reason, rule="red_flag", urgency=urgency,
                                   red_flags=tuple(f for f in t.flags if f in RED_FLAGS)))

    # 2. Refer (and rule 7's referral when pain is why the user rests): walk level, no running.
    ref = _referral(a, day)
    if ref is not None:
        code, firing, full, reason = ref
        severe = pain is not None and pain >= th.SEVERE_PAIN
        minutes = th.KEEP_MOVING_WALK_MINUTES if code == "inactive_pain" else th.REFER_WALK_MINUTES
        if severe:
            minutes = min(minutes, th.SEVERE_MAX_MINUTES)
        rule = "keep_moving" if code == "inactive_pain" else "refer" if full else "refer_reminder"
        nudges: tuple[Nudge, ...] = ("keep_moving",) if a.inactive_days >= th.KEEP_MOVING_DAYS else ()
        rec = Recommendation(action="walk", minutes=minutes, effort="easy", nudges=nudges,
                             reason=reason + cut_clause(prog, new_prog, cut_done) + ".", rule=rule, refer=True,
                             urgency="soon",
                             red_flags=tuple(f for f in t.flags if f in RED_FLAGS) if t is not None else ())
        return done(rec, code if firing else "")

    keep_nudge = a.inactive_days >= th.KEEP_MOVING_DAYS
    severe = pain is not None and pain >= th.SEVERE_PAIN

    # Leg symptoms a professional has checked: no referral, but still no running while they last (rule 2).
    if t is not None and _leg_trigger(t, a.recs, None):
        mins = th.SEVERE_MAX_MINUTES if severe else th.REFER_WALK_MINUTES
        reason = M.REASON_LEG_CHECKED.format(leg=_leg_words(t), mins=mins, cut=cut_clause(prog, new_prog, cut_done))
        return done(Recommendation(action="walk", minutes=mins, effort="easy", reason=reason, rule="leg"))

    # Possible flags (one yes/no question first, in the dialogue): cautious, walking only, today.
    if t is not None and t.pf:
        mins = th.SEVERE_MAX_MINUTES if severe else th.REFER_WALK_MINUTES
        reason = M.REASON_POSSIBLE_FLAG.format(mins=mins, cut=cut_clause(prog, new_prog, cut_done))
        return done(Recommendation(action="walk", minutes=mins, effort="easy", reason=reason, rule="possible_flag"))

    # 3. Regress: cross-train today (gentle movement only in severe pain); the level was cut above.
    if trig:
        if severe:
            rec = _gentle(pain, regress_reason(trig, a, day, 0, gentle=True) + cut_clause(prog, new_prog, cut_done)
                          + ".", "regress")
            return done(rec, trig)
        mins = _cross_minutes(planned)
        reason = regress_reason(trig, a, day, mins) + cut_clause(prog, new_prog, cut_done) + "."
        return done(_cross(mins, reason, "regress", keep_nudge), trig)

    # 4. Cross-train on a bad morning; in severe pain, gentle movement only.
    if severe:
        assert pain is not None
        reason = M.REASON_SEVERE.format(pain=pain_text(pain), max=th.SEVERE_MAX_MINUTES)
        return done(_gentle(pain, reason, "severe"))
    if pain is not None and (pain >= th.CROSS_TRAIN_PAIN or (base is not None and pain >= base + th.CROSS_TRAIN_RISE)):
        mins = _cross_minutes(planned)
        if pain >= th.CROSS_TRAIN_PAIN:
            why = M.CROSS_WHY_PAIN.format(pain=pain_text(pain))
        else:
            why = M.CROSS_WHY_RISE.format(pain=pain_text(pain), rise=num_text(pain - (base or 0)), base=pain_text(base))
        reason = M.REASON_CROSS.format(why=why, mins=mins)
        return done(_cross(mins, reason, "cross_train", keep_nudge))

    # 5/6. Hold or progress.
    progressed, hold_why = _try_progress(prog, a, day)
    if not allow_progress:
        progressed = None
    if (progressed is not None and recent is not None
            and level_session(progressed, Analysis(records, day, progressed)).run_minutes > recent[0]):
        progressed, hold_why = None, ""
        capped = True
    if progressed is not None:
        new_prog = progressed
        session = level_session(new_prog, Analysis(records, day, new_prog))
        rule = "progress"
        reason = progress_reason(prog, new_prog, session, a, day)
    else:
        session = planned
        fresh = not a.level and prog.since == prog.seeded_on and not any(r.act for r in a.recs if r.d >= prog.since)
        rule = "start" if fresh else "hold"
        if fresh:
            reason = start_reason(prog, state)
        elif capped and recent is not None and recent[2] in ("break", "back"):
            # A break says more than the rule it holds under ("first run at this level", "+20% a week").
            reason = _recent_reason(a, recent[1], recent[2], day)
        elif hold_why:
            reason = hold_why
        elif capped and recent is not None:
            reason = _recent_reason(a, recent[1], recent[2], day)
        else:
            # Read-only, with every condition to progress met: stepping up waits for today's check-in.
            reason = M.REASON_READY_AFTER_CHECKIN.format(ref=session_ref(a.level[-1], day))
        reason = reason.replace("{s}", phrase(session, prog))

    # 7. Keep moving.
    nudge: Nudge | None = None
    if keep_nudge:
        nudge = "keep_moving"
        if rule in ("hold", "start"):
            rule = "keep_moving"
            reason = keep_moving_reason(a.inactive_days, phrase(session, new_prog))

    # 9. Week shape: no run the day after a run, and about RUNS_PER_WEEK runs a week.
    off, aside = _off_day(a, day, new_prog, own)
    action = session.action
    if shape_note and action in ("run", "walk_run") and not off:
        reason = M.REASON_WITH_NOTE.format(reason=reason.rstrip("."), note=shape_note)
        shape_used.append(True)
    # 10. The user keeps choosing bike rides, swims... over the runs suggested: plan from what they do
    # (their kind of session today), with the run named for when they want it.
    other = _divergence(a)
    if action in ("run", "walk_run") and not off and other in _CROSS_KINDS:
        mins = _cross_minutes(session)
        reason = M.REASON_FOLLOW.format(what=M.OFF_CROSS.format(mins=mins), session=phrase(session, new_prog))
        return done(Recommendation(action="cross_train", minutes=mins, effort="easy", reason=reason, rule="follow",
                                   nudges=(nudge,) if nudge else ()))
    if action in ("run", "walk_run") and off:
        strength = _strength_due(a, state, day) and not a.strength_nudged
        if strength:
            off_words = M.OFF_STRENGTH.format(mins=th.STRENGTH_MINUTES, why=_strength_words(a, day))
        else:
            mins = _cross_minutes(session)
            off_words = M.OFF_CROSS.format(mins=mins)
        if rule == "progress":
            reason = reason.rstrip(".") + M.REASON_PROGRESS_OFF.format(aside=aside, what=off_words)
        else:
            rule = "week_shape"
            # Yesterday's run named already (over 110%, or the level following it): named once.
            named = t is not None and t.ran and ((t.ov > 0 and t.rl > 0) or (bool(adopt_words) and shown is t))
            template = M.REASON_WEEK_SHAPE_NAMED if named and aside == M.OFF_RAN_ASIDE else M.REASON_WEEK_SHAPE
            reason = template.format(off=off, what=off_words, session=phrase(session, new_prog))
        if strength:
            return done(Recommendation(action="strength", minutes=th.STRENGTH_MINUTES, nudges=("add_strength",),
                                       reason=reason, rule=rule))
        return done(Recommendation(action="cross_train", minutes=mins, effort="easy", reason=reason, rule=rule))

    # 8. Add strength (keep moving comes first: at most one nudge).
    if nudge is None and not shape_used and _strength_due(a, state, day) and not a.strength_nudged:
        nudge = "add_strength"

    return done(Recommendation(
        action=action, minutes=session.minutes, run_minutes=session.run_minutes, intervals=session.intervals,
        effort="steady" if action == "walk" else "easy", nudges=(nudge,) if nudge else (),
        reason=reason, rule=rule,
    ))


#: Sessions that keep aerobic fitness without running (domain.md principle 3).
_CROSS_KINDS = frozenset({"cycle", "swim", "cross_trainer", "walk"})


def _gentle(pain: float | None, reason: str, rule: str) -> Recommendation:
    """Rule 4, severe pain: a short easy walk and mobility, SEVERE_MAX_MINUTES at most in all."""
    return Recommendation(action="walk", minutes=th.SEVERE_MAX_MINUTES, effort="easy", reason=reason, rule=rule)


def _cross(mins: int, reason: str, rule: str, keep_nudge: bool) -> Recommendation:
    return Recommendation(action="cross_train", minutes=mins, effort="easy", reason=reason, rule=rule,
                          nudges=("keep_moving",) if keep_nudge else ())


def _cross_minutes(planned: Session) -> int:
    """Rule 4: cross-train for the planned time, within bounds."""
    return max(th.CROSS_TRAIN_MIN_MINUTES, min(th.CROSS_TRAIN_MAX_MINUTES, planned.minutes))


# --- rules -----------------------------------------------------------------------------------------


def _regress_trigger(a: Analysis, prog: Progression, day: date) -> str:
    """Rule 3's trigger for today ("" none): peak, mornings or trend.

    The peak trigger is today's news (a new flare) and always counts. The two slower ones count only
    when a session at the level has been done since the last cut, and not within CUT_MIN_GAP_DAYS of
    it: one flare is answered by one cut (rule 10).
    """
    t = a.today
    if t is None:
        return ""
    if t.pk is not None and t.pk > th.REGRESS_PEAK_ABOVE:
        return "peak"
    if not a.load_since_cut:
        return ""
    if prog.last_cut is not None and (day - prog.last_cut).days < th.CUT_MIN_GAP_DAYS:
        return ""
    if t.p is not None and t.b is not None and t.p >= t.b + th.REGRESS_MORNING_RISE:
        if a.high_mornings >= th.REGRESS_MORNINGS:
            return "mornings"
    if t.p is not None and _rising(a):
        return "trend"
    return ""


def _rising(a: Analysis) -> bool:
    """The weekly mean morning pain rose TREND_RISING_WEEKS weeks running."""
    means = [a.week_mean(w) for w in range(th.TREND_RISING_WEEKS, -1, -1)]
    if any(m is None for m in means):
        return False
    ms = [m for m in means if m is not None]
    return all(ms[i + 1] - ms[i] >= th.TREND_MIN_RISE for i in range(len(ms) - 1))



def _leg_trigger(r: DayRecord, recs: Sequence[DayRecord], since: date | None) -> bool:
    """Rule 2, leg symptoms on record ``r``: leg pain >= 5, numbness or weakness in one leg, or leg
    symptoms reported for more than a few days (records after ``since``, the last clearing, only)."""
    if r.lp is not None and r.lp >= th.REFER_LEG_PAIN_MIN:
        return True
    if th.LEG_REFER_SYMPTOMS.intersection(r.ls):
        return True
    if not (th.LEG_LASTING_SYMPTOMS.intersection(r.ls)):
        return False
    first = r.d
    for o in recs:
        if o.d >= r.d:
            break
        if (since is None or o.d > since) and (r.d - o.d).days < th.LEG_LASTING_WINDOW_DAYS and \
                th.LEG_LASTING_SYMPTOMS.intersection(o.ls):
            first = min(first, o.d)
    return (r.d - first).days >= th.LEG_LASTING_DAYS


def _not_improving(a: Analysis, day: date, start: date, cleared: date | None) -> tuple[str, str] | None:
    """Rule 2's "not improving", in domain.md's numbers: (code, reason opening) or None. After a
    professional has checked the user (``cleared``), only the days since count."""
    high = a.high_n
    if high >= th.REFER_HIGH_PAIN_CHECKINS:
        return ("high_pain", M.NOT_IMPROVING_HIGH.format(pain=pain_text(th.REFER_HIGH_PAIN), n=high,
                                                         days=th.REFER_HIGH_PAIN_DAYS))
    many = a.pers_n
    if many >= th.REFER_PERSISTENT_MIN_DAYS:
        return ("persistent_pain", M.NOT_IMPROVING_PERSISTENT.format(pain=pain_text(th.REFER_PERSISTENT_PAIN), n=many,
                                                                     days=th.REFER_PERSISTENT_DAYS))
    trend_days = (th.TREND_RISING_WEEKS + 1) * th.WEEK_DAYS
    if (cleared is None or (day - cleared).days >= trend_days) and _rising(a):
        loads = [a.week_am[w] for w in range(th.TREND_RISING_WEEKS, -1, -1)]
        if all(loads[i + 1] <= loads[i] for i in range(len(loads) - 1)) and loads[-1] < loads[0]:
            means = [a.week_mean(w) or 0.0 for w in range(th.TREND_RISING_WEEKS, -1, -1)]
            shown = " → ".join(num_text(m) for m in means)
            return ("worse_less_load", M.NOT_IMPROVING_WORSE_LESS_LOAD.format(weeks=th.TREND_RISING_WEEKS,
                                                                              shown=shown))
    span = th.REFER_NO_IMPROVEMENT_DAYS
    if (day - start).days >= span - 1:
        first = a.week_mean(span // th.WEEK_DAYS - 1)
        last = a.week_mean(0)
        if (first is not None and last is not None and last >= th.REFER_NO_IMPROVEMENT_MIN_PAIN
                and last > first - th.REFER_MIN_IMPROVEMENT):
            return ("no_improvement", M.NOT_IMPROVING_FLAT.format(weeks=span // th.WEEK_DAYS, first=num_text(first),
                                                                  last=num_text(last)))
    return None


def _referral(a: Analysis, day: date) -> tuple[str, bool, bool, str] | None:
    """Rule 2 (and rule 7's referral): (code, fires today, full advice today, reason without its period).

    A referral starts when a trigger fires and stays in force while triggers keep firing and for
    REFER_HOLD_DAYS after the last one, until the user says a professional has checked them (``cleared``);
    a trigger after the clearing starts it again. The full advice is given when it starts, when a
    different trigger fires, and at most every REFER_REPEAT_DAYS; in between the answer keeps
    ``refer`` with a one-line reminder (rule ``refer_reminder``).
    """
    t = a.today
    recs = a.recs
    cleared = a.cleared
    walk = M.REFER_WALK.format(mins=th.REFER_WALK_MINUTES)
    code, opening = "", ""
    # A red flag of the last days holds on a day with no check-in too (``today``, a suggestion
    # asked for before checking in): walk level until a professional has checked them.
    if (a.flag_day is not None and (cleared is None or a.flag_day > cleared)
            and (t is None or t.d != cleared)):
        code, opening = "red_flag_followup", M.REFER_RED_FLAG_FOLLOWUP.format(
            weekday=WEEKDAYS[a.flag_day.weekday()], walk=walk)
    elif t is not None and t.d != cleared:
        if t.flags:
            words = join_words([FLAG_WORDS.get(f, M.A_WARNING_SYMPTOM) for f in t.flags])
            code, opening = "soon_flag", M.REFER_SOON_FLAG.format(words=words, walk=walk)
        elif _leg_trigger(t, recs, cleared) and _new_leg(t, recs, cleared):
            code, opening = "leg", M.REFER_LEG.format(leg=_leg_words(t), walk=walk)
        elif t.wo:
            code, opening = "worried", M.REFER_WORRIED.format(walk=walk)
        elif t.ws:
            code, opening = "says_worse", M.REFER_SAYS_WORSE.format(walk=walk)
        else:
            ni = _not_improving(a, day, a.recs[0].d if cleared is None else cleared, cleared)
            if ni is not None:
                code, opening = ni[0], M.REFER_NOT_IMPROVING.format(why=ni[1], walk=walk)
    if (t is not None and not code and t.p is not None and a.inactive_days >= th.KEEP_MOVING_FIRM_DAYS
            and t.p >= th.KEEP_MOVING_REFER_PAIN):
        return ("inactive_pain", True, True,
                M.REFER_INACTIVE_PAIN.format(days=a.inactive_days, pain=pain_text(t.p), walk=WALK_RANGE))
    # In force from earlier days, and when its full advice was last given.
    last_fired, last_full = a.refer_fired, a.refer_full
    if code:
        full = last_full is None or last_full.pt != code
        if not full and code in _REMINDER:
            opening = M.REFER_REMINDER_OPENING.format(why=_REMINDER[code], walk=walk)
        return code, True, full, opening
    if t is not None and t.cl:
        return None
    if last_fired is None:
        return None
    why = _REMINDER.get(last_fired.pt, M.REFER_REMINDER_DEFAULT)
    opening = M.REFER_REMINDER_OPENING.format(why=why, walk=walk)
    return last_fired.pt, False, last_full is None, opening


_REMINDER = M.REFER_REMINDERS


def _leg_words(t: DayRecord) -> str:
    # Weakness first: it is the sign a clinician most needs to hear about, whatever the pain.
    if "one_leg_weakness" in t.ls:
        return M.LEG_WEAKNESS
    if t.lp is not None and t.lp >= th.REFER_LEG_PAIN_MIN:
        return M.LEG_PAIN.format(pain=pain_text(t.lp))
    if "numb_patch" in t.ls:
        return M.LEG_NUMB
    return M.LEG_LASTING


def _new_leg(t: DayRecord, recs: Sequence[DayRecord], cleared: date | None) -> bool:
    """After a clearing, the same leg symptoms do not refer again; new ones do: a symptom not reported
    around the clearing, leg pain above it, or leg symptoms back after a check-in without them."""
    if cleared is None:
        return True
    around = [r for r in recs if cleared - timedelta(days=th.REFER_HOLD_DAYS) < r.d <= cleared]
    seen = {s for r in around for s in r.ls}
    top = max((r.lp for r in around if r.lp is not None), default=0.0)
    if set(t.ls) - seen or (t.lp is not None and t.lp > top):
        return True
    return any(cleared < r.d < t.d and not r.leg for r in recs)


def _diverging(a: Analysis, prog: Progression, day: date) -> str:
    """Rule 10: a clause telling the user, once (then not for DIVERGE_TELL_DAYS), that they keep doing
    something else than suggested, and that the plan follows them; "" otherwise."""
    if prog.told is not None and (day - prog.told).days < th.DIVERGE_TELL_DAYS:
        return ""
    main = _divergence(a)
    if main is None:
        return ""
    if main == "run":
        doing = M.DIVERGE_RUNNING
    else:
        doing = M.DIVERGE_OTHER.format(kinds=KIND_PLURAL.get(main, KIND_PLURAL["other"]))
    return M.DIVERGE.format(doing=doing)


def _divergence(a: Analysis) -> str | None:
    """Rule 10: what the user keeps doing instead of the session suggested ("run": running their own
    way; else the kind they choose over the runs), or None when they mostly follow the plan."""
    t = a.today
    if t is None:
        return None
    recs = a.recs
    checks: list[bool] = []
    what: list[str] = []
    for i in range(len(recs) - 1, 0, -1):
        r, prev = recs[i], recs[i - 1]
        if (r.d - prev.d).days != 1 or not prev.pa or prev.pa == "seek_care":
            break
        asked_run = prev.pa in ("run", "walk_run")
        # A day the plan already followed them (rule ``follow``) counts while they keep at it.
        followed = prev.pr == "follow"
        if r.ran and (not asked_run or abs(r.rl - prev.pm) > th.DIVERGE_RUN_FRACTION * max(prev.pm, 1)):
            checks.append(not followed)
            what.append("run")
        elif (asked_run or followed) and r.act and not r.ran:
            checks.append(True)
            what.append(r.k)
        else:
            checks.append(False)
        if len(checks) == th.DIVERGE_CHECKINS:
            break
    if len(checks) < th.DIVERGE_CHECKINS or sum(checks) < th.DIVERGE_MIN or not checks[0]:
        return None
    # The most frequent; a tie goes to the latest (``what`` runs newest first). Not max(set(...)):
    # a set's order changes between processes, and the same diary must get the same words.
    return max(what, key=lambda k: (what.count(k), -what.index(k)))


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
        why = M.REASON_RUN_MAX.format(run=run)
    if a.longest30 > 0 and new > session_cap(a.longest30):
        new = session_cap(a.longest30)
        why = M.REASON_SESSION_CAP.format(days=th.LONGEST_RUN_DAYS, longest=num_text(a.longest30),
                                          cap=pct(th.SESSION_CAP_FACTOR))
    if a.week_runs > 0:
        week_cap = math.floor(th.WEEKLY_CAP_FACTOR * a.week_run_total / a.week_runs + 1e-9)
        if new > week_cap:
            new = week_cap
            runs = (M.RUNS_MANY if a.week_runs != 1 else M.RUNS_ONE).format(n=a.week_runs)
            why = M.REASON_WEEKLY_CAP.format(total=num_text(round(a.week_run_total)), runs=runs,
                                             cap=pct(th.WEEKLY_CAP_FACTOR))
    else:
        new = run
        why = M.REASON_NO_RECENT_RUN
    return new, why


def _hold_reason(prog: Progression, a: Analysis, day: date) -> str:
    """Why the level holds today ("" when rule 6's conditions are all met). ``{s}`` = the session."""
    level = a.level
    last = level[-1] if level else None
    big = next((r for r in reversed(a.recs) if r.ov > 0 and (day - r.d).days < th.OVERREACH_HOLD_DAYS), None)
    if big is not None:
        return M.REASON_OVERREACH_HOLD.format(ref=capitalised(session_ref(big, day)), cap=pct(th.SESSION_CAP_FACTOR),
                                              days=th.LONGEST_RUN_DAYS)
    if last is not None:
        ref = session_ref(last, day)
        pk = last.pk
        if pk is not None and pk > th.PAIN_SAFE_MAX:
            settled = M.SETTLED_BY_MORNING if is_settled(last) else M.NOT_SETTLED_BY_MORNING
            return M.REASON_HOLD_PEAK.format(pk=pain_text(pk), ref=ref, settled=settled)
        if last.hard:
            return M.REASON_HOLD_HARD.format(ref=capitalised(ref))
        if not is_settled(last):
            return M.REASON_HOLD_NOT_SETTLED.format(ref=ref)
        if not is_good(last):
            return M.REASON_HOLD_NO_PEAK.format(ref=ref, pain=pain_text(last.p))
    if a.pain is not None and a.baseline is not None and a.pain > a.baseline + th.SETTLED_RISE:
        return M.REASON_HOLD_ABOVE_USUAL.format(pain=pain_text(a.pain), base=pain_text(a.baseline))
    if last is None:
        if any(r.act for r in a.recs if r.d > prog.since):
            return M.REASON_FIRST_TO_COME
        return M.REASON_FIRST_SESSION
    ref = session_ref(last, day)
    tail = _tail_good(a.level_good)
    if tail < th.PROGRESS_SETTLED_SESSIONS:
        more = th.PROGRESS_SETTLED_SESSIONS - tail
        return M.REASON_MORE_SETTLED.format(ref=ref, more=more, plural="s" if more > 1 else "")
    if prog.stage < th.CONTINUOUS_STAGE and sum(a.level_good) < len(STAGES[prog.stage].sessions):
        # Weeks with different runs (5 and 6) are finished before stepping up.
        return M.REASON_NEXT_IN_WEEK.format(ref=ref)
    days = (day - prog.since).days
    if days < th.PROGRESS_MIN_DAYS:
        when = M.LEVEL_STARTED if prog.last_progress != prog.since else M.STEPPED_UP
        return M.REASON_WEEKLY_STEP.format(ref=ref, when=when, ago=ago(days))
    return ""


def _tail_good(good: list[bool]) -> int:
    n = 0
    for g in reversed(good):
        if not g:
            break
        n += 1
    return n


def _recent_run_cap(a: Analysis) -> tuple[float, DayRecord, str] | None:
    """Rules 5/6/10: while morning pain is above the baseline + SETTLED_RISE, or above the baseline with the
    weekly mean pain rising, the most
    running a hold or step may suggest: the latest run logged in RECENT_RUN_DAYS, or the longest settled
    one there if shorter (and the run it comes from). None: no such limit today."""
    if a.pain is None:
        return None
    m0, m1 = a.week_mean(0), a.week_mean(1)
    b = a.baseline
    rising = m0 is not None and m1 is not None and m0 > m1
    up = b is not None and (a.pain > b + th.SETTLED_RISE or (a.pain > b and rising))
    last_run = next((r for r in reversed(a.recs) if r.ran and r.rl > 0
                     and (a.day - r.d).days < th.RECENT_RUN_DAYS), None)
    if last_run is not None and last_run.pk is not None and last_run.pk > th.PAIN_SAFE_MAX:
        # Rule 5: a hold repeats the last session when it hurt 4-5/10; never more than it.
        return last_run.rl, last_run, "hurt"
    if not up:
        return None
    latest: DayRecord | None = None
    settled = 0.0
    for r in reversed(a.recs):
        if (a.day - r.d).days >= th.RECENT_RUN_DAYS:
            break
        if r.ran and r.rl > 0:
            if latest is None:
                latest = r
            if is_settled(r) and r.rl > settled:
                settled = r.rl
    if latest is None:
        return None
    return (min(latest.rl, settled) if settled > 0 else latest.rl), latest, "pain"


def _return_cap(a: Analysis, planned: Session) -> tuple[float, DayRecord, str] | None:
    """Rule 10 after a break from running (**design**): the user ran before, then logged no run for
    RETURN_GAP_DAYS or more. While the break lasts, the next run is at most RETURN_FRACTION of the
    planned one; for RECENT_RUN_DAYS after the first run back, at most one rule-6 step above the
    longest run since the break (and the run it comes from). None: no break, or no run ever logged in the window."""
    runs = [r for r in a.recs if r.ran and r.rl > 0 and r.d <= a.day]
    if not runs or planned.run_minutes <= 0:
        return None
    if (a.day - runs[-1].d).days >= th.RETURN_GAP_DAYS:
        return max(th.RETURN_MIN_MINUTES, math.floor(planned.run_minutes * th.RETURN_FRACTION)), runs[-1], "break"
    for i in range(len(runs) - 1, 0, -1):
        if (a.day - runs[i].d).days >= th.RECENT_RUN_DAYS:
            break
        if (runs[i].d - runs[i - 1].d).days >= th.RETURN_GAP_DAYS:
            back = runs[i:]
            longest = max(back, key=lambda r: r.rl)
            return session_cap(longest.rl), longest, "back"
    return None


def _capped(planned: Session, cap: float, level: int) -> Session:
    """The planned session cut to at most ``cap`` minutes of running: a shorter continuous run, or the
    latest walk/run session at or below the current stage (``level``) that fits; never a higher stage."""
    stage, target = stage_for_minutes(int(cap))
    if stage >= th.CONTINUOUS_STAGE and level >= th.CONTINUOUS_STAGE:
        return continuous(max(1, target))
    for st in range(min(level, th.CONTINUOUS_STAGE - 1), 0, -1):
        fits = [s for s in STAGES[st].sessions if s.run_minutes <= cap]
        if fits:
            return fits[-1]
    return planned if planned.run_minutes <= cap else STAGES[1].sessions[0]


def _recent_reason(a: Analysis, last: DayRecord, kind: str, day: date) -> str:
    """Why the run is capped at what the user did lately: ``kind`` as ``_recent_run_cap`` or
    ``_return_cap`` said (hurt, pain, break, back)."""
    if kind == "hurt":
        return M.REASON_HOLD_PEAK_CAP.format(pk=pain_text(last.pk), ref=session_ref(last, day))
    if kind == "break":
        return M.REASON_BREAK.format(days=(day - last.d).days + 1)
    if kind == "back":
        return M.REASON_BACK_FROM_BREAK.format(ref=session_ref(last, day))
    why = (M.RECENT_ABOVE_USUAL.format(pain=pain_text(a.pain), base=pain_text(a.baseline))
           if a.pain is not None and a.baseline is not None and a.pain > a.baseline + th.SETTLED_RISE
           else M.RECENT_CREEPING)
    return M.REASON_RECENT_CAP.format(why=why, ref=session_ref(last, day))


def _own_week(a: Analysis, prog: Progression) -> bool:
    """Rule 10 over rule 9: the user runs more often than the week shape (OWN_WEEK_RUNS in 6 days) with
    settled pain this morning and after the latest run, so the plan follows them."""
    t = a.today
    if prog.stage == 0 or t is None or t.p is None or a.runs_6d < th.OWN_WEEK_RUNS:
        return False
    if t.p > th.PAIN_SAFE_MAX or (t.b is not None and t.p > t.b + th.SETTLED_RISE):
        return False
    last = next((r for r in reversed(a.recs) if r.ran), None)
    return last is not None and is_good(last)


def _off_day(a: Analysis, day: date, prog: Progression, own: bool = False) -> tuple[str, str]:
    """Rule 9: why today should not be a run, as (sentence opening, aside) ("" both: it may be).
    ``own``: the user runs more often than the week shape and the plan follows them (rule 10)."""
    if prog.stage == 0:
        return "", ""
    t = a.today
    if t is not None and t.ran:
        ran = M.OFF_RAN.format(minutes=M.plural(round(t.rl), "minute")) if t.rl >= 1 else M.OFF_RAN_UNTIMED
        return ran, M.OFF_RAN_ASIDE
    if t is None and a.recs and (day - a.recs[-1].d).days == 1 and a.recs[-1].pa in ("run", "walk_run"):
        return M.OFF_PLANNED, M.OFF_PLANNED_ASIDE
    if a.runs_6d >= th.RUNS_PER_WEEK and not own:
        days = th.WEEK_DAYS - 1
        return M.OFF_RUNS.format(n=a.runs_6d, days=days), M.OFF_RUNS_ASIDE.format(n=a.runs_6d, days=days)
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
    aim = M.STRENGTH_AIM.format(n=th.STRENGTH_SESSIONS_PER_WEEK)
    gap = _strength_gap(a, day)
    if gap is None:
        return M.STRENGTH_NONE.format(aim=aim)
    return M.STRENGTH_GAP.format(gap=gap, aim=aim)
