"""bench/load.py at a small scale (issue 11, item 5): concurrent users through the Telegram
webhook route on PostgreSQL, every message answered exactly once; and replies answered during a
scheduled fan-out at Telegram's 30 messages/s. The figures come from ``python -m bench.load``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench.load import Bot, fanout_with_replies, load
from bench.telegram import FakeServer
from tests.conftest import fresh_pg_database

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture(scope="module")
def load_pg() -> Iterator[str]:
    with fresh_pg_database("backcheck_load") as url:
        yield url


async def test_concurrent_users_through_the_webhook_are_each_answered_once(load_pg: str) -> None:
    fake = FakeServer()
    try:
        bot = Bot(load_pg, fake, paced=False)
        await bot.start()
        try:
            await load(bot, 40, 4)  # asserts: all 200, every update handled, none twice
            assert len(bot.latency) == 160
        finally:
            await bot.stop()
        paced = Bot(load_pg, fake, paced=True)
        await paced.start()
        try:
            stats = await fanout_with_replies(paced, fake, 150, 10, 3.0)
        finally:
            await paced.stop()
        # Every reply answered while the pushes went on (how fast, and the 429s of bursts at the
        # limit, depend on the machine: the benchmark prints them).
        assert stats["replies"] == 10 and stats["pushes"] > 0
    finally:
        await fake.close()
