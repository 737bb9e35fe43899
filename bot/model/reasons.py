"""The words: the one-sentence reason the user reads with each session."""

from __future__ import annotations

from datetime import date, timedelta

from bot import thresholds as th
from bot.model.analysis import Analysis
from bot.model.record import KIND_NAME
from bot.model.state import DayRecord, Progression, ToleranceState
from bot.stages import STAGES, Session, stage_label

WALK_RANGE = "-".join(str(m) for m in th.KEEP_MOVING_WALK_RANGE)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
FLAG_WORDS = {
    "saddle_numbness": "numbness around the groin or buttocks",
    "bladder_bowel": "new bladder or bowel trouble",
    "leg_weakness": "weakness or numbness in your legs",
    "trauma": "back pain after a fall or accident",
    "fever": "a fever with your back pain",
    "night_pain": "night pain that rest does not ease",
    "weight_loss": "unexplained weight loss",
}

# --- words -----------------------------------------------------------------------------------------


def phrase(s: Session, prog: Progression) -> str:
    if s.action == "walk":
        return f"a {s.minutes}-minute brisk walk"
    if s.action == "run":
        return f"{s.run_minutes} minutes of easy running"
    label = STAGES[prog.stage].label if prog.stage < th.CONTINUOUS_STAGE else "walk/run"
    return f"{label}'s walk/run ({s.description})"


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


def regress_reason(trig: str, a: Analysis, day: date, mins: int) -> str:
    today = f"today is an easy {mins}-minute bike, swim, cross-trainer or walk"
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
    """'yesterday's 20-minute run': the session a check-in reported (done the day before it)."""
    when = "yesterday's" if r.d == day else f"{WEEKDAYS[(r.d - timedelta(days=1)).weekday()]}'s"
    kind = KIND_NAME.get(r.k, "session")
    if r.m is not None and r.m >= 1:
        return f"{when} {num_text(r.m)}-minute {kind}"
    return f"{when} {kind}"


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
