"""The parser skips a regex when a cheap test says it cannot match (bot/parse/signals.py, pain.py).

Each such test must hold for every match: the strings listed for a regex must include one that every
match holds, and a regex searched once in the whole text must match there wherever it matches in a
sentence. Here every golden phrasing, and each with its commas turned into line breaks (sentence
ends), is read sentence by sentence and every match found is checked against its gate.
"""

from __future__ import annotations

import re

from bot.parse import pain, signals
from bot.parse.patterns import holds_any
from bot.parse.text import normalise
from tests.test_parse_golden import _golden

#: (regex, the strings one of which each of its matches holds, whether the whole text is searched first)
_SENTENCE_GATES: tuple[tuple[re.Pattern[str], tuple[str, ...], bool], ...] = (
    (signals._WORRIED_RE, signals._WORRIED_WORDS, True),
    (signals._WORSE_RE, signals._WORSE_WORDS, False),
    (signals._CHECKED_RE, signals._CHECKED_WORDS, False),
    (signals._REASSURED_RE, signals._CLEARED_WORDS, False),
    (signals._PRO_RE, (), True),
    (signals._SUGGESTED_RE, signals._SAME_WORDS, True),
    (signals._YESTERDAY_RE, signals._SAME_WORDS, True),
)


def _texts() -> list[str]:
    texts = [normalise(text) for text, _reading in _golden()]
    return texts + [text.replace(",", "\n") for text in texts]


def test_every_sentence_match_passes_its_gate() -> None:
    matched = [0] * len(_SENTENCE_GATES)
    for s in _texts():
        for sentence in signals._SENTENCE_RE.finditer(s):
            for i, (pattern, words, whole) in enumerate(_SENTENCE_GATES):
                if pattern.search(s, sentence.start(), sentence.end()) is None:
                    continue
                matched[i] += 1
                assert not words or holds_any(s, words), (pattern.pattern[:40], s)
                assert not whole or pattern.search(s) is not None, (pattern.pattern[:40], s)
    assert all(n >= 5 for n in matched), matched


def test_every_correction_and_look_behind_match_passes_its_gate() -> None:
    corrections = looked_behind = 0
    for s in _texts():
        if signals._CORRECTION_RE.search(s):
            corrections += 1
            assert holds_any(s, signals._CORRECTION_WORDS), s
        for end in range(len(s) + 1):
            if pain._REPORTED_RE.search(s, max(0, end - 40), end):
                looked_behind += 1
                assert holds_any(s, pain._REPORTED_WORDS), s
            if pain._NEG_BEFORE_RE.search(s, max(0, end - 20), end):
                looked_behind += 1
                assert holds_any(s, pain._NEGATION_WORDS), s
    assert corrections >= 5 and looked_behind >= 5
