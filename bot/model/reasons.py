"""The words: the one-sentence reason the user reads with each session."""

from __future__ import annotations

from datetime import date, timedelta

from bot import thresholds as th
from bot.model.analysis import Analysis
from bot.model.record import KIND_NAME
from bot.model.state import DayRecord, Progression, ToleranceState
from bot.red_flags import TABLE as RED_FLAG_TABLE
from bot.stages import STAGES, Session, stage_label

WALK_RANGE = "-".join(str(m) for m in th.KEEP_MOVING_WALK_RANGE)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: How each red flag is named: the one table in bot/red_flags.py.
FLAG_WORDS = {f.id: f.words for f in RED_FLAG_TABLE}

# --- words -----------------------------------------------------------------------------------------


def phrase(s: Session, prog: Progression) -> str:
    if s.action == "walk":
        return f"a {s.minutes}-minute brisk walk"
    if s.action == "run":
        return f"{s.run_minutes} minutes of easy running"
    label = STAGES[prog.stage].label if prog.stage < th.CONTINUOUS_STAGE else "walk/run"
    return f"{label}'s walk/run ({s.minutes} minutes, {s.run_minutes} of them running)"


def start_reason(prog: Progression, state: ToleranceState) -> str:
    if prog.stage == 0:
        return "You are new to running, so start with {s}, the first step of the walk/run plan."
    if state.seed_minutes is None:
        return "You did not say how long you can run comfortably, so start gently with {s}."
    m = state.seed_minutes
    return f"You said you can run {m} minute{'s' if m != 1 else ''} comfortably, so start with {{s}}."


def progress_reason(old: Progression, new: Progression, s: Session, a: Analysis, day: date) -> str:
    last = a.level[-1]
    kinds = "walks" if old.stage == 0 else "runs"
    what = phrase(s, new)
    return (f"Your back settled after your last {th.PROGRESS_SETTLED_SESSIONS} {kinds} (the latest "
            f"{session_ref(last, day)}) with peak pain "
            f"{pain_text(th.PAIN_SAFE_MAX)} or less, so you step up to {what}.")


def regress_reason(trig: str, a: Analysis, day: date, mins: int, gentle: bool = False) -> str:
    today = f"today is an easy {mins}-minute bike, swim, cross-trainer or walk"
    if gentle:
        today = (f"with your back at {pain_text(a.pain)} today is gentle movement only: a short easy walk and "
                 f"some mobility, {th.SEVERE_MAX_MINUTES} minutes at most")
    t = a.today
    assert t is not None
    if trig == "peak":
        return f"Peak pain was {pain_text(t.pk)} during {session_ref(t, day)}, so {today}"
    if trig == "mornings":
        return (f"Your morning pain was {num_text(th.REGRESS_MORNING_RISE)} or more points above your usual on "
                f"{th.REGRESS_MORNINGS} mornings this week ({pain_text(t.p)} today), so {today}")
    means = [a.week_mean(w) for w in range(th.TREND_RISING_WEEKS, -1, -1)]
    shown = " → ".join(num_text(m) if m is not None else "-" for m in means)
    return f"Your average morning pain has risen {th.TREND_RISING_WEEKS} weeks running ({shown}), so {today}"


def cut_clause(old: Progression, new: Progression, cut_done: bool) -> str:
    if not cut_done or new == old or (old.stage == new.stage and old.target == new.target):
        return ""
    if new.stage >= th.CONTINUOUS_STAGE:
        return f", and running drops to {new.target} minutes next time"
    if old.stage >= th.CONTINUOUS_STAGE or new.stage < old.stage:
        return f", and the plan steps back to {stage_label(new.stage)}"
    return ""


def keep_moving_reason(days: int, what: str) -> str:
    if days >= th.KEEP_MOVING_FIRM_DAYS:
        return (f"That is {days} days with little movement, and rest tends to make back pain worse, so today is "
                f"{what}, or at least a {WALK_RANGE} minute walk.")
    return f"You have had {days} quiet days, so get moving again with {what}; even a {WALK_RANGE} minute walk helps."


