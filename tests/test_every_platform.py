"""One conversation, every platform: the same script through the console adapter, the Telegram
adapter (python-telegram-bot against the fake Bot API) and the Slack adapter (slack-bolt, signed
requests, the fake Slack Web API) gets the same answers from the core, word for word and choice
for choice. Adapters translate; they never decide. (On Slack a command is ``/backcheck CMD``: a
slash typed in a message is Slack's, never the app's.)"""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.console import ConsoleAdapter
from adapters.slack.blocks import slack_commands
from bot import messages as M
from bot.store.repo import Store
from tests.conftest import Clock
from tests.fake_slack import FakeSlack
from tests.fake_telegram import FakeTelegram
from tests.slack_bot import Member, SlackBot
from tests.test_telegram import TgBot, last_question, new_user_id

pytestmark = pytest.mark.asyncio(loop_scope="session")

#: ("say", text) is typed; ("press", choice) taps the button of the last question (typed on the
#: console, where every choice has a typed form).
SCRIPT: list[tuple[str, str]] = [
    ("say", "/start"),
    ("press", M.EXPERIENCE_CHOICES[1]),
    ("say", "about 25 min"),
    ("say", "london"),
    ("press", "07:30"),
    ("press", "every day"),
    ("say", "back 3/10, ran 20 min easy, fine during"),
    ("say", "/today"),
    ("say", "pain 2 leg 6, walked 20"),
    ("press", "no"),
    ("say", "/settings"),
    ("press", "days"),
    ("press", "weekdays"),
    ("say", "/settings"),
    ("press", "reminders off"),
    ("say", "what?"),
    ("say", "/pause 3"),
    ("say", "/resume"),
    # Plain words, typed and given to the command (Slack: /backcheck remind me at 7): the same intents.
    ("say", "remind me at 6:30 instead"),
    ("say", "what are bird dogs?"),
    ("say", "/remind me at 7"),
    ("say", "undo"),
    ("say", "/join"),
]

Answer = list[tuple[str, tuple[str, ...]]]


def console_messages(output: str) -> Answer:
    """The console's ``bot> text`` / ``     [a | b]`` lines back into (text, choices) pairs."""
    out: Answer = []
    for line in output.splitlines():
        if line.startswith("bot> "):
            out.append((line[5:], ()))
        elif line.startswith("     [") and line.endswith("]") and out:
            out[-1] = (out[-1][0], tuple(line[6:-1].split(" | ")))
        elif out and not line.startswith("     (") and not line.startswith("you> "):
            out[-1] = (out[-1][0] + "\n" + line, out[-1][1])
    return out


async def console_turn(adapter_args: dict[str, Any], text: str) -> Answer:
    out = io.StringIO()
    await ConsoleAdapter(**adapter_args, stdin=io.StringIO(text + "\n"), stdout=out).start()
    return console_messages(out.getvalue())


async def test_the_same_conversation_gets_the_same_answers_on_console_telegram_and_slack(
        fake_telegram: FakeTelegram, fake_slack: FakeSlack, telegram_store: Store, clock: Clock,
        tmp_path: Any) -> None:
    clock.set(datetime(2026, 12, 1, 6, 0, tzinfo=UTC))
    b = TgBot(fake_telegram, telegram_store, clock)
    slack = SlackBot(fake_slack, telegram_store, clock)
    await b.adapter.start()
    await slack.start()
    try:
        await _converse(b, slack.member("Ann"), clock, tmp_path)
    finally:
        await slack.stop()
        await b.adapter.stop()


async def slack_turn(ann: Member, kind: str, text: str) -> Answer:
    if kind == "press":
        sent = await ann.presses(text)
    elif text.startswith("/"):
        before = len(ann.bot.fake.in_channel(ann.dm))
        status, _ = await ann.slash(text[1:])
        assert status == 200
        sent = ann.bot.fake.in_channel(ann.dm)[before:]
    else:
        sent = await ann.says(text)
    return [(p.plain, p.choices) for p in sent]


async def _converse(b: TgBot, ann: Member, clock: Clock, tmp_path: Any) -> None:
    uid = new_user_id()
    console = {"coach": b.coach, "user": f"ann-{uuid.uuid4().hex[:8]}", "clock": clock, "download_dir": tmp_path}
    telegram_question = None
    for step, (kind, text) in enumerate(SCRIPT):
        on_console = await console_turn(console, text)
        if kind == "press":
            assert telegram_question is not None
            sent = await b.presses(uid, telegram_question, text)
        else:
            sent = await b.says(uid, text)
        on_telegram = [(m.plain or "", tuple(m.button_texts)) for m in sent]
        assert on_console, f"step {step}: no answer on the console to {text!r}"
        assert on_console == on_telegram, f"step {step} ({text!r})"
        # Slack's only translation of the words: the commands they name read "/backcheck CMD".
        on_slack = [(slack_commands(t), c) for t, c in on_console]
        assert await slack_turn(ann, kind, text) == on_slack, f"step {step} on Slack ({text!r})"
        if any(choices for _, choices in on_telegram):
            telegram_question = last_question(sent)
        clock.advance(minutes=1)
    # The same state stored for both users.
    tg_user = await b.user(uid)
    assert (tg_user.experience, tg_user.timezone, tg_user.reminders, tg_user.paused_until, tg_user.checkin_time) == (
        "returning", "Europe/London", False, None, "06:30")
    slack_user = await ann.stored()
    assert (slack_user.experience, slack_user.timezone, slack_user.reminders, slack_user.paused_until,
            slack_user.checkin_time) == ("returning", "Europe/London", False, None, "06:30")
