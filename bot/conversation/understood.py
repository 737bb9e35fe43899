"""What a check-in said, in a few words: the first line of every answer to one, so the user sees
what was recorded and can correct it (issue 8)."""

from __future__ import annotations

from bot import red_flags
from bot.domain import Activity, CheckIn
from bot.model.reasons import num_text
from bot.model.record import KIND_NAME
from bot.stages import seconds_text

_LEG = {"leg_pain": "pain into your leg", "below_knee": "symptoms below the knee",
        "pins_and_needles": "pins and needles", "numb_patch": "a numb patch", "one_leg_weakness": "a weak leg"}
_POSSIBLE = {"minor_fall": "a fall", "saddle_numbness_context": "numbness after sitting or riding",
             "tingling_context": "tingling"}


def activity(a: Activity) -> str:
    name = KIND_NAME.get(a.kind, "session")
    if a.intervals is not None and a.kind == "walk_run":
        iv = a.intervals
        what = f"walk/run ({seconds_text(iv.run_s)} run, {seconds_text(iv.walk_s)} walk x{iv.repeats})"
    elif a.minutes is not None and a.km is not None:
        what = f"{num_text(a.minutes)} min {name} ({num_text(a.km)} km)"
    elif a.minutes is not None:
        what = f"{num_text(a.minutes)} min {name}"
    elif a.km is not None:
        what = f"{num_text(a.km)} km {name}"
    else:
        what = name
    if a.effort:
        what += f", {a.effort}"
    if a.pain_during is not None:
        what += f", pain {num_text(a.pain_during)} during"
    return what


def said(ci: CheckIn) -> str:
    """``back 4/10, leg 6/10, 25 min run, pain 3 during``; "" when nothing was recorded."""
    parts: list[str] = []
    if ci.pain is not None:
        parts.append(f"back {num_text(ci.pain)}/10")
    if ci.leg_pain is not None:
        parts.append(f"leg {num_text(ci.leg_pain)}/10")
    parts += [_LEG[s] for s in ci.leg_symptoms if s in _LEG and not (s == "leg_pain" and ci.leg_pain is not None)]
    parts += [activity(a) for a in ci.activities]
    if ci.rested and not ci.activities:
        parts.append("a rest day")
    parts += [red_flags.BY_ID[f].words if f in red_flags.BY_ID else f.replace("_", " ") for f in ci.red_flags]
    parts += [_POSSIBLE.get(f, f.replace("_", " ")) for f in ci.possible_flags]
    if ci.worried:
        parts.append("you're worried about your back")
    if ci.worse:
        parts.append("it's getting worse")
    if ci.cleared:
        parts.append("a professional has checked you")
    return ", ".join(parts)

