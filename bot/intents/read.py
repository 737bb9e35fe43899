"""Requests in plain words -> :class:`~bot.intents.intent.Intent`.

``read_intent(text, today)`` is pure and deterministic: no I/O, no clock (``today`` is given), no
model. It never raises. Pipeline, with every regex compiled at import:

1. The text is cut into segments: sentences, and clauses that start a request ("..., can you move
   me to 8?"), so a message that is a check-in *and* a request keeps both.
2. Each segment is normalised like a check-in (bot/parse/text.normalise: lower case, the parser's
   typo table, digits for number words), then request keywords one typo away are corrected
   (rapidfuzz, Damerau-Levenshtein: "remnders" -> reminders, "holliday" -> holiday).
3. Readers are tried in a fixed order (undo, small talk, delete, export, reminders off, pause,
   time, reminders on, days, time zone, resume, stop, why, today, progress, help, settings,
   check in, exercise questions, corrections, anything else asked).
4. A segment that the check-in parser reads as a check-in (a pain score, a session, a warning
   sign) is never a request, whatever words it has: check-ins come first.

**design**: the first request found wins; small talk and "unknown" only when nothing else is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from itertools import pairwise

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

import bot.answers as answers
from bot.domain import DAYS
from bot.intents.intent import Intent, Kind, Value
from bot.intents.vocab import KEYWORDS
from bot.intents.when import clock_time, resume_date, shift_minutes
from bot.parse import parse_checkin
from bot.parse.text import normalise

#: Longer messages are stories or check-ins, not requests.
MAX_CHARS = 300

# --- the cheap test: could this message hold a request at all? -------------------------------------

#: Words any request has one of (a plain check-in, "pain 3, ran 20 min easy", has none).
_TRIGGER_WORDS = frozenset("""
remind reminds reminder reminders reminding notification notifications checkin checkins earlier later instead
o'clock oclock noon midday weekday weekdays weekend weekends everyday daily monday mondays tuesday tuesdays
wednesday wednesdays thursday thursdays friday fridays saturday saturdays sunday sundays mon tue tues wed thu thur
thurs fri sat sun zone timezone moved moving living based travel travelling traveling flying staying pause paused
pausing unpause holiday holidays vacation away break off till until til resume plan what what's whats how why help
export data delete erase wipe stop quit settings setting meant mean sorry typo oops undo revert change switch move
schedule curl curls bridge bridges bird clam clams abduction raise raises interval intervals cross effort rpe
exercise exercises these please pls plz forgot explain unsubscribe leave quiet suggest suggestion suggested
session progress stats history am pm routine show message ping rather early currently relocated spending
should forget who tell
""".split())
#: Small talk counts only as (most of) a short message: "back ok, ran 20" is a check-in.
_SMALL_WORDS = frozenset("hi hiya hello hey morning thanks thank thx ty cheers ta ok okay k cool great nice "
                         "brilliant perfect sounds got".split())
_TRIGGER_PAIRS = frozenset({
    ("back", "on"), ("back", "in"), ("back", "from"), ("back", "next"), ("back", "now"), ("back", "home"),
    ("i'm", "back"), ("im", "back"), ("make", "it"), ("make", "that"), ("can", "you"), ("could", "you"),
    ("would", "you"), ("i", "want"), ("i'd", "like"), ("talk", "test"), ("check", "in"), ("check", "ins"),
    ("it", "was"), ("i'm", "in"), ("im", "in"), ("am", "in"),
})
_WORD_RE = re.compile(r"[a-z][a-z']*")
_TRIGGER_MARKS_RE = re.compile(r"[?\U0001F44D\U0001F44C\U0001F64F\u2705\u2764\U0001F4AA\U0001F64C]|\d[:.]\d\d|\d\s*[ap]\.?m\b")


def might_be_request(text: str) -> bool:
    """Whether ``text`` has any word a request is made of: plain check-ins ("pain 3, ran 20 min")
    have none, and skip the request reader altogether. A set lookup per word: a few microseconds."""
    t = text.lower()
    if _TRIGGER_MARKS_RE.search(t):
        return True
    words = _WORD_RE.findall(t)
    if not _TRIGGER_WORDS.isdisjoint(words):
        return True
    if len(words) <= 4 and not _SMALL_WORDS.isdisjoint(words):
        return True
    return any(pair in _TRIGGER_PAIRS for pair in pairwise(words))


# --- segments ---------------------------------------------------------------------------------------

_SENTENCE_RE = re.compile(r"(?:[^.!?\n;]|(?<=\d)\.(?=\d))+[.!?\n;]*")  # "9.15" is no sentence end
_OPENER_RE = re.compile(
    r"(?:,|\band\b|\bbut\b|\balso\b|\bbtw\b|\bby the way\b)\s*(?=(?:can|could|would|will|please|pls|how|what|why"
    r"|when|is|are|do|does|should|also|btw|i'?d like|i want|remind|make|move|change|switch|set|undo|pause|stop"
    r"|turn|no more|don't|dont|not on|only|just)\b)",
    re.IGNORECASE,
)


def segments(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, and of each clause that opens a request inside one."""
    out: list[tuple[int, int]] = []
    for m in _SENTENCE_RE.finditer(text):
        a, b = m.start(), m.end()
        cuts = [c.start() for c in _OPENER_RE.finditer(text, a, b) if c.start() > a]
        for lo, hi in zip([a, *cuts], [*cuts, b], strict=True):
            if text[lo:hi].strip(" ,.!?;\n"):
                out.append((lo, hi))
    return out


