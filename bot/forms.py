"""A structured check-in (a platform's form, e.g. Slack's modal): its fields, reading them, and the
typed reply it stands for. Pure: no I/O. The adapter shows the fields and passes back what was
entered; the core reads it here and records it as the typed reply it equals, so a form and a
message give the same check-in."""

from __future__ import annotations

from collections.abc import Mapping

from bot import messages as M
from bot.ports import CheckinForm

#: (value, label) of the "what did you do" choices, as a form shows them.
ACTIVITY_OPTIONS: tuple[tuple[str, str], ...] = (
    ("run", "Run"),
    ("walk_run", "Walk/run"),
    ("walk", "Walk"),
    ("cycle", "Cycle"),
    ("swim", "Swim"),
    ("cross_trainer", "Cross trainer"),
    ("strength", "Strength"),
    ("rest", "Rest day"),
)
_KINDS = dict(ACTIVITY_OPTIONS)
#: How each kind is typed, so the form is recorded as the reply a user would type.
_TYPED = {"run": "ran", "walk_run": "walk/run", "walk": "walked", "cycle": "cycled", "swim": "swam",
          "cross_trainer": "cross trainer", "strength": "strength"}
#: The form's fields, in order.
FIELDS = ("back_pain", "leg_pain", "activity", "minutes", "pain_during")
PAIN_SCALE = tuple(str(n) for n in range(11))
MAX_MINUTES = 600


def read_checkin_form(values: Mapping[str, str | None]) -> CheckinForm | dict[str, str]:
    """The form's values (text as entered, None when left empty) as a :class:`CheckinForm`, or
    the errors, one text per field name (what a form shows beside the field)."""
    errors: dict[str, str] = {}
    back = _score(values.get("back_pain"), "back_pain", errors, required=True)
    leg = _score(values.get("leg_pain"), "leg_pain", errors)
    during = _score(values.get("pain_during"), "pain_during", errors)
    activity = (values.get("activity") or "").strip()
    if activity not in _KINDS:
        errors["activity"] = M.FORM_ACTIVITY
    minutes: int | None = None
    raw = (values.get("minutes") or "").strip().lower().removesuffix("min").strip()
    if raw:
        try:
            minutes = round(float(raw))
        except ValueError:
            errors["minutes"] = M.FORM_MINUTES
        else:
            if not 1 <= minutes <= MAX_MINUTES:
                errors["minutes"] = M.FORM_MINUTES
    if activity not in ("", "rest") and activity in _KINDS and minutes is None and "minutes" not in errors:
        errors["minutes"] = M.FORM_MINUTES_NEEDED
    if errors:
        return errors
    assert back is not None
    rest = activity == "rest"
    return CheckinForm(back_pain=back, leg_pain=leg, activity=activity, minutes=None if rest else minutes,
                       pain_during=None if rest else during)


def _score(raw: str | None, name: str, errors: dict[str, str], *, required: bool = False) -> int | None:
    t = (raw or "").strip().removesuffix("/10").strip()
    if not t:
        if required:
            errors[name] = M.FORM_PAIN
        return None
    if t not in PAIN_SCALE:
        errors[name] = M.FORM_PAIN
        return None
    return int(t)


def typed_form(form: CheckinForm) -> str:
    """The reply a user would type for ``form`` ("back 3/10, leg 2/10, ran 20 min, pain during 4/10")."""
    parts = [f"back {form.back_pain}/10"]
    if form.leg_pain:  # 0 is no leg pain: nothing to say about the leg
        parts.append(f"leg {form.leg_pain}/10")
    if form.activity == "rest":
        parts.append("rested")
    else:
        parts.append(f"{_TYPED[form.activity]} {form.minutes} min")
        if form.pain_during is not None:
            parts.append(f"pain during {form.pain_during}/10")
    return ", ".join(parts)
