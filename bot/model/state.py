"""What the model stores per user: compact day records in a bounded window, and the level."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

STATE_VERSION = 4

# --- state -----------------------------------------------------------------------------------------


class DayRecord(NamedTuple):
    """One check-in, compacted: what the rules need of it, and what the model answered.

    A NamedTuple rather than a dataclass: a step builds one or two and reads ~40, and tuples are the
    cheapest immutable records Python has.
    """

    d: date
    #: Morning pain 0-10 (None: not given).
    p: float | None = None
    #: Baseline before this morning: median of up to BASELINE_CHECKINS earlier pains.
    b: float | None = None
    #: Main activity reported ("" none) and its minutes, for naming it in reasons.
    k: str = ""
    m: float | None = None
    #: Longest single run and total running minutes reported.
    rl: float = 0.0
    rt: float = 0.0
    #: A run or walk/run was reported.
    ran: bool = False
    #: A walk (or more) long enough to count as a stage-0 session.
    w20: bool = False
    #: At least INACTIVE_MINUTES of activity.
    act: bool = False
    #: A strength session was reported.
    st: bool = False
    #: Peak pain during the reported session(s).
    pk: float | None = None
    #: The session felt hard (effort "hard" or RPE >= HARD_RPE).
    hard: bool = False
    leg: bool = False
    #: Red flags reported (ids of bot/red_flags.py; "other" for unknown ones).
    flags: tuple[str, ...] = ()
    #: Leg pain 0-10, its own number (None: not given), and the leg symptoms reported.
    lp: float | None = None
    ls: tuple[str, ...] = ()
    #: Possible red flags (asked about by the dialogue before they count).
    pf: tuple[str, ...] = ()
    #: The user said they are worried / struggling; a professional has checked them.
    wo: bool = False
    cl: bool = False
    #: All activity minutes reported (the week's load for "not improving while load fell").
    am: float = 0.0
    #: Kilometres and minutes of runs logged with both (the user's own pace).
    km: float = 0.0
    kmm: float = 0.0
    #: A run over 110% of the previous 30-day longest: that longest (0.0: no such run).
    ov: float = 0.0
    #: The model's answer that day: action, rule, trigger, nudge ("" none), and its running minutes
    #: (or minutes, for a session without running).
    pa: str = ""
    pr: str = ""
    pt: str = ""
    pn: str = ""
    pm: int = 0
    #: The user said their back is getting worse / not getting better (appended last: older rows lack it).
    ws: bool = False
    #: The user said they rested (a check-in with a pain score alone says nothing of what was done).
    rs: bool = False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"d": self.d.isoformat()}
        for name, v in zip(self._fields[1:], self[1:], strict=True):
            if v is None or v is False or v == "" or v == () or (name in _ZERO_DEFAULT and v == 0):
                continue
            if isinstance(v, tuple):
                out[name] = list(v)
            elif v is True:
                out[name] = 1
            elif isinstance(v, float):
                out[name] = _jval(v)
            else:
                out[name] = v
        return out

    @classmethod
    def from_row4(cls, r: list[Any]) -> DayRecord:
        # _make, not cls(...): the generated __new__ is Python code, _make is tuple's own.
        rest = (*r[18:], *([False] * (len(cls._fields) - len(r))))  # fields appended since: not said
        return cls._make((date.fromordinal(r[0]), *r[1:14], tuple(r[14]), r[15], tuple(r[16]), tuple(r[17]),
                          *rest))

    @classmethod
    def from_row3(cls, r: list[Any]) -> DayRecord:
        m = r[4]
        return cls._make((date.fromordinal(r[0]), *r[1:14], tuple(r[14]), *_new_in_4(m), *r[15:19], 0, False, False))

    @classmethod
    def from_row(cls, r: list[Any]) -> DayRecord:
        (d, p, b, k, m, rl, rt, ran, w20, act, st, pk, hard, leg, flags, pa, pr, pt, pn) = r
        return cls._make((date.fromisoformat(d), _opt_float(p), _opt_float(b), k, _opt_float(m), float(rl),
                          float(rt), bool(ran), bool(w20), bool(act), bool(st), _opt_float(pk), bool(hard),
                          bool(leg), tuple(flags), *_new_in_4(_opt_float(m)), pa, pr, pt, pn, 0, False, False))

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DayRecord:
        return cls(
            d=date.fromisoformat(d["d"]),
            p=_opt_float(d.get("p")), b=_opt_float(d.get("b")),
            k=str(d.get("k", "")), m=_opt_float(d.get("m")),
            rl=float(d.get("rl", 0.0)), rt=float(d.get("rt", 0.0)),
            ran=bool(d.get("ran")), w20=bool(d.get("w20")), act=bool(d.get("act")), st=bool(d.get("st")),
            pk=_opt_float(d.get("pk")), hard=bool(d.get("hard")), leg=bool(d.get("leg")),
            flags=tuple(str(f) for f in d.get("flags", ())),
            lp=_opt_float(d.get("lp")), ls=tuple(str(x) for x in d.get("ls", ())),
            pf=tuple(str(x) for x in d.get("pf", ())), wo=bool(d.get("wo")), cl=bool(d.get("cl")),
            am=float(d.get("am", d.get("m") or 0.0)), km=float(d.get("km", 0.0)), kmm=float(d.get("kmm", 0.0)),
            ov=float(d.get("ov", 0.0)), pm=int(d.get("pm", 0)),
            pa=str(d.get("pa", "")), pr=str(d.get("pr", "")), pt=str(d.get("pt", "")), pn=str(d.get("pn", "")), ws=bool(d.get("ws")),
            rs=bool(d.get("rs")),
        )


@dataclass(frozen=True, slots=True)
class Progression:
    """The user's current level and when it last changed."""

    #: 0 walking, 1-9 Couch to 5K weeks, 10 continuous running.
    stage: int
    #: Continuous-run minutes at stage 10 (0 below).
    target: int
    #: Last change of level: seeding, progress or regress. Sessions after it are "at this level".
    since: date
    #: When the level was last seeded from the profile (onboarding or settings).
    seeded_on: date
    last_progress: date | None = None
    last_cut: date | None = None
    #: When the user was last told they keep doing something else than suggested (rule 10).
    told: date | None = None
    #: When the user who runs more often than the week shape was told so (rule 9 advice, said once).
    shape_told: date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage, "target": self.target, "since": self.since.isoformat(),
            "seeded_on": self.seeded_on.isoformat(),
            "last_progress": iso(self.last_progress), "last_cut": iso(self.last_cut), "told": iso(self.told),
            "shape_told": iso(self.shape_told),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Progression:
        return cls(
            stage=int(d["stage"]), target=int(d.get("target", 0)), since=date.fromisoformat(d["since"]),
            seeded_on=date.fromisoformat(d.get("seeded_on", d["since"])),
            last_progress=_opt_date(d.get("last_progress")), last_cut=_opt_date(d.get("last_cut")),
            told=_opt_date(d.get("told")), shape_told=_opt_date(d.get("shape_told")),
        )