# --- typo fixes towards the request words ----------------------------------------------------------

_BY_FIRST: dict[str, tuple[str, ...]] = {}
for _w in sorted(KEYWORDS):
    _BY_FIRST[_w[0]] = (*_BY_FIRST.get(_w[0], ()), _w)
_TOKEN_RE = re.compile(r"[a-z]{5,}")


def _fix_word(m: re.Match[str]) -> str:
    w = m.group()
    return _close_keyword(w) or w


@lru_cache(maxsize=4096)
def _close_keyword(w: str) -> str | None:
    """A request keyword one typo from ``w`` (two for long words), starting with the same letter:
    typos rarely hit the first letter, and that keeps "fridge" from reading as "bridge"."""
    if w in KEYWORDS:
        return None
    found = process.extractOne(w, _BY_FIRST.get(w[0], ()), scorer=DamerauLevenshtein.distance,
                               score_cutoff=1 if len(w) < 9 else 2)
    return found[0] if found else None


def prepare(raw: str) -> str:
    """A segment as the readers see it: the day ranges spelled out, normalised, typos fixed."""
    s = _RANGE_RE.sub(_spell_range, raw.lower())
    s = normalise(s)
    s = _TOKEN_RE.sub(_fix_word, s)
    return " ".join(s.split()).lstrip(",;:- ")


# --- small talk, undo ---------------------------------------------------------------------------------

_EMOJI_OK = {"👍", "👌", "🙏", "✅", "❤️", "❤", "💪", "👍🏻", "👍🏼", "👍🏽", "👍🏾", "👍🏿", "🙌"}
_HELLO_RE = re.compile(r"(?:hi|hiya|hello|hey|heya|yo|howdy|morning|good\s+(?:morning|afternoon|evening)|hi there"
                       r"|hello there|hey there)(?:\s+(?:there|coach|backcheck|bot))?")
_THANKS_RE = re.compile(r"(?:thanks?|thank\s+you|thankyou|ty|cheers|ta|many\s+thanks|thanks\s+a\s+lot|great\s+thanks"
                        r"|ok\s+thanks|thanks\s+coach|thank\s+you\s+so\s+much|much\s+appreciated|appreciated)")
_OK_RE = re.compile(r"(?:ok|okay|k|kk|cool|great|nice|brilliant|perfect|sounds\s+good|got\s+it|will\s+do|noted"
                    r"|sure|lovely|awesome|fab|grand|ok\s+cool|ok\s+great|sounds\s+great|understood)")
_UNDO_RE = re.compile(r"(?:please\s+)?(?:undo|undo\s+(?:that|it|the\s+last\s+change)|revert(?:\s+that|\s+it)?"
                      r"|put\s+it\s+back|change\s+it\s+back|set\s+it\s+back|go\s+back|cancel\s+that"
                      r"|cancel\s+(?:the\s+|my\s+)?(?:last\s+)?change|take\s+that\s+back)(?:\s+please)?")
_EDGE_RE = re.compile(r"^[\s,.!?:;'\-]+|[\s,.!?:;'\-]+$")


def _smalltalk(s: str) -> str | None:
    t = _EDGE_RE.sub("", s)
    if _HELLO_RE.fullmatch(t):
        return "hello"
    if _THANKS_RE.fullmatch(t):
        return "thanks"
    if _OK_RE.fullmatch(t):
        return "ok"
    return None


# --- commands and settings -----------------------------------------------------------------------------

