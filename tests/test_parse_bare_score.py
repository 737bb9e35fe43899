"""The bare-score shortcut in parse_unguarded reads every reply it takes as the full pipeline does."""

from __future__ import annotations

from bot.parse import parse_checkin, parse_unguarded, read_text

_WHOLE = [str(n) for n in range(10)] + [f"{n:02d}" for n in range(100)]
#: Every string the shortcut takes ("3", "07", "2.5", "3/10", "10.0/10", "99.9/10"; 2,420 in all).
_SHORT = [whole + tenths + scale for whole in _WHOLE for tenths in ["", *(f".{d}" for d in range(10))]
          for scale in ("", "/10")]
#: Near misses it must leave to the pipeline (and still agree with it).
_NEAR = ["", " 3", "3 ", "3.", "3\n", "100", "010", "3/5", "3 /10", "3/100", "3.25", ".5", "½", "²", "３", "٣",
         "3a", "-1", "3/10 ran"]


def test_shortcut_reads_every_bare_score_as_the_pipeline() -> None:
    assert len(set(_SHORT)) == 2420
    for text in _SHORT + _NEAR:
        assert parse_unguarded(text) == read_text(text), text
        assert parse_checkin(text) == read_text(text), text


def test_shortcut_keeps_the_scale() -> None:
    assert parse_checkin("7").pain == 7.0
    assert parse_checkin("2.5/10").pain == 2.5
    assert parse_checkin("10").pain == 10.0
    assert parse_checkin("11").pain is None
    assert parse_checkin("07/10").text == "07/10"
