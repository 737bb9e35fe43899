"""The per-user load-tolerance model: check-ins in, one explainable session out.

Pure: no I/O, no clock (dates are passed in). The rules are domain.md's, checked in its order:
1 red flags, 2 refer, 3 regress, 4 cross-train, 5 hold, 6 progress, 7 keep moving, 8 add strength,
9 week shape. Every number is named in bot/thresholds.py; docs/coaching-model.md explains each rule
with its source.

State is bounded: a rolling window of at most ``WINDOW_DAYS`` compact per-day records plus the current
level (stage, continuous-run minutes, the dates it last changed). A step touches only that window, so
its cost does not grow with the length of a user's history.

A check-in dated D carries D's morning pain and the activities done *since the previous check-in*,
i.e. the previous session, usually the day before; so D's morning pain is the "next morning" of the
session it reports, and "ran yesterday" means "D's check-in reports a run".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, NamedTuple

from bot import thresholds as th
from bot.domain import (
    EMERGENCY_RED_FLAGS,
    RED_FLAGS,
    Activity,
    CheckIn,
    Nudge,
    Profile,
    Recommendation,
)
from bot.stages import STAGES, Session, continuous, stage_for_minutes, stage_label

STATE_VERSION = 3

_RUN_KINDS = frozenset({"run", "walk_run"})
_WALKISH_KINDS = frozenset({"walk", "walk_run", "run"})
# Which activity of a check-in is "the session" its peak pain belongs to, when several are reported.
_KIND_RANK = {"run": 0, "walk_run": 1, "walk": 2, "cycle": 3, "swim": 3, "cross_trainer": 3, "other": 4,
              "strength": 5}
_KIND_NAME = {"run": "run", "walk_run": "walk/run", "walk": "walk", "cycle": "bike ride", "swim": "swim",
              "cross_trainer": "cross-trainer session", "strength": "strength session", "other": "session"}
_WALK_RANGE = "-".join(str(m) for m in th.KEEP_MOVING_WALK_RANGE)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_FLAG_WORDS = {
    "saddle_numbness": "numbness around the groin or buttocks",
    "bladder_bowel": "new bladder or bowel trouble",
    "leg_weakness": "weakness or numbness in your legs",
    "trauma": "back pain after a fall or accident",
    "fever": "a fever with your back pain",
    "night_pain": "night pain that rest does not ease",
    "weight_loss": "unexplained weight loss",
}


# --- state -----------------------------------------------------------------------------------------


class DayRecord(NamedTuple):
    """One check-in, compacted: what the rules need of it, and what the model answered.

    A NamedTuple rather than a dataclass: a step builds one or two and reads ~40, and tuples are the
    cheapest immutable records Python has.
    """

    d: date
    #: Morning pain 0-10 (None: not given).
    p: float | None = None
    #: Baseline before this morning: median of up to BASELINE_CHECKINS earlier pains.
    b: float | None = None
    #: Main activity reported ("" none) and its minutes, for naming it in reasons.
    k: str = ""
    m: float | None = None
    #: Longest single run and total running minutes reported.
    rl: float = 0.0
    rt: float = 0.0
    #: A run or walk/run was reported.
    ran: bool = False
    #: A walk (or more) long enough to count as a stage-0 session.
    w20: bool = False
    #: At least INACTIVE_MINUTES of activity.
    act: bool = False
    #: A strength session was reported.
    st: bool = False
    #: Peak pain during the reported session(s).
    pk: float | None = None
    #: The session felt hard (effort "hard" or RPE >= HARD_RPE).
    hard: bool = False
    leg: bool = False
    flags: tuple[str, ...] = ()
    #: The model's answer that day: action, rule, trigger, nudge ("" none).
    pa: str = ""
    pr: str = ""
    pt: str = ""
    pn: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"d": self.d.isoformat()}
        for name, v in zip(self._fields[1:], self[1:], strict=True):
            if v is None or v is False or v == "" or v == () or (name in ("rl", "rt") and v == 0.0):
                continue
            if isinstance(v, tuple):
                out[name] = list(v)
            elif v is True:
                out[name] = 1
            elif isinstance(v, float):
                out[name] = _jval(v)
            else:
                out[name] = v
        return out

    def to_row(self) -> tuple[Any, ...]:
        """The stored form (version 3): positional, the date as its ordinal, every other field as
        it is (JSON keeps floats, bools and strings as they are). A state holds ~40 of these and is
        read and written on every check-in: no per-field conversion either way."""
        return (self.d.toordinal(), *self[1:])

    @classmethod
    def from_row3(cls, r: list[Any]) -> DayRecord:
        # _make, not cls(...): the generated __new__ is Python code, _make is tuple's own.
        return cls._make((date.fromordinal(r[0]), *r[1:14], tuple(r[14]), *r[15:]))

    @classmethod
    def from_row(cls, r: list[Any]) -> DayRecord:
        (d, p, b, k, m, rl, rt, ran, w20, act, st, pk, hard, leg, flags, pa, pr, pt, pn) = r
        return cls(date.fromisoformat(d), _opt_float(p), _opt_float(b), k, _opt_float(m), float(rl),
                   float(rt), bool(ran), bool(w20), bool(act), bool(st), _opt_float(pk), bool(hard),
                   bool(leg), tuple(flags), pa, pr, pt, pn)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DayRecord:
        return cls(
            d=date.fromisoformat(d["d"]),
            p=_opt_float(d.get("p")), b=_opt_float(d.get("b")),
            k=str(d.get("k", "")), m=_opt_float(d.get("m")),
            rl=float(d.get("rl", 0.0)), rt=float(d.get("rt", 0.0)),
            ran=bool(d.get("ran")), w20=bool(d.get("w20")), act=bool(d.get("act")), st=bool(d.get("st")),
            pk=_opt_float(d.get("pk")), hard=bool(d.get("hard")), leg=bool(d.get("leg")),
            flags=tuple(str(f) for f in d.get("flags", ())),
            pa=str(d.get("pa", "")), pr=str(d.get("pr", "")), pt=str(d.get("pt", "")), pn=str(d.get("pn", "")),
        )


@dataclass(frozen=True, slots=True)
class Progression:
    """The user's current level and when it last changed."""

    #: 0 walking, 1-9 Couch to 5K weeks, 10 continuous running.
    stage: int
    #: Continuous-run minutes at stage 10 (0 below).
    target: int
    #: Last change of level: seeding, progress or regress. Sessions after it are "at this level".
    since: date
    #: When the level was last seeded from the profile (onboarding or settings).
    seeded_on: date
    last_progress: date | None = None
    last_cut: date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage, "target": self.target, "since": self.since.isoformat(),
            "seeded_on": self.seeded_on.isoformat(),
            "last_progress": _iso(self.last_progress), "last_cut": _iso(self.last_cut),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Progression:
        return cls(
            stage=int(d["stage"]), target=int(d.get("target", 0)), since=date.fromisoformat(d["since"]),
            seeded_on=date.fromisoformat(d.get("seeded_on", d["since"])),
            last_progress=_opt_date(d.get("last_progress")), last_cut=_opt_date(d.get("last_cut")),
        )