_DELETE_RE = re.compile(
    r"\b(?:delete|erase|wipe|remove|destroy|purge)\b.{0,30}\b(?:data|account|everything|me|history|profile|all)\b"
    r"|\bforget\s+(?:about\s+)?(?:me|everything|my\s+data)\b|^(?:delete|erase)(?:\s+please)?$"
)
_EXPORT_RE = re.compile(
    r"\b(?:export|download)\b|\b(?:send|give|email|get|see|want)\b.{0,20}\b(?:my|all)\b.{0,12}\bdata\b"
    r"|\bcopy\s+of\s+(?:my|all)\b|\bwhat\s+(?:data\s+do\s+you|do\s+you\s+(?:store|keep|have|know))\b"
)
_REMINDERS_OFF_RE = re.compile(
    r"\b(?:no|stop|turn\s+off|switch\s+off|disable|mute|without|cancel|don't\s+(?:want|need)|no\s+more|less|fewer"
    r"|too\s+many|get\s+rid\s+of|unsubscribe\s+from|silence|drop)\b.{0,25}\b(?:reminders?|notifications?)\b"
    r"(?!\s+on\b)|\b(?:reminders?|notifications?)\s+(?:off|stop|disabled|not\s+needed|are\s+annoying|please\s+stop)\b"
    r"|\b(?:stop|don't|dont|no\s+need\s+to|quit)\s+remind(?:ing)?\s+me\b(?!.*\b(?:at|to)\s+\d)"
)
_REMINDERS_ON_RE = re.compile(
    r"\b(?:turn|switch|put)\s+(?:the\s+|my\s+)?(?:reminders?|notifications?)\s+(?:back\s+)?on\b"
    r"|\b(?:turn\s+on|switch\s+on|enable|start|want|resume|bring\s+back|restart|yes\s+to|i\s+need)\b.{0,25}"
    r"\b(?:reminders?|notifications?)\b|\b(?:reminders?|notifications?)\s+(?:on|back\s+on|again|please)\b"
    r"|\bremind\s+me\s+(?:if|when)\s+i\s+(?:forget|miss|don't\s+answer)"
)
_PAUSE_CUE_RE = re.compile(
    r"\b(?:pause|paused|holiday|holidays|vacation|away|travell?ing|trip|(?:take|taking|need|want|have|having)\s+a\s+break"
    r"|break\s+(?:for|till|until|from)|no\s+check\s?ins?"
    r"|stop\s+(?:the\s+)?(?:check\s?ins?|messages|asking)|leave\s+me\s+alone|hold\s+off|off\s+(?:for|till|until|til"
    r"|from|next|this)|i'?m\s+off|be\s+off|quiet|don't\s+(?:message|ask|check\s+in)|no\s+messages|skip\s+(?:the\s+)?"
    r"(?:next|check)|away\s+from)\b|\bback\s+(?:on|in|next|after)\b"
)
_STRONG_PAUSE_RE = re.compile(r"\b(?:pause|holiday|holidays|vacation|(?:take|taking|need|want)\s+a\s+break|leave\s+me\s+alone|no\s+check\s?ins?"
                              r"|stop\s+(?:the\s+)?check\s?ins?|hold\s+off|quiet|away)\b")
_TIME_CUE_RE = re.compile(
    r"\b(?:remind|reminder|ask|check\s?in|check\s?ins|message|ping|text|send|move|change|switch|make\s+it"
    r"|make\s+(?:the|my)\s+(?:reminder|check\s?in|time)|set"
    r"|instead|schedule|time|earlier|later|from\s+now\s+on|shift|push|bring|please|pls|can\s+we|could\s+we"
    r"|prefer|rather|better)\b"
)
_ASK_TIME_RE = re.compile(
    r"\b(?:earlier|later|sooner|different\s+time|another\s+time|other\s+time|too\s+early|too\s+late"
    r"|(?:a\s+)?(?:bit|little|rather|quite|very|so|really)\s+(?:early|late)|(?:early|late)\s+for\s+me"
    r"|change\s+(?:the\s+|my\s+)?(?:check\s?in\s+)?time(?!\s?zone)|move\s+(?:the\s+|my\s+)?(?:check\s?in|time|reminder)"
    r"|new\s+time)\b"
)
_ASK_TIME_CONTEXT_RE = re.compile(r"\b(?:ask|check\s?in|check\s?ins|message|remind|ping|text|please|pls|can|could"
                                  r"|time|want|like|prefer|too|bit|little|much|change|move|make)\b|^\w+$")
_RESUME_RE = re.compile(
    r"\b(?:resume|unpause|i'?m\s+back|i\s+am\s+back|we'?re\s+back|back\s+(?:now|again|home)|back\s+from"
    r"|start\s+(?:the\s+)?(?:check\s?ins?|asking|messaging)(?:\s+me)?\s+again|turn\s+(?:the\s+)?check\s?ins?\s+"
    r"(?:back\s+)?on|check\s?ins?\s+(?:back\s+)?on|(?:you\s+can\s+)?start\s+(?:asking|messaging)\s+me\s+again"
    r"|restart|ready\s+to\s+(?:start|go)\s+again|keep\s+asking|carry\s+on\s+asking)\b"
)
_STOP_RE = re.compile(
    r"\b(?:stop|quit|cancel|end)\b.{0,20}\b(?:messag\w*|texting|everything|all\s+of\s+(?:it|this)|the\s+bot|this"
    r"|(?:the\s+)?check\s?ins?|talking|writing|daily\s+questions?|coaching|it\s+all|for\s+good)\b"
    r"|\bunsubscribe\b|\bi\s+(?:want|would\s+like|'d\s+like)\s+to\s+(?:stop|quit|leave)\b|\bno\s+more\s+messages\b"
    r"|^(?:please\s+)?(?:stop|quit)(?:\s+please)?$|\bleave\s+me\s+alone\b|\bdon't\s+(?:message|text)\s+me\b"
)
_WHY_RE = re.compile(
    r"^(?:but\s+|so\s+|and\s+|ok\s+|hmm\s+)?(?:why|how\s+come|what(?:'s|\s+is)\s+the\s+reason|reason)\b"
    r"|\bwhy\b.{0,40}\b(?:today|this|that|not|no|walk\w*|run\w*|rest|cross\w*|strength|session|suggest\w*"
    r"|swim\w*|bike|cycl\w*|short|long|less|more|easy|so)\b"
    r"|\bexplain\b.{0,20}\b(?:why|that|this|today|suggestion|reason|the\s+plan)\b|\bwhat\s+is\s+(?:that|this)\s+based\s+on\b"
    r"|\bwhat(?:'s|\s+is)\s+(?:that|this)\s+based\s+on\b|\bwhere\s+does\s+(?:that|this)\s+come\s+from\b"
)
_WHY_KIND_RE = re.compile(r"\b(run|running|jog\w*|walk\w*|swim\w*|cycl\w*|bike|strength|rest|cross)\b")
_WHY_KIND = {"run": "run", "running": "run", "jog": "run", "walk": "walk", "swim": "cross_train", "cycl": "cross_train",
             "bike": "cross_train", "strength": "strength", "rest": "rest", "cross": "cross_train"}