@dataclass(frozen=True)
class ToleranceState:
    """Bounded per-user state: at most WINDOW_DAYS day records plus the current level."""

    start: date
    prog: Progression
    records: tuple[DayRecord, ...] = ()
    #: The comfortable running minutes the level was seeded from (None: none given / new runner).
    seed_minutes: int | None = None
    #: The day of the last step, and the level as it was before that step: a second check-in for the
    #: same day (a correction) restarts from it, so nothing is counted twice.
    last_step: date | None = None
    undo: Progression | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "v": STATE_VERSION,
            "start": self.start.isoformat(),
            "seed_minutes": self.seed_minutes,
            "prog": self.prog.to_dict(),
            "last_step": iso(self.last_step),
            "undo": self.undo.to_dict() if self.undo else None,
            # A record's stored form (version 4, read by DayRecord.from_row4; version 3 had no fields
            # between ``flags`` and ``pa``, nor ``pm``): positional, the date (field 0) as its ordinal,
            # every other field as it is (JSON keeps floats, bools and strings). ~40 records are
            # written on every check-in: no per-field conversion, and no method call per record.
            "records": [(r[0].toordinal(), *r[1:]) for r in self.records],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ToleranceState:
        undo = d.get("undo")
        seed = d.get("seed_minutes")
        return cls(
            start=date.fromisoformat(d["start"]),
            prog=Progression.from_dict(d["prog"]),
            records=_records_from(d.get("records", ()), int(d.get("v", 1))),
            seed_minutes=None if seed is None else int(seed),
            last_step=_opt_date(d.get("last_step")),
            undo=Progression.from_dict(undo) if undo else None,
        )


_ZERO_DEFAULT = frozenset({"rl", "rt", "am", "km", "kmm", "ov", "pm"})


def _new_in_4(m: float | None) -> tuple[Any, ...]:
    """Version-4 fields for an older record: nothing known, its main minutes as its load."""
    return (None, (), (), False, False, float(m or 0.0), 0.0, 0.0, 0.0)


# --- small helpers ---------------------------------------------------------------------------------


def clean(x: float | None, lo: float, hi: float) -> float | None:
    """A finite number clamped to [lo, hi], or None."""
    if x is None:
        return None
    # Most values are floats already (a step cleans ~15): float() of an exact float is the float itself.
    if x.__class__ is float:
        v = x
    else:
        try:
            v = float(x)
        except (TypeError, ValueError):
            return None
    if v - v != 0.0:  # NaN or infinite (inf - inf is NaN)
        return None
    return hi if v > hi else lo if v < lo else v


def _records_from(rows: Any, version: int) -> tuple[DayRecord, ...]:
    # Version 1 stored each record as a dict, version 2 as a row with an ISO date and 0/1 flags,
    # version 3 as a row with the date's ordinal and every value as it is, version 4 the same with the
    # fields of issue 8 (leg pain, possible flags, worried, cleared, load, pace, overreach, minutes asked).
    if version >= 4:
        return tuple(DayRecord.from_row4(r) for r in rows)
    if version == 3:
        return tuple(DayRecord.from_row3(r) for r in rows)
    return tuple(DayRecord.from_row(r) if isinstance(r, list) else DayRecord.from_dict(r) for r in rows)


def _jval(x: float) -> float | int:
    """Exact JSON form of a stored number: whole numbers as ints, others unchanged (round-trips)."""
    return int(x) if x.is_integer() else x


def jnum(x: float | int) -> float | int:
    x = float(x)
    return int(x) if x.is_integer() else round(x, 2)


def iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _opt_date(s: Any) -> date | None:
    return date.fromisoformat(s) if s else None


def _opt_float(x: Any) -> float | None:
    return None if x is None else float(x)
