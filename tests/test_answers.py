"""Readers for answers to the bot's own questions, and settings validation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import answers
from bot.config import SettingsError, load_settings


@pytest.mark.parametrize(
    ("text", "expected"),
    [("/start", ("start", "")), ("/pause 7", ("pause", "7")), ("pause 3 days", ("pause", "3 days")),
     ("Pause", ("pause", "")), ("/start@backcheck_bot", ("start", "")), ("help", ("help", "")),
     ("check in", ("checkin", "")), ("/settings time 07:30", ("settings", "time 07:30")),
     ("STOP", ("stop", "")), ("today", ("today", "")), ("/export", ("export", ""))],
)
def test_commands(text: str, expected: tuple[str, str]) -> None:
    cmd = answers.parse_command(text)
    assert cmd is not None and (cmd.name, cmd.args) == expected


@pytest.mark.parametrize("text", ["rested today", "help me my back hurts", "stop running for a week?",
                                  "pain 3, ran 20 min", "", "delete that last message please"])
def test_check_in_sentences_are_not_commands(text: str) -> None:
    assert answers.parse_command(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("07:30", "07:30"), ("7:30", "07:30"), ("7.30", "07:30"), ("730", "07:30"), ("7am", "07:00"),
     ("7:30 pm", "19:30"), ("12am", "00:00"), ("12pm", "12:00"), ("19:00", "19:00"), ("at 6", "06:00"),
     ("25:00", None), ("7:61", None), ("13pm", None), ("noon-ish", None), ("", None)],
)
def test_times(text: str, expected: str | None) -> None:
    assert answers.parse_time(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("every day", ("mon", "tue", "wed", "thu", "fri", "sat", "sun")), ("weekdays", ("mon", "tue", "wed", "thu", "fri")),
     ("weekends", ("sat", "sun")), ("mon, wed, fri", ("mon", "wed", "fri")), ("Monday and Thursday", ("mon", "thu")),
     ("tue-thu", ("tue", "wed", "thu")), ("fri to mon", ("mon", "fri", "sat", "sun")), ("someday", None), ("", None)],
)
def test_days(text: str, expected: tuple[str, ...] | None) -> None:
    got = answers.parse_days(text)
    assert (set(got) if got else None) == (set(expected) if expected else None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Europe/London", "Europe/London"), ("europe/london", "Europe/London"), ("London", "Europe/London"),
     ("new york", "America/New_York"), ("UK", "Europe/London"), ("EST", "America/New_York"),
     ("I'm in Tokyo", "Asia/Tokyo"), ("UTC", "UTC"), ("Narnia", None), ("", None)],
)
def test_timezones(text: str, expected: str | None) -> None:
    assert answers.parse_timezone(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("20", 20), ("25 min", 25), ("about 30 minutes", 30), ("20-30", 20), ("half an hour", 30), ("none", 0),
     ("an hour", 60), ("lots", None), ("999", None)],
)
def test_comfortable_minutes(text: str, expected: int | None) -> None:
    assert answers.parse_minutes_answer(text) == expected


@pytest.mark.parametrize(("text", "expected"), [("New to running", "new"), ("Returning after a break", "returning"),
                                                ("Regular runner", "regular"), ("beginner", "new"), ("banana", None)])
def test_experience(text: str, expected: str | None) -> None:
    assert answers.parse_experience(text) == expected


@given(st.text(max_size=300))
def test_answer_readers_never_raise(text: str) -> None:
    answers.parse_command(text)
    answers.parse_time(text)
    answers.parse_days(text)
    answers.parse_timezone(text)
    answers.parse_minutes_answer(text)
    answers.parse_experience(text)
    answers.parse_yes_no(text)
    answers.parse_pause_days(text)


def test_settings_defaults_match_the_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    for k in list(__import__("os").environ):
        if k.startswith("BACKCHECK_"):
            monkeypatch.delenv(k)
    s = load_settings(_env_file=None)
    # The contract's default values (docs/contracts.md#settings); nothing here calls those hosts.
    contract_defaults = ("sqlite:///backcheck.db", "https://api.telegram.org/bot", "https://slack.com/api/")
    assert (s.database_url, s.telegram_api_url, s.slack_api_url) == contract_defaults
    assert (s.host, s.port) == ("127.0.0.1", 8080)
    assert (s.default_timezone, s.default_checkin_time, s.reminder_after_minutes) == ("UTC", "08:00", 180)
    assert not s.telegram_enabled and not s.slack_enabled


def test_settings_errors_name_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKCHECK_DEFAULT_TIMEZONE", "Nowhere/Land")
    with pytest.raises(SettingsError, match="BACKCHECK_DEFAULT_TIMEZONE"):
        load_settings(_env_file=None)
    monkeypatch.delenv("BACKCHECK_DEFAULT_TIMEZONE")
    monkeypatch.setenv("BACKCHECK_ADMINS", "telegram:1, slack:T1:U2")
    assert load_settings(_env_file=None).admin_keys == {"telegram:1", "slack:T1:U2"}