_TODAY_RE = re.compile(
    r"\bwhat(?:'s|\s+is|s)?\s+(?:the\s+|my\s+)?plan\b|\bwhat\s+(?:should|shall|do|can|must|will)\s+i\s+(?:do|try)\b"
    r"|\b(?:today's|todays|today)\s+(?:session|plan|workout|suggestion|run|training)\b"
    r"|\bwhat(?:'s|\s+is)\s+on\s+(?:for\s+)?today\b|\b(?:should|can|could|may|shall)\s+i\s+(?:run|go\s+(?:for\s+a\s+)?"
    r"run\w*|train|exercise|work\s?out|jog|do\s+a\s+run)\b|\bis\s+it\s+(?:ok|safe|fine|alright)\s+(?:for\s+me\s+)?to"
    r"\s+(?:run|train|jog|exercise)\b|\bam\s+i\s+(?:allowed|ok|okay|able|fine|good)\s+to\s+(?:run|train|jog|exercise|go)\b"
    r"|\bwhat\s+(?:session|workout|exercise|training|run)\b.{0,20}\btoday\b"
    r"|\bwhat(?:'s|\s+is)\s+(?:my|the)\s+(?:session|plan|workout|training)\b|\b(?:your\s+)?suggestion\b|\bwhat(?:'s|\s+is)\s+next\b|\bwhat\s+now\b|\bwhat\s+do\s+you\s+suggest\b"
    r"|\b(?:give|send|show)\s+me\s+(?:a|my|the|today's)\s+(?:session|plan|workout)\b"
)
_PROGRESS_RE = re.compile(
    r"\bhow\s+(?:am\s+i|i'?m|have\s+i\s+been|is\s+my\s+back|are\s+things|is\s+it)\s+(?:getting\s+on|doing|progressing"
    r"|getting\s+along|coming\s+along|going)\b|\b(?:show|see|view|what(?:'s|\s+is)|what\s+does|how(?:'s|\s+is)"
    r"|how\s+was|send|give)\s+(?:me\s+)?(?:my|the|this)\s+(?:last\s+)?(?:week|progress|history|stats|month|chart"
    r"|trend|record|streak|numbers|data\s+so\s+far|summary)\b|\bhow\s+many\s+(?:check\s?ins?|runs?|sessions?|days?"
    r"|minutes|km|times)\b|\bmy\s+(?:progress|stats|history|streak|week)\b|\bprogress\b"
    r"|\bam\s+i\s+(?:improving|getting\s+better|progressing|on\s+track)\b|\bsummary\b|\bhow\s+far\s+have\s+i\b"
    r"|\bhow\s+(?:much|far)\s+(?:have\s+i|did\s+i)\s+(?:run|done|walked)\b"
)
_HELP_RE = re.compile(
    r"\bwhat\s+(?:can|do|else\s+can)\s+you\s+do\b|\bhow\s+(?:does\s+(?:this|it|the\s+bot)|do\s+you)\s+work\b"
    r"|\bhow\s+do\s+i\s+use\b|\bhelp\b|\bcommands?\b|\bwhat\s+are\s+you\b|\bwho\s+are\s+you\b|\bmenu\b"
    r"|\boptions\b|\bwhat\s+can\s+i\s+(?:say|ask|do\s+here|tell\s+you)\b|\binstructions\b|\bhow\s+to\s+use\b"
)
_SETTINGS_RE = re.compile(r"\bsettings?\b|\bpreferences\b|\bmy\s+profile\b|\bmy\s+details\b")
_CHECKIN_RE = re.compile(
    r"\b(?:i\s+(?:want|would\s+like|'d\s+like|wanna)\s+to|can\s+i|let\s+me|let's|lets)\s+(?:do\s+(?:a|my)\s+)?check\s?in\b"
    r"|\bcheck\s+me\s+in\b|\bask\s+me\s+now\b|\bcheck\s?in\s+now\b"
)

# --- days -------------------------------------------------------------------------------------------

_DAY_ALIASES = {
    **{k: v for k, v in answers._DAY_WORDS.items()},
    "thurs": "thu", "weds": "wed", "tues": "tue",
}
_DAY_TOKEN_RE = re.compile(
    r"\b(?:every\s?day|everyday|daily|all\s+week|7\s+days\s+a\s+week|week\s?days?|work\s?days?|week\s?ends?|"
    + "|".join(sorted(_DAY_ALIASES, key=len, reverse=True)) + r")\b"
)
_RANGE_RE = re.compile(
    r"\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\s*(?:-|–|to|till|through|thru)\s*(mon|tue|wed|thu|fri|sat|sun)[a-z]*\b"
)
_DAYS_CUE_RE = re.compile(
    r"\b(?:only|just|not|no|except|skip|add|also|every|daily|days|instead|switch|change|check\s?in|check\s?ins|ask"
    r"|message|remind|don't|dont|too|as\s+well|off|plus|without|apart\s+from|but\s+not|never|drop|remove|include"
    r"|weekdays|weekends|from\s+now\s+on|please|move|on)\b"
)
_NEG_RE = re.compile(r"\b(?:not|no|except|skip|without|don't|dont|never|drop|remove|apart\s+from|but\s+not|minus|pause"
                     r"|take\s+out|leave\s+out|off)\b")
