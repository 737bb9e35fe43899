"""Times of day and dates in a request: "at 6:30", "half past 7", "an hour later"; "for two weeks",
"till the 3rd", "back on Monday". Pure; the text is already normalised (bot/parse/text.py: lower
case, digits for number words, "3rd" -> "3 rd", "8am" -> "8 am")."""

from __future__ import annotations

import re
from datetime import date, timedelta

import bot.answers as answers

_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_DAY_RE = (r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?"
           r"|sun(?:day)?)")
_MONTHS = {m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                           "nov", "dec"))}
_MONTH_RE = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
             r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_ORD = r"(?:\s*(?:st|nd|rd|th))?"

# --- times of day ---------------------------------------------------------------------------------

_CLOCK_RE = re.compile(
    r"(?:\b(?P<pre>at|to|for|around|about|by|@|from)\s+)?(?<![\d.:/])(?P<h>\d{1,2})"
    r"(?:\s*[:.h]\s*(?P<m>\d{2}))?(?!\s*(?:/|out\s+of|x\b|k\b|km|mins?|minutes|hours?|hrs?|miles?|m\b|secs?|s\b))"
    r"\s*(?P<ap>am|pm|a\.m\.?|p\.m\.?|o'?clock|oclock|ish)?(?![\d.:])"
)
_PAST_RE = re.compile(r"\b(half|quarter|(?P<mins>\d{1,2})(?:\s*min(?:ute)?s?)?)\s+(past|after|to|before)\s+(?P<h>\d{1,2})\b")
_NOON_RE = re.compile(r"\b(noon|midday|lunch ?time)\b")
_PM_RE = re.compile(r"\b(evening|tonight|night|afternoon|after work)\b")
_SHIFT_RE = re.compile(
    r"\b(?P<n>\d{1,3}|an?|half\s+an?|1\.5)\s*(?P<u>hours?|hrs?|h|minutes?|mins?|m)\s+(?P<dir>earlier|later|before|after|sooner)\b"
)


def clock_time(s: str) -> str | None:
    """A time of day said as one ("at 8", "6:30", "7 am", "half past 7", "noon"), as ``HH:MM``.

    A bare number counts only after "at", "to", "around"... or with am/pm/o'clock: "ran 20" is no
    time."""
    m = _PAST_RE.search(s)
    if m:
        h = int(m.group("h"))
        mins = 30 if m.group(1) == "half" else 15 if m.group(1) == "quarter" else int(m.group("mins"))
        if m.group(3) in ("to", "before"):
            h, mins = h - 1, 60 - mins
        return _hhmm(h, mins, _PM_RE.search(s) is not None)
    if _NOON_RE.search(s):
        return "12:00"
    for m in _CLOCK_RE.finditer(s):
        h, mi, ap, pre = int(m.group("h")), m.group("m"), m.group("ap"), m.group("pre")
        if not (mi or (ap and ap != "ish") or pre):
            continue
        if ap and ap.startswith(("a", "p")):
            t = answers.parse_time(f"{h}:{mi or '00'}{'pm' if ap.startswith('p') else 'am'}")
            if t:
                return t
            continue
        t = _hhmm(h, int(mi or 0), _PM_RE.search(s) is not None)
        if t:
            return t
    return None


def _hhmm(h: int, mi: int, pm: bool) -> str | None:
    if pm and 1 <= h < 12:
        h += 12
    if not (0 <= h <= 23 and 0 <= mi <= 59):
        return None
    return f"{h:02d}:{mi:02d}"


def shift_minutes(s: str) -> int | None:
    """"an hour later" -> 60, "30 min earlier" -> -30."""
    m = _SHIFT_RE.search(s)
    if not m:
        return None
    n = m.group("n")
    amount = 1.0 if n in ("a", "an") else 0.5 if n.startswith("half") else float(n)
    mins = amount * (60 if m.group("u").startswith("h") else 1)
    if not 0 < mins <= 12 * 60:
        return None
    return int(mins) * (-1 if m.group("dir") in ("earlier", "before", "sooner") else 1)


# --- dates ----------------------------------------------------------------------------------------

