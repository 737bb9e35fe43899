"""Pain scores in a check-in: this morning's back pain and peak pain during a session.

Where a number counts as pain (**design**):

- ``3/10``, ``3 out of 10``, ``10/10``; after a pain word ``pain 3``, ``back 3``, ``back's a 4``,
  ``back is a 4 today``, ``pain level: 3``, ``sore 4``; or a short clause that is just a number
  and filler (``3``, ``4.``, ``a three``, ``about a 3 today``, ``no wait 5``). Pain outside 0-10,
  negative numbers and numbers with units (minutes, km, reps, times, RPE) are never pain.
- Ranges ``3-4``, ``3 to 4``, ``3 or 4``, ``between 3 and 4``, ``3 maybe 4`` are their midpoint
  (3.5).
- Words map through the table in :mod:`bot.parse.words`; a number beats a word. Of several
  words the worst counts, except that "good, no pain" (all words 0-1) is the lowest.
- During a session: a clause with "during", "while running", "on the run", "at the end",
  "at 3k", "after 20 min", "throughout"... gives pain during; a number-only clause right after
  such a clause ("hurt during, 6/10") or after a pain word about a session ("run was painful,
  6/10") too. "felt"/"hurt" count as during after an activity, and a pain word next to an
  activity ("ran 5k pain free", "pain free run", "walked 30, all good") describes that
  activity. A number needs one of those markers: "ran 20 min, 3/10" is morning pain.
  **design**: "fine while running" is pain during 1 (the table value of "fine"). Pain during
  with no activity named ("sore at the end, 4/10") goes on an ``other`` activity.
- Two different morning numbers (``pain 2/10... actually 8/10``, ``3/10, no wait 5``): the later
  is ``pain`` and the one before it ``pain_conflict``. A number marked "yesterday" / "last
  night" only counts when nothing else is given, and so does one about a knee or another body
  part ("knee 5/10" alone is 5).
- A score about the leg (leg, thigh, calf, shin, foot, toes, sciatica) is the leg's own number,
  ``leg``, never the back's nor a conflict with it: "back 3 leg 6", "sciatica 6/10", "calf 7/10
  from my back". The word right before a score owns it when no other number stands between.
  A number-only clause right after a nerve-pain clause about the leg is the leg's too
  ("sciatica really bad, 7/10"), and so is a pain word (>= 2) in a clause about the leg with
  nerve words ("sciatica bad today", "pain shooting down my leg is awful"); "legs sore" is not.
- After a session: a second, different score in a clause after the session, when a morning score
  came before it ("back 2, ran 30 min, pain 7"), is pain during that session, unless marked as
  this morning, yesterday or a correction ("actually 5"); so is a score with "after" ("back was
  6 after").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from bot.parse.patterns import DIGIT_TOKENS, DIGITS, Doc, Keyed, holds_any
from bot.parse.text import Clause, ClauseIndex
from bot.parse.words import INTENSIFIERS, NOT_PAIN_AFTER, PAIN_WORDS

_N = r"[0-9]{1,2}(?:\.[0-9]+)?"
_PNUM = rf"(?<![\w.\-/])(?P<a>{_N})(?:\s*(?:-|to|or)\s*(?P<b>{_N}))?"
_GUARD = (
    r"(?![0-9.]*[0-9])(?!\s*(?:/\s*(?!10\b)[0-9]|:[0-9]|%|x\b|k\b|km|mi\b|miles?|mins?\b|minutes?|h\b|hrs?\b"
    r"|hours?|s\b|secs?\b|st\b|nd\b|rd\b|th\b|am\b|pm\b|kg|lbs?\b|days?\b|weeks?\b|times\b|reps?\b|sets?\b"
    r"|degrees|runs?\b|walks?\b|sessions?\b|laps?\b|lengths?\b|people|kids|goes\b|nights?\b|months?\b"
    r"|years?\b|of\s+(?!10\b)))"
)
_SCALE_RE = Keyed(
    rf"{_PNUM}\s*(?:/|out\s+of|outta|of(?=\s*10\b(?!\s*(?:x\b|reps?|sets?|times|mins?|minutes?|k\b|km|miles?"
    r"|laps?|lengths?|people|days?|weeks?))))\s*10(?![0-9]|\.[0-9])(?!\s*/\s*[0-9])",
    DIGITS,
)
_ANCHORS = (r"lower\s+back|back|pain|pains|lbp|sore|soreness|stiff|stiffness|ache|aching|achy|hurts|hurting"
            r"|nrs|score|rating|rated|level|discomfort|it's|its|i'm|sciatica|leg\s+pain|leg|calf|calves|shins?|thighs?"
            r"|today|now")
_FILLERS = (r"is|was|'s|at|about|around|roughly|approx|approximately|maybe|probably|probs|prob|like|level|score"
            r"|today|now|currently|this|morning|still|only|just|down|up|to|feels|feel|feeling|felt|sitting"
            r"|of|a|an|i'd|say|would|be|pretty|hovering|rating|rated|my|the|tbh|honestly|reads|reading|sits"
            r"|stays|stayed|remains|again|already|even|back|pain|definitely|def|circa|c|~|solid|strong|low"
            r"|high|mild|likely|i|think|reckon|guess|lower|level|score|right|rn")
_ANCHORED_RE = Keyed(
    rf"\b(?P<anc>{_ANCHORS})(?:'s)?(?:\s*[:=~]\s*|\s+-\s+|\s+)(?:(?:{_FILLERS})(?:\s*[:=~]\s*|\s+)){{0,4}}"
    rf"(?:between\s+(?P<ba>{_N})\s+and\s+(?P<bb>{_N})|{_PNUM}){_GUARD}",
    ["lower", "back", "pain", "lbp", "sore", "stiff", "ach", "hurt", "nrs", "score", "rat", "level", "discomfort",
     "it", "i'm", "sciatica", "leg", "calf", "calves", "shin", "thigh", "today", "now"],
)
_LOOSE_RE = Keyed(rf"{_PNUM}(?:\s*(?:/|out\s+of|outta)\s*10)?{_GUARD}", DIGITS)
#: "got back 5", "came back at 7": "back" as in returning, not the back.
_BACK_NOT_BODY_RE = re.compile(
    r"\b(?:got|get|gets|getting|came|come|comes|coming|went|go|goes|going|been|headed|heading|bring|brought"
    r"|way|welcome|drove|driving|flew|moved|turned|look|looking|looked|give"
    r"|gave|pay|paid|call|called|text|texted|sent|send|hold|held|put|fight|fought|lean|leaned|leant|step"
    r"|stepped|bounce|bounced|bouncing|be|i'll)\s+\Z"
)

_BARE_FILLERS = frozenset((
    "is was 's at about around roughly approx approximately maybe probably probs prob like level score today "
    "now currently this morning still only just a an i'd id say would be pretty my the tbh honestly again back "
    "pain lower i think reckon guess right rn thanks thank you ta cheers ish so um hmm er erm no wait sorry "
    "actually mean meant make that oops correction rather hi hello hey yeah yes yep sure well ok okay update "
    "pain's back's it it's its i'm am out of feeling feels feel felt sitting at solid definitely def mine "
    "currently's hurting sore soreness rating rated level's scale nrs between").split()
)
_TOKEN_RE = re.compile(r"[a-z']+|[0-9]+(?:\.[0-9]+)?|[/\-]")
_DIGIT_RE = re.compile(r"[0-9]")

_MULTI_ALT = "|".join(
    re.escape(w).replace(r"\ ", r"\s+") for w in sorted(PAIN_WORDS, key=len, reverse=True) if " " in w
)
_SINGLE_ALT = "|".join(sorted((w for w in PAIN_WORDS if " " not in w), key=len, reverse=True))
_INT_ALT = "|".join(
    re.escape(w).replace(r"\ ", r"\s+") for w in sorted(INTENSIFIERS, key=len, reverse=True)
)
#: A single word followed by a noun it describes ("good run", "bad fall") is not pain; a phrase
#: ("pain free run", "no pain on the run") always is.
_WORD_RE = Keyed(
    rf"\b(?:(?P<int>{_INT_ALT})\s+)?(?:(?P<w>{_MULTI_ALT})\b"
    rf"|(?P<w1>{_SINGLE_ALT})\b(?!\s+(?:{'|'.join(NOT_PAIN_AFTER)})\b))",
    {w.split()[0] for w in (*PAIN_WORDS, *INTENSIFIERS)},
)
_NEG_BEFORE_RE = re.compile(r"\b(?:not|isn't|wasn't|aren't|never|doesn't\s+feel|don't\s+feel)\s+\Z")
#: Every match of _NEG_BEFORE_RE holds one of these: most texts skip the search.
_NEGATION_WORDS = ("not", "n't", "never")

MAX_WORD_PAIN = 9.0


@dataclass(slots=True)
class PainCand:
    """A pain score found in the text, and what it is about."""

    pos: int
    clause: int
    value: float
    numeric: bool
    during: bool = False
    #: 1 this morning, 0.5 said of yesterday, 0 about another body part.
    tier: float = 1.0
    #: A score about the leg (or sciatica): the leg's own number, never the back's.
    leg: bool = False


@dataclass(slots=True)
class PainReading:
    pain: float | None
    conflict: float | None
    during: list[PainCand]
    #: The leg's own number (the highest given), or None.
    leg: float | None = None
    #: A leg score given for the calf, shin, foot or toes.
    leg_below_knee: bool = False


def _value(a: str, b: str | None) -> float | None:
    lo = float(a)
    v = (lo + float(b)) / 2 if b is not None else lo
    if not 0 <= lo <= 10 or not 0 <= v <= 10:
        return None
    return round(v, 2)


_WORD_VALUES: dict[tuple[str, str | None], tuple[float, float]] = {}


def _phrase_value(word: str, intens: str | None) -> tuple[float, float]:
    """(value, table value) of a pain word with its intensifier; memoised, the set is small."""
    key = (word, intens)
    found = _WORD_VALUES.get(key)
    if found is None:
        base, takes_int = PAIN_WORDS[" ".join(word.split())]
        v = float(base)
        if intens and takes_int:
            step = INTENSIFIERS[" ".join(intens.split())]
            if base <= 1:
                v = 0.0 if step >= 2 else v
            else:
                v = min(MAX_WORD_PAIN, v + step)
                if step < 0:
                    v = max(2.0, v)
        if len(_WORD_VALUES) < 10_000:
            _WORD_VALUES[key] = found = (v, float(base))
        else:
            found = (v, float(base))
    return found


def _word_value(m: re.Match[str], text: str) -> float:
    word = m.group("w") or m.group("w1")
    v, base = _phrase_value(word, m.group("int"))
    if not word.startswith(("no", "not")) and holds_any(text, _NEGATION_WORDS) \
            and _NEG_BEFORE_RE.search(text, max(0, m.start() - 20), m.start()):
        v = 1.0 if base >= 2 else 4.0
    return v


def _bare_number(m: str, c: Clause) -> tuple[int, float] | None:
    """A clause that is only a number (or range) and filler words: "3", "a three", "no wait 5"."""
    if c.end - c.start > 60:
        return None
    toks = [t for t in _TOKEN_RE.findall(m, c.start, c.end) if t not in _BARE_FILLERS]
    if not toks or not toks[0][0].isdigit():
        return None
    if len(toks) == 1:
        v = _value(toks[0], None)
    elif len(toks) == 3 and toks[1] in ("-", "to", "or", "and") and toks[2][0].isdigit():
        v = _value(toks[0], toks[2])
    elif len(toks) == 2 and toks[1][0].isdigit() and 0 < float(toks[1]) - float(toks[0]) <= 2:
        v = _value(toks[0], toks[1])  # "3 maybe 4"
    else:
        return None
    d = _DIGIT_RE.search(m, c.start, c.end)
    if v is None or d is None:
        return None
    return d.start(), v


def _only_numbers(m: str, c: Clause) -> bool:
    """A clause of numbers and filler words only ("7/10", "about a 6")."""
    if c.end - c.start > 40:
        return False
    return all(t[0].isdigit() or t in ("/", "-") or t in _BARE_FILLERS for t in _TOKEN_RE.findall(m, c.start, c.end))


def _dist(positions: list[int], pos: int) -> int:
    """Distance from ``pos`` to the nearest of some sorted positions."""
    i = bisect_left(positions, pos)
    if i == len(positions):
        return pos - positions[-1]
    if i == 0:
        return positions[0] - pos
    return min(pos - positions[i - 1], positions[i] - pos)


def _is_during(c: Clause, ci: int, pos: int, numeric: bool, prev_during: bool,
               mentions: list[list[int]]) -> bool:
    """Whether a pain score in clause ``c`` is about a session rather than this morning."""
    strong = c.positions("during")
    morning = c.positions("morning")
    if strong:
        return not morning or _dist(strong, pos) <= _dist(morning, pos)
    if morning:
        return False
    acts = mentions[ci]
    prev_acts = ci > 0 and bool(mentions[ci - 1])
    weak = c.positions("weak")
    present = c.positions("present")
    if weak and (any(a < w for a in acts for w in weak) or (not acts and prev_acts)):
        return not present or _dist(weak, pos) <= _dist(present, pos)
    if c.has("back"):
        return False
    if prev_during and not present:
        return True
    if not numeric:
        return any(a < pos for a in acts) or (not acts and prev_acts and not present)
    return False


_AND_RE = re.compile(r"\band\b|&|\+")


def _owner(m: str, c: Clause, pos: int) -> int | None:
    """Position of the body-part word a score is about (None: the back, or no body part named).

    Its own "and" part of the clause decides ("3/10 in my back and 5/10 in my leg"); then a word
    right before the score with no other number between ("back 3 leg 6", "calf 7/10 from my
    back"); else the nearer of the two words.
    """
    body = c.marks.get("body")
    if not body:
        return None
    back = c.marks.get("back")
    if not back:
        return _nearest(body, pos)
    lo, hi = c.start, c.end
    for x in _AND_RE.finditer(m, c.start, c.end):
        if x.end() <= pos:
            lo = x.end()
        else:
            hi = x.start()
            break
    seg_body = _within(body, lo, hi)
    seg_back = _within(back, lo, hi)
    if bool(seg_body) != bool(seg_back):
        return _nearest(seg_body, pos) if seg_body else None
    i, j = bisect_left(body, pos), bisect_left(back, pos)
    b_before = body[i - 1] if i else -1
    k_before = back[j - 1] if j else -1
    p = max(b_before, k_before)
    if p >= 0 and not _DIGIT_RE.search(m, p, pos):
        return p if p == b_before else None
    if _dist(body, pos) < _dist(back, pos):
        return _nearest(body, pos)
    return None


def _within(positions: list[int], lo: int, hi: int) -> list[int]:
    return positions[bisect_left(positions, lo):bisect_left(positions, hi)]


def _nearest(positions: list[int], pos: int) -> int:
    """The nearest of some sorted positions."""
    i = bisect_left(positions, pos)
    near = positions[max(0, i - 1):i + 1]
    return min(near, key=lambda p: abs(p - pos))


#: Body words whose score is the leg's own number (domain.md rule 2): sciatica and the leg below the hip.
_LEG_WORD_RE = re.compile(r"(?:legs?|calf|calves|shins?|foot|feet|thighs?|hamstrings?|toes?|sciatica)\b")


def _about_body(m: str, c: Clause, pos: int) -> bool:
    return _owner(m, c, pos) is not None


#: Words that make a leg's pain word about nerve pain from the back, not a sore muscle.
_NERVE_RE = re.compile(r"\b(?:sciatic\w*|down|into|radiat\w*|shooting|nerve|spreading|travell?ing)\b")
_BELOW_KNEE_WORD_RE = re.compile(r"(?:calf|calves|shins?|foot|feet|toes?)\b")


def _about_leg(m: str, c: Clause, pos: int) -> int:
    """0: not about the leg; 1: about the leg; 2: about the leg below the knee ("calf 7/10")."""
    p = _owner(m, c, pos)
    if p is None or _LEG_WORD_RE.match(m, p) is None:
        return 0
    return 2 if _BELOW_KNEE_WORD_RE.match(m, p) else 1


def _tier(m: str, c: Clause, pos: int) -> float:
    """1 for this morning's back, 0.5 for yesterday, 0 for another body part."""
    if _about_body(m, c, pos):
        return 0.0
    if "past" in c.marks and "morning" not in c.marks:
        return 0.5
    return 1.0


def _numbers(m: str, doc: Doc, index: ClauseIndex) -> dict[int, dict[int, float]]:
    """Scale and anchored pain numbers of the whole text, by clause then position (-1: not pain)."""
    found: dict[int, dict[int, float]] = {}
    for x in _SCALE_RE.finditer(doc, m):
        ci = index.find(x.start())
        if ci >= 0:
            v = _value(x.group("a"), x.group("b"))
            found.setdefault(ci, {})[x.start("a")] = v if v is not None else -1
    for x in _ANCHORED_RE.finditer(doc, m):
        pos = x.start("ba") if x.group("ba") else x.start("a")
        ci = index.find(pos)
        if ci < 0 or pos in found.get(ci, ()):
            continue
        if x.group("anc") == "back" and _BACK_NOT_BODY_RE.search(m, max(0, x.start() - 12), x.start()):
            continue
        v = _value(x.group("ba"), x.group("bb")) if x.group("ba") else _value(x.group("a"), x.group("b"))
        if v is not None:
            found.setdefault(ci, {})[pos] = v
    return found


def _clause_numbers(m: str, doc: Doc, c: Clause, found: dict[int, float], loose: bool) -> dict[int, float]:
    if not found and DIGIT_TOKENS.found(doc, c.start, c.end):
        bare = _bare_number(m, c)
        if bare is not None:
            found[bare[0]] = bare[1]
    if loose:
        for x in _LOOSE_RE.finditer(doc, m, c.start, c.end):
            if x.start("a") not in found:
                v = _value(x.group("a"), x.group("b"))
                if v is not None:
                    found[x.start("a")] = v
    return {p: v for p, v in found.items() if v >= 0}


def _words(m: str, doc: Doc, index: ClauseIndex) -> dict[int, list[tuple[int, int, float]]]:
    found: dict[int, list[tuple[int, int, float]]] = {}
    reported = holds_any(m, _REPORTED_WORDS)
    for x in _WORD_RE.finditer(doc, m):
        ci = index.find(x.start())
        if ci >= 0 and not (reported and _REPORTED_RE.search(m, max(0, x.start() - 40), x.start())):
            found.setdefault(ci, []).append((x.start(), x.end(), _word_value(x, m)))
    return found


#: Someone else's verdict, not the user's pain: "doctor says it's fine", "physio reckons it's ok".
#: Every match of _REPORTED_RE holds one of these ("sa": says, said).
_REPORTED_WORDS = ("sa", "reckon", "think", "told", "assured")
_REPORTED_RE = re.compile(
    r"\b(?:says?|said|reckons?|thinks?|told\s+me|assured\s+me)\s+(?:that\s+)?(?:it's|its|it\s+is|it\s+was|i'm|im"
    r"|i\s+am|i\s+was|i\s+should\s+be|i'll\s+be|that's|everything(?:'s|\s+is|\s+was)?|all\s+is|my\s+back\s+(?:is|was)"
    r"|the\s+scan\s+(?:is|was))?\s*(?:(?:probably|just|totally|completely|absolutely)\s+)?\Z"
)


def read(m: str, doc: Doc, index: ClauseIndex, mentions: list[list[int]]) -> PainReading:
    """Pain candidates of every clause, classified, and this morning's pain chosen from them."""
    numbers = _numbers(m, doc, index)
    words = _words(m, doc, index)
    cands: list[PainCand] = []
    prev_during = False
    below_knee = False
    after_leg = 0
    for ci, c in enumerate(index.clauses):
        kinds = c.marks
        if "cond" in kinds:
            prev_during = False
            continue
        own_during = "during" in kinds
        nums = numbers.get(ci)
        if nums is not None or DIGIT_TOKENS.found(doc, c.start, c.end):
            loose = own_during or (prev_during and "morning" not in kinds and "back" not in kinds)
            for pos, v in _clause_numbers(m, doc, c, nums or {}, loose).items():
                during = _is_during(c, ci, pos, True, prev_during, mentions)
                tier = _tier(m, c, pos)
                leg = _about_leg(m, c, pos) if tier == 0 else 0
                if after_leg and tier == 1 and c.sent == index.clauses[ci - 1].sent and "back" not in kinds and "morning" not in kinds \
                        and _only_numbers(m, c):
                    leg, tier = after_leg, 0.0  # "sciatica really bad, 7/10": the leg's number
                below_knee = below_knee or (leg == 2 and v > 0)
                cands.append(PainCand(pos, ci, v, True, during and not leg, tier, leg > 0))
        said_during = False
        if ci in words and not c.question and ("body" not in kinds or "back" in kinds):
            for pos, end, v in words[ci]:
                # "pain free run": a pain word right before the activity describes it.
                during = (_is_during(c, ci, pos, False, prev_during, mentions)
                          or any(0 <= a - end <= 2 for a in mentions[ci]))
                cands.append(PainCand(pos, ci, v, False, during, _tier(m, c, pos)))
                said_during = said_during or (during and v >= 2)
        elif ci in words and not c.question and _NERVE_RE.search(m, c.start, c.end):
            # "sciatica bad today", "pain shooting down my leg is awful": the leg's own word score.
            for pos, _end, v in words[ci]:
                if v >= 2 and _about_leg(m, c, pos) and not _is_during(c, ci, pos, False, prev_during, mentions):
                    cands.append(PainCand(pos, ci, v, False, False, 0.0, True))
        # "hurt during, 6/10" and "run was painful, 6/10": the number that follows is about it too.
        prev_during = (own_during or said_during) and "morning" not in kinds
        after_leg = 0
        if "body" in kinds and "back" not in kinds and nums is None and _NERVE_RE.search(m, c.start, c.end):
            after_leg = max((_about_leg(m, c, p) for p in c.positions("body")), default=0)
    if not cands:
        return PainReading(None, None, [])
    _after_session(m, index, cands, mentions)
    leg_nums = [x.value for x in cands if x.leg and x.numeric]
    legs = leg_nums or [x.value for x in cands if x.leg]
    below_knee = below_knee and bool(leg_nums)
    pain, conflict = _choose([x for x in cands if not x.during and not x.leg])
    return PainReading(pain, conflict, [x for x in cands if x.during], max(legs) if legs else None, below_knee)


_CORRECTING_RE = re.compile(r"\b(?:actually|wait|sorry|mean|meant|correction|make\s+that|oops|rather|typo|i\s+said)\b")


def _after_session(m: str, index: ClauseIndex, cands: list[PainCand], mentions: list[list[int]]) -> None:
    """"back 2, ran 30 min, pain 7": a second, different score after a session is the session's.

    Only when a morning score came before the session, the later one is in a clause of its own
    after it, and nothing marks it as this morning, yesterday or a correction ("actually 5").
    """
    if len(cands) < 2:
        return
    nums = sorted((x for x in cands if x.numeric and not x.during and not x.leg and x.tier == 1), key=lambda x: x.pos)
    if len(nums) < 2:
        return
    first = nums[0]
    acts = sorted(p for ps in mentions for p in ps)
    for x in nums[1:]:
        if x.clause == first.clause or x.value == first.value:
            continue
        c = index.clauses[x.clause]
        if "morning" in c.marks or "past" in c.marks or _CORRECTING_RE.search(m, max(0, c.start - 12), x.pos):
            continue
        i = bisect_left(acts, first.pos + 1)
        if i < len(acts) and acts[i] < c.start:
            x.during = True


def _choose(morning: list[PainCand]) -> tuple[float | None, float | None]:
    numeric = [x for x in morning if x.numeric]
    pool = numeric or morning
    if not pool:
        return None, None
    if len(pool) == 1:  # the usual reply: one score, nothing to weigh it against
        return pool[0].value, None
    top = max(x.tier for x in pool)
    group = sorted((x for x in pool if x.tier == top), key=lambda x: x.pos)
    if not numeric:
        values = [x.value for x in group]
        # "good, no pain" is 0; once any discomfort is named the worst word counts.
        return (min(values) if max(values) <= 1 else max(values)), None
    pain = group[-1].value
    conflict = next((x.value for x in reversed(group) if x.value != pain), None)
    return pain, conflict
