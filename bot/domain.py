"""Plain data the whole core speaks: check-ins, activities, profiles, recommendations.

No I/O and no framework here: the parser produces these, the tolerance model consumes them,
the store persists them, and the export/simulate formats are their ``to_dict`` forms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from bot.red_flags import BY_ID as _FLAGS
from bot.red_flags import IDS as RED_FLAG_IDS

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

# Red flags: ids, urgency and words are in bot/red_flags.py (one table, with sources).
RED_FLAGS: tuple[str, ...] = RED_FLAG_IDS

#: Red flags that need emergency care now (A&E / emergency number).
EMERGENCY_RED_FLAGS: frozenset[str] = frozenset(f for f, spec in _FLAGS.items() if spec.urgency == "emergency")
#: Red flags that need a doctor the same day.
SAME_DAY_RED_FLAGS: frozenset[str] = frozenset(f for f, spec in _FLAGS.items() if spec.urgency == "same_day")
#: Red flags that need a GP appointment soon.
SOON_RED_FLAGS: frozenset[str] = frozenset(f for f, spec in _FLAGS.items() if spec.urgency == "soon")

#: Leg symptoms (domain.md rule 2), each its own signal beside the leg pain number.
LEG_SYMPTOMS: tuple[str, ...] = (
    "leg_pain",          # pain spreading into a leg (sciatica-like), with or without a number
    "below_knee",        # pain or pins and needles spreading below the knee
    "pins_and_needles",  # tingling, pins and needles in one leg or foot
    "numb_patch",        # numbness in one leg or foot
    "one_leg_weakness",  # weakness in one leg (both legs: the red flag leg_weakness)
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
    #: The distance was given in miles: a hint for saying it back, not stored (``km`` holds the distance).
    miles: bool = field(default=False, compare=False)

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
    #: Leg pain 0-10, its own number, never the back score ("back 3 leg 6", "sciatica 6").
    leg_pain: float | None = None
    #: Leg symptoms mentioned (LEG_SYMPTOMS), with or without a number.
    leg_symptoms: tuple[str, ...] = ()
    #: Possible red flags (bot.red_flags.POSSIBLE): a mention in a harmless or low-energy context,
    #: asked about with one yes/no question before it counts.
    possible_flags: tuple[str, ...] = ()
    #: The user says they are worried, scared or struggling to cope (domain.md rule 2).
    worried: bool = False
    #: The user says their back is getting worse over time or not getting better ("worse not better",
    #: "hurts more each week"): NHS "see a GP if it is getting worse" (domain.md rule 2, not improving).
    worse: bool = False
    #: The user says a professional has checked them ("GP checked me, all clear").
    cleared: bool = False
    #: An explicit correction of the day's earlier message ("actually", "I meant"): its activities
    #: replace the day's instead of adding to them.
    correction: bool = False
    #: "same as yesterday" / "did what you said": the session is to be confirmed, not guessed.
    same_as: Literal["yesterday", "suggested"] | None = None
    text: str = ""
    #: When the text gave two different pain scores (``2/10 ... actually 8/10``): the earlier one.
    #: ``pain`` holds the later one; the dialogue confirms it with the user.
    pain_conflict: float | None = None
    #: True when the input was longer than the parser reads and was cut.
    truncated: bool = False

    @property
    def has_leg_symptoms(self) -> bool:
        return self.leg_pain is not None or bool(self.leg_symptoms)

    @property
    def understood(self) -> bool:
        """Whether the text gave anything a check-in can record."""
        return bool(
            self.pain is not None or self.rested or self.activities or self.red_flags
            or self.has_leg_symptoms or self.possible_flags or self.worried or self.worse or self.cleared
            or self.same_as is not None
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "pain": _num(self.pain),
            "rested": self.rested,
            "text": self.text,
            "activities": [a.to_dict() for a in self.activities],
            "red_flags": list(self.red_flags),
            "leg_pain": _num(self.leg_pain),
            "leg_symptoms": list(self.leg_symptoms),
            "possible_flags": list(self.possible_flags),
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
    #: How soon to see someone: ``emergency``, ``same_day`` (red flags, ``seek_care``) or ``soon``
    #: (a referral, or a flag that needs a GP appointment in the next days).
    urgency: Literal["emergency", "same_day", "soon"] | None = None
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
