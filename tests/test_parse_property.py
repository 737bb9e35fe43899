"""Properties of the check-in parser that must hold for any text at all."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain import ACTIVITY_KINDS, RED_FLAGS, CheckIn
from bot.parse import MAX_CHARS, parse_checkin, parse_unguarded
from bot.parse import flags as parse_flags
from bot.parse import patterns as parse_re
from bot.parse.text import normalise

FRAGMENTS = [
    "back", "back's a", "pain", "3/10", "2.5", "10/10", "11/10", "-2", "3 out of 10", "3-4", "a three", "fine",
    "good", "ok", "great", "no pain", "pain free", "a bit sore", "stiff", "niggly", "sore", "bad", "really bad",
    "terrible", "agony", "worst ever", "actually", "no wait", "during", "while running", "at the end",
    "twinge at 3k", "hurt during", "ran", "rna", "run", "walked", "wlaked", "walk", "swam", "1500m", "40 lengths",
    "bike", "cycled", "spin", "peloton", "cross trainer", "elliptical", "gym", "core", "pilates", "planks",
    "bird dogs", "yoga", "20 min", "20min", "minz", "1h15", "1:15", "7:30", "half an hour", "90 mins", "5k",
    "10K", "3 miles", "half marathon", "km's", "x8", "x 8", "8 x", "1 min run 2 min walk", "run 60s walk 90s",
    "c25k week 3", "run/walk", "easy", "steady", "tempo", "hard", "RPE 7", "rested", "rest day", "day off",
    "nothing", "didn't run", "skipped my run", "no run today", "couldn't run", "took it easy", "no numbness",
    "numb around my bum", "can't pee", "wet myself", "both legs numb", "foot drop", "fever", "temperature of 38.5",
    "fell off my bike", "car accident", "wakes me at night", "doesn't ease", "lost weight without trying",
    "sciatica", "pain down my leg", "legs tired", "what if", "?", "!", ".", ",", ";", "\n", " - ", "(", ")",
    "😀", "🏃", "👍", "ﬁ", "½", "İ", "\x00", "\u200d", "   ", "then", "and", "but", "not", "no", "yesterday",
    "this morning", "today", "tomorrow", "will", "if", "should I", "0", "3", "7", "25", "100", "9999",
    "1.5", "..", "'s", "/", ":", "-",
    # symptom words, so the red-flag rules and their negation are exercised
    "bladder", "bowels", "faecal incontinence", "can't hold it in", "peeing is hard", "both my legs", "giving way",
    "drop foot", "can't lift my foot", "stand on my heels", "chills", "shivering and sweating", "38.5 degrees",
    "hit by a car", "knocked off my bike", "slipped", "landed on my back", "night sweats", "worse at night",
    "keeps me up", "lost 5 kg", "not dieting", "weight loss", "radiating down", "shooting down my leg",
    "pins and needles", "tingling", "groin", "saddle", "between my legs", "weak", "numb", "no", "not",
    "haven't", "nearly", "any", "in case", "signs of", "my bum", "feet", "foot", "leg", "legs", "thigh",
]

realistic = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=60
).flatmap(lambda parts: st.lists(st.sampled_from([" ", "", ", ", ". ", "\n", "/", "-"]),
                                 min_size=len(parts), max_size=len(parts))
          .map(lambda seps: "".join(p + s for p, s in zip(parts, seps, strict=True))))


def check(text: str) -> CheckIn:
    ci = parse_unguarded(text[:MAX_CHARS], len(text) > MAX_CHARS)
    assert ci == parse_checkin(text)
    assert ci == parse_checkin(text), "parsing must be deterministic"
    assert ci.text == text[:MAX_CHARS]
    assert ci.truncated is (len(text) > MAX_CHARS)
    for p in (ci.pain, ci.pain_conflict):
        assert p is None or 0 <= p <= 10
    assert set(ci.red_flags) <= set(RED_FLAGS)
    assert len(set(ci.red_flags)) == len(ci.red_flags)
    assert not (ci.rested and ci.activities)
    for a in ci.activities:
        assert a.kind in ACTIVITY_KINDS
        assert a.effort in (None, "easy", "steady", "hard")
        for v in (a.minutes, a.km, a.run_minutes):
            assert v is None or v >= 0
        for v in (a.pain_during, a.rpe):
            assert v is None or 0 <= v <= 10
        if a.intervals is not None:
            assert a.intervals.run_s > 0 and a.intervals.walk_s > 0 and a.intervals.repeats > 0
    return ci


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=10_000))
def test_any_text(text: str) -> None:
    check(text)


@settings(max_examples=300, deadline=None)
@given(realistic)
def test_realistic_fragments(text: str) -> None:
    check(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=200, max_size=1500).map(" ".join))
def test_long_realistic_text(text: str) -> None:
    check(text)


def keyed_patterns() -> list[parse_re.Keyed]:
    return [k for k in parse_re._REGISTRY if isinstance(k, parse_re.Keyed)]


@settings(max_examples=300, deadline=None)
@given(realistic)
def test_keyed_patterns_find_what_finditer_finds(text: str) -> None:
    """Trying a pattern only at its first words must miss nothing ``finditer`` would find."""
    s = normalise(text)
    doc = parse_re.Doc(s)
    for k in keyed_patterns():
        assert [m.span() for m in k.finditer(doc, s)] == [m.span() for m in k.full.finditer(s)], k.full.pattern


class _Always:
    """A trigger that lets every rule run."""

    def found(self, doc: parse_re.Doc, lo: int = 0, hi: int = 0) -> bool:
        return True


@settings(max_examples=300, deadline=None)
@given(realistic)
def test_flag_triggers_only_skip_rules_that_cannot_match(text: str) -> None:
    """Rules are skipped when none of their flag's words is in the sentence; that must lose nothing."""
    gated = parse_unguarded(text[:MAX_CHARS])
    saved = parse_flags._TRIGGERS
    parse_flags._TRIGGERS = {flag: (_Always(),) for flag in saved}  # type: ignore[misc]
    try:
        ungated = parse_unguarded(text[:MAX_CHARS])
    finally:
        parse_flags._TRIGGERS = saved
    assert (gated.red_flags, gated.leg_symptoms) == (ungated.red_flags, ungated.leg_symptoms)


def test_repetitive_inputs_are_linear() -> None:
    """Inputs that would make a backtracking regex blow up; each must simply return."""
    for unit in ["1 ", "a", "pain ", "back 3 ", "run walk ", "1 min run 2 min walk ", "numb ", "no ", "not ",
                 "during ", "x", "3-", "3/", "1:1", "..", ", ", "😀", "\n", "rest ", "fell ", "night ",
                 "ran 20 min, ", "20 min ", "very really so ", "back back ", "lost 5 kg ", "both legs "]:
        text = unit * (10_000 // len(unit))
        ci = check(text)
        assert ci.truncated


def test_fifty_thousand_characters_are_cut() -> None:
    ci = check(("back 3/10 ran 20 min easy numb bum " * 2000)[:50_000])
    assert ci.truncated
    assert len(ci.text) == MAX_CHARS
