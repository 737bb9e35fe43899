"""``simulate`` runs the real scheduler passes on the script's clock: a week's diary."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest_asyncio

from bot import prompts
from bot.conversation import Coach
from bot.simulate import read_script, run_script
from bot.store.repo import Store
from scheduler.sim import SimTicker
from tests.test_scheduler_helpers import make_settings

EVERY_DAY = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
# Mon 30 Nov - Mon 7 Dec 2026. Alice: London 07:30 every day, reminders on. Bob: New York 07:00
# (12:00 UTC) on weekdays, reminders off.
DIARY: list[dict[str, Any]] = [
    {"at": "2026-11-30T06:00:00+00:00", "user": "alice",
     "profile": {"timezone": "Europe/London", "checkin_time": "07:30", "days": EVERY_DAY,
                 "experience": "returning", "comfortable_run_minutes": 20}},
    {"at": "2026-11-30T06:00:00+00:00", "user": "bob",
     "profile": {"timezone": "America/New_York", "checkin_time": "07:00", "days": EVERY_DAY[:5],
                 "experience": "new", "reminders": False}},
    {"at": "2026-11-30T08:10:00+00:00", "user": "alice", "text": "back 3/10, ran 20 min easy, fine during"},
    # Tue: Alice forgets (a reminder at 10:30); Bob answers an hour late.
    {"at": "2026-12-01T13:00:00+00:00", "user": "bob", "text": "pain 2, walked 20 min"},
    # Wed: Alice pauses for two days after the check-in; back on Friday.
    {"at": "2026-12-02T07:45:00+00:00", "user": "alice", "text": "pause 2"},
    {"at": "2026-12-04T09:00:00+00:00", "user": "alice", "text": "back 2/10, rested"},
    # Sat: Alice reports before her check-in (none is open), so she is not asked that day.
    {"at": "2026-12-05T06:50:00+00:00", "user": "alice", "text": "back 2/10, walked 30 min"},
    {"at": "2026-12-06T19:00:00+00:00", "user": "alice", "text": "back 2, ran 22 min easy"},
    {"at": "2026-12-07T13:00:00+00:00", "user": "bob", "text": "pain 1, walked 30 min"},
]


@pytest_asyncio.fixture(loop_scope="session")
async def sim_store(tmp_path: Path) -> AsyncIterator[Store]:
    st = Store(f"sqlite:///{tmp_path / 'sim.db'}")
    await st.migrate()
    yield st
    await st.close()


def _kind(text: str) -> str:
    if text == prompts.REMINDER:
        return "reminder"
    if prompts.WELCOME_BACK in text:
        return "welcome-back"
    if prompts.question()[0].text in text:
        return "checkin+safety" if prompts.SAFETY in text else "checkin"
    return "reply"


async def test_a_week_of_diary_shows_each_checkin_reminder_pause_and_welcome_back_at_its_time(
    sim_store: Store,
) -> None:
    settings = make_settings(reminder_after_minutes=180)
    out: list[dict[str, Any]] = []
    ticker = SimTicker(sim_store, settings, out.append)
    steps = read_script(json.dumps(x) for x in DIARY)
    await run_script(Coach(sim_store, settings), steps, out.append, ticker=ticker)
    await ticker.close()

    times = [datetime.fromisoformat(o["at"]) for o in out]
    assert times == sorted(times)  # the transcript is in time order
    scheduled = [(o["at"][:16], o["user"], _kind(o["text"])) for o in out
                 if o["dir"] == "out" and _kind(o["text"]) != "reply"]
    assert scheduled == [
        ("2026-11-30T07:30", "alice", "checkin+safety"),
        ("2026-11-30T12:00", "bob", "checkin+safety"),
        ("2026-12-01T07:30", "alice", "checkin"),
        ("2026-12-01T10:30", "alice", "reminder"),       # unanswered; Bob has reminders off
        ("2026-12-01T12:00", "bob", "checkin"),
        ("2026-12-02T07:30", "alice", "checkin"),        # then she pauses: no reminder
        ("2026-12-02T12:00", "bob", "checkin"),
        ("2026-12-03T12:00", "bob", "checkin"),
        ("2026-12-04T07:30", "alice", "welcome-back"),   # pause over; she answers at 09:00
        ("2026-12-04T12:00", "bob", "checkin"),
        # Sat 5: Alice checked in at 06:50, before 07:30: not asked. Bob: weekdays only.
        ("2026-12-06T07:30", "alice", "checkin"),
        ("2026-12-06T10:30", "alice", "reminder"),
        ("2026-12-07T07:30", "alice", "checkin+safety"),  # a new week
        ("2026-12-07T10:30", "alice", "reminder"),
        ("2026-12-07T12:00", "bob", "checkin+safety"),
    ]
    # Every reminder is before 21:00 local, and the scheduled lines carry the question's choices.
    assert all(o["choices"] for o in out if o["dir"] == "out" and _kind(o["text"]) != "reply")
    # The evening report on Sunday counted for Sunday's open check-in, Saturday's early one for Saturday.
    ins = {o["at"][:13]: o.get("checkin", {}).get("date") for o in out if o["dir"] == "in"}
    assert ins["2026-12-05T06"] == "2026-12-05" and ins["2026-12-06T19"] == "2026-12-06"
    # Jumping from due instant to due instant: a handful of passes, not 10,000 simulated minutes.
    assert ticker.passes < 60


async def test_the_first_minute_after_a_script_line_catches_up_like_a_real_pass(sim_store: Store) -> None:
    # Alice stops before her 07:00 check-in and comes back at 08:00: a per-minute pass would ask
    # her at 08:01 (still within three hours), and so does the simulation.
    diary = [
        {"at": "2026-12-01T06:00:00+00:00", "user": "alice",
         "profile": {"timezone": "UTC", "checkin_time": "07:00", "reminders": False}},
        {"at": "2026-12-01T06:30:00+00:00", "user": "alice", "text": "stop"},
        {"at": "2026-12-01T08:00:00+00:00", "user": "alice", "text": "/start"},
        {"at": "2026-12-01T09:00:00+00:00", "user": "alice", "text": "back 2, rested"},
    ]
    out: list[dict[str, Any]] = []
    settings = make_settings()
    ticker = SimTicker(sim_store, settings, out.append)
    await run_script(Coach(sim_store, settings), read_script(json.dumps(x) for x in diary), out.append, ticker=ticker)
    await ticker.close()
    scheduled = [(o["at"][:16], _kind(o["text"])) for o in out if o["dir"] == "out" and _kind(o["text"]) != "reply"]
    assert scheduled == [("2026-12-01T08:01", "checkin+safety")]
    answer = next(o for o in out if o["dir"] == "in" and o["text"].startswith("back"))
    assert answer["checkin"]["date"] == "2026-12-01"
