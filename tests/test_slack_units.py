"""The pieces of the Slack work that need no server: the check-in form (read, checked, and
recorded as the typed reply it equals), Block Kit, Slack errors as delivery failures, and the
platform-events claim (a retried delivery handled once) on both engines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.slack import blocks
from adapters.slack.sender import address, failure, is_channel
from bot import messages as M
from bot.forms import ACTIVITY_OPTIONS, read_checkin_form, typed_form
from bot.parse import parse_checkin
from bot.ports import CheckinForm, Outgoing, PermanentFailure, TemporaryFailure
from bot.store import repo
from bot.store.repo import Store


@pytest.mark.parametrize("kind", [k for k, _ in ACTIVITY_OPTIONS])
def test_every_form_reads_as_the_typed_reply_it_stands_for(kind: str) -> None:
    form = read_checkin_form({"back_pain": "3", "leg_pain": "2", "activity": kind,
                              "minutes": None if kind == "rest" else "25", "pain_during": "4"})
    assert isinstance(form, CheckinForm)
    ci = parse_checkin(typed_form(form))
    assert (ci.pain, ci.leg_pain) == (3, 2)
    if kind == "rest":
        assert ci.rested and not ci.activities
    else:
        [a] = ci.activities
        assert (a.kind, a.minutes, a.pain_during) == (kind, 25, 4)


def test_no_leg_pain_says_nothing_about_the_leg() -> None:
    form = read_checkin_form({"back_pain": "0", "leg_pain": "0", "activity": "walk", "minutes": "30 min"})
    assert isinstance(form, CheckinForm)
    assert typed_form(form) == "back 0/10, walked 30 min"
    assert not parse_checkin(typed_form(form)).has_leg_symptoms


@pytest.mark.parametrize("values, bad", [
    ({}, {"back_pain", "activity"}),
    ({"back_pain": "11", "activity": "run", "minutes": "20"}, {"back_pain"}),
    ({"back_pain": "3", "activity": "run"}, {"minutes"}),
    ({"back_pain": "3", "activity": "run", "minutes": "0"}, {"minutes"}),
    ({"back_pain": "3", "activity": "dance", "minutes": "20"}, {"activity"}),
    ({"back_pain": "3", "activity": "run", "minutes": "20", "pain_during": "-1"}, {"pain_during"}),
])
def test_a_bad_form_names_each_bad_field(values: dict[str, str], bad: set[str]) -> None:
    errors = read_checkin_form(values)
    assert isinstance(errors, dict) and set(errors) == bad


def test_choices_are_buttons_whose_value_is_the_typed_choice() -> None:
    msg = blocks.message(Outgoing("Pain <now> & later?", M.PAIN_CHOICES))
    assert msg["text"] == "Pain &lt;now&gt; &amp; later?"
    buttons = [e for b in msg["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [b["value"] for b in buttons] == list(M.PAIN_CHOICES)
    assert len({b["action_id"] for b in buttons}) == len(buttons)
    answered = blocks.answered(msg["blocks"], "3")
    assert blocks.section_text(answered) == "Pain <now> & later?"
    assert not any(b["type"] == "actions" for b in answered)


def test_a_message_without_buttons_is_its_text_with_mrkdwn_off() -> None:
    # The core's "*" and "_" are not Slack formatting: without blocks, mrkdwn off keeps them literal.
    msg = blocks.message(Outgoing("Logged: 2*10 min <easy> & _slow_ walks"))
    assert msg == {"text": "Logged: 2*10 min &lt;easy&gt; &amp; _slow_ walks", "mrkdwn": False}
    # A button (the form's, Join) needs blocks: the text then goes in plain-text sections.
    with_form = blocks.message(Outgoing("How is your back?"), form_button=True)
    assert "mrkdwn" not in with_form
    assert blocks.section_text(with_form["blocks"]) == "How is your back?"
    assert [e["action_id"] for b in with_form["blocks"] if b["type"] == "actions" for e in b["elements"]] == \
        [blocks.OPEN_FORM]


def test_long_texts_are_split_into_sections_slack_accepts() -> None:
    secs = blocks.sections(("word " * 200 + "\n") * 10)
    assert len(secs) > 1 and all(len(s["text"]["text"]) <= blocks.MAX_SECTION for s in secs)


def test_form_values_read_back_from_a_submitted_view() -> None:
    view = {"state": {"values": {
        "back_pain": {"back_pain": {"selected_option": {"value": "4"}}},
        "leg_pain": {"leg_pain": {"selected_option": None}},
        "minutes": {"minutes": {"value": "30"}},
        "activity": {"activity": "odd"},
    }}}
    assert blocks.form_values(view) == {"back_pain": "4", "leg_pain": None, "activity": None, "minutes": "30",
                                        "pain_during": None}


def test_slack_errors_become_delivery_failures() -> None:
    from slack_sdk.errors import SlackApiError
    from slack_sdk.web.async_slack_response import AsyncSlackResponse

    def err(error: str, status: int = 200, headers: dict[str, Any] | None = None) -> SlackApiError:
        resp = AsyncSlackResponse(client=None, http_verb="POST", api_url="x", req_args={},  # type: ignore[arg-type]
                                  data={"ok": False, "error": error}, headers=headers or {}, status_code=status)
        return SlackApiError("failed", resp)

    for gone in ("account_inactive", "channel_not_found", "user_not_found"):
        assert isinstance(failure(err(gone), "chat.postMessage"), PermanentFailure)
    limited = failure(err("ratelimited", 429, {"Retry-After": "7"}), "chat.postMessage")
    assert isinstance(limited, TemporaryFailure) and limited.retry_after == 7
    assert isinstance(failure(err("fatal_error", 500), "chat.postMessage"), TemporaryFailure)


def test_keys_and_ids() -> None:
    assert address("slack:T1:U2") == ("T1", "U2")
    for bad in ("telegram:1", "slack:U2", "nonsense"):
        with pytest.raises(PermanentFailure):
            address(bad)
    assert is_channel("C123") and is_channel("D123") and not is_channel("U123")


async def test_an_event_is_claimed_once_and_old_claims_are_pruned(store: Store) -> None:
    now = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    eid = f"Ev{now.timestamp()}-{id(store)}"
    async with store.session() as s:
        assert await repo.claim_event(s, "slack", eid, now)
    async with store.session() as s:
        assert not await repo.claim_event(s, "slack", eid, now)
        # Another platform's id space is its own.
        assert await repo.claim_event(s, "other", eid, now)
    async with store.session() as s:
        assert await repo.prune_events(s, now + repo.EVENT_MEMORY + timedelta(seconds=1)) >= 2
    async with store.session() as s:
        assert await repo.claim_event(s, "slack", eid, now)


async def test_a_claim_rolled_back_with_its_answer_leaves_the_retry_to_be_answered(store: Store) -> None:
    now = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    eid = f"Ev-crash-{id(store)}-{now.timestamp()}"
    with pytest.raises(RuntimeError):
        async with store.session() as s:
            await repo.claim_event(s, "slack", eid, now)
            raise RuntimeError("crashed before the answer was stored")
    async with store.session() as s:
        assert await repo.claim_event(s, "slack", eid, now)


def _yaml_list(text: str, key: str) -> list[str]:
    """The ``- item`` lines right under ``key:`` in the manifest (no YAML library needed)."""
    lines = text.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.strip() == f"{key}:")
    out = []
    for ln in lines[start + 1:]:
        if not ln.strip().startswith("- "):
            break
        out.append(ln.strip()[2:].strip())
    return out


def test_the_manifest_asks_for_exactly_what_the_adapter_uses(repo_root: Any) -> None:
    from adapters.slack.oauth import SCOPES

    text = (repo_root / "deploy" / "slack-manifest.yaml").read_text(encoding="utf-8")
    assert sorted(_yaml_list(text, "bot")) == sorted(SCOPES)
    assert sorted(_yaml_list(text, "bot_events")) == ["app_home_opened", "app_uninstalled", "message.im",
                                                       "tokens_revoked"]
    assert _yaml_list(text, "slash_commands")[0] == "command: /backcheck"
    assert "home_tab_enabled: true" in text and "interactivity:\n    is_enabled: true" in text


def test_the_slash_command_offers_exactly_the_commands_of_bot_commands(repo_root: Any) -> None:
    """One source of truth: the manifest's usage hint, the adapter's routing and the help all
    follow bot/commands.py (Telegram's setMyCommands is commands.MENU: tests/test_telegram.py)."""
    import re

    from adapters.slack.app import GROUP_SUBS, PRIVATE_SUBS
    from bot import commands
    from bot import messages as M

    text = (repo_root / "deploy" / "slack-manifest.yaml").read_text(encoding="utf-8")
    hint = re.search(r'^\s*usage_hint:\s*"([^"]*)"\s*$', text, re.MULTILINE)
    assert hint is not None and hint.group(1) == commands.usage()
    assert [w.split()[0] for w in hint.group(1).split(" | ")] == list(commands.SUBCOMMANDS)
    # Every command is a subcommand, routed to the channel's team or the user's own DM (help is
    # answered at once); none is both.
    assert PRIVATE_SUBS | GROUP_SUBS | {"help"} == set(commands.ALL_NAMES)
    assert not PRIVATE_SUBS & GROUP_SUBS
    assert {"stop", "stats"} <= PRIVATE_SUBS and "sharepain" in GROUP_SUBS and "hidepain" in GROUP_SUBS
    said = set(re.findall(r"[a-z]+", M.SLASH_HELP))
    assert set(commands.SUBCOMMANDS) <= said


def test_the_cores_commands_read_as_slack_users_type_them() -> None:
    from adapters.slack.blocks import message, slack_commands
    from bot import messages as M
    from bot.ports import Outgoing

    assert slack_commands(M.JOINED.format(name="Ann")).endswith("unless you send /backcheck sharepain.")
    assert slack_commands("send /team setup 07:30; /settings, /start.") == \
        "send /backcheck team setup 07:30; /backcheck settings, /backcheck start."
    for kept in ("back 4/10", "https://example.org/help", "docs/join.md", "/teams", "/backcheck help", "a/join"):
        assert slack_commands(kept) == kept
    m = message(Outgoing("Pain stays private unless you send /sharepain."))
    assert "/backcheck sharepain" in m["text"]
    m = message(Outgoing("Pain stays private unless you send /sharepain.", ("yes", "no")))
    assert "/backcheck sharepain" in m["text"] and "/backcheck sharepain" in m["blocks"][0]["text"]["text"]


def test_a_team_post_offers_join_once_as_the_team_join_button() -> None:
    from adapters.slack.blocks import TEAM_JOIN, message
    from bot.teams.daily import daily_message

    m = message(daily_message("Runners", 1, 3), join_button=True)
    buttons = [e for b in m["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [b["action_id"] for b in buttons] == [TEAM_JOIN]


def test_the_home_streak_counts_on_over_days_off_and_stops_at_a_missed_day() -> None:
    # The App Home shows the streak as it stands (ongoing), by the same rules as a team's digest.
    from datetime import date

    from bot.teams.streaks import streak

    mon = date(2026, 11, 30)
    days = {mon - timedelta(days=i) for i in range(4)}  # Mon, Sun, Sat, Fri
    since = mon - timedelta(days=60)
    assert streak(mon, days, start=since, ongoing=True) == 4
    assert streak(mon + timedelta(days=1), days, start=since, ongoing=True) == 4  # today's not in yet
    assert streak(mon + timedelta(days=2), days, start=since, ongoing=True) == 0  # yesterday missed
    assert streak(mon + timedelta(days=2), days, start=since) == 4  # a digest counts back from the latest
    weekdays = ("mon", "tue", "wed", "thu", "fri")
    assert streak(mon, {mon, mon - timedelta(days=3)}, start=since, scheduled=weekdays, ongoing=True) == 2
    # A paused day neither breaks nor extends it.
    paused = {mon - timedelta(days=1)}
    assert streak(mon, {mon, mon - timedelta(days=2)}, start=since, paused=paused.__contains__, ongoing=True) == 2