@dataclass(frozen=True)
class ToleranceState:
    """Bounded per-user state: at most WINDOW_DAYS day records plus the current level."""

    start: date
    prog: Progression
    records: tuple[DayRecord, ...] = ()
    #: The comfortable running minutes the level was seeded from (None: none given / new runner).
    seed_minutes: int | None = None
    #: The day of the last step, and the level as it was before that step: a second check-in for the
    #: same day (a correction) restarts from it, so nothing is counted twice.
    last_step: date | None = None
    undo: Progression | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "v": STATE_VERSION,
            "start": self.start.isoformat(),
            "seed_minutes": self.seed_minutes,
            "prog": self.prog.to_dict(),
            "last_step": _iso(self.last_step),
            "undo": self.undo.to_dict() if self.undo else None,
            "records": [r.to_row() for r in self.records],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ToleranceState:
        undo = d.get("undo")
        seed = d.get("seed_minutes")
        return cls(
            start=date.fromisoformat(d["start"]),
            prog=Progression.from_dict(d["prog"]),
            records=_records_from(d.get("records", ()), int(d.get("v", 1))),
            seed_minutes=None if seed is None else int(seed),
            last_step=_opt_date(d.get("last_step")),
            undo=Progression.from_dict(undo) if undo else None,
        )


# --- public API ------------------------------------------------------------------------------------


