"""/stats in a private chat: admins (BACKCHECK_ADMINS) get a summary and the daily chart; anyone
else a polite refusal and nothing else (no user row, no stored message); not in the menu."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from bot import commands
from bot import messages as M
from bot.config import Settings
from bot.conversation import Coach
from bot.store import repo
from bot.store.repo import Store
from tests.conftest import Clock, migrated_store
from tests.stats_seed import seed


@pytest_asyncio.fixture(loop_scope="session")
async def club(tmp_path) -> AsyncIterator[Store]:  # type: ignore[no-untyped-def]
    async with migrated_store(f"sqlite:///{tmp_path / 'chat.db'}") as store:
        await seed(store)
        yield store


def admin_settings() -> Settings:
    return Settings(_env_file=None, database_url="sqlite:///unused.db", admins="telegram:42, slack:T1:U1")  # type: ignore[call-arg]


async def test_an_admin_gets_the_summary_and_the_chart(club: Store, clock: Clock) -> None:
    coach = Coach(club, admin_settings())
    turn = await coach.handle("telegram:42", "/stats 30", clock())  # clock: 2026-12-01 07:30 UTC
    assert turn.handled_as == "command:stats" and len(turn.messages) == 1
    text = turn.messages[0].text
    assert "Stats 2026-11-02 to 2026-12-01" in text
    assert "Users: 12 (6 active in the last 7 days, 10 in 30)" in text
    assert "210 asked, 180 answered (86%)" in text
    assert "Referrals: soon <5; red-flag answers: <5" in text
    assert "median change -3 over 6 people; 83% improved by 2+ points" in text
    image = turn.messages[0].image
    assert image is not None and image.startswith(b"\x89PNG")
    async with club.session() as s:  # the admin's own conversation is untouched
        assert await repo.get_user(s, "telegram:42") is None


async def test_anyone_else_is_refused_and_nothing_is_stored(club: Store, clock: Clock) -> None:
    coach = Coach(club, admin_settings())
    for text in ("/stats", "stats", "/stats 7"):
        turn = await coach.handle("telegram:7", text, clock())
        assert [m.text for m in turn.messages] == [M.ADMIN_ONLY]
        assert turn.messages[0].image is None
    async with club.session() as s:
        assert await repo.get_user(s, "telegram:7") is None


def test_stats_is_not_in_the_users_menu() -> None:
    assert "stats" not in dict(commands.MENU) and "stats" in commands.ADMIN
