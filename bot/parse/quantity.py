"""Numbers with units in a check-in: durations, distances, walk/run intervals, RPE, clock times.

:func:`scan` finds them all in the normalised text and returns them together with a *masked*
copy of the text in which each is blanked out with :data:`MASK` (same length, so positions still
line up). The
pain reader works on the masked copy, so "20 min", "7:30", "x8", "5k" or "RPE 7" can never be
read as a pain score.

Design choices (documented here because they are judgement calls):

- ``20m`` is 20 minutes, ``400m`` (100 or more) is metres.
- ``1:15`` is 1 h 15 min when the first number is 3 or less, ``28:30`` is 28.5 minutes when it
  is 10 or more; ``7:30`` (4-9) is taken as a clock time unless written "in 7:30". Anything
  after "at", "by", "from", "until"... or with am/pm is a clock time, and ``5:30/km`` is a pace:
  both are ignored.
- A distance or duration after "at", "after", "by", "the last"... (``twinge at 3k``) is a point
  in the session, not its length.
- Miles are converted at 1.609 km; a half marathon is 21.0975 km, a marathon 42.195 km.
- Walk/run intervals: ``1 min run 2 min walk x8``, ``run 60s walk 90s x 8``,
  ``8 x 1min run/2min walk``, ``jog 1 min walk 2 min for 24 min``. A number without a unit is
  minutes when 10 or less, else seconds. Without a repeat count or total time the repeats are
  unknown, so ``intervals`` stays None rather than being guessed.
- Couch to 5K (``c25k week 3``, ``c25k w5d2``) uses the NHS plan for that week/day (day 1 when
  not given), without the 5-minute warm-up walk. Weeks whose blocks are uneven (3-6) are
  written as equal blocks with the same running and walking totals. Continuous runs (week 5
  day 3 onwards) are a plain run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain import Intervals
from bot.parse.patterns import DIGITS, Doc, Keyed

KM_PER_MILE = 1.609
HALF_MARATHON_KM = 21.0975
MARATHON_KM = 42.195

_NUM = r"[0-9]+(?:\.[0-9]+)?"
#: Fills the blanked-out spans: neither a word character nor a space nor punctuation, so a
#: blanked number can't be read, can't join two words, and doesn't split a clause.
MASK = "\x01"


@dataclass(slots=True)
class Qty:
    """A duration (``min``), distance (``km``) or swim lengths count (``len``) in the text."""

    start: int
    end: int
    kind: str
    value: float
    #: A point inside the session ("at 3k"), not its size.
    positional: bool = False
    #: A distance the user gave in miles (kept in km; the answer says it back in miles).
    miles: bool = False


@dataclass(slots=True)
class IntervalHit:
    """A walk/run session read from an interval pattern or a Couch to 5K week."""

    start: int
    end: int
    kind: str
    intervals: Intervals | None
    minutes: float | None
    run_minutes: float | None


@dataclass(slots=True)
class RpeHit:
    start: int
    end: int
    value: float | None


@dataclass(slots=True)
class Scan:
    masked: str
    qtys: list[Qty]
    intervals: list[IntervalHit]
    rpes: list[RpeHit]


# --------------------------------------------------------------------------------------------
# Walk/run intervals
# --------------------------------------------------------------------------------------------

_RUNW = r"(?:run|runs|ran|running|jog|jogs|jogged|jogging)"
_WALKW = r"(?:walk|walks|walked|walking|recover|recovery|rest|rests|rested)"


def _dur(p: str) -> str:
    return (rf"(?:(?P<{p}mm>[0-9]{{1,2}}):(?P<{p}ss>[0-5][0-9])|(?P<{p}n>{_NUM})\s*"
            rf"(?P<{p}u>seconds?|secs?|s|minutes?|mins?|m|')?)(?![a-z0-9])")


_PART_RE = Keyed(
    rf"(?<![0-9.])(?<![0-9]/){_dur('a_')}\s*(?:of\s+)?(?:(?P<a_r>{_RUNW})|(?P<a_w>{_WALKW}))\b"
    rf"|\b(?:(?P<b_r>{_RUNW})|(?P<b_w>{_WALKW}))\s*(?:for\s+)?{_dur('b_')}"
    r"(?!\s*(?:k\b|km|mi\b|miles?|met|/\s*10|out\s+of))",
    [*DIGITS, "run", "ran", "jog", "walk", "recover", "rest"],
)
_PAIR_SEP_RE = re.compile(r"[\s,/&+\-]*(?:(?:and|then|&)\s*)?[\s,/&+\-]*")
_REP_BEFORE_RE = re.compile(
    r"(?P<n>[0-9]{1,3})\s*(?:x|times|reps?\s+of|rounds?\s+of|sets?\s+of|lots\s+of|blocks?\s+of"
    r"|intervals\s+of)\s*[(\[]?\s*\Z"
)
_REP_AFTER_RE = re.compile(
    r"\s*[)\]]?[\s,]*(?:x\s*(?P<a>[0-9]{1,3})\b|(?P<b>[0-9]{1,3})\s*(?:x\b|times\b|reps\b|rounds\b|sets\b)"
    r"|(?:repeated|repeat|repeats)\s*(?:x\s*)?(?P<c>[0-9]{1,3})\b(?:\s*times)?"
    r"|for\s+(?P<d>[0-9]{1,3})\s*(?:reps|rounds|times|sets)\b)"
)
_TOTAL_AFTER_RE = re.compile(
    rf"[\s,(]*(?P<kw>for|total|in\s+total|totall?ing|over)?\s*(?:a\s+total\s+of\s+|about\s+|around\s+)?"
    rf"(?P<t>{_NUM})\s*(?:minutes?|mins?|m)\b(?!\s*(?:of\s+)?(?:run|ran|walk|jog|swim|cycl|bike))"
)


def _part_seconds(m: re.Match[str], p: str) -> tuple[float | None, bool]:
    """Seconds of an interval part and whether a unit was written."""
    mm = m.group(p + "mm")
    if mm is not None:
        return int(mm) * 60 + int(m.group(p + "ss")), True
    n = float(m.group(p + "n"))
    unit = m.group(p + "u")
    if unit is None:
        return (n * 60 if n <= 10 else n), False
    if unit.startswith("s"):
        return n, True
    if unit == "m" and n > 60:
        return None, True
    return n * 60, True


@dataclass(slots=True)
class _Part:
    start: int
    end: int
    is_run: bool
    secs: float | None
    unit: bool


def _parts(s: str, doc: Doc) -> list[_Part]:
    out: list[_Part] = []
    for m in _PART_RE.finditer(doc, s):
        p = "a_" if m.group("a_r") or m.group("a_w") else "b_"
        secs, unit = _part_seconds(m, p)
        out.append(_Part(m.start(), m.end(), bool(m.group(p + "r")), secs, unit))
    return out


def _interval_hit(s: str, a: _Part, b: _Part) -> IntervalHit | None:
    if a.secs is None or b.secs is None:
        return None
    run_s, walk_s = (a.secs, b.secs) if a.is_run else (b.secs, a.secs)
    if not (5 <= run_s <= 1800 and 5 <= walk_s <= 1800):
        return None
    start, end = a.start, b.end
    repeats: int | None = None
    before = _REP_BEFORE_RE.search(s, max(0, start - 30), start)
    if before:
        repeats, start = int(before.group("n")), before.start()
    after = _REP_AFTER_RE.match(s, end)
    if after:
        if repeats is None:
            repeats = int(after.group("a") or after.group("b") or after.group("c") or after.group("d"))
        end = after.end()
    total: float | None = None
    tot = _TOTAL_AFTER_RE.match(s, end)
    if tot and (repeats is None or tot.group("kw")):
        total = float(tot.group("t"))
        end = tot.end()
        if repeats is None and total > 0:
            repeats = max(1, round(total * 60 / (run_s + walk_s)))
    if repeats is None and not (a.unit and b.unit and max(run_s, walk_s) <= 300):
        return None
    if repeats is not None and not 1 <= repeats <= 100:
        return None
    if repeats is None:
        return IntervalHit(start, end, "walk_run", None, total, None)
    minutes = total if total else repeats * (run_s + walk_s) / 60
    return IntervalHit(
        start, end, "walk_run", Intervals(round(run_s), round(walk_s), repeats),
        round(minutes, 2), round(repeats * run_s / 60, 2),
    )


def _find_intervals(s: str, doc: Doc) -> list[IntervalHit]:
    parts = _parts(s, doc)
    hits: list[IntervalHit] = []
    i = 0
    while i < len(parts) - 1:
        a, b = parts[i], parts[i + 1]
        if a.is_run != b.is_run and _PAIR_SEP_RE.fullmatch(s, a.end, b.start):
            hit = _interval_hit(s, a, b)
            if hit is not None:
                hits.append(hit)
                i += 2
                continue
        i += 1
    return hits


# --------------------------------------------------------------------------------------------
# Couch to 5K
# --------------------------------------------------------------------------------------------

_C25K_RE = re.compile(
    r"\bcouchtofivek(?:\s+(?:programme|program|plan|app))?"
    r"(?:[\s,:\-]+(?:w|week)\s*(?P<w1>[1-9])\b(?:[\s,:\-]*(?:d|day|run|r)\s*(?P<d1>[1-3])\b)?)?"
    r"|\b(?:w|week)\s*(?P<w2>[1-9])\b(?:[\s,:\-]*(?:d|day|run|r)\s*(?P<d2>[1-3])\b)?[\s,:\-]+(?:of\s+)?"
    r"(?:the\s+)?couchtofivek"
)

#: NHS Couch to 5K, (week, day) -> (running minutes, walking minutes, running blocks).
_C25K_PLAN: dict[tuple[int, int], tuple[float, float, int]] = {
    **{(1, d): (8, 12, 8) for d in (1, 2, 3)},
    **{(2, d): (9, 12, 6) for d in (1, 2, 3)},
    **{(3, d): (9, 9, 4) for d in (1, 2, 3)},
    **{(4, d): (16, 5.5, 4) for d in (1, 2, 3)},
    (5, 1): (15, 6, 3), (5, 2): (16, 5, 2), (5, 3): (20, 0, 1),
    (6, 1): (18, 6, 3), (6, 2): (20, 3, 2), (6, 3): (25, 0, 1),
    **{(7, d): (25, 0, 1) for d in (1, 2, 3)},
    **{(8, d): (28, 0, 1) for d in (1, 2, 3)},
    **{(9, d): (30, 0, 1) for d in (1, 2, 3)},
}


def c25k_session(week: int, day: int = 1) -> IntervalHit | None:
    """The Couch to 5K session of a week and day, positions left at 0."""
    plan = _C25K_PLAN.get((week, day))
    if plan is None:
        return None
    run_m, walk_m, blocks = plan
    if walk_m == 0:
        return IntervalHit(0, 0, "run", None, float(run_m), float(run_m))
    iv = Intervals(round(run_m * 60 / blocks), round(walk_m * 60 / blocks), blocks)
    return IntervalHit(0, 0, "walk_run", iv, float(run_m + walk_m), float(run_m))


def _find_c25k(s: str) -> list[IntervalHit]:
    hits: list[IntervalHit] = []
    for m in _C25K_RE.finditer(s):
        week = m.group("w1") or m.group("w2")
        day = m.group("d1") or m.group("d2") or "1"
        session = c25k_session(int(week), int(day)) if week else None
        if session is None:
            hits.append(IntervalHit(m.start(), m.end(), "walk_run", None, None, None))
        else:
            session.start, session.end = m.start(), m.end()
            hits.append(session)
    return hits


# --------------------------------------------------------------------------------------------
# RPE
# --------------------------------------------------------------------------------------------

_RPE_RE = re.compile(
    r"\b(?:rpe|exertion|perceived\s+effort|effort(?:\s+level)?)\s*(?:of|was|is|at|around|about|approx|~|:|=|-)?"
    rf"\s*(?:a\s+|an\s+|like\s+)?(?P<a>{_NUM})(?:-|\s*to\s*(?P<b>{_NUM}))?"
    r"(?:\s*(?:/|out\s+of)\s*(?P<scale>[0-9]+))?"
    rf"|(?P<c>{_NUM})\s*(?:/|out\s+of)\s*10\s+(?:rpe|effort|exertion)\b"
)


def _find_rpe(s: str) -> list[RpeHit]:
    hits: list[RpeHit] = []
    for m in _RPE_RE.finditer(s):
        if m.group("c") is not None:
            value: float | None = float(m.group("c"))
        else:
            a = float(m.group("a"))
            b = m.group("b")
            value = (a + float(b)) / 2 if b is not None else a
            scale = m.group("scale")
            if scale is not None and scale != "10":
                value = None
        if value is not None and not 0 <= value <= 10:
            value = None
        hits.append(RpeHit(m.start(), m.end(), value))
    return hits


# --------------------------------------------------------------------------------------------
# Durations, distances, counts, clock times
# --------------------------------------------------------------------------------------------

_Q_RE = Keyed(
    r"(?<![0-9]/)(?:(?P<hms>\b(?P<hms_h>[0-9]{1,2}):(?P<hms_m>[0-5][0-9]):(?P<hms_s>[0-5][0-9])\b)"
    r"|(?P<clock>\b(?P<clk_h>[0-9]{1,2}):(?P<clk_m>[0-5][0-9])\b(?P<clk_tail>\s*(?:am\b|pm\b|a\.m|p\.m|o'clock"
    r"|/\s*(?:km|k|mi|mile)\b|per\s+(?:km|k|mi|mile)\b|min\s*/\s*(?:km|k|mi)|pace))?)"
    r"|(?P<ampm>\b[0-9]{1,2}(?:[.:][0-5][0-9])?\s*(?:am|pm|a\.m|p\.m)(?![a-z]))"
    rf"|(?P<hmix>\b(?P<hmix_h>{_NUM})\s*(?:h|hr|hrs|hour|hours)\b(?P<hmix_half>\s+and\s+a\s+half)?"
    r"(?:\s*(?:and\s+)?(?P<hmix_m>[0-9]{1,2})(?:\s*(?:m|min|mins|minutes?)\b)?"
    r"(?![0-9.:/]|\s*(?:k\b|km|mi\b|miles?|x\b|/|:|\.[0-9])))?)"
    r"|(?P<tqhour>\b3\s+quarters\s+(?:of\s+)?(?:an?\s+)?hour\b)"
    rf"|(?P<mins>\b(?P<mins_a>{_NUM})(?:-|\s*to\s*(?P<mins_b>{_NUM}))?\s*(?P<mins_u>minutes?|mins?|mns|m|')"
    r"(?![a-z0-9']))"
    rf"|(?P<secs>\b{_NUM}\s*(?:seconds?|secs?|s)\b)"
    rf"|(?P<metres>\b(?P<metres_n>{_NUM})\s*(?:metres?|meters?|mtrs?)\b)"
    rf"|(?P<km>\b(?P<km_a>{_NUM})(?:-|\s*to\s*(?P<km_b>{_NUM}))?\s*(?:km|k|kilometers?|kilometres?|klicks?)\b"
    r"(?!\s*steps))"
    rf"|(?P<miles>\b(?P<mi_a>{_NUM})(?:-|\s*to\s*(?P<mi_b>{_NUM}))?\s*(?:miles?|mi|miler)\b"
    r"(?P<mi_half>\s+and\s+a\s+half)?)"
    r"|(?P<lengths>\b(?P<len_n>[0-9]+)\s*(?:lengths?|laps?)\b)"
    rf"|(?P<count>\b{_NUM}\s*(?:x\b|times\b|reps?\b|sets?\b|rounds?\b|days?\b|weeks?\b|months?\b|years?\b"
    r"|yrs?\b|%|kgs?\b|kilos?\b|lbs?\b|pounds\b|stone\b|st\b|bpm\b|k?\s*steps\b|floors\b|kcals?\b|calories\b"
    r"|cals?\b|nd\b|rd\b|th\b|degrees\b|°|c\b|f\b)"
    r"|\b(?:x|week|day|w|d|stage|zone|z|bpm|age|aged|number|no\.)\s*[0-9]+\b))",
    [*DIGITS, "x", "week", "day", "w", "d", "stage", "zone", "z", "bpm", "age", "number", "no"],
)
#: Durations and distances written in words; rare, so only looked for when "hour"/"mile"/"marathon" occur.
_WORD_Q_RE = re.compile(
    r"(?P<anhour>\ban?\s+hour(?:\s+and\s+a\s+(?P<anhour_frac>half|quarter))?\b)"
    r"|(?P<halfhour>\bhalf\s+(?:an?\s+)?hour\b)"
    r"|(?P<hourlong>\bhour\s+long\b)"
    r"|(?P<qhour>\b(?:a\s+)?quarter\s+(?:of\s+)?(?:an?\s+)?hour\b)"
    r"|(?P<halfmile>\bhalf\s+(?:a\s+)?mile\b)"
    r"|(?P<amile>\ba\s+mile(?P<amile_half>\s+and\s+a\s+half)?\b)"
    r"|(?P<marathon>\b(?:ran|run|did|done|finished|completed|raced|racing)\s+(?:a\s+|the\s+|my\s+)?"
    r"(?P<mar>(?P<mar_half>half\s+)?marathon)\b)"
)
_POSITIONAL_RE = re.compile(
    r"\b(?:at|after|by|from|until|till|til|past|last|first|final|halfway|half\s+way)\s+(?:the\s+)?(?:about\s+)?\Z"
)
_CLOCK_BEFORE_RE = re.compile(
    r"(?:\b(?:at|by|before|after|from|until|till|til|since|around)|@)\s*\Z"
)
_IN_BEFORE_RE = re.compile(r"\bin\s*\Z")
#: "8 x 400m": repeats of a distance, the session is their sum.
_REPS_BEFORE_RE = re.compile(r"\b(?P<n>[0-9]{1,2})\s*x\s*\Z")


def _range(a: str, b: str | None) -> float:
    return (float(a) + float(b)) / 2 if b is not None else float(a)


def _clock(m: re.Match[str], s: str) -> tuple[str, float]:
    """A h:mm / mm:ss match: ("min", minutes) for a duration, ("mask", 0) for a time or pace."""
    if m.group("clk_tail"):
        return "mask", 0.0
    if _CLOCK_BEFORE_RE.search(s, max(0, m.start() - 8), m.start()):
        return "mask", 0.0
    h, mm = int(m.group("clk_h")), int(m.group("clk_m"))
    if h <= 3:
        return "min", h * 60 + mm
    if h >= 10 or _IN_BEFORE_RE.search(s, max(0, m.start() - 4), m.start()):
        return "min", h + mm / 60
    return "mask", 0.0


def _measure(m: re.Match[str], s: str) -> tuple[str, float]:
    """(kind, value) of a quantity match: kind is ``min``, ``km``, ``len`` or ``mask``."""
    g = m.lastgroup
    if g == "hms":
        return "min", int(m.group("hms_h")) * 60 + int(m.group("hms_m")) + int(m.group("hms_s")) / 60
    if g == "clock":
        return _clock(m, s)
    if g == "hmix":
        extra = float(m.group("hmix_m") or 0) + (30 if m.group("hmix_half") else 0)
        return "min", float(m.group("hmix_h")) * 60 + extra
    if g == "anhour":
        frac = m.group("anhour_frac")
        return "min", 60.0 + (30 if frac == "half" else 15 if frac == "quarter" else 0)
    if g == "halfhour":
        return "min", 30.0
    if g == "hourlong":
        return "min", 60.0
    if g == "tqhour":
        return "min", 45.0
    if g == "qhour":
        return "min", 15.0
    if g == "mins":
        v = _range(m.group("mins_a"), m.group("mins_b"))
        if m.group("mins_u") == "m" and v >= 100:
            return "km", v / 1000
        return "min", v
    if g == "metres":
        return "km", float(m.group("metres_n")) / 1000
    if g == "km":
        return "km", _range(m.group("km_a"), m.group("km_b"))
    if g == "miles":
        v = _range(m.group("mi_a"), m.group("mi_b")) + (0.5 if m.group("mi_half") else 0)
        return "km", v * KM_PER_MILE
    if g == "halfmile":
        return "km", 0.5 * KM_PER_MILE
    if g == "amile":
        return "km", (1.5 if m.group("amile_half") else 1.0) * KM_PER_MILE
    if g == "marathon":
        return "km", HALF_MARATHON_KM if m.group("mar_half") else MARATHON_KM
    if g == "lengths":
        return "len", float(m.group("len_n"))
    return "mask", 0.0


_LIMITS = {"min": 24 * 60.0, "km": 300.0, "len": 1000.0}


def _mask(s: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return s
    spans.sort()
    out: list[str] = []
    pos = 0
    for a, b in spans:
        if b <= pos:
            continue
        a = max(a, pos)
        out.append(s[pos:a])
        out.append(MASK * (b - a))
        pos = b
    out.append(s[pos:])
    return "".join(out)




def _quantity(m: re.Match[str], s: str, spans: list[tuple[int, int]], qtys: list[Qty]) -> None:
    kind, value = _measure(m, s)
    a, b = (m.start("mar"), m.end("mar")) if m.lastgroup == "marathon" else (m.start(), m.end())
    spans.append((a, b))
    if kind == "mask" or not 0 < value <= _LIMITS[kind]:
        return
    positional = bool(_POSITIONAL_RE.search(s, max(0, a - 24), a))
    reps = _REPS_BEFORE_RE.search(s, max(0, a - 8), a) if kind == "km" else None
    if reps is not None:
        value *= int(reps.group("n"))
    qtys.append(Qty(a, b, kind, round(float(value), 4), positional,
                    miles=m.lastgroup in ("miles", "halfmile", "amile")))


def _overlaps(taken: list[tuple[int, int]], a: int, b: int) -> bool:
    return any(x < b and a < y for x, y in taken)


def scan(s: str, doc: Doc) -> Scan:
    """Find intervals, Couch to 5K, RPE and quantities in normalised text; blank them out."""
    intervals: list[IntervalHit] = []
    if ("run" in s or "ran" in s or "jog" in s) and ("walk" in s or "recover" in s or "rest" in s):
        intervals = _find_intervals(s, doc)
    if "couchtofivek" in s:
        intervals += _find_c25k(s)
    rpes = _find_rpe(s) if ("rpe" in s or "effort" in s or "exertion" in s) else []
    taken = sorted([(h.start, h.end) for h in intervals] + [(r.start, r.end) for r in rpes])
    spans = list(taken)
    qtys: list[Qty] = []
    if "hour" in s or "mile" in s or "marathon" in s:
        for m in _WORD_Q_RE.finditer(s):
            if not _overlaps(taken, m.start(), m.end()):
                _quantity(m, s, spans, qtys)
        taken = sorted(spans)
    j = 0
    for m in _Q_RE.finditer(doc, s):
        a, b = m.start(), m.end()
        while j < len(taken) and taken[j][1] <= a:
            j += 1
        if j < len(taken) and taken[j][0] < b:
            continue
        _quantity(m, s, spans, qtys)
    qtys.sort(key=lambda q: q.start)
    return Scan(_mask(s, spans), qtys, sorted(intervals, key=lambda h: h.start), rpes)
