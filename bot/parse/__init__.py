"""Free-text check-in reply -> :class:`~bot.domain.CheckIn`.

``parse_checkin(text)`` is pure: no I/O, no clock, no randomness, and it never raises. It reads
the first :data:`MAX_CHARS` characters (``truncated=True`` when there were more) and returns a
check-in whose ``understood`` is False when nothing usable was found (empty, emoji-only,
nonsense), so the dialogue can ask a question instead.

A reply that is only a score ("3", "2.5", "3/10") is read directly; its test checks every
such string against the pipeline.

Pipeline, each step linear in the length of the text with regexes compiled at import:

1. :func:`bot.parse.text.normalise`: NFKC, lower case, emoji -> activity words or spaces, typo
   fixes (``rna`` -> ran, ``pian`` -> pain, ``minz`` -> mins, ``20min`` -> 20 min), number words
   (``three`` -> 3, ``a couple of`` -> 2).
2. :func:`bot.parse.quantity.scan`: durations, distances, walk/run intervals, Couch to 5K, RPE,
   clock times and counts, blanked out of a masked copy so they are never read as pain.
3. :func:`bot.parse.text.split_clauses` + context markers (during a session, this morning,
   yesterday, another body part, planned or conditional).
4. :mod:`bot.parse.activity`: activities, their numbers and effort, rest and negation.
5. :mod:`bot.parse.pain`: morning pain (with ``pain_conflict``) and pain during each session.
6. :mod:`bot.parse.flags`: red flags, possible flags (graded triage) and leg symptoms, with
   negation, hypotheticals and other people; the leg's own number comes from step 5.
7. :mod:`bot.parse.signals`: worried, cleared by a professional, a correction, "same as".

Each module's docstring documents its design choices (word -> pain table, ranges, tempo = hard,
pilates = strength and yoga = other, "fine while running" = pain during 1...).
"""

from __future__ import annotations

import re

from bot.domain import LEG_SYMPTOMS, CheckIn
from bot.parse.activity import MAX_ACTIVITIES, Builder, extract, merge, to_activity
from bot.parse.flags import Sentence
from bot.parse.flags import read as read_flags
from bot.parse.pain import PainCand
from bot.parse.pain import read as read_pain
from bot.parse.patterns import Doc
from bot.parse.quantity import scan
from bot.parse.signals import read as read_signals
from bot.parse.text import Clause, ClauseIndex, has_content, mark_clauses, normalise, split_clauses

#: Longest text read; the rest is cut and ``truncated`` set.
MAX_CHARS = 4000

#: A reply that is only a score: every string it matches is tested against the full pipeline.
_BARE_SCORE_RE = re.compile(r"([0-9]{1,2}(?:\.[0-9])?)(?:/10)?")

__all__ = ["MAX_CHARS", "parse_checkin", "parse_unguarded", "read_text"]


def parse_checkin(text: str) -> CheckIn:
    """Read a check-in reply. Never raises, whatever the string."""
    if not isinstance(text, str):
        try:
            text = "" if text is None else str(text)
        except Exception:  # an object whose __str__ fails is no reply at all
            text = ""
    truncated = len(text) > MAX_CHARS
    raw = text[:MAX_CHARS] if truncated else text
    try:
        return parse_unguarded(raw, truncated)
    except Exception:  # the dialogue must always get an answer; an empty one makes it ask again
        return CheckIn(text=raw, truncated=truncated)


def parse_unguarded(raw: str, truncated: bool = False) -> CheckIn:
    """The parser without the safety net (tests call this so a bug cannot hide behind it)."""
    if len(raw) <= 7 and (bare := _BARE_SCORE_RE.fullmatch(raw)) is not None:
        # The commonest reply of all, a bare score ("3", "3/10", "2.5"): the full pipeline reads it as
        # that pain when it is on the 0-10 scale and as nothing otherwise, at five times the cost.
        value = float(bare.group(1))
        return CheckIn(pain=value if value <= 10 else None, text=raw, truncated=truncated)
    return read_text(raw, truncated)


def read_text(raw: str, truncated: bool = False) -> CheckIn:
    """The whole pipeline, for any text (the bare-score shortcut's test compares with it)."""
    if not has_content(raw):
        # Emoji, punctuation or nothing at all: nothing to record, even if the emoji is a 🏃.
        return CheckIn(text=raw, truncated=truncated)
    s = normalise(raw)
    doc = Doc(s)
    found = scan(s, doc)
    clauses = split_clauses(found.masked, doc)
    index = ClauseIndex(clauses)
    mark_clauses(s, doc, index)
    acts = extract(s, doc, found, clauses, index)
    pain = read_pain(found.masked, doc, index, acts.mentions_by_clause)
    _attach_during(acts.builders, pain.during)
    activities = tuple(to_activity(b) for b in merge(acts.builders))
    flags = read_flags(s, doc, lambda: _sentences(clauses, acts.mentions_by_clause))
    said = read_signals(s)
    return CheckIn(
        pain=pain.pain,
        rested=acts.rest_cue and not activities,
        activities=activities,
        red_flags=tuple(flags.flags),
        leg_pain=pain.leg,
        leg_symptoms=_leg_symptoms(flags.leg, pain.leg, pain.leg_below_knee),
        possible_flags=tuple(flags.possible),
        worried=said.worried,
        worse=said.worse,
        cleared=said.cleared,
        correction=said.correction,
        same_as=said.same_as,
        text=raw,
        pain_conflict=pain.conflict,
        truncated=truncated,
    )


def _leg_symptoms(found: list[str], leg_pain: float | None, below_knee: bool) -> tuple[str, ...]:
    """A leg number says there is leg pain, even with no other leg words ("back 3 leg 6")."""
    if not found and (leg_pain is None or leg_pain < 2):
        return ()
    have = set(found)
    if leg_pain is not None and leg_pain >= 2:
        have.add("leg_pain")
        if below_knee:
            have.add("below_knee")
    return tuple(x for x in LEG_SYMPTOMS if x in have)


def _attach_during(builders: list[Builder], during: list[PainCand]) -> None:
    """Pain during goes to the activity in its clause, else the one before, else the one after.

    With no activity at all, "sore at the end, 4/10" still says a session happened: it is
    recorded as an ``other`` activity rather than lost or mistaken for morning pain.
    """
    for cand in during:
        same = [b for b in builders if b.clause == cand.clause]
        if same:
            target = min(same, key=lambda b: abs(b.pos - cand.pos))
        else:
            before = [b for b in builders if b.pos < cand.pos]
            after = [b for b in builders if b.pos > cand.pos]
            if before:
                target = max(before, key=lambda b: b.pos)
            elif after:
                target = min(after, key=lambda b: b.pos)
            elif len(builders) < MAX_ACTIVITIES:
                target = Builder("other", cand.pos, cand.clause)
                builders.append(target)
            else:
                continue
        target.add_pain(cand.value, cand.numeric)


def _sentences(clauses: list[Clause], mentions: list[list[int]]) -> list[Sentence]:
    out: list[Sentence] = []
    i = 0
    while i < len(clauses):
        j = i
        while j + 1 < len(clauses) and clauses[j + 1].sent == clauses[i].sent:
            j += 1
        active = any(mentions[k] or clauses[k].has("during") for k in range(i, j + 1))
        out.append(Sentence(clauses[i].start, clauses[j].end, clauses[j].question, active))
        i = j + 1
    return out
