"""The parser's whole reading of some 600 varied phrasings, fixed: a speed-up must not change one.

tests/data/parse_golden.jsonl holds, one per line, a phrasing and every field of its check-in that
differs from an empty one, as ``repr`` (so 3.0 and 3, or a tuple's order, count). The phrasings were
drawn from the tests, the heldout set, the docs' diaries and the intent reader's wordings, with joins
and variants, so that every red flag, possible flag, leg symptom, signal and activity kind occurs.

When the parser is *meant* to read something differently, regenerate the readings (the phrasings are
kept) and review the diff line by line:

    PYTHONPATH=$PWD .venv/bin/python -m tests.test_parse_golden
"""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

from bot.domain import CheckIn
from bot.parse import parse_checkin

GOLDEN = Path(__file__).parent / "data" / "parse_golden.jsonl"

_EMPTY = CheckIn()


def reading(text: str) -> dict[str, str]:
    """What the parser read, field by field, leaving out the text and the fields left empty."""
    checkin = parse_checkin(text)
    return {f.name: repr(getattr(checkin, f.name)) for f in fields(CheckIn)
            if f.name != "text" and getattr(checkin, f.name) != getattr(_EMPTY, f.name)}


def _golden() -> list[tuple[str, dict[str, str]]]:
    # split("\n"), not splitlines(): the escaped JSON lines hold no newline, but their texts may hold other
    # characters splitlines() breaks at.
    return [(row[0], row[1]) for row in map(json.loads, GOLDEN.read_text(encoding="ascii").split("\n")[:-1])]


def test_golden_set_covers_every_reading() -> None:
    read = [expected for _text, expected in _golden()]
    assert len(read) >= 500
    for name in ("pain", "activities", "red_flags", "leg_pain", "leg_symptoms", "possible_flags", "worried",
                 "worse", "cleared", "correction", "same_as", "pain_conflict", "rested", "truncated"):
        assert sum(name in r for r in read) >= 2, name


def test_parser_reads_every_golden_phrasing_as_before() -> None:
    changed = [(text, expected, got) for text, expected in _golden() if (got := reading(text)) != expected]
    assert not changed, f"{len(changed)} phrasings read differently, first: {changed[0]}"


if __name__ == "__main__":
    rows = [(text, reading(text)) for text, _old in _golden()]
    GOLDEN.write_text("".join(json.dumps([text, got]) + "\n" for text, got in rows), encoding="ascii")
    print(f"{len(rows)} readings written to {GOLDEN}")
