"""The Telegram adapter end to end: python-telegram-bot's real HTTP stack against the fake Bot API
(tests/fake_telegram.py) on 127.0.0.1, the real coach and a real SQLite database. Nothing here
talks to Telegram's real servers.

Each test runs its own bot (a fresh token on the shared fake server) and its own users.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import pytest_asyncio
import uvicorn

from adapters.telegram import COMMANDS, MAX_CALLBACK_DATA, TelegramAdapter, webhook_secret
from bot import commands
from bot import messages as M
from bot.config import Settings
from bot.conversation import Coach
from bot.ports import Outgoing, PermanentFailure, TemporaryFailure
from bot.store import repo
from bot.store.repo import Store
from bot.web import create_app
from tests.conftest import Clock
from tests.fake_telegram import FakeBot, FakeTelegram, Sent

pytestmark = pytest.mark.asyncio(loop_scope="session")


def new_token() -> str:
    return f"{random.randint(10**8, 10**9)}:{uuid.uuid4().hex}"


def new_user_id() -> int:
    return random.randint(10**8, 2 * 10**9)


def tg_settings(fake: FakeTelegram, token: str, **kw: Any) -> Settings:
    return Settings(_env_file=None, database_url="sqlite:///unused.db", telegram_token=token,  # type: ignore[call-arg]
                    telegram_api_url=fake.base_url, default_timezone="UTC", **kw)


class TgBot:
    """One bot under test: the adapter, its fake-server state and a clock for the coach."""

    def __init__(self, fake: FakeTelegram, store: Store, clock: Clock, token: str | None = None,
                 **settings: Any) -> None:
        self.token = token or new_token()
        self.settings = tg_settings(fake, self.token, **settings)
        self.coach = Coach(store, self.settings)
        self.adapter = TelegramAdapter(self.coach, self.settings, clock=clock, retry_backoff=0.01,
                                       poll_timeout=1)
        self.fb: FakeBot = fake.bot(self.token)
        self.store = store
        self.clock = clock

    async def says(self, uid: int, text: str, *, name: str = "Ann") -> list[Sent]:
        """The user sends ``text``; returns what the bot sent them in answer."""
        return await self.push(uid, self.fb.message(uid, text, first_name=name, push=False))

    async def presses(self, uid: int, question: Sent, choice: str) -> list[Sent]:
        return await self.push(uid, self.fb.press(uid, question, question.button_texts.index(choice), push=False))

    async def push(self, uid: int, update: dict[str, Any]) -> list[Sent]:
        """Queue an update; once the bot has handled it to the end, return what it sent ``uid``."""
        before = len(self._sent(uid))
        target = self.adapter.updates_handled + 1
        self.fb.push(update)
        await _eventually(lambda: self.adapter.updates_handled >= target)
        return self._sent(uid)[before:]

    def _sent(self, uid: int) -> list[Sent]:
        return [s for s in self.fb.sent_to(uid) if s.method.startswith("send")]

    async def user(self, uid: int) -> Any:
        async with self.store.session() as s:
            return await repo.get_user(s, f"telegram:{uid}")


@pytest_asyncio.fixture(loop_scope="session")
async def make_bot(fake_telegram: FakeTelegram, telegram_store: Store, clock: Clock
                   ) -> AsyncIterator[Callable[..., Any]]:
    """``bot = await make_bot()`` starts a polling bot; stopped at the end of the test."""
    started: list[TgBot] = []

    async def make(start: bool = True, **settings: Any) -> TgBot:
        b = TgBot(fake_telegram, telegram_store, clock, **settings)
        if start:
            await b.adapter.start()
            started.append(b)
        return b

    yield make
    for b in started:
        await b.adapter.stop()


def last_question(msgs: list[Sent]) -> Sent:
    with_buttons = [m for m in msgs if m.buttons]
    assert with_buttons, f"no question with buttons in {[m.plain for m in msgs]}"
    return with_buttons[-1]


async def scheduler_pass(b: TgBot, **kw: Any) -> Any:
    """One real scheduler pass at the clock's time, sending through this bot's adapter."""
    import inspect

    from scheduler.passes import run_pass

    args: dict[str, Any] = {"store": b.store, "senders": {"telegram": b.adapter}, "settings": b.settings,
                            "now": b.clock()}
    if "coach" in inspect.signature(run_pass).parameters:
        args["coach"] = b.coach
    return await run_pass(**args, **kw)


async def scheduled_checkin(b: TgBot) -> Any:
    return await scheduler_pass(b, digests=False)


# --- the whole conversation --------------------------------------------------------------------


async def test_start_onboarding_by_buttons_then_checkin_and_recommendation(make_bot: Any, clock: Clock) -> None:
    b = await make_bot()
    uid = new_user_id()
    clock.set(datetime(2026, 12, 1, 6, 0, tzinfo=UTC))

    first = await b.says(uid, "/start")
    assert M.INTRO.split("\n")[0] in first[0].plain
    q = last_question(first)
    assert q.button_texts == list(M.EXPERIENCE_CHOICES)
    assert all(len(btn["callback_data"].encode()) <= MAX_CALLBACK_DATA for btn in q.buttons)

    nxt = await b.presses(uid, q, "Returning after a break")
    # The question now shows the answer and has no buttons left; the button's spinner was stopped.
    edited = b.fb.messages[(uid, q.message_id)]
    assert edited["text"].endswith("\u2192 Returning after a break")
    assert "reply_markup" not in edited
    assert len(b.fb.answered) == 1
    assert last_question(nxt).button_texts == list(M.COMFORTABLE_CHOICES)

    # Any button also works typed.
    nxt = await b.says(uid, "20")
    assert "Europe/London" in last_question(nxt).button_texts
    nxt = await b.presses(uid, last_question(nxt), "Europe/London")
    nxt = await b.presses(uid, last_question(nxt), "07:30")
    done = await b.presses(uid, last_question(nxt), "every day")
    assert "All set" in done[0].plain
    u = await b.user(uid)
    assert (u.onboarded, u.experience, u.comfortable_run_minutes, u.timezone, u.checkin_time) == (
        True, "returning", 20, "Europe/London", "07:30")

    # The next morning the scheduler sends the check-in; the user answers; a suggestion follows.
    clock.set(datetime(2026, 12, 2, 7, 30, tzinfo=UTC))
    before = len(b._sent(uid))
    await scheduled_checkin(b)
    prompt = b._sent(uid)[before]
    assert "How's your back" in prompt.plain
    assert prompt.button_texts == list(M.CHECKIN_CHOICES)

    clock.advance(minutes=20)
    reply = await b.says(uid, "back 3/10, ran 20 min easy, fine during")
    # What was understood first, then the session.
    assert reply[0].plain.startswith("Got it: back 3/10, 20 min run") and "\nToday:" in reply[0].plain
    async with b.store.session() as s:
        u = await repo.get_user(s, f"telegram:{uid}")
        assert u is not None and u.id is not None
        ci = await repo.get_checkin(s, u.id, datetime(2026, 12, 2).date())
        latest = await repo.latest_recommendation(s, u.id)
    assert ci is not None and ci.pain == 3
    assert latest is not None and latest[0] == datetime(2026, 12, 2).date()


async def test_onboarding_by_typing_only(make_bot: Any, clock: Clock) -> None:
    b = await make_bot()
    uid = new_user_id()
    await b.says(uid, "/start")
    await b.says(uid, "I'm new to running")
    await b.says(uid, "Berlin")
    await b.says(uid, "7am")
    await b.says(uid, "weekdays")
    u = await b.user(uid)
    assert (u.onboarded, u.experience, u.timezone, u.checkin_time, u.days) == (
        True, "new", "Europe/Berlin", "07:00", "mon,tue,wed,thu,fri")
    # Typed answers leave the question's buttons in place; nothing was answered by button.
    assert b.fb.answered == []


async def test_first_message_that_is_a_checkin(make_bot: Any) -> None:
    b = await make_bot()
    uid = new_user_id()
    msgs = await b.says(uid, "pain 4/10, walked 30 min")
    assert any("Today:" in m.plain for m in msgs)
    assert last_question(msgs).button_texts == list(M.EXPERIENCE_CHOICES)


# --- buttons ------------------------------------------------------------------------------------


async def test_stale_double_and_foreign_button_presses(make_bot: Any) -> None:
    b = await make_bot()
    uid = new_user_id()
    q = last_question(await b.says(uid, "/start"))

    # Data we never made: answered (the spinner stops) with a hint, and nothing else happens.
    assert await b.push(uid, b.fb.press(uid, q, 0, data="garbage", push=False)) == []
    assert "expired" in b.fb.answered[0]["text"]

    # Two quick taps on the same question: the second is answered but not taken as an answer.
    first = b.fb.press(uid, q, 2, push=False)
    second = b.fb.press(uid, q, 0, push=False)
    b.fb.push(first)
    sent = await b.push(uid, second)
    await _eventually(lambda: b.adapter.updates_handled >= 3)
    assert len(b._sent(uid)) == 3, [m.plain for m in b._sent(uid)]
    assert sent or b._sent(uid)[-1].button_texts == list(M.COMFORTABLE_CHOICES)
    assert (await b.user(uid)).experience == "regular"
    # Each press is answered; the second answer may reach the fake server a moment later.
    await _eventually(lambda: len(b.fb.answered) >= 3)
    assert sorted(a.get("text", "") for a in b.fb.answered[1:]) == ["", "Already answered."]


async def test_long_choice_resolved_from_the_keyboard(make_bot: Any) -> None:
    b = await make_bot()
    uid = new_user_id()
    await b.says(uid, "/start")
    long_choice = "Returning after a break, " + " and".join(["this label is far longer than sixty-four bytes"] * 2)
    await b.adapter.send(f"telegram:{uid}", [Outgoing("Where are you with running?", ("short", long_choice))])
    q = b._sent(uid)[-1]
    assert [btn["callback_data"] for btn in q.buttons] == ["0:short", "1:"]
    await b.presses(uid, q, long_choice)
    assert b.fb.messages[(uid, q.message_id)]["text"].endswith(long_choice)
    # The coach read the full label as the typed answer.
    assert (await b.user(uid)).experience == "returning"


# --- formatting -------------------------------------------------------------------------------------


async def test_html_is_escaped_and_long_texts_are_split(make_bot: Any) -> None:
    b = await make_bot()
    uid = new_user_id()
    key = f"telegram:{uid}"
    tricky = "pain <3 & rising > yesterday <b>not bold</b> &amp;"
    await b.adapter.send(key, [Outgoing(tricky)])
    # The fake server parses HTML as Telegram does: it would answer 400 to unescaped text.
    assert b._sent(uid)[-1].plain == tricky

    lines = [f"line {i}: " + "x" * 90 for i in range(120)]  # ~12,000 characters
    await b.adapter.send(key, [Outgoing("\n".join(lines), ("ok", "not ok"))])
    parts = b._sent(uid)[1:]
    assert len(parts) == 3
    assert all(len(p.plain or "") <= 4096 for p in parts)
    assert "\n".join(p.plain or "" for p in parts) == "\n".join(lines)
    assert [bool(p.buttons) for p in parts] == [False, False, True]


async def test_command_menu_and_polling_bootstrap(make_bot: Any) -> None:
    b = await make_bot()
    assert [c["command"] for c in b.fb.commands] == [c for c, _ in COMMANDS]
    # setMyCommands is the command table's private menu, names and summaries (bot/commands.py).
    assert [(c["command"], c["description"]) for c in b.fb.commands] == list(commands.MENU)
    assert [c for c, _ in COMMANDS] == ["start", "checkin", "today", "progress", "settings", "pause", "resume",
                                        "export", "delete", "help"]
    # Polling mode makes sure no webhook is left over from webhook mode.
    assert b.fb.calls_of("deleteWebhook")
    assert b.fb.calls_of("getMe")


async def test_export_document_and_progress_chart(make_bot: Any, clock: Clock) -> None:
    b = await make_bot()
    uid = new_user_id()
    clock.set(datetime(2026, 12, 1, 8, 0, tzinfo=UTC))
    await b.says(uid, "/start")
    for answer in ("regular", "30", "UTC", "08:00"):
        await b.says(uid, answer)
    await b.says(uid, "every day")
    for day in range(2, 6):
        clock.set(datetime(2026, 12, day, 8, 10, tzinfo=UTC))
        await b.says(uid, f"back {day - 1}/10, ran 25 min easy, cycled 20 min")

    msgs = await b.says(uid, "/progress")
    photo = msgs[-1]
    assert photo.method == "sendPhoto"
    assert photo.file_bytes is not None and photo.file_bytes.startswith(b"\x89PNG")
    assert "Your last 4 weeks" in (photo.plain or "")

    msgs = await b.says(uid, "/export")
    doc = msgs[-1]
    assert doc.method == "sendDocument"
    assert doc.file_name == f"backcheck-telegram_{uid}.json"
    assert doc.file_bytes is not None
    data = json.loads(doc.file_bytes)
    assert data["user"]["key"] == f"telegram:{uid}"
    assert len(data["checkins"]) == 4


# --- webhook ---------------------------------------------------------------------------------------


async def test_webhook_secret_and_switch_back_to_polling(fake_telegram: FakeTelegram, telegram_store: Store,
                                                         clock: Clock, make_bot: Any) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    b = TgBot(fake_telegram, telegram_store, clock, telegram_webhook_url=url)
    web = create_app(telegram_store, b.adapter.routes())
    server = uvicorn.Server(uvicorn.Config(web, log_level="warning", lifespan="off"))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        await b.adapter.start()
        assert b.fb.webhook["url"] == url
        assert b.fb.webhook["secret_token"] == webhook_secret(b.settings)
        assert b.fb.calls_of("getUpdates") == []
        await _eventually(lambda: server.started)
        uid = new_user_id()

        # Wrong and missing secrets are refused, and nothing reaches the coach.
        upd = b.fb.message(uid, "/start", push=False)
        assert await fake_telegram.deliver_webhook(b.token, {"update_id": 1, **upd}, secret="nope") == 403
        assert await fake_telegram.deliver_webhook(b.token, {"update_id": 2, **upd}, secret=None) == 403
        async with httpx.AsyncClient() as http:
            good = {"X-Telegram-Bot-Api-Secret-Token": b.adapter.secret}
            r = await http.post(url, content=b"{not json", headers=good)
            assert r.status_code == 400
            r = await http.post(url, json=[1, 2], headers=good)
            assert r.status_code == 400
            r = await http.post(url, json={"update_id": "x"}, headers=good)
            assert r.status_code == 400
            r = await http.post(url, json={"update_id": 5, "message": {"bogus": True}}, headers=good)
            assert r.status_code == 400
            r = await http.get(url, headers=good)
            assert r.status_code == 405
        assert await b.user(uid) is None

        # The right secret: the update is handled like a polled one.
        assert await fake_telegram.deliver_webhook(b.token, {"update_id": 3, **upd}) == 200
        await _eventually(lambda: b.adapter.updates_handled >= 1)
        msgs = b._sent(uid)
        assert msgs[-1].button_texts == list(M.EXPERIENCE_CHOICES)
    finally:
        await b.adapter.stop()
        server.should_exit = True
        await serving

    # Back to polling with the same token: the webhook is deleted and polling works.
    polling = await make_bot(token=b.token)
    assert "url" not in polling.fb.webhook
    more = await polling.says(uid, "regular")
    assert last_question(more).button_texts == list(M.COMFORTABLE_CHOICES)


async def test_webhook_routes_only_in_webhook_mode(make_bot: Any) -> None:
    b = await make_bot(start=False)
    assert b.adapter.routes() == []


# --- failures and limits -------------------------------------------------------------------------


@pytest.mark.parametrize("status", [429, 500])
async def test_temporary_errors_deliver_exactly_once(make_bot: Any, status: int) -> None:
    b = await make_bot()
    uid = new_user_id()
    b.fb.fail("sendMessage", status, retry_after=1 if status == 429 else None, times=2 if status == 500 else 1,
              chat_id=uid)
    await b.adapter.send(f"telegram:{uid}", [Outgoing("hello there")])
    assert [s.plain for s in b._sent(uid)] == ["hello there"]
    attempts = [p for p in b.fb.calls_of("sendMessage") if int(p["chat_id"]) == uid]
    assert len(attempts) == (2 if status == 429 else 3)


async def test_error_during_a_reply_is_retried_once(make_bot: Any) -> None:
    b = await make_bot()
    uid = new_user_id()
    b.fb.fail("sendMessage", 500, chat_id=uid)
    msgs = await b.says(uid, "/start")
    assert [m.plain for m in b._sent(uid)] == [m.plain for m in msgs]
    assert len(msgs) == 2


async def test_persistent_rate_limit_is_a_temporary_failure(make_bot: Any) -> None:
    b = await make_bot()
    uid = new_user_id()
    b.fb.fail("sendMessage", 429, retry_after=1, times=None, chat_id=uid)
    with pytest.raises(TemporaryFailure) as err:
        await b.adapter.send(f"telegram:{uid}", [Outgoing("hi")])
    assert err.value.retry_after == 1
    assert b._sent(uid) == []


async def test_blocked_user_becomes_inactive(make_bot: Any) -> None:
    b = await make_bot()
    uid = new_user_id()
    await b.says(uid, "/start")
    assert (await b.user(uid)).status == "active"

    b.fb.blocked.add(uid)
    with pytest.raises(PermanentFailure):
        await b.adapter.send(f"telegram:{uid}", [Outgoing("your check-in")])
    # A reply that meets 403 marks the user blocked (the scheduler does the same for its sends).
    assert await b.says(uid, "regular") == []
    assert (await b.user(uid)).status == "blocked"

    # Telegram also tells us directly: unblocking brings the user back, blocking again marks them.
    b.fb.blocked.discard(uid)
    await b.push(uid, b.fb.chat_member(uid, "kicked", "member", push=False))
    assert (await b.user(uid)).status == "active"
    await b.push(uid, b.fb.chat_member(uid, "member", "kicked", push=False))
    assert (await b.user(uid)).status == "blocked"


async def test_user_who_blocked_the_bot_is_skipped_on_the_next_pass(make_bot: Any, clock: Clock) -> None:
    b = await make_bot()
    uid = new_user_id()
    clock.set(datetime(2026, 12, 1, 6, 0, tzinfo=UTC))
    await b.says(uid, "/start")
    for answer in ("new", "Asia/Tokyo", "06:15"):
        await b.says(uid, answer)
    await b.says(uid, "every day")
    b.fb.blocked.add(uid)

    def attempts() -> int:
        return len([p for p in b.fb.calls_of("sendMessage") if int(p["chat_id"]) == uid])

    before = attempts()
    clock.set(datetime(2026, 12, 1, 21, 16, tzinfo=UTC))  # 06:16 on 2 Dec in Tokyo
    await scheduled_checkin(b)
    assert attempts() == before + 1
    assert (await b.user(uid)).status == "blocked"
    clock.set(datetime(2026, 12, 2, 21, 16, tzinfo=UTC))  # the next morning there
    await scheduled_checkin(b)
    assert attempts() == before + 1


async def test_handler_error_apologises_without_logging_the_text(make_bot: Any, caplog: pytest.LogCaptureFixture
                                                                 ) -> None:
    b = await make_bot()
    uid = new_user_id()

    async def broken(key: str, text: str, now: datetime, **_kw: Any) -> Any:
        raise RuntimeError(f"could not handle {text!r}")

    b.adapter.coach.handle = broken  # type: ignore[method-assign]
    with caplog.at_level(logging.ERROR):
        msgs = await b.says(uid, "my very private back story")
    assert msgs[0].plain == M.SORRY
    assert "my very private back story" not in caplog.text
    assert "RuntimeError" in caplog.text


async def test_non_text_message_gets_an_answer(make_bot: Any) -> None:
    b = await make_bot()
    uid = new_user_id()
    update = b.fb.message(uid, "", push=False)
    update["message"].pop("text")
    update["message"]["sticker"] = {"file_id": "s", "file_unique_id": "s", "type": "regular", "width": 1,
                                    "height": 1, "is_animated": False, "is_video": False}
    msgs = await b.push(uid, update)
    assert msgs and msgs[0].plain


async def _eventually(ok: Callable[[], bool], within: float = 15.0) -> None:
    """Wait (polling briefly) until ``ok()``; fails after ``within`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not ok():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.005)


async def test_admin_stats_on_telegram_and_reply_metrics(make_bot: Any, clock: Clock) -> None:
    """/stats: the admin gets the summary with the chart as a photo; anyone else one polite line.
    Replies and updates are counted for /metrics."""
    from bot import metrics

    admin, other = new_user_id(), new_user_id()
    b = await make_bot(admins=f"telegram:{admin}")
    clock.set(datetime(2026, 12, 1, 8, 0, tzinfo=UTC))

    def count(name: str, **labels: str) -> float:
        return metrics.REGISTRY.get_sample_value(name, labels) or 0.0

    replies = count("backcheck_messages_sent_total", platform="telegram", path="reply")
    updates = count("backcheck_updates_handled_total", platform="telegram")
    msgs = await b.says(admin, "/stats")
    assert len(msgs) == 1 and msgs[0].method == "sendPhoto"
    assert msgs[0].file_bytes is not None and msgs[0].file_bytes.startswith(b"\x89PNG")
    assert "Users:" in (msgs[0].plain or "")
    refused = await b.says(other, "/stats")
    assert [m.plain for m in refused] == [M.ADMIN_ONLY]
    assert await b.user(other) is None
    assert count("backcheck_messages_sent_total", platform="telegram", path="reply") == replies + 2
    assert count("backcheck_updates_handled_total", platform="telegram") == updates + 2
