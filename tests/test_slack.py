"""The Slack adapter end to end: slack-bolt's real HTTP handling in our ASGI app (uvicorn on
127.0.0.1), signed requests as Slack sends them, the fake Slack Web API (tests/fake_slack.py),
the real coach and a real SQLite database. Nothing here talks to slack.com."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from bot import messages as M
from bot.store.repo import Store
from tests.conftest import Clock
from tests.fake_slack import FakeSlack
from tests.slack_bot import SlackBot

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest_asyncio.fixture(loop_scope="session")
async def bot(fake_slack: FakeSlack, slack_store: Store, clock: Clock) -> AsyncIterator[SlackBot]:
    b = await SlackBot(fake_slack, slack_store, clock).start()
    yield b
    await b.stop()


async def test_url_verification_answers_the_challenge(bot: SlackBot) -> None:
    status, body = await bot.deliver({"token": "x", "challenge": "abc123", "type": "url_verification"})
    assert status == 200 and "abc123" in body


async def test_onboarding_and_a_checkin_in_the_dm(bot: SlackBot) -> None:
    alice = bot.member("Alice")
    sent = await alice.says("hi")
    assert sent and sent[-1].choices == M.EXPERIENCE_CHOICES
    await alice.presses("New to running")
    # The question now shows the answer, its buttons gone.
    q = bot.fake.messages[(alice.dm, sent[-1].ts)]
    assert q.buttons == [] and "You chose: New to running" in q.context and q.updates == 1
    await alice.says("UTC")
    await alice.presses("07:30")
    await alice.presses("every day")
    u = await alice.stored()
    assert u.onboarded and u.checkin_time == "07:30"
    await alice.says("pain 3, ran 20 min easy")
    assert "Got it" in alice.reply
    # App Home is published after the check-in.
    assert alice.user in bot.fake.homes
    # Every call used the workspace's own token.
    assert {c.token for c in bot.fake.calls if c.method == "chat.postMessage"} == {bot.workspace.token}  # type: ignore[union-attr]


async def test_messages_with_a_subtype_or_from_a_bot_are_never_answered(bot: SlackBot) -> None:
    bob = bot.member("Bob")
    assert await bob.says("hi", subtype="message_changed") == []
    assert await bob.says("hi", bot_id="B123") == []
    assert await bob.stored() is None


async def test_a_retried_event_is_answered_once(bot: SlackBot) -> None:
    from tests.fake_slack import dm_event

    cat = bot.member("Cat")
    body = dm_event(bot.workspace, cat.user, "hi")  # type: ignore[arg-type]
    assert len(await cat._after(body)) >= 1
    assert await cat._after(body, retry=1) == []
    assert await cat._after(body, retry=2) == []


@pytest.mark.parametrize("how", [{"sign": False}, {"bad_signature": True}, {"age": 6 * 60}])
async def test_unsigned_badly_signed_or_stale_requests_get_401_and_nothing_is_stored(
        bot: SlackBot, how: dict[str, Any]) -> None:
    from tests.fake_slack import dm_event

    dan = bot.member("Dan")
    calls = len(bot.fake.calls)
    status, _ = await bot.deliver(dm_event(bot.workspace, dan.user, "pain 3"), **how)  # type: ignore[arg-type]
    assert status == 401
    assert await dan.stored() is None
    assert len(bot.fake.calls) == calls
