"""What a check-in said, in a few words: the first line of every answer to one, so the user sees
what was recorded and can correct it (issue 8)."""

from __future__ import annotations

from bot import messages as M
from bot import red_flags
from bot.domain import Activity, CheckIn
from bot.model.reasons import num_text
from bot.model.record import KIND_NAME
from bot.parse.quantity import KM_PER_MILE
from bot.stages import seconds_text

_LEG = M.UNDERSTOOD_LEG_SYMPTOMS
_POSSIBLE = M.UNDERSTOOD_POSSIBLE


def activity(a: Activity) -> str:
    name = KIND_NAME.get(a.kind, M.SESSION_FALLBACK)
    if a.intervals is not None and a.kind == "walk_run":
        iv = a.intervals
        what = M.UNDERSTOOD_INTERVALS.format(run=seconds_text(iv.run_s), walk=seconds_text(iv.walk_s),
                                             repeats=iv.repeats)
    elif a.minutes is not None and a.km is not None:
        what = M.UNDERSTOOD_MINUTES_KM.format(minutes=num_text(a.minutes), name=name, km=_distance(a))
    elif a.minutes is not None:
        what = M.UNDERSTOOD_MINUTES.format(minutes=num_text(a.minutes), name=name)
    elif a.km is not None:
        what = M.UNDERSTOOD_KM.format(km=_distance(a), name=name)
    else:
        what = name
    if a.effort:
        what += M.UNDERSTOOD_EFFORT.format(effort=a.effort)
    if a.pain_during is not None:
        what += M.UNDERSTOOD_DURING.format(n=num_text(a.pain_during))
    return what


def _distance(a: Activity) -> str:
    """'5 km', or '3 miles' when the user said miles: what was understood, in their unit."""
    assert a.km is not None
    if a.miles:
        mi = a.km / KM_PER_MILE
        return (M.UNDERSTOOD_MILE if round(mi, 1) == 1 else M.UNDERSTOOD_MILES).format(n=num_text(mi))
    return M.UNDERSTOOD_KM_UNIT.format(n=num_text(a.km))


def said(ci: CheckIn) -> str:
    """``back 4/10, leg 6/10, 25 min run, pain 3 during``; "" when nothing was recorded."""
    parts: list[str] = []
    if ci.pain is not None:
        parts.append(M.UNDERSTOOD_BACK.format(n=num_text(ci.pain)))
    if ci.leg_pain is not None:
        parts.append(M.UNDERSTOOD_LEG.format(n=num_text(ci.leg_pain)))
    parts += [_LEG[s] for s in ci.leg_symptoms if s in _LEG and not (s == "leg_pain" and ci.leg_pain is not None)]
    parts += [activity(a) for a in ci.activities]
    if ci.rested and not ci.activities:
        parts.append(M.UNDERSTOOD_REST)
    parts += [red_flags.BY_ID[f].words if f in red_flags.BY_ID else f.replace("_", " ") for f in ci.red_flags]
    parts += [_POSSIBLE.get(f, f.replace("_", " ")) for f in ci.possible_flags]
    if ci.worried:
        parts.append(M.UNDERSTOOD_WORRIED)
    if ci.worse:
        parts.append(M.UNDERSTOOD_WORSE)
    if ci.cleared:
        parts.append(M.UNDERSTOOD_CLEARED)
    return M.UNDERSTOOD_SEP.join(parts)

