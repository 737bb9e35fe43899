"""One check-in as a day record: what the rules need of it, kept in the bounded window."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from operator import itemgetter

from bot import messages as M
from bot import thresholds as th
from bot.domain import RED_FLAGS, Activity, CheckIn
from bot.model.state import DayRecord, clean

_RUN_KINDS = frozenset({"run", "walk_run"})
_WALKISH_KINDS = frozenset({"walk", "walk_run", "run"})
#: How each kind is named (its text lives in bot/messages.py).
KIND_NAME = M.KIND_NAME
# Which activity of a check-in is "the session" its peak pain belongs to, when several are reported.
_KIND_RANK = {"run": 0, "walk_run": 1, "walk": 2, "cycle": 3, "swim": 3, "cross_trainer": 3, "other": 4,
              "strength": 5}


def kind_rank(kind: str) -> int:
    """Which kind names a day's session when several are logged (lower first): the one ranking, for the
    model's records and for "same as yesterday" (bot/store/repo.py)."""
    return _KIND_RANK.get(kind, 9)

# --- recording -------------------------------------------------------------------------------------


def day_record(ci: CheckIn, day: date, pace: float = th.DEFAULT_PACE_MIN_PER_KM,
               prior_longest: float = 0.0, asked: float = 0.0) -> DayRecord:
    """``pace``: the user's minutes per km so far (runs logged by distance only); ``prior_longest``: the
    longest run of the LONGEST_RUN_DAYS before ``day``: a longer run than its 110% is flagged, unless it
    was no longer than the run the model suggested (``asked``: the plan's own steps, Couch to 5K)."""
    rl = rt = km_t = km_m = 0.0
    ran = w20 = hard = st = False
    active = 0.0
    peak: float | None = None
    main: Activity | None = None
    acts = tuple(_with_minutes(a, pace) for a in ci.activities)
    for a, timed in acts:
        mins = clean(a.minutes, 0.0, th.MAX_ACTIVITY_MINUTES)
        active += th.UNKNOWN_ACTIVITY_MINUTES if mins is None else mins
        if a.kind in _RUN_KINDS:
            ran = True
            run = _run_minutes(a)
            rl = max(rl, run)
            rt += run
            if timed and a.kind == "run" and run > 0:
                km_t += clean(a.km, 0.0, 1000.0) or 0.0
                km_m += run
        if a.kind in _WALKISH_KINDS and (mins is None or mins >= th.STAGE0_MIN_WALK_MINUTES):
            w20 = True
        if a.kind == "strength":
            st = True
        pd = clean(a.pain_during, th.PAIN_MIN, th.PAIN_MAX)
        if pd is not None:
            peak = pd if peak is None else max(peak, pd)
        rpe = clean(a.rpe, 0.0, th.RPE_MAX)
        if a.effort == "hard" or (rpe is not None and rpe >= th.HARD_RPE):
            hard = True
        if main is None or kind_rank(a.kind) < kind_rank(main.kind):
            main = a
    flags = tuple(dict.fromkeys(f if f in RED_FLAGS else "other" for f in ci.red_flags)) if ci.red_flags else ()
    over = prior_longest if (prior_longest >= 1 and rl > prior_longest * th.SESSION_CAP_FACTOR + 1e-9
                             and rl > asked) else 0.0
    return DayRecord(
        d=day, p=clean(ci.pain, th.PAIN_MIN, th.PAIN_MAX),
        k=(main.kind if main.kind in KIND_NAME else "other") if main else "", m=_main_minutes(main),
        rl=rl, rt=rt, ran=ran, w20=w20, act=active >= th.INACTIVE_MINUTES, st=st, pk=peak, hard=hard,
        leg=ci.has_leg_symptoms, flags=flags,
        lp=clean(ci.leg_pain, th.PAIN_MIN, th.PAIN_MAX),
        ls=tuple(dict.fromkeys(ci.leg_symptoms)) if ci.leg_symptoms else (),
        pf=tuple(dict.fromkeys(ci.possible_flags)) if ci.possible_flags else (), wo=bool(ci.worried), ws=bool(ci.worse), rs=bool(ci.rested), cl=bool(ci.cleared),
        am=min(active, th.MAX_ACTIVITY_MINUTES), km=km_t, kmm=km_m, ov=over,
    )


def _with_minutes(a: Activity, pace: float) -> tuple[Activity, bool]:
    """(the activity with minutes from its distance when only the distance was logged, whether it was
    timed): rule 10, a run logged as '8 km' is running."""
    km = clean(a.km, 0.0, 1000.0)
    mins = clean(a.minutes, 0.0, th.MAX_ACTIVITY_MINUTES)
    if mins is not None or not km:
        return a, mins is not None and bool(km)
    if a.kind in _RUN_KINDS:
        est = min(th.MAX_ACTIVITY_MINUTES, km * pace)
        return replace(a, minutes=est, run_minutes=a.run_minutes if a.kind == "walk_run" else est), False
    if a.kind == "walk":
        return replace(a, minutes=min(th.MAX_ACTIVITY_MINUTES, km * th.WALK_PACE_MIN_PER_KM)), False
    return a, False


