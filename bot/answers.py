"""Readers for the answers to the bot's own questions (onboarding, settings, confirmations).

Pure functions: each returns the value or ``None`` when the text is not an answer of that kind,
so the dialogue can fall back to reading a check-in or ask again.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import available_timezones

from bot.commands import ALIASES as _COMMAND_ALIASES
from bot.commands import ALL_NAMES as COMMANDS
from bot.domain import DAYS


@dataclass(frozen=True)
class Command:
    name: str
    args: str = ""


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).strip().lower().split())


def parse_command(text: str) -> Command | None:
    """``/pause 7`` or a message that is only a command word (``help``, ``pause 3 days``).

    A bare word must be the whole message so check-ins like "rested today" stay check-ins.
    Telegram's ``/cmd@botname`` form is accepted.
    """
    t = _norm(text)
    if not t:
        return None
    slash = t.startswith("/")
    if slash:
        t = t[1:]
    two = " ".join(t.split()[:2])
    if two in _COMMAND_ALIASES:
        name, rest = _COMMAND_ALIASES[two], " ".join(t.split()[2:])
    else:
        head, _, rest = t.partition(" ")
        head = head.split("@", 1)[0]
        name = _COMMAND_ALIASES.get(head, head)
        if name not in COMMANDS:
            return None
    if slash:
        return Command(name, rest.strip())
    if name == "pause" and (not rest or re.fullmatch(r"(for )?\d{1,3}( days?| d)?|(for )?a week", rest)):
        return Command(name, rest.strip())
    if name == "settings" and rest:
        return Command(name, rest.strip())
    return Command(name) if not rest else None


def parse_pause_days(args: str, default: int = 7) -> int | None:
    t = _norm(args)
    if not t:
        return default
    if "week" in t:
        m = re.search(r"(\d+)\s*weeks?", t)
        return min(int(m.group(1)) * 7, 365) if m else 7
    m = re.search(r"\d+", t)
    if not m:
        return None
    n = int(m.group(0))
    return n if 1 <= n <= 365 else None


def parse_yes_no(text: str) -> bool | None:
    t = _norm(text).strip(".!")
    if re.fullmatch(r"(y|yes|yeah|yep|yup|correct|right|that's right|thats right|ok|okay|sure|"
                    r"confirm|yes,? delete everything|delete|delete everything|👍|✅)", t):
        return True
    if re.fullmatch(r"(n|no|nope|nah|cancel|keep|no,? keep my data|don't|dont|👎|❌)", t):
        return False
    return None


def parse_experience(text: str) -> str | None:
    t = _norm(text)
    if re.search(r"\b(new|beginner|never|first time|just starting|novice|couch)\b", t):
        return "new"
    if re.search(r"\b(return|returning|coming back|back after|break|used to|restart|again)\b", t):
        return "returning"
    if re.search(r"\b(regular|regularly|every week|most days|experienced|i run|runner|club)\b", t):
        return "regular"
    return None


def parse_minutes_answer(text: str) -> int | None:
    """How many minutes of running are comfortable now: ``20``, ``25 min``, ``half an hour``, ``none``."""
    t = _norm(text)
    if re.fullmatch(r"(none|zero|0|nothing|not at all|can't|cant|can't run|cant run)( yet)?\.?", t):
        return 0
    if "half an hour" in t or "half hour" in t:
        return 30
    if re.search(r"\ban hour\b|\b1 hour\b|\bone hour\b", t) and not re.search(r"\d+\s*m", t):
        return 60
    m = re.fullmatch(r"(?:about |around |maybe |~)?(\d{1,3})(?:\s*(?:-|to)\s*(\d{1,3}))?\s*"
                     r"(m|min|mins|minute|minutes|')?\.?", t)
    if not m:
        return None
    lo = int(m.group(1))
    hi = int(m.group(2)) if m.group(2) else lo
    n = min(lo, hi)
    return n if 0 <= n <= 240 else None


_TIME = re.compile(
    r"^(?:at)?(\d{1,2})(?:[:.h](\d{2}))?(am|pm|a\.m\.|p\.m\.)?$|^(\d{1,2})(\d{2})$"
)


def parse_time(text: str) -> str | None:
    """A time of day: ``07:30``, ``7.30``, ``730``, ``7am``, ``7:30 pm``, ``19:00`` -> ``HH:MM``."""
    t = _norm(text).replace(" ", "") if len(text) < 20 else ""
    m = _TIME.match(t)
    if not m:
        return None
    if m.group(4):
        h, mi, ampm = int(m.group(4)), int(m.group(5)), None
    else:
        h, mi, ampm = int(m.group(1)), int(m.group(2) or 0), m.group(3)
    if ampm:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if ampm.startswith("p") else 0)
    if not (0 <= h <= 23 and 0 <= mi <= 59):
        return None
    return f"{h:02d}:{mi:02d}"


_DAY_WORDS = {
    "mon": "mon", "monday": "mon", "mondays": "mon", "tue": "tue", "tues": "tue", "tuesday": "tue",
    "tuesdays": "tue", "wed": "wed", "weds": "wed", "wednesday": "wed", "wednesdays": "wed", "thu": "thu",
    "thur": "thu", "thurs": "thu", "thursday": "thu", "thursdays": "thu", "fri": "fri", "friday": "fri",
    "fridays": "fri", "sat": "sat", "saturday": "sat", "saturdays": "sat", "sun": "sun", "sunday": "sun",
    "sundays": "sun",
}


def parse_days(text: str) -> tuple[str, ...] | None:
    """``every day``, ``weekdays``, ``weekends``, ``mon,wed,fri``, ``mon-fri``, ``Monday and Thursday``."""
    t = _norm(text)
    if re.fullmatch(r"(every ?day|daily|all( days)?|all week|7 days|everyday)\.?", t):
        return DAYS
    if re.fullmatch(r"(week ?days|weekdays only|mon(day)?\s*(-|to)\s*fri(day)?|work ?days)\.?", t):
        return DAYS[:5]
    if re.fullmatch(r"(week ?ends?|weekends only|sat(urday)?\s*(and|&|,)?\s*sun(day)?)\.?", t):
        return DAYS[5:]
    span = re.fullmatch(r"([a-z]+)\s*(?:-|to)\s*([a-z]+)", t)
    if span and span.group(1) in _DAY_WORDS and span.group(2) in _DAY_WORDS:
        a, b = DAYS.index(_DAY_WORDS[span.group(1)]), DAYS.index(_DAY_WORDS[span.group(2)])
        if a <= b:
            return DAYS[a : b + 1]
        return DAYS[a:] + DAYS[: b + 1]
    words = [w for w in re.split(r"[\s,;/&+]+|\band\b", t) if w]
    if not words or any(w not in _DAY_WORDS for w in words):
        return None
    chosen = {_DAY_WORDS[w] for w in words}
    return tuple(d for d in DAYS if d in chosen)


_TZ_ALIASES = {
    "uk": "Europe/London", "gb": "Europe/London", "england": "Europe/London", "scotland": "Europe/London",
    "wales": "Europe/London", "ireland": "Europe/Dublin", "bst": "Europe/London", "gmt": "Europe/London",
    "utc": "UTC", "z": "UTC", "cet": "Europe/Paris", "cest": "Europe/Paris", "eet": "Europe/Athens",
    "est": "America/New_York", "edt": "America/New_York", "eastern": "America/New_York",
    "cst": "America/Chicago", "cdt": "America/Chicago", "central": "America/Chicago",
    "mst": "America/Denver", "mdt": "America/Denver", "mountain": "America/Denver",
    "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles", "pacific": "America/Los_Angeles",
    "nyc": "America/New_York", "la": "America/Los_Angeles", "sf": "America/Los_Angeles",
    "san francisco": "America/Los_Angeles", "boston": "America/New_York", "washington": "America/New_York",
    "seattle": "America/Los_Angeles", "germany": "Europe/Berlin", "france": "Europe/Paris",
    "spain": "Europe/Madrid", "italy": "Europe/Rome", "netherlands": "Europe/Amsterdam",
    "japan": "Asia/Tokyo", "jst": "Asia/Tokyo", "india": "Asia/Kolkata", "ist": "Asia/Kolkata",
    "delhi": "Asia/Kolkata", "mumbai": "Asia/Kolkata", "bangalore": "Asia/Kolkata",
    "australia": "Australia/Sydney", "aest": "Australia/Sydney", "nz": "Pacific/Auckland",
    "new zealand": "Pacific/Auckland", "beijing": "Asia/Shanghai", "china": "Asia/Shanghai",
    "usa": "America/New_York", "us": "America/New_York", "canada": "America/Toronto",
    "brazil": "America/Sao_Paulo", "south africa": "Africa/Johannesburg", "cape town": "Africa/Johannesburg",
}
#: Countries and regions -> the zone most of their people use; a country with several zones gets its
#: most populous one, and the confirmation names it. One table for onboarding's answer and for
#: plain-words requests ("I'm in Austria this month", bot/intents/).
_TZ_ALIASES |= {
    "austria": "Europe/Vienna", "belgium": "Europe/Brussels", "switzerland": "Europe/Zurich",
    "portugal": "Europe/Lisbon", "greece": "Europe/Athens", "poland": "Europe/Warsaw",
    "sweden": "Europe/Stockholm", "norway": "Europe/Oslo", "denmark": "Europe/Copenhagen",
    "finland": "Europe/Helsinki", "czechia": "Europe/Prague", "czech republic": "Europe/Prague",
    "hungary": "Europe/Budapest", "romania": "Europe/Bucharest", "turkey": "Europe/Istanbul",
    "ukraine": "Europe/Kyiv", "russia": "Europe/Moscow", "iceland": "Atlantic/Reykjavik",
    "northern ireland": "Europe/London", "holland": "Europe/Amsterdam", "the netherlands": "Europe/Amsterdam",
    "the uk": "Europe/London", "the us": "America/New_York", "the usa": "America/New_York",
    "the states": "America/New_York", "united states": "America/New_York", "america": "America/New_York",
    "united kingdom": "Europe/London", "britain": "Europe/London", "great britain": "Europe/London",
    "mexico": "America/Mexico_City", "argentina": "America/Argentina/Buenos_Aires", "chile": "America/Santiago",
    "colombia": "America/Bogota", "peru": "America/Lima", "egypt": "Africa/Cairo", "kenya": "Africa/Nairobi",
    "nigeria": "Africa/Lagos", "morocco": "Africa/Casablanca", "israel": "Asia/Jerusalem",
    "uae": "Asia/Dubai", "dubai": "Asia/Dubai", "abu dhabi": "Asia/Dubai", "qatar": "Asia/Qatar",
    "saudi arabia": "Asia/Riyadh", "pakistan": "Asia/Karachi", "bangladesh": "Asia/Dhaka",
    "thailand": "Asia/Bangkok", "vietnam": "Asia/Ho_Chi_Minh", "indonesia": "Asia/Jakarta", "bali": "Asia/Makassar",
    "malaysia": "Asia/Kuala_Lumpur", "philippines": "Asia/Manila", "singapore": "Asia/Singapore",
    "south korea": "Asia/Seoul", "korea": "Asia/Seoul", "taiwan": "Asia/Taipei", "hong kong": "Asia/Hong_Kong",
    "new york city": "America/New_York", "montreal": "America/Toronto", "ottawa": "America/Toronto",
    "quebec": "America/Toronto", "ontario": "America/Toronto", "british columbia": "America/Vancouver",
    "alberta": "America/Edmonton", "calgary": "America/Edmonton", "california": "America/Los_Angeles",
    "texas": "America/Chicago", "florida": "America/New_York", "miami": "America/New_York",
    "atlanta": "America/New_York", "dallas": "America/Chicago", "houston": "America/Chicago",
    "austin": "America/Chicago", "san diego": "America/Los_Angeles", "portland": "America/Los_Angeles",
    "las vegas": "America/Los_Angeles", "hawaii": "Pacific/Honolulu", "alaska": "America/Anchorage",
    "manchester": "Europe/London", "edinburgh": "Europe/London", "glasgow": "Europe/London",
    "cardiff": "Europe/London", "belfast": "Europe/London", "bristol": "Europe/London", "leeds": "Europe/London",
    "liverpool": "Europe/London", "birmingham": "Europe/London", "cornwall": "Europe/London",
    "munich": "Europe/Berlin", "hamburg": "Europe/Berlin", "frankfurt": "Europe/Berlin",
    "barcelona": "Europe/Madrid", "milan": "Europe/Rome", "florence": "Europe/Rome", "venice": "Europe/Rome",
    "geneva": "Europe/Zurich", "lyon": "Europe/Paris", "nice": "Europe/Paris", "porto": "Europe/Lisbon",
    "mallorca": "Europe/Madrid", "majorca": "Europe/Madrid", "ibiza": "Europe/Madrid", "tenerife": "Atlantic/Canary",
    "crete": "Europe/Athens", "cyprus": "Asia/Nicosia", "malta": "Europe/Malta",
    "kyoto": "Asia/Tokyo", "osaka": "Asia/Tokyo", "queensland": "Australia/Brisbane",
    "victoria": "Australia/Melbourne", "new south wales": "Australia/Sydney", "wellington": "Pacific/Auckland",
    "christchurch": "Pacific/Auckland",
}


@lru_cache(maxsize=1)
def _zone_index() -> dict[str, str]:
    """lower-case zone name and city (``london``, ``new york``) -> IANA name."""
    idx: dict[str, str] = {}
    for z in sorted(available_timezones()):
        if z.startswith(("Etc/", "SystemV/", "posix/", "right/")) or ("/" not in z and z != "UTC"):
            continue
        idx[z.lower()] = z
        city = z.rsplit("/", 1)[-1].replace("_", " ").lower()
        idx.setdefault(city, z)
    idx["utc"] = "UTC"
    return idx


def parse_timezone(text: str) -> str | None:
    """An IANA zone (any case), a city (``London``, ``new york``) or a common alias (``UK``, ``EST``)."""
    t = _norm(text).strip(".!")
    if not t or len(t) > 60:
        return None
    t = re.sub(r"^(i'?m in|i live in|in|my time ?zone is|timezone|time zone)\s+", "", t)
    if t in _TZ_ALIASES:
        return _TZ_ALIASES[t]
    idx = _zone_index()
    for cand in (t, t.replace(" ", "_"), t.replace("_", " ")):
        if cand in idx:
            return idx[cand]
    return None