_FOR_RE = re.compile(
    r"\b(?:for\s+)?(?:the\s+)?(?:next\s+)?(?P<n>\d{1,3}|a|an|1|another|a\s+couple\s+of|2)\s+"
    r"(?P<u>days?|nights?|weeks?|fortnights?|months?)\b"
)
_FORTNIGHT_RE = re.compile(r"\b(?:for\s+)?a\s+fortnight\b|\bfor\s+the\s+(?:week|weekend)\b|\bthis\s+weekend\b")
_TARGET = (
    rf"(?:next\s+)?(?P<wd>{_DAY_RE})\b(?:\s+week)?"
    rf"|(?P<dom>\d{{1,2}}){_ORD}(?:\s+(?:of\s+)?(?P<mon>{_MONTH_RE}))?\b"
    rf"|(?P<mon2>{_MONTH_RE})\s+(?P<dom2>\d{{1,2}}){_ORD}\b"
    r"|(?P<tomorrow>tomorrow)|(?P<nextweek>next\s+week)|(?P<weekend>(?:the\s+)?weekend)"
    r"|(?P<month_end>(?:the\s+)?end\s+of\s+(?:the\s+)?month)|(?P<nextmonth>next\s+month)"
)
_UNTIL_RE = re.compile(
    rf"\b(?P<how>till|until|til|'til|untill|to|through|thru|up\s+to|over|after|back|return(?:ing)?|home)"
    rf"(?:\s+(?:on|in|by|at))?\s+(?:the\s+)?(?:{_TARGET})"
)


def resume_date(s: str, today: date) -> date | None:
    """The first date check-ins should come again, from "for two weeks" (today + 14), "till the 3rd"
    (the 4th: the 3rd is still off), "back on Monday" (Monday), "after the weekend" (Monday)."""
    m = _UNTIL_RE.search(s)
    if m:
        target = _target(m, today)
        if target is not None:
            back = m.group("how") in ("back", "return", "returning", "home")
            return target if back else target + timedelta(days=1)
    m = _FOR_RE.search(s)
    if m:
        n_word, unit = m.group("n"), m.group("u")
        n = 1 if n_word in ("a", "an", "another") else 2 if "couple" in n_word else int(n_word)
        days = n * (14 if unit.startswith("fortnight") else 7 if unit.startswith("week")
                    else 30 if unit.startswith("month") else 1)
        if 1 <= days <= 365:
            return today + timedelta(days=days)
    m = _FORTNIGHT_RE.search(s)
    if m:
        if "fortnight" in m.group():
            return today + timedelta(days=14)
        if "weekend" in m.group():
            return _next_weekday(today, 0)
        return today + timedelta(days=7)
    return None


def _target(m: re.Match[str], today: date) -> date | None:
    if m.group("wd"):
        d = _next_weekday(today, _WEEKDAYS[m.group("wd")[:3]])
        return d + timedelta(days=7) if m.group().rstrip().endswith(" week") else d
    if m.group("tomorrow"):
        return today + timedelta(days=1)
    if m.group("nextweek"):
        return _next_weekday(today, 0)
    if m.group("weekend"):
        # "after / over the weekend": the Monday (returned as its eve: the caller adds the day).
        return _next_weekday(today, 0) - timedelta(days=1) if m.group("how") in ("after", "over") \
            else _next_weekday(today, 5)
    if m.group("month_end") or m.group("nextmonth"):
        first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
        return first - timedelta(days=1) if m.group("month_end") else first
    dom = m.group("dom") or m.group("dom2")
    mon = m.group("mon") or m.group("mon2")
    if dom is None:
        return None
    return _day_of_month(today, int(dom), _MONTHS[mon[:3]] if mon else None)


def _next_weekday(today: date, wd: int) -> date:
    return today + timedelta(days=(wd - today.weekday() - 1) % 7 + 1)


def _day_of_month(today: date, dom: int, month: int | None) -> date | None:
    """The next date with that day of the month (and month), after today."""
    for ahead in range(0, 14):
        y, mo = divmod(today.month - 1 + ahead, 12)
        year, mon = today.year + y, mo + 1
        if month is not None and mon != month:
            continue
        try:
            d = date(year, mon, dom)
        except ValueError:
            continue
        if d > today:
            return d
    return None
