"""The console adapter: never silent on a failure, and the user's words stay out of the log."""

from __future__ import annotations

import io
import logging
from datetime import datetime

import pytest

from adapters.console import ConsoleAdapter
from bot import messages as M
from bot.conversation import Coach
from bot.ports import Turn


class Broken(Coach):
    def __init__(self) -> None:  # no store needed: every message fails
        pass

    async def handle(self, key: str, text: str, now: datetime) -> Turn:
        raise RuntimeError(f"database refused parameters ({text!r})")


async def test_a_failure_gets_an_apology_and_logs_no_message_text(caplog: pytest.LogCaptureFixture) -> None:
    out = io.StringIO()
    console = ConsoleAdapter(Broken(), user="ann", stdin=io.StringIO("back 7/10, numb groin\n"), stdout=out)
    with caplog.at_level(logging.ERROR):
        await console.start()
    assert M.SORRY in out.getvalue()
    assert "RuntimeError" in caplog.text
    assert "numb groin" not in caplog.text and "7/10" not in caplog.text
