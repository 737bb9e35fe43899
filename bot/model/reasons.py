"""The words: the one-sentence reason the user reads with each session."""

from __future__ import annotations

from datetime import date, timedelta

from bot import messages as M
from bot import thresholds as th
from bot.model.analysis import Analysis
from bot.model.record import KIND_NAME
from bot.model.state import DayRecord, Progression, ToleranceState
from bot.red_flags import TABLE as RED_FLAG_TABLE
from bot.stages import STAGES, Session, stage_label

WALK_RANGE = "-".join(str(m) for m in th.KEEP_MOVING_WALK_RANGE)
WEEKDAYS = M.WEEKDAYS
#: How each red flag is named: the one table in bot/red_flags.py.
FLAG_WORDS = {f.id: f.words for f in RED_FLAG_TABLE}

# --- words -----------------------------------------------------------------------------------------


def phrase(s: Session, prog: Progression) -> str:
    if s.action == "walk":
        return M.REASON_SESSION_WALK.format(minutes=s.minutes)
    if s.action == "run":
        return M.REASON_SESSION_RUN.format(run_minutes=s.run_minutes)
    label = STAGES[prog.stage].label if prog.stage < th.CONTINUOUS_STAGE else M.WALK_RUN_LABEL
    return M.REASON_SESSION_WALK_RUN.format(label=label, minutes=s.minutes, run_minutes=s.run_minutes)


def start_reason(prog: Progression, state: ToleranceState) -> str:
    if prog.stage == 0:
        return M.REASON_START_NEW
    if state.seed_minutes is None:
        return M.REASON_START_UNKNOWN
    m = state.seed_minutes
    return M.REASON_START_SAID.format(minutes=(M.MINUTES_MANY if m != 1 else M.MINUTES_ONE).format(n=m))


def progress_reason(old: Progression, new: Progression, s: Session, a: Analysis, day: date) -> str:
    last = a.level[-1]
    kinds = M.PROGRESS_WALKS if old.stage == 0 else M.PROGRESS_RUNS
    return M.REASON_PROGRESS.format(n=th.PROGRESS_SETTLED_SESSIONS, kinds=kinds, ref=session_ref(last, day),
                                    safe=pain_text(th.PAIN_SAFE_MAX), what=phrase(s, new))


def regress_reason(trig: str, a: Analysis, day: date, mins: int, gentle: bool = False) -> str:
    today = M.TODAY_CROSS.format(mins=mins)
    if gentle:
        today = M.TODAY_GENTLE.format(pain=pain_text(a.pain), max=th.SEVERE_MAX_MINUTES)
    t = a.today
    assert t is not None
    if trig == "peak":
        return M.REASON_REGRESS_PEAK.format(pk=pain_text(t.pk), ref=session_ref(t, day), today=today)
    if trig == "mornings":
        return M.REASON_REGRESS_MORNINGS.format(rise=num_text(th.REGRESS_MORNING_RISE), n=th.REGRESS_MORNINGS,
                                                pain=pain_text(t.p), today=today)
    return M.REASON_REGRESS_TREND.format(weeks=th.TREND_RISING_WEEKS, shown=weekly_means(a), today=today)


def weekly_means(a: Analysis) -> str:
    """'2 → 3 → 4.4': the weekly mean morning pains, oldest first ('-' for a week with too few)."""
    means = [a.week_mean(w) for w in range(th.TREND_RISING_WEEKS, -1, -1)]
    return " → ".join(num_text(m) if m is not None else "-" for m in means)


def cut_clause(old: Progression, new: Progression, cut_done: bool) -> str:
    if not cut_done or new == old or (old.stage == new.stage and old.target == new.target):
        return ""
    if new.stage >= th.CONTINUOUS_STAGE:
        return M.CUT_RUN.format(target=new.target)
    if old.stage >= th.CONTINUOUS_STAGE or new.stage < old.stage:
        return M.CUT_STAGE.format(stage=stage_label(new.stage))
    return ""


def keep_moving_reason(days: int, what: str) -> str:
    if days >= th.KEEP_MOVING_FIRM_DAYS:
        return M.REASON_KEEP_MOVING_FIRM.format(days=days, what=what, walk=WALK_RANGE)
    return M.REASON_KEEP_MOVING.format(days=days, what=what, walk=WALK_RANGE)


def session_ref(r: DayRecord, day: date) -> str:
    """'yesterday's 20-minute run': the session a check-in reported (done the day before it). Named by
    weekday only within the last week; older sessions by their age ("your 20-minute run 13 days ago")."""
    done = r.d - timedelta(days=1)
    age = (day - done).days
    kind = KIND_NAME.get(r.k, M.SESSION_FALLBACK)
    size = M.SESSION_SIZE.format(n=num_text(round(r.m))) if r.m is not None and r.m >= 1 else ""
    if r.d == day:
        return M.SESSION_YESTERDAY.format(size=size, kind=kind)
    if age < th.WEEK_DAYS:
        return M.SESSION_WEEKDAY.format(weekday=WEEKDAYS[done.weekday()], size=size, kind=kind)
    return M.SESSION_DAYS_AGO.format(size=size, kind=kind, age=age)