def initial_state(profile: Profile, today: date) -> ToleranceState:
    """A new user's state: stage 0 for a new runner, else seeded from their comfortable minutes."""
    stage, target, seed = _seed(profile)
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
    records = _put(state.records, _record(checkin, day), day)
    if state.last_step is not None and day < state.last_step:
        rec, _, meta = _decide(records, base, state, day, allow_progress=False)
        return replace(state, records=_with_meta(records, day, meta)), rec
    rec, prog, meta = _decide(records, base, state, day, allow_progress=True)
    new = ToleranceState(start=state.start, prog=prog, records=_with_meta(records, day, meta),
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
    rec, _, _ = _decide(state.records, base, state, day, allow_progress=day == state.last_step)
    return rec


def tolerance_summary(state: ToleranceState) -> dict[str, Any]:
    """For the user export. ``stage`` is an int (0 walking, 1-9 Couch to 5K week, 10 continuous);
    ``stage_label`` says it in words. ``run_minutes`` is the running tolerated now: the longest run in
    the last 30 days, or the seeded comfortable minutes while no run is logged."""
    recs = state.records
    day = recs[-1].d if recs else state.prog.since
    a = _Analysis(recs, day, state.prog)
    pains = [r.p for r in recs if r.p is not None][-th.BASELINE_CHECKINS:]
    tolerated = a.longest30 if a.longest30 > 0 else (state.seed_minutes or 0)
    session = _level_session(state.prog, a)
    return {
        "run_minutes": _jnum(round(float(tolerated), 1)),
        "stage": state.prog.stage,
        "stage_label": stage_label(state.prog.stage, state.prog.target),
        "baseline_pain": _jnum(_median(pains)) if pains else None,
        "next_session": {"action": session.action, "minutes": session.minutes,
                         "run_minutes": session.run_minutes},
        "weekly_run_minutes": _jnum(round(a.week_run_total, 1)),
        "inactive_days": a.inactive_days,
        "strength_last_7_days": a.strength_7,
        "last_progress": _iso(state.prog.last_progress),
        "last_regress": _iso(state.prog.last_cut),
        "level_since": state.prog.since.isoformat(),
        "checkins_in_window": len(recs),
        "as_of": day.isoformat(),
    }


def profile_changed(state: ToleranceState, profile: Profile, today: date) -> ToleranceState:
    """Re-seed the level after the user changed experience or comfortable minutes; the pain history
    stays. A continuous run is capped by rule 6 against the runs logged in the last 30 days, and within
    a week of a regress the level is not raised."""
    stage, target, seed = _seed(profile)
    a = _Analysis(state.records, today, state.prog)
    if stage == th.CONTINUOUS_STAGE and a.longest30 > 0:
        target = min(target, _session_cap(a.longest30))
    cur = state.prog
    recently_cut = cur.last_cut is not None and (today - cur.last_cut).days < th.PROGRESS_MIN_DAYS
    if recently_cut and (stage, target) > (cur.stage, cur.target):
        return replace(state, seed_minutes=seed)
    if (stage, target) == (cur.stage, cur.target):
        return replace(state, seed_minutes=seed)
    prog = replace(cur, stage=stage, target=target, since=today, seeded_on=today)
    undo = prog if state.last_step == today else state.undo
    return replace(state, prog=prog, seed_minutes=seed, undo=undo)


# --- recording -------------------------------------------------------------------------------------


def _record(ci: CheckIn, day: date) -> DayRecord:
    rl = rt = 0.0
    ran = w20 = hard = st = False
    active = 0.0
    peak: float | None = None
    main: Activity | None = None
    for a in ci.activities:
        mins = _clean(a.minutes, 0.0, th.MAX_ACTIVITY_MINUTES)
        active += th.UNKNOWN_ACTIVITY_MINUTES if mins is None else mins
        if a.kind in _RUN_KINDS:
            ran = True
            run = _run_minutes(a)
            rl = max(rl, run)
            rt += run
        if a.kind in _WALKISH_KINDS and (mins is None or mins >= th.STAGE0_MIN_WALK_MINUTES):
            w20 = True
        if a.kind == "strength":
            st = True
        pd = _clean(a.pain_during, th.PAIN_MIN, th.PAIN_MAX)
        if pd is not None:
            peak = pd if peak is None else max(peak, pd)
        rpe = _clean(a.rpe, 0.0, th.RPE_MAX)
        if a.effort == "hard" or (rpe is not None and rpe >= th.HARD_RPE):
            hard = True
        if main is None or _KIND_RANK.get(a.kind, 9) < _KIND_RANK.get(main.kind, 9):
            main = a
    flags = tuple(dict.fromkeys(f if f in RED_FLAGS else "other" for f in ci.red_flags))
    return DayRecord(
        d=day, p=_clean(ci.pain, th.PAIN_MIN, th.PAIN_MAX),
        k=(main.kind if main.kind in _KIND_NAME else "other") if main else "", m=_main_minutes(main),
        rl=rl, rt=rt, ran=ran, w20=w20, act=active >= th.INACTIVE_MINUTES, st=st, pk=peak, hard=hard,
        leg=bool(ci.leg_pain), flags=flags,
    )


def _main_minutes(a: Activity | None) -> float | None:
    """Minutes to name the session by: the running of a run (not its warm-up), else its length."""
    if a is None:
        return None
    if a.kind == "run":
        r = _run_minutes(a)
        if r > 0:
            return r
    return _clean(a.minutes, 0.0, th.MAX_ACTIVITY_MINUTES)


def _run_minutes(a: Activity) -> float:
    """Running minutes inside a run or walk/run (a walk/run with no detail: a fixed share of it)."""
    r = _clean(a.run_minutes, 0.0, th.MAX_ACTIVITY_MINUTES)
    if r is not None:
        return r
    if a.kind == "run":
        return _clean(a.minutes, 0.0, th.MAX_ACTIVITY_MINUTES) or 0.0
    iv = a.intervals
    if iv is not None and iv.run_s > 0 and iv.repeats > 0:
        return min(th.MAX_ACTIVITY_MINUTES, iv.run_s * iv.repeats / 60)
    mins = _clean(a.minutes, 0.0, th.MAX_ACTIVITY_MINUTES)
    return mins * th.WALK_RUN_UNKNOWN_RUN_FRACTION if mins is not None else 0.0


def _put(records: tuple[DayRecord, ...], new: DayRecord, day: date) -> tuple[DayRecord, ...]:
    """Insert or replace ``day``'s record, set baselines, and drop what fell out of the window.

    Baselines are taken from records inside the window only, so recording the same day twice gives
    the same record."""
    if records and records[-1].d < day:
        prior = _trim(records, day)
        return (*prior, _with_baseline(new, _baseline_of(prior, len(prior))))
    if records and records[-1].d == day:
        return (*records[:-1], _with_baseline(new, _baseline_of(records, len(records) - 1)))
    if records and (records[-1].d - day).days >= th.WINDOW_DAYS:
        return records  # older than the window: nothing the rules would read
    # Out of order (or the first record): rebuild the baselines from the insertion point on.
    recs = [r for r in records if r.d != day]
    i = next((j for j, r in enumerate(recs) if r.d > day), len(recs))
    recs.insert(i, new)
    for j in range(i, len(recs)):
        recs[j] = _with_baseline(recs[j], _baseline_of(recs, j))
    return tuple(recs)


def _trim(records: tuple[DayRecord, ...], latest: date) -> tuple[DayRecord, ...]:
    """The records still inside the window once ``latest`` is recorded."""
    cut = latest - timedelta(days=th.WINDOW_DAYS - 1)
    k = 0
    while k < len(records) and records[k].d < cut:
        k += 1
    return records[k:] if k else records


def _with_baseline(r: DayRecord, b: float | None) -> DayRecord:
    return DayRecord._make((r[0], r[1], b, *r[3:]))


def _baseline_of(recs: tuple[DayRecord, ...] | list[DayRecord], i: int) -> float | None:
    """Median of the morning pains of up to BASELINE_CHECKINS check-ins before index ``i``."""
    vals: list[float] = []
    j = i - 1
    while j >= 0 and len(vals) < th.BASELINE_CHECKINS:
        p = recs[j].p
        if p is not None:
            vals.append(p)
        j -= 1
    return _median(vals) if vals else None


def _with_meta(records: tuple[DayRecord, ...], day: date, meta: tuple[str, str, str, str]) -> tuple[DayRecord, ...]:
    """Store the day's answer on its record (the record's last four fields)."""
    for i in range(len(records) - 1, -1, -1):
        r = records[i]
        if r.d == day:
            return (*records[:i], DayRecord._make((*r[:-4], *meta)), *records[i + 1:])
    return records


# --- analysis of the window ------------------------------------------------------------------------


class _Analysis:
    """Everything the rules read from the window, for one day, in one pass over <= WINDOW_DAYS records."""

    def __init__(self, records: tuple[DayRecord, ...], day: date, prog: Progression) -> None:
        recs = [r for r in records if r.d <= day] if records and records[-1].d > day else records
        self.recs = recs
        self.day = day
        self.today: DayRecord | None = recs[-1] if recs and recs[-1].d == day else None
        t = self.today
        self.pain: float | None = t.p if t else None
        self.baseline: float | None = t.b if t else _baseline_of(recs, len(recs))
        # One pass with locals only: this loop is most of a step's cost.
        nweeks = th.WINDOW_DAYS // th.WEEK_DAYS + 1
        week_sum = [0.0] * nweeks
        week_n = [0] * nweeks
        wd, longest_days, mornings_days, rise = th.WEEK_DAYS, th.LONGEST_RUN_DAYS, th.REGRESS_MORNINGS_DAYS, \
            th.REGRESS_MORNING_RISE
        nudge_days, flag_days, refer_days = th.STRENGTH_NUDGE_REPEAT_DAYS, th.RED_FLAG_FOLLOWUP_DAYS, \
            th.REFER_REPEAT_DAYS
        longest30 = week_run_total = 0.0
        week_runs = runs_6d = strength_7 = high_mornings = 0
        last_strength: date | None = None
        last_active: date | None = None
        flag_day: date | None = None
        strength_nudged = refer_given = False
        load_since_cut = prog.last_cut is None
        level: list[DayRecord] = []
        dord = day.toordinal()
        since = prog.since
        cut = prog.last_cut
        stage0 = prog.stage == 0
        for r in recs:
            # Unpacking once is much cheaper than a dozen attribute lookups per record.
            rd, p, b, _k, _m, rl, rt, ran, w20, act, stren, _pk, _hard, _leg, flags, _pa, _pr, pt, pn = r
            age = dord - rd.toordinal()
            if p is not None:
                w = age // wd
                if w < nweeks:
                    week_sum[w] += p
                    week_n[w] += 1
                if age < mornings_days and b is not None and p >= b + rise:
                    high_mornings += 1
            if ran:
                if age < longest_days and rl > longest30:
                    longest30 = rl
                if age < wd:
                    week_run_total += rt
                    week_runs += 1
                    if age <= wd - 2:
                        runs_6d += 1
            if stren:
                last_strength = rd
                if age < wd:
                    strength_7 += 1
            if act:
                last_active = rd
            if age > 0:
                if age < nudge_days and pn == "add_strength":
                    strength_nudged = True
                if age < flag_days and flags:
                    flag_day = rd
                if age < refer_days and pt == "no_improvement":
                    refer_given = True
            if w20 if stage0 else ran:
                if rd > since:
                    level.append(r)
                if cut is not None and rd > cut:
                    load_since_cut = True
        self.longest30 = longest30
        self.week_run_total = week_run_total
        self.week_runs = week_runs
        self.runs_6d = runs_6d
        self.strength_7 = strength_7
        self.last_strength = last_strength
        self.strength_nudged = strength_nudged
        self.flag_day = flag_day
        self.refer_given = refer_given
        self.load_since_cut = load_since_cut
        self.level = level
        #: Morning pains per 7-day block back from ``day`` (block 0 = the last 7 days).
        self.week_sum = week_sum
        self.week_n = week_n
        #: Mornings in the last REGRESS_MORNINGS_DAYS at least REGRESS_MORNING_RISE above their baseline.
        self.high_mornings = high_mornings
        self.level_good = [_good(r) for r in level]
        # Inactive days: since the last check-in that reported >= INACTIVE_MINUTES of activity. A day
        # without a check-in is unknown, so a read-only day counts as of the latest check-in.
        ref = t if t else (recs[-1] if recs else None)
        if ref is None or ref.act:
            self.inactive_days = 0
        elif last_active is not None:
            self.inactive_days = (ref.d - last_active).days
        else:
            self.inactive_days = (ref.d - recs[0].d).days + 1

    def last_pains(self, n: int) -> list[float]:
        """The morning pains of the latest ``n`` check-ins that gave one, oldest first."""
        out: list[float] = []
        for r in reversed(self.recs):
            if r.p is not None:
                out.append(r.p)
                if len(out) == n:
                    break
        return out[::-1]

    def week_mean(self, w: int) -> float | None:
        """Mean morning pain of the ``w``-th 7-day block back (None: fewer than WEEK_MIN_CHECKINS)."""
        n = self.week_n[w]
        return self.week_sum[w] / n if n >= th.WEEK_MIN_CHECKINS else None


def _settled(r: DayRecord) -> bool:
    """Next-morning pain back to baseline + 1 (with no baseline yet: within the 0-3 safe band)."""
    if r.p is None:
        return False
    if r.b is None:
        return r.p <= th.PAIN_SAFE_MAX
    return r.p <= r.b + th.SETTLED_RISE


def _good(r: DayRecord) -> bool:
    """Settled, with peak pain in the safe band; with no peak given, this morning's pain stands in."""
    if not _settled(r):
        return False
    peak = r.pk if r.pk is not None else r.p
    return peak is not None and peak <= th.PAIN_SAFE_MAX


def _median(vals: list[float]) -> float:
    s = sorted(vals)
    n = len(s)
    mid = n // 2
    return s[mid] if n % 2 else (s[mid - 1] + s[mid]) / 2


# --- sessions --------------------------------------------------------------------------------------


def _session_cap(longest: float) -> int:
    """Rule 6: at most 110% of the longest run in 30 days; for runs under 10 min the step is 1 min."""
    return max(math.floor(longest * th.SESSION_CAP_FACTOR + 1e-9), math.floor(longest) + th.MIN_STEP_MINUTES)


def _rotation(prog: Progression, a: _Analysis) -> int:
    return min(sum(a.level_good), len(STAGES[prog.stage].sessions) - 1)


def _level_session(prog: Progression, a: _Analysis) -> Session:
    """The session at the current level: the stage's next session, or the capped continuous run."""
    if prog.stage >= th.CONTINUOUS_STAGE:
        run = prog.target
        if a.longest30 > 0:
            run = min(run, _session_cap(a.longest30))
        return continuous(max(1, run))
    return STAGES[prog.stage].sessions[_rotation(prog, a)]


def _seed(profile: Profile) -> tuple[int, int, int | None]:
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


def _decide(
    records: tuple[DayRecord, ...], prog: Progression, state: ToleranceState, day: date, allow_progress: bool,
) -> tuple[Recommendation, Progression, tuple[str, str, str, str]]:
    """The day's answer, the level after it, and what to note on the day's record."""
    a = _Analysis(records, day, prog)
    t = a.today
    pain, base = a.pain, a.baseline
    planned = _level_session(prog, a)

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
        words = _join([_FLAG_WORDS.get(f, "a warning symptom") for f in t.flags])
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
                             reason=reason + _cut_clause(prog, new_prog, cut_done) + ".", rule=rule, refer=True)
        return rec, new_prog, ("walk", rule, code, nudges[0] if nudges else "")

    keep_nudge = a.inactive_days >= th.KEEP_MOVING_DAYS

    # 3. Regress: cross-train today; the level was cut above.
    if trig:
        mins = _cross_minutes(planned)
        reason = _regress_reason(trig, a, day, mins) + _cut_clause(prog, new_prog, cut_done) + "."
        rec = _cross(mins, reason, "regress", keep_nudge)
        return rec, new_prog, ("cross_train", "regress", trig, "keep_moving" if keep_nudge else "")

    # 4. Cross-train on a bad morning.
    if pain is not None and (pain >= th.CROSS_TRAIN_PAIN or (base is not None and pain >= base + th.CROSS_TRAIN_RISE)):
        mins = _cross_minutes(planned)
        if pain >= th.CROSS_TRAIN_PAIN:
            why = f"Your back is at {_p(pain)} this morning"
        else:
            why = f"Your back is at {_p(pain)} this morning, {_n(pain - (base or 0))} points above your usual {_p(base)}"
        reason = f"{why}, so today is an easy {mins}-minute bike, swim, cross-trainer or walk instead of running."
        rec = _cross(mins, reason, "cross_train", keep_nudge)
        return rec, new_prog, ("cross_train", "cross_train", "", "keep_moving" if keep_nudge else "")

    # 5/6. Hold or progress.
    progressed, hold_why = _try_progress(prog, a, day)
    if not allow_progress:
        progressed = None
    if progressed is not None:
        new_prog = progressed
        session = _level_session(new_prog, _Analysis(records, day, new_prog))
        rule = "progress"
        reason = _progress_reason(prog, new_prog, session, a, day)
    else:
        session = planned
        fresh = not a.level and prog.since == prog.seeded_on
        rule = "start" if fresh else "hold"
        if fresh:
            reason = _start_reason(prog, state)
        elif hold_why:
            reason = hold_why
        else:
            # Read-only, with every condition to progress met: stepping up waits for today's check-in.
            reason = (f"Your back settled after {_ref(a.level[-1], day)}, so today is {{s}}, and after your "
                      "check-in we can look at stepping up.")
        reason = reason.replace("{s}", _phrase(session, prog))

    # 7. Keep moving.
    nudge: Nudge | None = None
    if keep_nudge:
        nudge = "keep_moving"
        if rule in ("hold", "start"):
            rule = "keep_moving"
            reason = _keep_moving_reason(a.inactive_days, _phrase(session, new_prog))

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
            reason = f"{lead}, so today is {off_words}, and your next run is {_phrase(session, new_prog)}."
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


