"""The bare-score shortcut in parse_unguarded reads every one- or two-digit reply as the full pipeline does."""

from __future__ import annotations

from bot.parse import parse_checkin, parse_unguarded, read_text

#: Every string the shortcut takes ("0".."9", "00".."99"), and the near misses it must leave to the pipeline.
_SHORT = [str(n) for n in range(10)] + [f"{n:02d}" for n in range(100)]
_NEAR = ["", " 3", "3 ", "3.", "100", "010", "½", "²", "３", "٣", "3a", "-1"]


def test_shortcut_reads_every_bare_score_as_the_pipeline() -> None:
    for text in _SHORT + _NEAR:
        assert parse_unguarded(text) == read_text(text), text
        assert parse_checkin(text) == read_text(text), text


def test_shortcut_keeps_the_scale() -> None:
    assert parse_checkin("7").pain == 7.0
    assert parse_checkin("10").pain == 10.0
    assert parse_checkin("11").pain is None
    assert parse_checkin("07").text == "07"