_KM = itemgetter(DayRecord._fields.index("km"))
_KMM = itemgetter(DayRecord._fields.index("kmm"))


def pace_of(records: tuple[DayRecord, ...]) -> float:
    """The user's minutes per km from their runs logged with time and distance (the default until then)."""
    km = sum(map(_KM, records))
    mins = sum(map(_KMM, records))
    if km <= 0:
        return th.DEFAULT_PACE_MIN_PER_KM
    pace = mins / km
    lo, hi = th.PACE_BOUNDS
    return pace if lo <= pace <= hi else th.DEFAULT_PACE_MIN_PER_KM


def longest_before(records: tuple[DayRecord, ...], day: date) -> float:
    """The longest run reported in the LONGEST_RUN_DAYS before ``day`` (``day`` itself excluded)."""
    first = day - timedelta(days=th.LONGEST_RUN_DAYS)
    return max((r.rl for r in records if first <= r.d < day and r.ran), default=0.0)


def _main_minutes(a: Activity | None) -> float | None:
    """Minutes to name the session by: the running of a run (not its warm-up), else its length."""
    if a is None:
        return None
    if a.kind == "run":
        r = _run_minutes(a)
        if r > 0:
            return r
    return clean(a.minutes, 0.0, th.MAX_ACTIVITY_MINUTES)


def _run_minutes(a: Activity) -> float:
    """Running minutes inside a run or walk/run (a walk/run with no detail: a fixed share of it)."""
    r = clean(a.run_minutes, 0.0, th.MAX_ACTIVITY_MINUTES)
    if r is not None:
        return r
    if a.kind == "run":
        return clean(a.minutes, 0.0, th.MAX_ACTIVITY_MINUTES) or 0.0
    iv = a.intervals
    if iv is not None and iv.run_s > 0 and iv.repeats > 0:
        return min(th.MAX_ACTIVITY_MINUTES, iv.run_s * iv.repeats / 60)
    mins = clean(a.minutes, 0.0, th.MAX_ACTIVITY_MINUTES)
    return mins * th.WALK_RUN_UNKNOWN_RUN_FRACTION if mins is not None else 0.0


def put_record(records: tuple[DayRecord, ...], new: DayRecord, day: date) -> tuple[DayRecord, ...]:
    """Insert or replace ``day``'s record, set baselines, and drop what fell out of the window.

    Baselines are taken from records inside the window only, so recording the same day twice gives
    the same record."""
    if records and records[-1].d < day:
        prior = _trim(records, day)
        return (*prior, _with_baseline(new, baseline_of(prior, len(prior))))
    if records and records[-1].d == day:
        return (*records[:-1], _with_baseline(new, baseline_of(records, len(records) - 1)))
    if records and (records[-1].d - day).days >= th.WINDOW_DAYS:
        return records  # older than the window: nothing the rules would read
    # Out of order (or the first record): rebuild the baselines from the insertion point on.
    recs = [r for r in records if r.d != day]
    i = next((j for j, r in enumerate(recs) if r.d > day), len(recs))
    recs.insert(i, new)
    for j in range(i, len(recs)):
        recs[j] = _with_baseline(recs[j], baseline_of(recs, j))
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


def baseline_of(recs: tuple[DayRecord, ...] | list[DayRecord], i: int) -> float | None:
    """Median of the morning pains of up to BASELINE_CHECKINS check-ins before index ``i``."""
    vals: list[float] = []
    j = i - 1
    while j >= 0 and len(vals) < th.BASELINE_CHECKINS:
        p = recs[j].p
        if p is not None:
            vals.append(p)
        j -= 1
    return median(vals) if vals else None


Meta = tuple[str, str, str, str, int]
_PA = DayRecord._fields.index("pa")


def with_meta(records: tuple[DayRecord, ...], day: date, meta: Meta) -> tuple[DayRecord, ...]:
    """Store the day's answer on its record (the five fields ``pa`` to ``pm``)."""
    for i in range(len(records) - 1, -1, -1):
        r = records[i]
        if r.d == day:
            return (*records[:i], DayRecord._make((*r[:_PA], *meta, *r[_PA + 5:])), *records[i + 1:])
    return records

def median(vals: list[float]) -> float:
    s = sorted(vals)
    n = len(s)
    mid = n // 2
    return s[mid] if n % 2 else (s[mid - 1] + s[mid]) / 2
