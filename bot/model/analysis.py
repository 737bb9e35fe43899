"""What the recent window says: baseline pain, flares, longest run, inactivity, strength."""

from __future__ import annotations

from datetime import date

from bot import thresholds as th
from bot.domain import SOON_RED_FLAGS
from bot.model.record import baseline_of
from bot.model.state import DayRecord, Progression

#: Referral triggers that keep a referral in force (rule 2). The red-flag follow-up has its own week.
REFER_CODES = frozenset({"soon_flag", "leg", "worried", "says_worse", "high_pain", "persistent_pain", "worse_less_load",
                         "no_improvement"})

# --- analysis of the window ------------------------------------------------------------------------


class Analysis:
    """Everything the rules read from the window, for one day, in one pass over <= WINDOW_DAYS records."""

    def __init__(self, records: tuple[DayRecord, ...], day: date, prog: Progression) -> None:
        recs = [r for r in records if r.d <= day] if records and records[-1].d > day else records
        self.recs = recs
        self.day = day
        self.today: DayRecord | None = recs[-1] if recs and recs[-1].d == day else None
        t = self.today
        self.pain: float | None = t.p if t else None
        self.baseline: float | None = t.b if t else baseline_of(recs, len(recs))
        # One pass with locals only: this loop is most of a step's cost.
        nweeks = th.WINDOW_DAYS // th.WEEK_DAYS + 1
        week_sum = [0.0] * nweeks
        week_n = [0] * nweeks
        week_am = [0.0] * nweeks
        wd, longest_days, mornings_days, rise = th.WEEK_DAYS, th.LONGEST_RUN_DAYS, th.REGRESS_MORNINGS_DAYS, \
            th.REGRESS_MORNING_RISE
        nudge_days, flag_days, refer_days = th.STRENGTH_NUDGE_REPEAT_DAYS, th.RED_FLAG_FOLLOWUP_DAYS, \
            th.REFER_REPEAT_DAYS
        soon = SOON_RED_FLAGS
        longest30 = week_run_total = 0.0
        week_runs = runs_6d = strength_7 = high_mornings = 0
        last_strength: date | None = None
        flag_day: date | None = None
        strength_nudged = False
        load_since_cut = prog.last_cut is None
        level: list[DayRecord] = []
        dord = day.toordinal()
        since = prog.since
        cut = prog.last_cut
        stage0 = prog.stage == 0
        cleared: date | None = None
        hi_days, hi_pain, pers_days, pers_pain = th.REFER_HIGH_PAIN_DAYS, th.REFER_HIGH_PAIN, \
            th.REFER_PERSISTENT_DAYS, th.REFER_PERSISTENT_PAIN
        hold_days, codes = th.REFER_HOLD_DAYS, REFER_CODES
        high_n = pers_n = 0
        fired: DayRecord | None = None
        full: DayRecord | None = None
        for r in recs:
            # Unpacking once is much cheaper than a dozen attribute lookups per record.
            (rd, p, b, _k, _m, rl, rt, ran, w20, _act, stren, _pk, _hard, _leg, flags, _lp, _ls, _pf, _wo, cl,
             am, _km, _kmm, _ov, _pa, pr, pt, pn, _pm, _ws, _rs) = r
            age = dord - rd.toordinal()
            w = age // wd
            # Rule 2: what counts since the last "a professional checked me" (that day included).
            if cl:
                cleared = rd
                high_n = pers_n = 0
                fired = full = None
            else:
                if p is not None:
                    if age < hi_days and p >= hi_pain:
                        high_n += 1
                    if age < pers_days and p >= pers_pain:
                        pers_n += 1
                if age > 0:
                    if age < hold_days and pt in codes:
                        fired = r
                    if age < refer_days and pr == "refer":
                        full = r
            if w < nweeks:
                week_am[w] += am
            if p is not None:
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
            if age > 0:
                if age < nudge_days and pn == "add_strength":
                    strength_nudged = True
                if age < flag_days and flags and not soon.issuperset(flags):
                    flag_day = rd
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
        #: Rule 2: the last "a professional checked me" day; since then, check-ins with pain >= 7 in the
        #: last 5 days and >= 5 in the last 14; the latest earlier day a referral trigger fired (within
        #: REFER_HOLD_DAYS) and the latest day its full advice was given (within REFER_REPEAT_DAYS).
        self.cleared = cleared
        self.high_n = high_n
        self.pers_n = pers_n
        self.refer_fired = fired
        self.refer_full = full
        self.load_since_cut = load_since_cut
        self.level = level
        #: Morning pains per 7-day block back from ``day`` (block 0 = the last 7 days).
        self.week_sum = week_sum
        self.week_n = week_n
        #: Activity minutes per 7-day block back from ``day`` (the load).
        self.week_am = week_am
        #: Mornings in the last REGRESS_MORNINGS_DAYS at least REGRESS_MORNING_RISE above their baseline.
        self.high_mornings = high_mornings
        self.level_good = [is_good(r) for r in level]
        # Inactive days: since the last check-in that reported >= INACTIVE_MINUTES of activity. A day
        # without a check-in is unknown, so a read-only day counts as of the latest check-in.
        ref = t if t else (recs[-1] if recs else None)
        if ref is None or ref.act:
            self.inactive_days = 0
        else:
            # Back to the last active check-in, but not across a silence (more than SILENT_GAP_DAYS
            # without a check-in): what the user did while silent is unknown, not rest (**design**).
            days: int | None = None
            start = ref.d
            for r in reversed(recs):
                if r.d > ref.d:
                    continue
                if (start - r.d).days > th.SILENT_GAP_DAYS:
                    break
                if r.act:
                    days = (ref.d - r.d).days
                    break
                start = r.d
            self.inactive_days = days if days is not None else (ref.d - start).days + 1

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


def is_settled(r: DayRecord) -> bool:
    """Next-morning pain back to baseline + 1 (with no baseline yet: within the 0-3 safe band)."""
    if r.p is None:
        return False
    if r.b is None:
        return r.p <= th.PAIN_SAFE_MAX
    return r.p <= r.b + th.SETTLED_RISE


def is_good(r: DayRecord) -> bool:
    """Settled, with peak pain in the safe band; with no peak given, this morning's pain stands in."""
    if not is_settled(r):
        return False
    peak = r.pk if r.pk is not None else r.p
    return peak is not None and peak <= th.PAIN_SAFE_MAX