_ADD_RE = re.compile(r"\b(?:add|also|too|as\s+well|plus|include|and\s+also)\b")


def _spell_range(m: re.Match[str]) -> str:
    a, b = DAYS.index(m.group(1)), DAYS.index(m.group(2))
    span = DAYS[a:b + 1] if a <= b else DAYS[a:] + DAYS[:b + 1]
    return " ".join(span)


def _days_of(word: str) -> tuple[str, ...]:
    w = word.replace(" ", "")
    if w in ("everyday", "daily", "allweek", "7daysaweek"):
        return DAYS
    if w.startswith(("weekday", "workday")):
        return DAYS[:5]
    if w.startswith("weekend"):
        return DAYS[5:]
    return (_DAY_ALIASES[word],) if word in _DAY_ALIASES else ()


def _days(s: str) -> tuple[str, tuple[str, ...]] | None:
    """("set" | "add" | "drop", days): "weekdays only", "not on Sundays", "add saturday"."""
    found = list(_DAY_TOKEN_RE.finditer(s))
    if not found or not _DAYS_CUE_RE.search(s):
        return None
    pos: set[str] = set()
    neg: set[str] = set()
    every = False
    for m in found:
        days = _days_of(m.group())
        before = s[max(0, m.start() - 25):m.start()]
        # A negation governs the days after it up to a comma or "but": "not sat or sun".
        last_neg = max((n.end() for n in _NEG_RE.finditer(before)), default=-1)
        negated = last_neg >= 0 and not re.search(r",|\bbut\b(?!\s+not)|\bonly\b|\bjust\b", before[last_neg:])
        if negated:
            neg.update(days)
        else:
            pos.update(days)
            every = every or days == DAYS
    if not pos and not neg:
        return None
    if neg and (not pos or every):
        base = DAYS if every else None
        if base is None:
            return "drop", tuple(d for d in DAYS if d in neg)
        return "set", tuple(d for d in DAYS if d not in neg)
    if _ADD_RE.search(s) and not re.search(r"\b(?:only|just)\b", s):
        return "add", tuple(d for d in DAYS if d in pos)
    return "set", tuple(d for d in DAYS if d in pos and d not in neg)


# --- time zones --------------------------------------------------------------------------------------

_TZ_RE = re.compile(
    r"\b(?:i'?m|i\s+am|we'?re|we\s+are|i'?ll\s+be|i\s+will\s+be|currently|now|moving|moved|living|live|based"
    r"|staying|relocated|relocating|travell?ing|flying|flew|arrived|going|heading|landed|over|out)"
    r"(?:\s+(?:back|here|now|currently|over|out|down|up|away|just|for\s+work))?\s+(?:in|to|at)\s+(?P<place>[a-z][a-z .'/_-]{1,40})"
    r"|\btime\s?zones?\b(?:\s+(?:is|to|=|:|should\s+be))?(?:\s+now)?\s+(?P<place2>[a-z][a-z .'/_-]{1,40})"
    r"|\b(?:change|set|switch|update|make)\s+(?:my\s+|the\s+)?(?:time\s?zone|tz|zone)\s+(?:to\s+)?(?P<place3>[a-z][a-z .'/_-]{1,40})"
    r"|\b(?:spending|spend|staying|working|living)\s+(?:the\s+|a\s+|this\s+|next\s+|my\s+)?(?:\w+\s+){0,2}?in\s+"
    r"(?P<place5>[a-z][a-z .'/_-]{1,40})"
    r"|\b(?:use|on|in)\s+(?P<place4>[a-z]+/[a-z_]+(?:/[a-z_]+)?|[a-z]{3,4}\s+time)\b"
)
_PLACE_STOP = {"this", "for", "now", "until", "till", "til", "next", "from", "and", "but", "so", "the", "a", "on",
               "at", "with", "since", "today", "tomorrow", "tonight", "time", "please", "instead", "right", "then",
               "because", "as", "while", "these", "few", "couple", "over", "when", "to", "in", "by", "all", "i", "we"}
_NOT_PLACES = {"pain", "agony", "bed", "bits", "pieces", "trouble", "work", "hospital", "shape", "a", "the",
               "good", "bad", "form", "training", "the gym", "gym", "the park", "park", "london time", "charge",
               "physio", "rehab", "recovery", "denial", "luck", "town", "two", "half", "mind", "doubt",
               "a bit", "my", "your", "it", "that", "this", "there", "here", "time", "stage"}


def _place_names() -> dict[str, str]:
    """Every place name known: the zone index's cities and zones, and answers' aliases."""
    names = dict(answers._zone_index())
    names.update(answers._TZ_ALIASES)
    return {k: v for k, v in names.items() if len(k) >= 2}