def session_ref(r: DayRecord, day: date) -> str:
    """'yesterday's 20-minute run': the session a check-in reported (done the day before it). Named by
    weekday only within the last week; older sessions by their age ("your 20-minute run 13 days ago")."""
    done = r.d - timedelta(days=1)
    age = (day - done).days
    kind = KIND_NAME.get(r.k, "session")
    size = f"{num_text(round(r.m))}-minute " if r.m is not None and r.m >= 1 else ""
    if r.d == day:
        return f"yesterday's {size}{kind}"
    if age < th.WEEK_DAYS:
        return f"{WEEKDAYS[done.weekday()]}'s {size}{kind}"
    return f"your {size}{kind} {age} days ago"


#: Kinds in the plural, for "you have mostly been choosing bike rides".
KIND_PLURAL = {"walk": "walks", "walk_run": "walk/runs", "cycle": "bike rides", "swim": "swims",
               "cross_trainer": "cross-trainer sessions", "strength": "strength sessions", "other": "other sessions"}


def ack(a: Analysis, day: date) -> list[str]:
    """Clauses acknowledging today's check-in (rule 10 and item 10: a changed input never gets yesterday's
    words): what was done, a run over 110% of the 30-day longest (named, no step up for a week)."""
    t = a.today
    if t is None:
        return []
    out: list[str] = []
    if t.ov > 0 and t.rl > 0:
        out.append(f"yesterday's {num_text(round(t.rl))}-minute run was {round((t.rl / t.ov - 1) * 100)}% over your "
                   f"{th.LONGEST_RUN_DAYS}-day longest ({num_text(round(t.ov))} min), more than the safe "
                   f"{pct(th.SESSION_CAP_FACTOR)}, so no step up this week")
    return out


def noted(a: Analysis, day: date, reason: str) -> tuple[str, str]:
    """What the reason does not say of today's check-in: a lead ("Thanks for yesterday's 40-minute bike
    ride", "After a rest day") and a tail (" (your back: 3/10 this morning)"), so that a changed input
    never gets yesterday's words."""
    t = a.today
    if t is None:
        return "", ""
    lead = tail = ""
    if t.k and session_ref(t, day) not in reason and f"ran {num_text(round(t.rl))} minutes yesterday" not in reason:
        lead = f"thanks for {session_ref(t, day)}"
    elif not t.k and "yesterday" not in reason:
        if t.k:
            lead = f"thanks for {session_ref(t, day)}"
        else:
            lead = "after a quiet day"
    if t.p is not None and pain_text(t.p) not in reason:
        tail = f" (your back: {pain_text(t.p)} this morning)"
    return lead, tail


def adopt_clause(r: DayRecord, day: date, prog: Progression) -> str:
    what = f"{prog.target} minutes of running" if prog.stage >= th.CONTINUOUS_STAGE else stage_label(prog.stage)
    return f"{session_ref(r, day)} settled well, so the plan builds from {what}"


def join_clauses(lead: list[str], more: str | list[str]) -> list[str]:
    return [*lead, *([more] if isinstance(more, str) else more)]


_LOWER_OK = ("Your ", "You ", "This ", "There ", "Peak ", "That ", "Until ", "Leg ", "Weakness ", "Numbness ",
             "Yesterday ")


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
    return "today" if days == 0 else "yesterday" if days == 1 else f"{days} days ago"


def join_words(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def capitalised(s: str) -> str:
    return s[:1].upper() + s[1:]


def pain_text(x: float | None) -> str:
    return f"{num_text(x)}/10" if x is not None else "-"


def num_text(x: float) -> str:
    x = round(float(x), 1)
    return str(int(x)) if x.is_integer() else f"{x:g}"
