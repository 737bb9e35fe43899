"""Requests in plain words on Slack (issue 12, item 4): DMs and ``/backcheck <words>`` go through
the same intents as every platform (bot/intents), through the real Slack HTTP stack: signed
requests to ``/slack/events``, the fake Slack Web API, the real coach and database."""

from __future__ import annotations

import json

import pytest

from bot import messages as M
from bot.exercises import EXERCISES, STRENGTH
from tests.slack_bot import SlackBot

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_plain_words_in_the_dm_change_settings_and_answer_questions(bot: SlackBot) -> None:
    ana = bot.member("Ana")
    await ana.onboard()
    await ana.says("remind me at 6:30 instead")
    assert (await ana.stored()).checkin_time == "06:30"
    assert ana.reply.startswith("Done: I'll check in at 06:30 (UTC)"), ana.reply
    await ana.says("undo")
    assert (await ana.stored()).checkin_time == "07:30"
    await ana.says("what are bird dogs?")
    assert ana.reply == EXERCISES["bird dog"].text
    await ana.says("stop the reminders")
    assert (await ana.stored()).reminders is False


async def test_how_do_i_do_these_button_on_a_strength_suggestion(bot: SlackBot) -> None:
    ben = bot.member("Ben")
    await ben.onboard()
    for _ in range(8):
        await ben.says("pain 2, walked 20 min")
        offered = [p for p in ben.last if M.HOW_TO_STRENGTH in p.choices]
        if offered:
            break
        bot.clock.advance(days=1)
    assert offered, "no strength suggestion in eight days"
    await ben.presses(M.HOW_TO_STRENGTH, offered[-1])
    assert all(EXERCISES[n].text in ben.reply for n in STRENGTH)
    # The suggestion shows the choice made, its button gone.
    q = bot.fake.messages[(ben.dm, offered[-1].ts)]
    assert q.buttons == [] and M.HOW_TO_STRENGTH in q.context


async def test_slash_command_in_plain_words_goes_through_the_same_intents(bot: SlackBot) -> None:
    cal = bot.member("Cal")
    await cal.onboard()
    # In the DM: answered there, as if typed.
    before = len(bot.fake.in_channel(cal.dm))
    status, body = await cal.slash("remind me at 7")
    assert status == 200 and body == ""
    assert (await cal.stored()).checkin_time == "07:00"
    [done] = bot.fake.in_channel(cal.dm)[before:]
    assert done.plain.startswith("Done: I'll check in at 07:00 (UTC)")
    # From a channel: the answer goes to the DM, the user gets an ephemeral note, the channel nothing.
    status, body = await cal.slash("what are bird dogs?", channel="C0PLAIN", channel_name="general")
    assert status == 200 and json.loads(body)["text"] == M.SENT_TO_DM
    assert bot.fake.in_channel(cal.dm)[-1].plain == EXERCISES["bird dog"].text
    assert bot.fake.in_channel("C0PLAIN") == []
    # A check-in given to the slash command is a check-in.
    status, _ = await cal.slash("back 3/10, walked 20 min")
    assert status == 200 and "Got it" in bot.fake.in_channel(cal.dm)[-1].plain
    assert (await cal.stored()).last_checkin_on is not None
    # Words the core cannot read, and "help" in words: the help, to this user only.
    for words in ("frobnicate the gizmo", "help me"):
        status, body = await cal.slash(words)
        assert json.loads(body)["text"] == M.SLASH_HELP


async def test_plain_words_from_someone_new_start_the_conversation(bot: SlackBot) -> None:
    dee = bot.member("Dee")
    status, body = await dee.slash("what's the plan today?")
    assert status == 200 and body == ""
    # Not onboarded: the conversation starts, in the DM, as it would for a typed message.
    sent = bot.fake.in_channel(dee.dm)
    assert sent and sent[-1].choices == M.EXPERIENCE_CHOICES
