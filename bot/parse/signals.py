"""What a reply says about the conversation rather than the body: worry, a professional's
all-clear, a correction of the day's earlier message, and "same as yesterday" / "did what you said".

Each is read from the normalised text, sentence by sentence, with negation ("not worried",
"haven't seen anyone yet", "didn't do what you said") and plans or questions ("going to see
the GP", "same as yesterday?") not counting. **design** choices:

- ``worried``: worried, scared, anxious, frightened, panicking, "is this serious?", "could it be
  something serious", "struggling to cope", "can't cope", "not coping", "getting me down".
- ``cleared``: a professional (GP, doctor, physio, consultant, A&E, osteopath...) and a
  reassuring result in one sentence ("GP checked me, all clear", "saw the physio, nothing
  serious", "doctor says it's fine"), or "been checked (out)", "all clear". A plan to be seen
  ("seeing the GP tomorrow", "booked the physio") is not a clearance.
- ``correction``: "actually" or "correction" opening a sentence, "I meant", "meant to say",
  "40 min not 30",
  "sorry, it was", "it was actually", "scratch that", "should have said", "not 20, 30".
- ``same_as``: "same as yesterday", "same again", "same as last time", "repeat of yesterday"
  -> ``yesterday``; "did what you said / suggested", "did the session you suggested", "did
  today's plan", "followed the plan", "as suggested" -> ``suggested``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.parse.patterns import holds_any

_SENTENCE_RE = re.compile(r"[^.!?\n;]+[.!?\n;]*")
_NEGATOR_RE = re.compile(
    r"\b(?:no|not|never|haven't|hasn't|hadn't|didn't|don't|doesn't|isn't|wasn't|aren't|won't|nobody|no\s+one"
    r"|nothing\s+from|yet\s+to|without)\b"
)
_BREAK_RE = re.compile(r"\b(?:but|however|though|although|yet\s+i)\b|[,:]")

_WORRIED_RE = re.compile(
    r"\b(?:worried|worrying|worries|worry|scared|frightened|afraid|anxious|anxiety|panicking|panicked|panic"
    r"|terrified|freaking\s+out|freaked\s+out|concerned|nervous\s+(?:about|that)|stressed\s+(?:about|that)"
    r"|struggling\s+(?:to\s+cope|mentally|with\s+(?:it|this|the\s+pain))|can't\s+cope|cannot\s+cope"
    r"|not\s+coping|unable\s+to\s+cope|(?:not\s+sure|don't\s+know\s+(?:if|how)|wonder\s+(?:if|how))\s+(?:i|i'm)\s+"
    r"(?:can|could|am|will)\s+(?:\w+\s+)?cop\w*|(?:getting|gets)\s+me\s+down|at\s+my\s+wits'?\s+end|desperate"
    r"|(?:is|could|might|can)\s+(?:this|it|that)\s+(?:be\s+)?(?:\w+\s+)?(?:serious|something\s+serious|bad"
    r"|dangerous|sinister|cancer|a\s+slipped\s+disc|a\s+disc)"
    r"|something\s+(?:serious|sinister|seriously\s+wrong)|should\s+i\s+be\s+(?:worried|concerned))\b"
)
#: Worse over time in the user's words (not "worse after the run": that is one session's pain).
_WORSE_RE = re.compile(
    r"\b(?:(?:getting|got|gotten|gets|becoming|growing|going)\s+(?:\w+\s+)?(?:worse|more\s+painful|more\s+sore)"
    r"(?!\s+(?:during|after|when|while|on|at|towards?|by|in\s+the))"
    r"|worse\s+(?:and\s+worse|not\s+better|rather\s+than\s+better|each|every|by\s+the|than\s+last\s+week|week\s+on\s+week"
    r"|day\s+by\s+day)|(?:hurts?|sorer|more\s+pain)\s+(?:\w+\s+)?(?:each|every)\s+(?:week|day)"
    r"|(?:keeps?|kept)\s+(?:on\s+)?(?:creeping\s+up|getting\s+worse|going\s+up|rising)"
    r"|not\s+(?:getting|got)\s+(?:any\s+)?better|no\s+better\s+(?:at\s+all|after|since|than\s+last)"
    r"|(?:isn't|is\s+not|hasn't|has\s+not|not)\s+(?:been\s+)?improving|no\s+improvement)\b"
)
_NOT_WORRIED_RE = re.compile(
    r"\b(?:not|no\s+longer|never|don't|didn't|wasn't|isn't|less|stop|stopped|nothing\s+to)\s+(?:\w+\s+){0,2}?"
    r"(?:worried|worry|worrying|scared|anxious|concerned|afraid|frightened|panicking)\b"
    r"|\b(?:don't|do\s+not)\s+worry\b|\bno\s+worries\b|\bnot\s+(?:\w+\s+)?worried\b"
)

_PRO = (r"(?:gp|g\.p\.|doctor|doctors|doc|dr|physio|physios|physiotherapist|consultant|specialist|surgeon|a&e|a\s+and\s+e"
        r"|hospital|nurse|osteo|osteopath|chiro|chiropractor|clinic|urgent\s+care|walk\s+in|mri|x\s*ray|scan"
        r"|sports\s+med\w*|111|ed|er)")
_PRO_RE = re.compile(rf"\b{_PRO}\b")
_REASSURED_RE = re.compile(
    r"\b(?:all\s+clear|clear|nothing\s+(?:serious|sinister|to\s+worry\s+about|wrong|major|worrying|bad|found|showed)"
    r"|(?:it's|its|it\s+is|it\s+was|all|everything(?:'s|\s+is|\s+was|\s+looks?|\s+looked)?|i'm|im|back(?:'s)?\s+is"
    r"|(?:it|scan|x\s*ray|mri|bloods?|results?)\s+(?:looks?|looked|came\s+back|is|was|were|are))\s+(?:all\s+)?"
    r"(?:fine|ok|okay|normal|good|alright|clear)"
    r"|(?:says|said|thinks|reckons)\s+(?:it's|its|it\s+is|i'm|im)\s+(?:fine|ok|okay|just|only|muscular|mechanical"
    r"|normal|a\s+strain|a\s+sprain|nothing)|reassured|reassuring|checked\s+(?:me|it|my\s+back)(?:\s+(?:over|out))?"
    r"|cleared\s+(?:me|it)|cleared|just\s+(?:a\s+)?(?:muscular|mechanical|strain|sprain|tight|spasm)|muscular"
    r"|mechanical|no\s+red\s+flags|happy\s+(?:with\s+it|for\s+me\s+to)|fine\s+to\s+(?:run|carry\s+on|keep)"
    r"|ok\s+to\s+(?:run|carry\s+on|keep))\b"
)
_CHECKED_RE = re.compile(
    r"\b(?:been|got|was|had\s+(?:it|my\s+back|myself))\s+(?:properly\s+)?(?:checked|looked\s+at|seen\s+to|examined)"
    r"(?:\s+(?:out|over))?\b|\ball\s+clear\b"
)
_PLAN_RE = re.compile(
    r"\b(?:going\s+to|gonna|will|i'll|tomorrow|next\s+week|booked|booking|appointment\s+(?:on|for|next|tomorrow)"
    r"|waiting|wait\s+(?:for|to)|need\s+to|should\s+i|hoping|hope|trying\s+to|try\s+to|if|when\s+i\s+see)\b"
)

_CORRECTION_RE = re.compile(
    r"(?:^|[.!?\n;]\s*|,\s*)(?:(?:oh|oops|sorry|no|wait|hmm|er|erm|ah)\s*,?\s*){0,3}(?:actually(?!\s*,?\s*(?:feeling|feel|feels|felt|not\s+bad|not\s+too|pretty|quite|really|much|a\s+lot|good|great"
    r"|fine|ok|better|worse|sore|slept|doing|i'm|i\s+feel|my\s+back\s+(?:feels|is)))|correction|scratch\s+that)\b"
    r"|\b(?:i\s+meant|meant\s+to\s+say|i\s+mean(?=\s+[0-9])|correction\s*:|sorry\s*,?\s*(?:it\s+was|i\s+meant|that\s+was"
    r"|should\s+(?:have\s+)?(?:said|read|be))|it\s+was\s+actually|actually\s+it\s+was|should\s+have\s+said"
    r"|should\s+read|ignore\s+(?:that|my\s+last|the\s+last)|typo|not\s+[0-9.]+\s*(?:mins?|minutes|k|km|miles?)?\s*,\s*"
    r"(?:it\s+was\s+)?[0-9]"
    # "walked 40 min not 30": the new number, then the one it replaces.
    r"|\b[0-9.]+\s*(?:mins?|minutes|k|km|miles?)\s+not\s+[0-9.]+\b)"
)
_YESTERDAY_RE = re.compile(
    r"\b(?:same\s+(?:\w+\s+)?as\s+(?:yesterday|last\s+time|before|the\s+other\s+day|last\s+session)|same\s+again"
    r"|repeat(?:ed)?\s+(?:of\s+)?(?:yesterday|yesterday's|last\s+time)|same\s+(?:thing|session|again)\s+(?:as\s+)?"
    r"(?:yesterday|again)|did\s+the\s+same(?:\s+again)?(?:\s+as\s+yesterday)?|same\s+routine)\b"
)
_SUGGESTED_RE = re.compile(
    r"\b(?:(?:did|done|followed|completed|managed|tried)\s+(?:exactly\s+)?(?:what|as)\s+(?:you|u)\s+"
    r"(?:said|suggested|recommended|told\s+me|advised|prescribed|planned)"
    r"|(?:did|done|followed|completed|managed)\s+(?:the|your|today's|todays|my)\s+(?:\w+\s+)?"
    r"(?:session|plan|suggestion|workout|recommendation)(?:\s+(?:you|u)\s+(?:suggested|recommended|gave|set))?"
    r"|(?:did|done|followed|completed|managed|tried)\s+(?:the|your|that|this)\s+(?:\w+\s+){0,3}?(?:you|u)\s+"
    r"(?:suggested|recommended|said|set|gave\s+me|planned|prescribed)"
    r"|(?:did|done)\s+(?:it|that)\s+as\s+(?:suggested|planned|prescribed)|as\s+(?:you\s+)?suggested"
    r"|followed\s+(?:the\s+|your\s+)?(?:plan|advice|suggestion))\b"
)
_NEG_BEFORE_RE = re.compile(
    r"\b(?:didn't|did\s+not|couldn't|not|never|haven't|wasn't|skipped|no)\s+(?:\w+\s+){0,2}\Z"
)


@dataclass(frozen=True, slots=True)
class Signals:
    worried: bool = False
    cleared: bool = False
    correction: bool = False
    same_as: Literal["yesterday", "suggested"] | None = None
    worse: bool = False


def _governed(s: str, lo: int, pos: int) -> bool:
    """A negator up to 6 words before ``pos`` in the sentence, with no comma or "but" between."""
    last: re.Match[str] | None = None
    for n in _NEGATOR_RE.finditer(s, max(lo, pos - 50), pos):
        last = n
    return last is not None and not _BREAK_RE.search(s, last.end(), pos) and len(s[last.end():pos].split()) <= 6


def _worried(s: str, lo: int, hi: int) -> bool:
    if _NOT_WORRIED_RE.search(s, lo, hi) and not any(
            not _NOT_WORRIED_RE.search(s, max(lo, w.start() - 25), w.end()) for w in _WORRIED_RE.finditer(s, lo, hi)):
        return False
    return any(not _NOT_WORRIED_RE.search(s, max(lo, w.start() - 25), w.end()) and not _governed(s, lo, w.start())
               for w in _WORRIED_RE.finditer(s, lo, hi))


def _cleared(s: str, lo: int, hi: int, question: bool, may_check: bool = True) -> bool:
    if question or _PLAN_RE.search(s, lo, hi):
        return False
    if may_check:
        for x in _CHECKED_RE.finditer(s, lo, hi):
            if not _governed(s, lo, x.start()):
                return True
    pro = _PRO_RE.search(s, lo, hi)
    if pro is None or _governed(s, lo, pro.start()):
        return False
    return any(not _governed(s, lo, r.start()) for r in _REASSURED_RE.finditer(s, lo, hi))


def _same_as(s: str, lo: int, hi: int) -> Literal["yesterday", "suggested"] | None:
    for pattern, value in ((_SUGGESTED_RE, "suggested"), (_YESTERDAY_RE, "yesterday")):
        for x in pattern.finditer(s, lo, hi):
            if not _NEG_BEFORE_RE.search(s, max(lo, x.start() - 30), x.start()) \
                    and not _PLAN_RE.search(s, lo, x.start()):
                return value  # type: ignore[return-value]
    return None


# Each regex above runs only when the text holds one of the plain strings every match of it must
# contain: most check-ins ("pain 3, ran 20 min") hold none, and a few substring tests cost far less
# than trying a long alternation at every position of every sentence. A list must stay complete
# for its regex (a missing word would hide matches); tests/test_parse_golden.py guards the result.
#: In every match of ``_WORRIED_RE`` (the "is this serious" branch holds one of its last words).
_WORRIED_WORDS = ("worr", "scared", "frighten", "afraid", "anxi", "panic", "terrified", "freak", "concerned",
                  "nervous", "stressed", "struggling", "cop", "down", "wits", "desperate", "serious", "bad",
                  "dangerous", "sinister", "cancer", "disc")
#: In every match of ``_WORSE_RE``.
_WORSE_WORDS = ("worse", "more", "each", "every", "keep", "kept", "better", "improv")
#: In every match of ``_CHECKED_RE``.
_CHECKED_WORDS = ("checked", "looked", "seen", "examined", "clear")
#: In every match of ``_CHECKED_RE`` or of ``_REASSURED_RE`` (a clearance needs one of the two).
_CLEARED_WORDS = (*_CHECKED_WORDS, "nothing", "fine", "ok", "normal", "good", "alright", "just", "only",
                  "muscular", "mechanical", "strain", "sprain", "reassur", "red", "happy")
#: In every match of ``_SUGGESTED_RE`` or of ``_YESTERDAY_RE``.
_SAME_WORDS = ("did", "done", "followed", "completed", "managed", "tried", "suggested", "same", "repeat")
#: In every match of ``_CORRECTION_RE``.
_CORRECTION_WORDS = ("actually", "correction", "scratch", "mean", "sorry", "should", "ignore", "typo", "not")


def read(s: str) -> Signals:
    """Worry, clearance, correction and "same as" in a normalised check-in text."""
    worried = cleared = worse = False
    same: Literal["yesterday", "suggested"] | None = None
    # Searching the whole text once stands in for searching every sentence where the regex can only
    # match inside a sentence as it would in the whole text (no lookahead past the match, and every
    # match ends in a word character, so a sentence's end never makes a match the whole text lacks).
    # Not for _WORSE_RE: "getting worse\nduring the run" matches in its sentence, not in the text.
    may_worry = holds_any(s, _WORRIED_WORDS) and _WORRIED_RE.search(s) is not None
    may_worsen = holds_any(s, _WORSE_WORDS)
    may_check = holds_any(s, _CHECKED_WORDS)
    may_clear = may_check or (holds_any(s, _CLEARED_WORDS) and _PRO_RE.search(s) is not None)
    may_same = holds_any(s, _SAME_WORDS) and (_SUGGESTED_RE.search(s) is not None
                                               or _YESTERDAY_RE.search(s) is not None)
    if may_worry or may_worsen or may_clear or may_same:
        for m in _SENTENCE_RE.finditer(s):
            lo, hi = m.start(), m.end()
            question = "?" in m.group()
            worried = worried or (may_worry and _worried(s, lo, hi))
            worse = worse or (may_worsen and not question
                              and any(not _PLAN_RE.search(s, max(lo, w.start() - 20), w.start())
                                      for w in _WORSE_RE.finditer(s, lo, hi)))
            cleared = cleared or (may_clear and _cleared(s, lo, hi, question, may_check))
            if may_same and same is None and not question:
                same = _same_as(s, lo, hi)
    correction = holds_any(s, _CORRECTION_WORDS) and _CORRECTION_RE.search(s) is not None
    return Signals(worried, cleared, correction, same, worse)