# Built at import, like every table here: the first request pays nothing extra.
_PLACE_NAMES = _place_names()
_PLACES_BY_FIRST: dict[str, tuple[str, ...]] = {}
for _n in sorted(_PLACE_NAMES):
    _PLACES_BY_FIRST[_n[0]] = (*_PLACES_BY_FIRST.get(_n[0], ()), _n)


@lru_cache(maxsize=2048)
def place_zone(place: str) -> str | None:
    """An IANA zone for a place said in words: a zone, city, country or alias; one typo allowed in
    names of 5+ letters (two in 9+), with the first letter right ("Sydeny", "Torronto")."""
    place = place.strip(" .'-")
    if not place or place in _NOT_PLACES:
        return None
    names = _PLACE_NAMES
    if place in names:
        return names[place]
    tz = answers.parse_timezone(place)
    if tz is not None:
        return tz
    if place.endswith(" time"):
        return answers.parse_timezone(place.removesuffix(" time"))
    if len(place) < 5:
        return None
    found = process.extractOne(place, _PLACES_BY_FIRST.get(place[0], ()), scorer=DamerauLevenshtein.distance,
                               score_cutoff=1 if len(place) < 9 else 2)
    return names[found[0]] if found else None


def _timezone(s: str) -> str | None:
    for m in _TZ_RE.finditer(s):
        words = (m.group("place") or m.group("place2") or m.group("place3") or m.group("place4")
                 or m.group("place5") or "").split()
        if words and words[0] == "the" and len(words) > 1 and words[1] in ("uk", "us", "usa", "states", "netherlands"):
            words = [" ".join(words[:2]), *words[2:]]
        cut = next((i for i, w in enumerate(words) if w in _PLACE_STOP and i > 0), len(words))
        words = words[:min(cut, 4)]
        for n in range(len(words), 0, -1):
            tz = place_zone(" ".join(words[:n]))
            if tz is not None:
                return tz
    return None


# --- exercises ------------------------------------------------------------------------------------------

_EXERCISE_WORDS: tuple[tuple[str, str], ...] = (
    (r"side\s+lying\s+(?:hip\s+|leg\s+)?(?:abduction|raises?|lifts?)|hip\s+abductions?|leg\s+raises?|leg\s+lifts?"
     r"|clams?|clam\s?shells?|abductions?", "side-lying hip abduction"),
    (r"side\s+(?:bridges?|planks?)", "side bridge"),
    (r"curl\s?ups?|crunch(?:es)?|mcgill\s+curl", "curl-up"),
    (r"bird\s?dogs?", "bird dog"),
    (r"glute\s+bridges?|hip\s+bridges?|bridges?|bridging", "glute bridge"),
    (r"walk\s*/?\s*runs?|run\s*/?\s*walks?|intervals?|couchtofivek|c25k|run\s+walk|walk\s+run", "walk/run intervals"),
    (r"cross\s+train(?:ing|er)?|crosstraining|low\s+impact", "cross-training"),
    (r"easy\s+(?:effort|pace|run|running|walk)|talk\s+test|rpe|effort|conversational\s+pace|how\s+easy|how\s+hard"
     r"|steady\s+(?:effort|pace)|what\s+(?:is|does)\s+easy", "easy effort"),
    (r"these|them|those|the\s+(?:exercises|routine|strength\s+\w+)|strength\s+(?:routine|exercises|work|session|training)"
     r"|(?:the\s+)?core\s+exercises|(?:the\s+)?exercises|strength|the\s+moves", "strength"),
)
_EXERCISE_RES = tuple((re.compile(r"\b(?:" + p + r")\b"), name) for p, name in _EXERCISE_WORDS)
_ASKS_HOW_RE = re.compile(
    r"\?|\b(?:how|what|what's|explain|show|tell|describe|mean|means|meant|instructions|teach|demo|technique|form"
    r"|count|counts|define|which|help\s+with|do\s+i\s+do)\b"
)

# --- corrections ---------------------------------------------------------------------------------------

_NUM = r"(\d{1,3}(?:\.\d)?)"
_CORRECTION_RES = (
    # "I meant 4 not 7", "it was 5, not 3", "should be 4 not 7", "4 not 7"
    re.compile(r"(?:^|\b(?:i\s+meant|meant|i\s+mean|it\s+was|it's|its|should\s+(?:have\s+been|be|say|read)|make\s+(?:it|that)"
               r"|sorry|correction|typo|oops|actually|no)\b\D{0,12}?)" + _NUM + r"(?:\s*/\s*10)?\s*,?\s*(?:and\s+)?not\s+(?:a\s+)?"
               + _NUM + r"\b"),
    # "not 7, 4", "not 7 but 4", "not 7, it was 4"
    re.compile(r"\bnot\s+(?:a\s+)?" + _NUM + r"(?:\s*/\s*10)?\s*,?\s*(?:but\s+|it\s+was\s+|it's\s+|i\s+meant\s+|more\s+like\s+)?(?:a\s+)?"
               + _NUM + r"\b"),
    # "I meant 4", "sorry, it was a 5", "make that 6"
    re.compile(r"\b(?:i\s+meant|meant\s+to\s+say|i\s+mean|sorry\s*,?\s*(?:it\s+was|i\s+meant)|it\s+was\s+actually"
               r"|actually\s+it\s+was|should\s+(?:have\s+)?(?:been|said)|make\s+(?:it|that)|correction\s*:?|typo\s*,?)"
               r"\s+(?:a\s+)?" + _NUM + r"(?:\s*/\s*10)?\s*$"),
)


