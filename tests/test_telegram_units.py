"""The Telegram adapter's pure helpers (splitting, escaping, buttons, webhook secret) and the
progress chart; properties checked against the fake server's Telegram-like HTML parser."""

from __future__ import annotations

import re
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.request._requestparameter import RequestParameter

from adapters.telegram import (
    MAX_CALLBACK_DATA,
    callback_data,
    choice_from,
    escape,
    keyboard,
    keyboard_json,
    split_text,
    utf16_len,
    webhook_secret,
)
from bot.chart import DAYS_SHOWN, day_points, progress_png
from bot.config import Settings
from tests.fake_telegram import html_to_plain

text_st = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=300)


@given(text_st)
def test_escaped_text_reads_back_exactly(text: str) -> None:
    # What Telegram shows for our HTML is exactly the core's plain text.
    assert html_to_plain(escape(text)) == text


@settings(max_examples=60)
@given(st.lists(st.text(alphabet="ab \n😀<&", min_size=0, max_size=40), max_size=60), st.integers(8, 120))
def test_split_pieces_fit_and_lose_only_separators(parts: list[str], limit: int) -> None:
    text = "".join(parts)
    pieces = split_text(text, limit)
    assert all(utf16_len(p) <= limit for p in pieces)
    # Nothing but the one separator at each cut goes missing, and order is kept.
    squeeze = re.compile(r"[ \n]")
    assert squeeze.sub("", "".join(pieces)) == squeeze.sub("", text)
    assert len("".join(pieces)) >= len(text) - len(pieces)


def test_split_prefers_line_breaks() -> None:
    text = "\n".join(["a" * 30] * 5)
    assert split_text(text, 70) == ["a" * 30 + "\n" + "a" * 30, "a" * 30 + "\n" + "a" * 30, "a" * 30]
    assert split_text("short", 4096) == ["short"]
    assert split_text("x" * 10, 4) == ["xxxx", "xxxx", "xx"]


@given(st.integers(0, 99), st.text(max_size=100))
def test_callback_data_always_fits(i: int, choice: str) -> None:
    data = callback_data(i, choice)
    assert 1 <= len(data.encode()) <= MAX_CALLBACK_DATA
    assert data.startswith(f"{i}:")


def _message(markup: InlineKeyboardMarkup | None) -> Message:
    return Message.de_json({"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}, "text": "q",
                            **({"reply_markup": markup.to_dict()} if markup else {})}, None)


def test_choice_from_data_or_keyboard() -> None:
    long = "a long answer " * 8
    kb = keyboard(["yes", long])
    msg = _message(kb)
    assert choice_from("0:yes", msg) == "yes"
    assert choice_from("1:", msg) == long
    assert choice_from("1:", _message(None)) is None  # keyboard not visible: cannot tell
    assert choice_from("7:", msg) is None
    assert choice_from("junk", msg) is None
    other = _message(InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="other")]]))
    assert choice_from("0:", other) is None


def test_keyboard_layout() -> None:
    pain = keyboard([str(i) for i in range(11)])
    assert [len(r) for r in pain.inline_keyboard] == [6, 5]
    long = keyboard(["Feeling fine, rested", "Pain 3/10, ran 20 min easy"])
    assert [len(r) for r in long.inline_keyboard] == [1, 1]


@given(st.lists(st.text(min_size=1, max_size=70), min_size=1, max_size=12))
def test_keyboard_json_is_what_ptb_would_send_for_the_keyboard(choices: list[str]) -> None:
    # The cached text goes on the wire in place of PTB's own serialisation of keyboard(): the same bytes.
    ptb = RequestParameter.from_input("reply_markup", keyboard(choices)).json_value
    assert keyboard_json(tuple(choices)) == ptb


def test_webhook_secret_is_stable_and_allowed() -> None:
    s = Settings(_env_file=None, telegram_token="123:abc")  # type: ignore[call-arg]
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,256}", webhook_secret(s))
    assert webhook_secret(s) == webhook_secret(Settings(_env_file=None, telegram_token="123:abc"))  # type: ignore[call-arg]
    assert webhook_secret(s) != webhook_secret(Settings(_env_file=None, telegram_token="123:abd"))  # type: ignore[call-arg]
    assert webhook_secret(Settings(_env_file=None, telegram_token="1:a", telegram_webhook_secret="mine")) == "mine"  # type: ignore[call-arg]


def test_chart_points_and_png() -> None:
    end = date(2026, 12, 28)
    act = SimpleNamespace
    checkins = [
        (end, 3.0, [act(kind="run", minutes=25, run_minutes=None), act(kind="cycle", minutes=20, run_minutes=None)]),
        (end - timedelta(days=1), None, [act(kind="walk_run", minutes=30, run_minutes=12)]),
        (end - timedelta(days=40), 9.0, []),  # outside the window
    ]
    sugg: dict[date, dict[str, Any]] = {end: {"action": "walk_run", "run_minutes": 14},
                                        end - timedelta(days=2): {"action": "rest"}}
    pts = day_points(end, checkins, sugg)
    assert len(pts) == DAYS_SHOWN and pts[0].day == end - timedelta(days=DAYS_SHOWN - 1)
    assert (pts[-1].pain, pts[-1].run_minutes, pts[-1].cross_minutes) == (3.0, 25, 20)
    assert (pts[-1].suggested, pts[-1].suggested_run_minutes) == ("walk_run", 14)
    assert (pts[-2].pain, pts[-2].run_minutes) == (None, 12)
    assert pts[-3].suggested == "rest"
    png = progress_png(pts)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert progress_png(pts) == png  # deterministic
    assert progress_png(day_points(end, [])).startswith(b"\x89PNG")  # an empty month still draws
