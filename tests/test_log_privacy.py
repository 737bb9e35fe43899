"""No secrets and no health data in any log line (issue 11, item 7).

Every log record of a full journey is captured, with logging set up as ``backcheck -v run`` sets
it up (the most an operator turns on), tracebacks included: start-up failures (a refused token,
an unreachable database with a password in its URL), a Telegram user through the fake Bot API
(onboarding, a check-in in their own words, buttons, a scheduled check-in, a platform error,
export, delete), and the one-line start-up messages printed on stderr. Then the whole text is
searched for the tokens, the secrets and the user's words.
"""

from __future__ import annotations

import logging
import socket
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.cli import _setup_logging
from adapters.telegram import TelegramAdapter
from bot import startup
from bot.conversation import Coach
from bot.startup import StartupError
from bot.store.repo import Store
from tests.conftest import Clock
from tests.fake_telegram import FakeTelegram
from tests.test_telegram import TgBot, last_question, new_user_id, scheduled_checkin, tg_settings

pytestmark = pytest.mark.asyncio(loop_scope="session")


class Everything(logging.Handler):
    """Every record, formatted as the CLI's handler formats it (with its traceback)."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def captured() -> Iterator[Everything]:
    root = logging.getLogger()
    saved = (root.level, list(root.handlers), {n: logging.getLogger(n).level for n in ("httpx", "alembic",
                                                                                        "apscheduler")})
    _setup_logging(verbose=True)
    h = Everything()
    root.addHandler(h)
    try:
        yield h
    finally:
        root.removeHandler(h)
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]
        for n, level in saved[2].items():
            logging.getLogger(n).setLevel(level)


async def test_a_full_journey_logs_no_secret_and_no_health_data(
        captured: Everything, fake_telegram: FakeTelegram, telegram_store: Store, clock: Clock) -> None:
    token = f"{new_user_id()}:{uuid.uuid4().hex}"
    password = "pw" + uuid.uuid4().hex
    words = f"my {uuid.uuid4().hex[:8]} sciatica hurts"
    printed: list[str] = []

    # Start-up failures: a token Telegram refuses, a database that is not there (with a password).
    wrong = f"{new_user_id()}:{uuid.uuid4().hex}"
    fake_telegram.bot(wrong).fail("getMe", 401, times=None, description="Unauthorized")
    refused = TelegramAdapter(Coach(telegram_store, tg_settings(fake_telegram, wrong)), tg_settings(fake_telegram, wrong))
    with pytest.raises(StartupError) as exc:
        await startup.retrying("telegram", refused.start, patience=0)
    await refused.stop()
    printed.append(str(exc.value))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql://backcheck:{password}@127.0.0.1:{port}/backcheck"
    down = Store(url)
    with pytest.raises(StartupError) as exc:
        await startup.retrying("database", lambda: startup.connect_database(
            url, lambda: startup.select_one(down.engine)), patience=1.5)
    await down.close()
    printed.append(str(exc.value))
    assert any("attempt" in line for line in captured.lines)  # the retries were logged

    # A Telegram user, start to erase.
    b = TgBot(fake_telegram, telegram_store, clock, token=token)
    await b.adapter.start()
    try:
        uid = new_user_id()
        clock.set(datetime(2026, 12, 1, 6, 0, tzinfo=UTC))
        q = last_question(await b.says(uid, "/start"))
        q = last_question(await b.presses(uid, q, q.button_texts[0]))
        await b.says(uid, "Europe/London")
        await b.says(uid, "07:30")
        await b.says(uid, "every day")
        clock.set(datetime(2026, 12, 1, 7, 31, tzinfo=UTC))
        await scheduled_checkin(b)
        # The platform fails once on the answer: retried, and logged without the text.
        b.fb.fail("sendMessage", 500)
        answer = await b.says(uid, f"back 6/10, ran 25 min hard, {words}")
        assert any("Today:" in (m.plain or "") for m in answer)
        await b.says(uid, f"also {words} at night")
        await b.says(uid, "/progress")
        await b.says(uid, "/export")
        await b.says(uid, "delete")
        erased = await b.says(uid, "delete")  # asked, then confirmed
        assert any("erased" in (m.plain or "") for m in erased)
    finally:
        await b.adapter.stop()

    everything = "\n".join(captured.lines + printed)
    assert captured.lines, "nothing was logged: the capture is not working"
    secrets: dict[str, Any] = {
        "bot token": token, "token's secret part": token.split(":")[1], "refused token": wrong.split(":")[1],
        "webhook secret": b.adapter.secret, "database password": password, "the user's words": words,
        "a word of theirs": words.split()[1],
    }
    leaks = {name: [line for line in everything.splitlines() if value in line]
             for name, value in secrets.items() if value in everything}
    assert not leaks, leaks
