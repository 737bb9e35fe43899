"""Plain data the whole core speaks: check-ins, activities, profiles, recommendations.

No I/O and no framework here: the parser produces these, the tolerance model consumes them,
the store persists them, and the export/simulate formats are their ``to_dict`` forms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ActivityKind = Literal[
    "run", "walk", "walk_run", "cycle", "swim", "cross_trainer", "strength", "other"
]
ACTIVITY_KINDS: tuple[str, ...] = (
    "run", "walk", "walk_run", "cycle", "swim", "cross_trainer", "strength", "other",
)
#: Kinds that keep aerobic fitness without running impact (domain.md principle 3).
CROSS_TRAINING_KINDS: frozenset[str] = frozenset({"cycle", "swim", "cross_trainer", "walk"})

Effort = Literal["easy", "steady", "hard"]
Experience = Literal["new", "returning", "regular"]
EXPERIENCES: tuple[str, ...] = ("new", "returning", "regular")

RedFlag = Literal[
    "saddle_numbness", "bladder_bowel", "leg_weakness", "fever", "trauma", "night_pain", "weight_loss",
]
#: Red flags that need emergency care now (A&E / emergency number).
EMERGENCY_RED_FLAGS: frozenset[str] = frozenset(
    {"saddle_numbness", "bladder_bowel", "leg_weakness", "trauma"}
)
#: Red flags that need a doctor the same day.
SAME_DAY_RED_FLAGS: frozenset[str] = frozenset({"fever", "night_pain", "weight_loss"})
RED_FLAGS: tuple[str, ...] = (
    "saddle_numbness", "bladder_bowel", "leg_weakness", "fever", "trauma", "night_pain", "weight_loss",
)

Action = Literal["run", "walk_run", "walk", "cross_train", "strength", "rest", "seek_care"]
Nudge = Literal["keep_moving", "add_strength"]

DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Intervals:
    """A walk/run block: ``repeats`` x (run ``run_s`` seconds, walk ``walk_s`` seconds)."""

    run_s: int
    walk_s: int
    repeats: int

    def to_dict(self) -> dict[str, int]:
        return {"run_s": self.run_s, "walk_s": self.walk_s, "repeats": self.repeats}


@dataclass(frozen=True)
class Activity:
    """One thing done since the last check-in."""

    kind: ActivityKind
    minutes: float | None = None
    km: float | None = None
    effort: Effort | None = None
    #: Peak pain during the session, 0-10.
    pain_during: float | None = None
    #: Running minutes inside the session: equals ``minutes`` for a run, part of it for walk/run.
    run_minutes: float | None = None
    intervals: Intervals | None = None
    #: Rate of perceived exertion 0-10, when the user gave one.
    rpe: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "minutes": _num(self.minutes),
            "km": _num(self.km),
            "effort": self.effort,
            "pain_during": _num(self.pain_during),
            "run_minutes": _num(self.run_minutes),
            "intervals": self.intervals.to_dict() if self.intervals else None,
            "rpe": _num(self.rpe),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Activity:
        iv = d.get("intervals")
        return cls(
            kind=d["kind"],
            minutes=d.get("minutes"),
            km=d.get("km"),
            effort=d.get("effort"),
            pain_during=d.get("pain_during"),
            run_minutes=d.get("run_minutes"),
            intervals=Intervals(**iv) if iv else None,
            rpe=d.get("rpe"),
        )


@dataclass(frozen=True)
class CheckIn:
    """What a user's reply says: the parser's output and the model's input.

    ``pain`` is this morning's back pain (0-10 NRS); ``activities`` is what was done since the
    last check-in. A field the text did not give is ``None`` / empty.
    """

    pain: float | None = None
    rested: bool = False
    activities: tuple[Activity, ...] = ()
    red_flags: tuple[str, ...] = ()
    #: Pain spreading into a leg (sciatica-like); feeds the "refer" rule, not a red flag by itself.
    leg_pain: bool = False
    text: str = ""
    #: When the text gave two different pain scores (``2/10 ... actually 8/10``): the earlier one.
    #: ``pain`` holds the later one; the dialogue confirms it with the user.
    pain_conflict: float | None = None
    #: True when the input was longer than the parser reads and was cut.
    truncated: bool = False

    @property
    def understood(self) -> bool:
        """Whether the text gave anything a check-in can record."""
        return bool(
            self.pain is not None or self.rested or self.activities or self.red_flags or self.leg_pain
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "pain": _num(self.pain),
            "rested": self.rested,
            "text": self.text,
            "activities": [a.to_dict() for a in self.activities],
            "red_flags": list(self.red_flags),
            "leg_pain": self.leg_pain,
        }


@dataclass(frozen=True)
class Recommendation:
    """The model's answer: one concrete session (or care advice) and why."""

    action: Action
    minutes: int = 0
    run_minutes: int = 0
    intervals: Intervals | None = None
    effort: Effort | None = None
    nudges: tuple[Nudge, ...] = ()
    reason: str = ""
    #: Which rule of domain.md decided it (``red_flag``, ``refer``, ``regress``, ``cross_train``,
    #: ``hold``, ``progress``, ``start``...): explainability, and tests.
    rule: str = ""
    #: Also see a GP/physio (rule 2), while training advice continues.
    refer: bool = False
    #: For ``seek_care``: ``emergency`` or ``same_day``.
    urgency: Literal["emergency", "same_day"] | None = None
    red_flags: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "minutes": self.minutes,
            "run_minutes": self.run_minutes,
            "intervals": self.intervals.to_dict() if self.intervals else None,
            "effort": self.effort,
            "nudges": list(self.nudges),
            "reason": self.reason,
            "rule": self.rule,
            "refer": self.refer,
            "urgency": self.urgency,
            "red_flags": list(self.red_flags),
        }


@dataclass(frozen=True)
class Profile:
    """What onboarding asks; what the model needs of it is ``experience`` and ``comfortable_run_minutes``."""

    experience: Experience = "new"
    comfortable_run_minutes: int | None = None
    timezone: str = "UTC"
    checkin_time: str = "08:00"
    days: tuple[str, ...] = DAYS
    reminders: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


def _num(x: float | None) -> float | int | None:
    """Whole numbers print as ints in JSON (``20`` not ``20.0``)."""
    if x is None:
        return None
    if float(x).is_integer():
        return int(x)
    return round(float(x), 2)
