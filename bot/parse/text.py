"""Text plumbing for the check-in parser: normalisation, clauses and context markers.

Everything downstream works on the *normalised* string and on character positions in it, so
these steps are the only place where the text changes shape. Pure functions, regexes compiled
at import, each pass linear in the length of the text.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field

from bot.parse.patterns import Doc, Keyed
from bot.parse.words import AMOUNT_WORDS, TENS_WORDS, TYPOS, UNIT_WORDS

# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

_FRACTIONS = {"½": ".5", "¼": ".25", "¾": ".75"}
_FRACTION_RE = re.compile(r"([0-9]?)\s*([½¼¾])")

_CHAR_MAP = str.maketrans({
    "’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'", "“": '"', "”": '"',
    "–": "-", "—": "-", "−": "-", "‐": "-", "‑": "-", "×": "x", "\r": "\n", "\t": " ",
    "\u2028": "\n", "\u2029": "\n", "\x85": "\n",
})

#: Emoji that say what was done; every other emoji and pictograph becomes a space.
_EMOJI_WORDS = {
    "🏃": " run ", "🚶": " walk ", "🚴": " bike ", "🚵": " bike ", "🚲": " bike ", "🏊": " swim ",
    "🏋": " weights ", "🧘": " yoga ",
}
_EMOJI_RE = re.compile(
    "[\U0001F000-\U0001FAFF\u2190-\u21FF\u2300-\u23FF\u2600-\u27BF\u2B00-\u2BFF"
    "\uFE0E\uFE0F\u200D\u20E3\U000E0000-\U000E007F]"
)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_C25K_RE = re.compile(r"\b(?:c\s*2\s*5\s*k|couch[\s-]*(?:to|2)[\s-]*5\s*k)(?:'?s)?\b")
_S_AND_C_RE = re.compile(r"\bs\s*&\s*c\b")
_THOUSANDS_RE = re.compile(r"(?<=[0-9]),(?=[0-9]{3}(?![0-9]))")
_HYPHEN_WORDS_RE = re.compile(r"(?<=[a-z])-(?=[a-z])")
_DIGIT_LETTER_RE = re.compile(r"[0-9](?=[a-z])|[a-z](?=[0-9])")
_NOT_RE = re.compile(
    r"\b(?:(did|could|do|does|was|were|is|are|have|has|had|would|should|must|need)\s+not"
    r"|(can)\s*not|(will)\s+not)\b"
)
_WORDS_RE = re.compile(r"[a-z][a-z']*")
_NUMWORD_RE = re.compile(
    r"\b(?:(?P<t>" + "|".join(TENS_WORDS) + r")(?:[\s-]+(?P<u>one|two|three|four|five|six|seven|eight|nine))?"
    r"|(?P<amt>" + "|".join(sorted(AMOUNT_WORDS, key=len, reverse=True)).replace(" ", r"\s+") + r")"
    r"|(?P<w>" + "|".join(sorted(UNIT_WORDS, key=len, reverse=True)) + r"))\b"
)
_NUMBER_WORDS = frozenset(TENS_WORDS) | frozenset(UNIT_WORDS) | {"couple", "few", "dozen"}
_TYPO_WORDS = frozenset(TYPOS)
_AND_A_HALF_RE = re.compile(r"\b([0-9]+)\s+and\s+a\s+half\b")
_POINT_RE = re.compile(r"\b([0-9]+)\s+point\s+([0-9]+)\b")
_LEADING_POINT_RE = re.compile(r"(?<![0-9])\.(?=[0-9])")
_SPACES_RE = re.compile(r"[ \f\v]+")
_HAS_ALNUM_RE = re.compile(r"[^\W_]")


def _fraction(m: re.Match[str]) -> str:
    return (m.group(1) or "0") + _FRACTIONS[m.group(2)]


def _emoji(m: re.Match[str]) -> str:
    return _EMOJI_WORDS.get(m.group(), " ")


def _space_after(m: re.Match[str]) -> str:
    return m.group() + " "


def _contract(m: re.Match[str]) -> str:
    if m.group(1):
        return m.group(1) + "n't"
    return "can't" if m.group(2) else "won't"


def _typo(m: re.Match[str]) -> str:
    w = m.group()
    return TYPOS.get(w, w)


def _numword(m: re.Match[str]) -> str:
    tens = m.group("t")
    if tens:
        unit = m.group("u")
        return str(TENS_WORDS[tens] + (UNIT_WORDS[unit] if unit else 0))
    amount = m.group("amt")
    if amount:
        return str(AMOUNT_WORDS[" ".join(amount.split())])
    return str(UNIT_WORDS[m.group("w")])


def normalise(raw: str) -> str:
    """Lower-case, NFKC, typo-fixed, digits for number words, one space between tokens.

    Newlines are kept: they separate sentences. Each rewrite runs only when the characters or
    words it rewrites are present (most replies need few of them).
    """
    s = raw
    if not s.isascii():
        if "½" in s or "¼" in s or "¾" in s:
            s = _FRACTION_RE.sub(_fraction, s)
        s = unicodedata.normalize("NFKC", s).lower().translate(_CHAR_MAP)
        s = _EMOJI_RE.sub(_emoji, s)
    else:
        s = s.lower().translate(_CHAR_MAP)
    if not s.isprintable():
        s = _CONTROL_RE.sub(" ", s)
    if "5" in s and ("c" in s or "2" in s):
        s = _C25K_RE.sub(" couchtofivek ", s)
    if "&" in s:
        s = _S_AND_C_RE.sub(" strength ", s)
    if "," in s:
        s = _THOUSANDS_RE.sub("", s)
    if "-" in s:
        s = _HYPHEN_WORDS_RE.sub(" ", s)
    if "." in s:
        s = _LEADING_POINT_RE.sub("0.", s)
    s = _DIGIT_LETTER_RE.sub(_space_after, s)
    words = set(_WORDS_RE.findall(s))
    if "not" in words:
        s = _NOT_RE.sub(_contract, s)
    if not words.isdisjoint(_TYPO_WORDS):
        s = _WORDS_RE.sub(_typo, s)
    if not words.isdisjoint(_NUMBER_WORDS):
        s = _NUMWORD_RE.sub(_numword, s)
    if "half" in words:
        s = _AND_A_HALF_RE.sub(r"\1.5", s)
    if "point" in words:
        s = _POINT_RE.sub(r"\1.\2", s)
    if "  " in s or "\f" in s or "\v" in s:
        s = _SPACES_RE.sub(" ", s)
    return s


def has_content(s: str) -> bool:
    """Whether any letter or digit is left (emoji-only and punctuation-only replies have none)."""
    return _HAS_ALNUM_RE.search(s) is not None


# --------------------------------------------------------------------------------------------
# Clauses
# --------------------------------------------------------------------------------------------

_PUNCT_RE = re.compile(r"[\n;!?.,()\[\]-]")
_SPLIT_WORDS_RE = Keyed(
    r"\b(?:but|then|though|however|although|whereas|plus|also|except|apart\s+from|after\s+that|followed\s+by"
    r"|as\s+well\s+as|and\s+then)\b",
    ["but", "then", "though", "however", "although", "whereas", "plus", "also", "except", "apart", "after",
     "followed", "as", "and"],
)
_WORDCHAR_RE = re.compile(r"[\w\x01]")


@dataclass(slots=True)
class Clause:
    """A stretch of text between commas, sentence ends and words like "but" / "then"."""

    start: int
    end: int
    sent: int
    #: The clause ends a sentence that ended with "?".
    question: bool = False
    #: Context markers found inside the clause: kind -> sorted positions.
    marks: dict[str, list[int]] = field(default_factory=dict)

    def has(self, kind: str) -> bool:
        return kind in self.marks

    def positions(self, kind: str) -> list[int]:
        return self.marks.get(kind, _NO_POSITIONS)

    def mark(self, pos: int, kind: str) -> None:
        found = self.marks.get(kind)
        if found is None:
            self.marks[kind] = [pos]
        else:
            found.append(pos)


_NO_POSITIONS: list[int] = []


def _breaks(s: str, doc: Doc) -> list[tuple[int, int, str]]:
    """Clause breaks as (start, end, kind): kind "." ends a sentence ("?" a question), "," a clause."""
    out: list[tuple[int, int, str]] = []
    n = len(s)
    for m in _PUNCT_RE.finditer(s):
        p = m.start()
        c = s[p]
        if c == ".":
            if 0 < p < n - 1 and s[p - 1].isdigit() and s[p + 1].isdigit():
                continue
            out.append((p, p + 1, "."))
        elif c in "\n;!":
            out.append((p, p + 1, "."))
        elif c == "?":
            out.append((p, p + 1, "?"))
        elif c == "-":
            if (0 < p < n - 1 and s[p - 1] == " " and s[p + 1] in " -") or (p + 1 < n and s[p + 1] == "-"):
                out.append((p, p + 1, ","))
        else:
            out.append((p, p + 1, ","))
    words = [(m.start(), m.end(), ",") for m in _SPLIT_WORDS_RE.finditer(doc, s)]
    if words:
        out = sorted(out + words)
    return out


def split_clauses(s: str, doc: Doc) -> list[Clause]:
    """Cut the text into clauses; ``sent`` numbers the sentence each belongs to."""
    clauses: list[Clause] = []
    sent = 0
    pos = 0

    def add(a: int, b: int) -> None:
        while a < b and s[a].isspace():
            a += 1
        while b > a and s[b - 1].isspace():
            b -= 1
        if a < b and _WORDCHAR_RE.search(s, a, b):
            clauses.append(Clause(a, b, sent))

    for a, b, kind in _breaks(s, doc):
        if a < pos:
            continue
        add(pos, a)
        pos = b
        if kind == ",":
            continue
        if kind == "?" and clauses and not _WORDCHAR_RE.search(s, clauses[-1].end, a):
            clauses[-1].question = True
        sent += 1
    add(pos, len(s))
    return clauses


class ClauseIndex:
    """Finds the clause holding a position (binary search over clause starts)."""

    def __init__(self, clauses: list[Clause]) -> None:
        self.clauses = clauses
        self._starts = [c.start for c in clauses]

    def find(self, pos: int) -> int:
        """Index of the clause containing ``pos``, or -1."""
        i = bisect_right(self._starts, pos) - 1
        if i >= 0 and pos < self.clauses[i].end:
            return i
        return -1


# --------------------------------------------------------------------------------------------
# Context markers: what a clause is about (during a session, this morning, yesterday...)
# --------------------------------------------------------------------------------------------

_ACT = (r"(?:run|runs|ran|running|jog\w*|walk\w*|cycl\w*|bik\w*|rid\w*|rode|swim\w*|swam|session"
        r"|workout|exercis\w*|training|intervals?|race|parkrun|gym|pilates|yoga|plank\w*|lengths)")
_CONTEXT_RE = Keyed(
    r"(?P<during>\b(?:during(?!\s+the\s+(?:night|day|week|evening))"
    rf"|(?:while|whilst|when|as)\s+(?:i\s+was\s+|i\s+|out\s+|on\s+(?:the|my)\s+|doing\s+(?:the|my)\s+)?{_ACT}"
    r"|(?:while|whilst)\s+(?:doing\s+)?(?:it|that)"
    r"|mid\s*(?:run|walk|ride|swim|session|way)"
    r"|on\s+(?:the|my)\s+(?:run|walk|ride|bike|swim|treadmill|hills?|jog|way\s+(?:back|home|round|out))"
    r"|(?:at|by|towards?|near|until)\s+the\s+(?:end|start|finish|beginning|top)"
    r"|at\s+the\s+(?:[0-9.]+\s*\w*\s+)?mark"
    r"|(?:at|after)\s+(?:about\s+)?[0-9]+(?:\.[0-9]+)?\s*(?:k|km|mi|miles?|mins?|minutes?|m)"
    r"|in\s+the\s+(?:first|last|middle|final)|the\s+whole\s+(?:way|time|run|walk|session|ride|swim)"
    r"|throughout|the\s+entire\s+(?:run|walk|session|time)|afterwards|straight\s+after|right\s+after"
    r"|after(?=\s*(?:[,.;!?)\n]|$|but\b|and\b|though\b))"
    r"|just\s+after|post\s*(?:run|walk|session))\b)"
    r"|(?P<weak>\b(?:felt|hurt|twinged?|twinges|niggled|no\s+issues|no\s+problems)\b)"
    r"|(?P<morning>\b(?:this\s+morning|this\s+am|woke|waking|wake\s+up|got\s+up|getting\s+up|out\s+of\s+bed"
    r"|right\s+now|now|currently|at\s+the\s+moment|atm|today|first\s+thing|on\s+rising)\b)"
    r"|(?P<present>\b(?:feels|feel|feeling|is|are|am)\b)"
    r"|(?P<past>\b(?:yesterday|last\s+night|last\s+week|the\s+other\s+day|used\s+to"
    r"|(?:on\s+)?(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b)"
    r"|(?P<body>\b(?:legs?|calf|calves|knees?|ankles?|foot|feet|shins?|hamstrings?|quads?|thighs?|toes?"
    r"|achilles|shoulders?|neck|head|throat|arms?|wrists?|groin|bladder|bowels?|pee|peeing|(?<!a\s)wee(?!\s+bit)|weeing"
    r"|urine|poo|toilet|sleep|slept|stomach|tummy|chest|heart|lungs?|breathing|glutes?|it\s+band|sciatica)\b)"
    r"|(?P<back>\b(?:back|lower\s+back|lumbar|spine|lbp)\b)"
    r"|(?P<irr>\b(?:will|i'll|we'll|going\s+to|gonna|going\s+for\s+an?|planning|plan\s+to|plan\s+is|hope\s+to"
    r"|hoping|want\s+to|wanna|would\s+like|tomorrow|tonight|later\s+(?:today|on)|next\s+(?:time|week)"
    r"|(?:planned|scheduled|booked(?:\s+in)?|pencilled\s+in)\s+for"
    r"|(?:happy|fine|ok|okay|allowed|cleared|safe)\s+(?:for\s+me\s+)?to|(?:told|advised|wants?)\s+me\s+to"
    r"|(?:says?|said)\s+i\s+(?:can|could|should|may)"
    r"|should\s+i|can\s+i|could\s+i|shall\s+i|may\s+i|is\s+it\s+(?:ok|safe|fine|wise|alright)"
    r"|thinking\s+(?:of|about)|might|heading\s+out)\b)"
    r"|(?P<cond>\b(?:if|unless|in\s+case)\b)",
    [
        # during
        "during", "while", "whilst", "when", "as", "mid", "on", "at", "after", "by", "toward", "near", "until",
        "in", "the", "throughout", "afterwards", "straight", "right", "just", "post",
        # weak during, morning, present, past
        "felt", "hurt", "twinge", "niggled", "no", "this", "woke", "waking", "wake", "got", "get", "out",
        "now", "currently", "atm", "today", "first", "feel", "is", "are", "am", "yesterday", "last",
        "used", "mon", "tues", "wednes", "thurs", "fri", "satur", "sun",
        # body
        "leg", "calf", "calves", "knee", "ankle", "foot", "feet", "shin", "hamstring", "quad", "thigh", "toe",
        "achilles", "shoulder", "neck", "head", "throat", "arm", "wrist", "groin", "bladder", "bowel", "pee",
        "wee", "urine", "poo", "toilet", "sleep", "slept", "stomach", "tummy", "chest", "heart", "lung",
        "breathing", "glute", "it",
        # back, planned, conditional
        "back", "lower", "lumbar", "spine", "lbp", "sciatica", "will", "i'll", "we'll", "going", "gonna",
        "planning", "plan", "hope", "hoping", "want", "wanna", "would", "tomorrow", "tonight", "later", "next", "planned", "scheduled", "booked", "pencilled", "happy", "fine", "ok", "okay", "allowed",
        "cleared", "safe", "told", "advised", "want", "say", "said",
        "should", "can", "could", "shall", "may", "thinking", "might", "heading", "if", "unless",
    ],
)


_APOSTROPHE_S_RE = re.compile(r"'s\b")


def mark_clauses(s: str, doc: Doc, index: ClauseIndex) -> None:
    """Record the context markers of each clause, in one pass over the text."""
    clauses = index.clauses
    for m in _CONTEXT_RE.finditer(doc, s):
        i = index.find(m.start())
        if i >= 0 and m.lastgroup is not None:
            clauses[i].mark(m.start(), m.lastgroup)
    if "'s" in s:
        for m in _APOSTROPHE_S_RE.finditer(s):
            i = index.find(m.start())
            if i >= 0:
                clauses[i].mark(m.start(), "present")
        for c in clauses:
            if "present" in c.marks:
                c.marks["present"].sort()