def _regress_trigger(a: _Analysis, prog: Progression) -> str:
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


def _refer(a: _Analysis, day: date, start: date) -> tuple[str, str] | None:
    """Rule 2 (and rule 7's referral): (trigger code, reason without the final period) or None."""
    t = a.today
    walk = f"keep to an easy {th.REFER_WALK_MINUTES}-minute walk for now"
    if a.flag_day is not None:
        return ("red_flag_followup",
                f"You reported warning symptoms on {_WEEKDAYS[a.flag_day.weekday()]}, so until a professional "
                f"has checked you, {walk}")
    if t is not None and t.leg and t.p is not None and t.p >= th.REFER_LEG_PAIN_MIN:
        return ("leg_pain",
                f"Your back is at {_p(t.p)} with pain spreading into your leg, which is worth getting checked "
                f"by a GP or physio, so {walk}")
    pains = a.last_pains(th.REFER_HIGH_PAIN_CHECKINS)
    if len(pains) == th.REFER_HIGH_PAIN_CHECKINS and all(p >= th.REFER_HIGH_PAIN for p in pains):
        return ("high_pain",
                f"Your pain has been {_p(th.REFER_HIGH_PAIN)} or more on your last "
                f"{th.REFER_HIGH_PAIN_CHECKINS} check-ins, so please see a GP or physio, and {walk}")
    span = th.REFER_NO_IMPROVEMENT_DAYS
    if t is not None and t.p is not None and not a.refer_given and (day - start).days >= span - 1:
        first = a.week_mean(span // th.WEEK_DAYS - 1)
        last = a.week_mean(0)
        if (first is not None and last is not None and last >= th.REFER_NO_IMPROVEMENT_MIN_PAIN
                and last > first - th.REFER_MIN_IMPROVEMENT):
            return ("no_improvement",
                    f"Your morning pain has not improved over {span // th.WEEK_DAYS} weeks ({_n(first)}/10 then, "
                    f"{_n(last)}/10 now), so it is worth seeing a GP or physio; today {walk}")
    if (t is not None and t.p is not None and a.inactive_days >= th.KEEP_MOVING_FIRM_DAYS
            and t.p >= th.KEEP_MOVING_REFER_PAIN):
        return ("inactive_pain",
                f"You have had {a.inactive_days} days with little movement and your back is at {_p(t.p)}: rest "
                f"tends to make back pain worse, so take a gentle {_WALK_RANGE} minute walk today and ask a GP or physio "
                f"about the pain")
    return None


def _try_progress(prog: Progression, a: _Analysis, day: date) -> tuple[Progression | None, str]:
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


def _next_run(run: int, a: _Analysis) -> tuple[int, str]:
    """Rule 6 on continuous running: one step, capped by 110% of the 30-day longest and +20% a week."""
    want = run + max(th.MIN_STEP_MINUTES, round(run * th.PROGRESS_STEP_FRACTION))
    new, why = want, ""
    if new > th.RUN_MINUTES_MAX:
        new = th.RUN_MINUTES_MAX
        why = (f"You are at {run} minutes, the longest single run this plan builds to, so keep {{s}} and "
               "build intensity with a coach if you want more.")
    if a.longest30 > 0 and new > _session_cap(a.longest30):
        new = _session_cap(a.longest30)
        why = (f"Your longest run in the last {th.LONGEST_RUN_DAYS} days was {_n(a.longest30)} minutes and a "
               f"run should not be more than {_pct(th.SESSION_CAP_FACTOR)} longer, so repeat {{s}}.")
    if a.week_runs > 0:
        week_cap = math.floor(th.WEEKLY_CAP_FACTOR * a.week_run_total / a.week_runs + 1e-9)
        if new > week_cap:
            new = week_cap
            why = (f"You ran {_n(a.week_run_total)} minutes over {a.week_runs} run(s) this past week and weekly "
                   f"running should rise by no more than {_pct(th.WEEKLY_CAP_FACTOR)}, so repeat {{s}}.")
    else:
        new = run
        why = "There is no run in the last week to build on, so repeat {s}."
    return new, why


def _hold_reason(prog: Progression, a: _Analysis, day: date) -> str:
    """Why the level holds today ("" when rule 6's conditions are all met). ``{s}`` = the session."""
    level = a.level
    last = level[-1] if level else None
    if last is not None:
        ref = _ref(last, day)
        pk = last.pk
        if pk is not None and pk > th.PAIN_SAFE_MAX:
            settled = "settled by the next morning" if _settled(last) else "had not fully settled by the next morning"
            return f"Peak pain was {_p(pk)} during {ref} and {settled}, so repeat {{s}}."
        if last.hard:
            return f"{_cap(ref)} felt hard, so repeat {{s}} at an easy pace."
        if not _settled(last):
            return f"Your back had not settled back to its usual level after {ref}, so repeat {{s}}."
        if not _good(last):
            return (f"You did not give a peak pain for {ref} and your back is at {_p(last.p)} the morning "
                    "after, so repeat {s}.")
    if a.pain is not None and a.baseline is not None and a.pain > a.baseline + th.SETTLED_RISE:
        return (f"Your back is at {_p(a.pain)} this morning, above your usual {_p(a.baseline)}, so repeat {{s}} "
                "rather than step up.")
    if last is None:
        return "This is the first session at this level, so do {s}."
    ref = _ref(last, day)
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
        return (f"Your back settled after {ref}, but {when} {_ago(days)} and steps come at most "
                f"once a week, so repeat {{s}}.")
    return ""


def _tail_good(good: list[bool]) -> int:
    n = 0
    for g in reversed(good):
        if not g:
            break
        n += 1
    return n


def _off_day(a: _Analysis, day: date, prog: Progression) -> tuple[str, str]:
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


def _strength_gap(a: _Analysis, day: date) -> int | None:
    """Days since the last strength session, which was done the day before the check-in reporting it."""
    return None if a.last_strength is None else (day - a.last_strength).days + 1


def _strength_due(a: _Analysis, state: ToleranceState, day: date) -> bool:
    """Rule 8: the last strength session STRENGTH_GAP_DAYS or more ago, or none yet after
    STRENGTH_FIRST_PROMPT_DAYS with us."""
    gap = _strength_gap(a, day)
    if gap is not None:
        return gap >= th.STRENGTH_GAP_DAYS
    return (day - state.start).days >= th.STRENGTH_FIRST_PROMPT_DAYS


def _strength_words(a: _Analysis, day: date) -> str:
    aim = f"{th.STRENGTH_SESSIONS_PER_WEEK} a week help your back"
    gap = _strength_gap(a, day)
    if gap is None:
        return f"none logged yet, and {aim}"
    return f"the last was {gap} days ago, and {aim}"


# --- words -----------------------------------------------------------------------------------------


def _phrase(s: Session, prog: Progression) -> str:
    if s.action == "walk":
        return f"a {s.minutes}-minute brisk walk"
    if s.action == "run":
        return f"{s.run_minutes} minutes of easy running"
    label = STAGES[prog.stage].label if prog.stage < th.CONTINUOUS_STAGE else "walk/run"
    return f"{label}'s walk/run ({s.description})"


def _start_reason(prog: Progression, state: ToleranceState) -> str:
    if prog.stage == 0:
        return "You are new to running, so start with {s}, the first step of the walk/run plan."
    if state.seed_minutes is None:
        return "You did not say how long you can run comfortably, so start gently with {s}."
    m = state.seed_minutes
    return f"You said you can run {m} minute{'s' if m != 1 else ''} comfortably, so start with {{s}}."


def _progress_reason(old: Progression, new: Progression, s: Session, a: _Analysis, day: date) -> str:
    last = a.level[-1]
    kinds = "walks" if old.stage == 0 else "runs"
    what = _phrase(s, new)
    return (f"Your back settled after your last {th.PROGRESS_SETTLED_SESSIONS} {kinds} (the latest "
            f"{_ref(last, day)}) with peak pain "
            f"{_p(th.PAIN_SAFE_MAX)} or less, so you step up to {what}.")


def _regress_reason(trig: str, a: _Analysis, day: date, mins: int) -> str:
    today = f"today is an easy {mins}-minute bike, swim, cross-trainer or walk"
    t = a.today
    assert t is not None
    if trig == "peak":
        return f"Peak pain was {_p(t.pk)} during {_ref(t, day)}, so {today}"
    if trig == "mornings":
        return (f"Your morning pain was {_n(th.REGRESS_MORNING_RISE)} or more points above your usual on "
                f"{th.REGRESS_MORNINGS} mornings this week ({_p(t.p)} today), so {today}")
    means = [a.week_mean(w) for w in range(th.TREND_RISING_WEEKS, -1, -1)]
    shown = " → ".join(_n(m) if m is not None else "-" for m in means)
    return f"Your average morning pain has risen {th.TREND_RISING_WEEKS} weeks running ({shown}), so {today}"


def _cut_clause(old: Progression, new: Progression, cut_done: bool) -> str:
    if not cut_done or new == old or (old.stage == new.stage and old.target == new.target):
        return ""
    if new.stage >= th.CONTINUOUS_STAGE:
        return f", and running drops to {new.target} minutes next time"
    if old.stage >= th.CONTINUOUS_STAGE or new.stage < old.stage:
        return f", and the plan steps back to {stage_label(new.stage)}"
    return ""


def _keep_moving_reason(days: int, what: str) -> str:
    if days >= th.KEEP_MOVING_FIRM_DAYS:
        return (f"That is {days} days with little movement, and rest tends to make back pain worse, so today is "
                f"{what}, or at least a {_WALK_RANGE} minute walk.")
    return f"You have had {days} quiet days, so get moving again with {what}; even a {_WALK_RANGE} minute walk helps."


def _ref(r: DayRecord, day: date) -> str:
    """'yesterday's 20-minute run': the session a check-in reported (done the day before it)."""
    when = "yesterday's" if r.d == day else f"{_WEEKDAYS[(r.d - timedelta(days=1)).weekday()]}'s"
    kind = _KIND_NAME.get(r.k, "session")
    if r.m is not None and r.m >= 1:
        return f"{when} {_n(r.m)}-minute {kind}"
    return f"{when} {kind}"


def _pct(factor: float) -> str:
    """1.1 -> '10%'."""
    return f"{round((factor - 1) * 100)}%"


def _ago(days: int) -> str:
    return "today" if days == 0 else "yesterday" if days == 1 else f"{days} days ago"


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _p(x: float | None) -> str:
    return f"{_n(x)}/10" if x is not None else "-"


def _n(x: float) -> str:
    x = round(float(x), 1)
    return str(int(x)) if x.is_integer() else f"{x:g}"


# --- small helpers ---------------------------------------------------------------------------------


def _clean(x: float | None, lo: float, hi: float) -> float | None:
    """A finite number clamped to [lo, hi], or None."""
    if x is None:
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    if v != v or v in (math.inf, -math.inf):  # NaN or infinite
        return None
    return hi if v > hi else lo if v < lo else v


def _records_from(rows: Any, version: int) -> tuple[DayRecord, ...]:
    # Version 1 stored each record as a dict, version 2 as a row with an ISO date and 0/1 flags,
    # version 3 as a row with the date's ordinal and every value as it is.
    if version >= 3:
        return tuple(DayRecord.from_row3(r) for r in rows)
    return tuple(DayRecord.from_row(r) if isinstance(r, list) else DayRecord.from_dict(r) for r in rows)


def _jval(x: float) -> float | int:
    """Exact JSON form of a stored number: whole numbers as ints, others unchanged (round-trips)."""
    return int(x) if x.is_integer() else x


def _jnum(x: float | int) -> float | int:
    x = float(x)
    return int(x) if x.is_integer() else round(x, 2)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _opt_date(s: Any) -> date | None:
    return date.fromisoformat(s) if s else None


def _opt_float(x: Any) -> float | None:
    return None if x is None else float(x)