def _correction(s: str) -> tuple[float, float | None] | None:
    t = _EDGE_RE.sub("", s)
    for i, rx in enumerate(_CORRECTION_RES):
        m = rx.search(t)
        if m is None:
            continue
        if i == 0:
            return float(m.group(1)), float(m.group(2))
        if i == 1:
            return float(m.group(2)), float(m.group(1))
        return float(m.group(1)), None
    return None


# --- questions about warning signs --------------------------------------------------------------------

_SAFETY_RE = re.compile(
    r"\b(?:numb\w*|groin|genital\w*|bottom|saddle|bladder|bowel\w*|pee|peeing|wee|urine|incontinen\w*|weak\w*\s+legs?"
    r"|both\s+legs|fever|temperature|red\s+flags?|warning\s+signs?|emergency|a&e|a\s+and\s+e)\b"
)
_ASKED_IF_RE = re.compile(r"\?|^(?:if|what|when|should|how|is|are|do|does|can|could)\b|\bwhat\s+(?:do|should)\s+i\b")

# --- anything else asked --------------------------------------------------------------------------------

_QUESTION_RE = re.compile(
    r"\?\s*$|^(?:what|how|why|when|where|who|which|can|could|would|will|do|does|is|are|should|shall|may|please|pls"
    r"|i\s+want|i'?d\s+like|i\s+would\s+like|tell\s+me|show\s+me|give\s+me|send\s+me|let\s+me|i\s+need|explain"
    r"|change|set|turn|switch)\b"
)


# A segment that opens with a question word asks; a "?" alone does not make "rested today, why?" one.
_ASKS_RE = re.compile(r"^(?:what|how|why|when|which|who|is|are|do|does|can|could|should|explain|show|tell)\b")

# --- the readers, in order ---------------------------------------------------------------------------------

Reader = Callable[[str, date], tuple[Kind, Value] | None]


def _r_undo(s: str, _t: date) -> tuple[Kind, Value] | None:
    return ("undo", None) if _UNDO_RE.fullmatch(_EDGE_RE.sub("", s)) else None


def _r_smalltalk(s: str, _t: date) -> tuple[Kind, Value] | None:
    said = _smalltalk(s)
    return ("smalltalk", said) if said else None


def _r_delete(s: str, _t: date) -> tuple[Kind, Value] | None:
    return ("delete", None) if _DELETE_RE.search(s) else None


def _r_export(s: str, _t: date) -> tuple[Kind, Value] | None:
    return ("export", None) if _EXPORT_RE.search(s) else None


def _r_reminders_off(s: str, _t: date) -> tuple[Kind, Value] | None:
    return ("reminders", False) if _REMINDERS_OFF_RE.search(s) else None


_PAST_RE = re.compile(r"\b(?:been|was|were|had|got\s+back|came\s+back|returned|just\s+back|last\s+week)\b")
_FUTURE_RE = re.compile(r"\b(?:will|i'll|we'll|going|gonna|next|from\s+(?:tomorrow|mon\w*|tue\w*|wed\w*|thu\w*|fri\w*"
                        r"|sat\w*|sun\w*)|please|pause|can\s+you|could\s+you)\b")


def _r_pause(s: str, today: date) -> tuple[Kind, Value] | None:
    if not _PAUSE_CUE_RE.search(s):
        return None
    if _PAST_RE.search(s) and not _FUTURE_RE.search(s):
        return None  # "sorry, been away over christmas!" tells, it does not ask
    back = resume_date(s, today)
    if back is not None:
        return "pause", back
    days = _days(s)
    if days is not None and days[0] == "drop":
        return None  # "no check-ins at the weekend": which days, not a break ("this weekend" has a date)
    if _STRONG_PAUSE_RE.search(s) and not _TZ_RE.search(s) and not _RESUME_RE.search(s):
        return "pause", None
    return None


#: A time in a story of the night or the morning ("woke up at 3am with pain") is no request.
_TOLD_TIME_RE = re.compile(r"\b(?:woke|woken|waking|wake|slept|sleep|got\s+up|went|came|ran|run|walked|did|was|were"
                           r"|had|started|finished|left|yesterday|last\s+night|this\s+morning)\b")
_ASKED_TIME_RE = re.compile(r"\b(?:remind|ask|check\s?in|check\s?ins|message|ping|text|please|pls|instead|can\s+you"
                            r"|could\s+you|can\s+we|could\s+we|make\s+it|change|switch|set|move)\b")


def _r_time(s: str, _t: date) -> tuple[Kind, Value] | None:
    if _TOLD_TIME_RE.search(s) and not _ASKED_TIME_RE.search(s):
        return None
    shift = shift_minutes(s)
    if shift is not None and _TIME_CUE_RE.search(s):
        return "shift_time", shift
    if _TIME_CUE_RE.search(s) or re.fullmatch(r"(?:at\s+)?\S+\s*(?:am|pm)?", s):
        t = clock_time(s)
        if t is not None:
            return "set_time", t
    if _ASK_TIME_RE.search(s) and _ASK_TIME_CONTEXT_RE.search(s):
        return "ask_time", None
    return None