#: Kinds in the plural, for "you have mostly been choosing bike rides".
KIND_PLURAL = M.KIND_PLURAL


def ack(a: Analysis, day: date) -> list[str]:
    """Clauses acknowledging today's check-in (rule 10 and item 10: a changed input never gets yesterday's
    words): what was done, a run over 110% of the 30-day longest (named, no step up for a week)."""
    t = a.today
    if t is None:
        return []
    out: list[str] = []
    if t.ov > 0 and t.rl > 0:
        out.append(M.ACK_OVERREACH.format(run=num_text(round(t.rl)), pct=round((t.rl / t.ov - 1) * 100),
                                          days=th.LONGEST_RUN_DAYS, longest=num_text(round(t.ov)),
                                          cap=pct(th.SESSION_CAP_FACTOR)))
    return out


def noted(a: Analysis, day: date, reason: str) -> tuple[str, str]:
    """What the reason does not say of today's check-in: a lead ("Thanks for yesterday's 40-minute bike
    ride", "After a rest day") and a tail (" (your back: 3/10 this morning)"), so that a changed input
    never gets yesterday's words."""
    t = a.today
    if t is None:
        return "", ""
    lead = tail = ""
    ran = M.OFF_RAN.format(minutes=M.plural(round(t.rl), "minute"))  # "You ran 20 minutes yesterday" says it already
    ref = session_ref(t, day) if t.k else ""
    if t.k and ref not in reason and ran not in reason and lowered(ran) not in reason:
        lead = M.LEAD_THANKS.format(ref=ref)
    elif not t.k and t.rs and M.AGO_YESTERDAY not in reason:
        lead = M.LEAD_QUIET
    pain = pain_text(t.p) if t.p is not None else ""
    if t.p is not None and pain not in reason:
        tail = M.TAIL_PAIN.format(pain=pain)
    return lead, tail


def adopt_clause(r: DayRecord, day: date, prog: Progression) -> str:
    what = M.ADOPT_RUN.format(target=prog.target) if prog.stage >= th.CONTINUOUS_STAGE else stage_label(prog.stage)
    return M.ADOPT.format(ref=session_ref(r, day), what=what)


def join_clauses(lead: list[str], more: str | list[str]) -> list[str]:
    return [*lead, *([more] if isinstance(more, str) else more)]


_LOWER_OK = ("Your ", "You ", "This ", "There ", "Peak ", "That ", "Until ", "Leg ", "Weakness ", "Numbness ",
             "Yesterday ", "Today ")


#: The longest reason (characters): lead clauses that do not fit are left out, so that the whole message
#: (session line, reason, referral line, nudge) stays under 500 characters (issue 8; **design**).
MAX_REASON_CHARS = 280


def fit_lead(lead: list[str], reason: str, tail: str = "") -> tuple[str, list[str]]:
    """The reason with as many lead clauses (in priority order) as fit MAX_REASON_CHARS; and those kept."""
    kept: list[str] = []
    for c in lead:
        if c and len(with_lead([*kept, c], reason)) <= MAX_REASON_CHARS:
            kept.append(c)
    out = with_lead(kept, reason, tail)
    return (out if len(out) <= MAX_REASON_CHARS else with_lead(kept, reason)), kept


def with_lead(lead: list[str], reason: str, tail: str = "") -> str:
    """One sentence: the lead clauses, then the reason (its first word lower-cased when it is no name)."""
    if tail:
        reason = reason[:-1] + tail + "." if reason.endswith(".") else reason + tail
    clauses = [c for c in lead if c]
    if not clauses:
        return reason
    body = reason
    if body.startswith(_LOWER_OK):
        body = body[:1].lower() + body[1:]
    first = clauses[0]
    return "; ".join([first[:1].upper() + first[1:], *clauses[1:], body])


def pct(factor: float) -> str:
    """1.1 -> '10%'."""
    return f"{round((factor - 1) * 100)}%"


def ago(days: int) -> str:
    return M.AGO_TODAY if days == 0 else M.AGO_YESTERDAY if days == 1 else M.AGO_DAYS.format(n=days)


def join_words(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def lowered(s: str) -> str:
    return s[:1].lower() + s[1:]


def capitalised(s: str) -> str:
    return s[:1].upper() + s[1:]


def pain_text(x: float | None) -> str:
    return M.PAIN_SCORE.format(n=num_text(x)) if x is not None else "-"


def num_text(x: float) -> str:
    known = _NUM_TEXTS.get(x)
    if known is not None:
        return known
    return _num_text(x)


def _num_text(x: float) -> str:
    x = round(float(x), 1)
    return str(int(x)) if x.is_integer() else f"{x:g}"


# Pains, minutes and kilometres are mostly whole or tenths: a reply names 3-4 of them. The text is a
# function of the value alone (2, 2.0 and True read alike), so looking the value up is the same.
_NUM_TEXTS: dict[float, str] = {k / 10: _num_text(k / 10) for k in range(0, 2001)}