def _r_reminders_on(s: str, _t: date) -> tuple[Kind, Value] | None:
    return ("reminders", True) if _REMINDERS_ON_RE.search(s) else None


def _r_days(s: str, _t: date) -> tuple[Kind, Value] | None:
    d = _days(s)
    return ("set_days", d) if d else None


def _r_timezone(s: str, _t: date) -> tuple[Kind, Value] | None:
    tz = _timezone(s)
    return ("set_timezone", tz) if tz else None


def _r_simple(kind: Kind, rx: re.Pattern[str]) -> Reader:
    def read(s: str, _t: date) -> tuple[Kind, Value] | None:
        return (kind, None) if rx.search(s) else None
    return read


def _r_why(s: str, _t: date) -> tuple[Kind, Value] | None:
    if not _WHY_RE.search(s):
        return None
    k = _WHY_KIND_RE.search(s)
    if k is None:
        return "why", None
    word = k.group(1)
    return "why", next((v for p, v in _WHY_KIND.items() if word.startswith(p)), None)


def _r_exercise(s: str, _t: date) -> tuple[Kind, Value] | None:
    if not _ASKS_HOW_RE.search(s):
        return None
    for rx, name in _EXERCISE_RES:
        if rx.search(s):
            return "exercise", name
    return None


def _r_correction(s: str, _t: date) -> tuple[Kind, Value] | None:
    c = _correction(s)
    return ("correction", c) if c else None


def _r_safety(s: str, _t: date) -> tuple[Kind, Value] | None:
    """"if I get numbness in my groin what do I do": the warning signs and where to go (a report of
    them is a check-in, and the parser's guard keeps it one)."""
    return ("safety", None) if _SAFETY_RE.search(s) and _ASKED_IF_RE.search(s) else None


def _r_unknown(s: str, _t: date) -> tuple[Kind, Value] | None:
    return ("unknown", None) if _QUESTION_RE.search(s) else None


READERS: tuple[Reader, ...] = (
    _r_undo, _r_smalltalk, _r_safety, _r_delete, _r_export, _r_reminders_off, _r_pause, _r_time, _r_reminders_on, _r_days,
    _r_timezone, _r_simple("resume", _RESUME_RE), _r_simple("stop", _STOP_RE), _r_why, _r_exercise,
    _r_simple("today", _TODAY_RE), _r_simple("progress", _PROGRESS_RE), _r_simple("help", _HELP_RE),
    _r_simple("settings", _SETTINGS_RE), _r_simple("checkin", _CHECKIN_RE), _r_correction, _r_unknown,
)
#: Kinds that yield to any other request in the same message.
_WEAK: frozenset[str] = frozenset({"smalltalk", "unknown"})


def _read_segment(raw: str, today: date) -> tuple[Kind, Value] | None:
    s = prepare(raw)
    if not s:
        return None
    for reader in READERS:
        found = reader(s, today)
        if found is not None:
            return found
    return None


#: "I'm back", "back from my trip", "back home": returning, not the back; taken out before the
#: parser looks for a check-in, so "ok I'm back" is no "back's ok" (what else is said still counts).
_RETURNING_RE = re.compile(r"\b(?:i[’']?m|i\s+am|we[’']?re|we\s+are)\s+back\b|\bback\s+(?:from|home)\b", re.IGNORECASE)


def _is_checkin(raw: str, question: bool) -> bool:
    """The check-in parser finds something to record in this segment (then it is no request).

    A bare duration ("an hour later") is an "other" session to the parser, and no check-in here;
    in a question, a session named without a number is asked about, not reported ("how many runs
    this month?", "what are the intervals?"), and "no run" is no rest day ("why no run?")."""
    ci = parse_checkin(_RETURNING_RE.sub(" ", raw))
    return bool(ci.pain is not None or ci.red_flags or ci.possible_flags or (ci.rested and not question)
                or ci.has_leg_symptoms
                or ci.same_as or ci.cleared
                or any(a.kind != "other" and not (question and a.minutes is None and a.km is None)
                       for a in ci.activities))


def read_intent(text: str, today: date) -> Intent | None:
    """The request in ``text``, if there is one. Never raises."""
    try:
        return _read(text, today)
    except Exception:  # a request the reader trips on is no request: the message is read as a check-in
        return None


def _read(text: str, today: date) -> Intent | None:
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_CHARS:
        return None
    if text.strip() in _EMOJI_OK:
        return Intent("smalltalk", "ok", (0, len(text)))
    weak: Intent | None = None
    for a, b in segments(text):
        found = _read_segment(text[a:b], today)
        if found is None:
            continue
        kind, value = found
        # Small talk is whole short phrases and never a check-in ("ok" alone is the caller's call).
        if kind != "smalltalk" and _is_checkin(text[a:b], _ASKS_RE.search(prepare(text[a:b])) is not None):
            continue
        intent = Intent(kind, value, (a, b))
        if kind not in _WEAK:
            return intent
        weak = weak or intent
    return weak
