"""Scheduler passes against real databases (SQLite and PostgreSQL), with an injected clock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import select, update

from bot import prompts
from bot.conversation import Coach
from bot.ports import PermanentFailure, TemporaryFailure
from bot.store import outbox
from bot.store.outbox import SENT_T, USER_T
from bot.store.repo import Store
from scheduler.dispatch import Dispatcher, Job
from scheduler.limits import PlatformLimits, RateLimiter
from scheduler.passes import CLAIM_LEASE, LEASE
from scheduler.runner import Scheduler
from tests.test_scheduler_helpers import (
    FakeSender,
    FakeTime,
    add_users,
    answer_all,
    make_settings,
    sent_rows,
    tick,
    user,
    user_row,
    utc,
)

# 2026-12-01 is a Tuesday; London is on GMT, New York on EST (-5), Tokyo +9.
TUE = date(2026, 12, 1)


async def test_a_pass_sends_exactly_the_due_checkins_once_and_not_hours_late(sched_store: Store) -> None:
    await add_users(sched_store, [
        user_row("console:tokyo", "Asia/Tokyo"),          # 07:30 JST Tue = 22:30 UTC Mon
        user_row("console:newyork", "America/New_York"),  # 07:30 EST = 12:30 UTC
        user_row("console:london", "Europe/London"),      # 07:30 GMT = 07:30 UTC
        user_row("console:london-8", "Europe/London", "08:00"),
        user_row("console:weekends", "Europe/London", days="sat,sun"),
        user_row("console:stopped", "Europe/London", status="stopped"),
        user_row("console:blocked", "Europe/London", status="blocked"),
        user_row("console:new", "Europe/London", onboarded=False),
        user_row("console:paused", "Europe/London", paused_until=date(2026, 12, 3)),
        user_row("telegram:1", "Europe/London"),          # no Telegram sender here: left for one that has
    ])
    for key, at in [("console:tokyo", utc(2026, 11, 30, 22, 30)), ("console:newyork", utc(2026, 12, 1, 12, 30)),
                    ("console:london", utc(2026, 12, 1, 7, 30))]:
        fake = FakeSender()
        rep = await tick(sched_store, fake, at)
        assert fake.keys() == [key], (at, fake.sent)
        assert rep.outcome["checkin.sent"] == 1
        again = FakeSender()
        await tick(sched_store, again, at)
        assert again.sent == []  # a second pass at the same instant sends nothing
    rows = await sent_rows(sched_store, "checkin")
    assert {r["key"]: r["local_date"] for r in rows} == {
        "console:tokyo": TUE, "console:newyork": TUE, "console:london": TUE}
    assert all(r["status"] == "sent" and r["attempts"] == 1 for r in rows)
    # 08:00 London is due at 08:00 UTC; four hours late it is skipped for the day.
    late = FakeSender()
    await tick(sched_store, late, utc(2026, 12, 1, 12, 0))
    assert late.sent == [("console:london", prompts.REMINDER)]  # London's 07:30 is unanswered
    assert all(r["key"] != "console:london-8" for r in await sent_rows(sched_store))
    # The next morning it comes as usual.
    nxt = FakeSender()
    await tick(sched_store, nxt, utc(2026, 12, 2, 8, 0))
    assert sorted(nxt.keys()) == ["console:london", "console:london-8"]  # 07:30 is 30 minutes late: still sent


async def test_catch_up_after_downtime_only_within_three_hours(sched_store: Store) -> None:
    await add_users(sched_store, [user_row("console:a", "Europe/London", "07:30"),
                                  user_row("console:b", "Europe/London", "04:30")])
    fake, no_reminders = FakeSender(), make_settings(reminder_after_minutes=0)
    # Down from 04:00 to 07:29:59.  On start: 07:30 is not due yet, 04:30 is 2h59 late: sent.
    await tick(sched_store, fake, utc(2026, 12, 1, 7, 29) + timedelta(seconds=59), no_reminders)
    assert fake.keys() == ["console:b"]
    fake2 = FakeSender()
    # Down until 10:30 exactly: 07:30 is exactly three hours old, which is too old.
    await tick(sched_store, fake2, utc(2026, 12, 1, 10, 30), no_reminders)
    assert fake2.sent == []


@pytest_asyncio.fixture(loop_scope="session")
async def sqlite_store(tmp_path: Path) -> AsyncIterator[Store]:
    """A fresh SQLite database: for the many-pass tests, where the engine does not matter."""
    st = Store(f"sqlite:///{tmp_path / 'passes.db'}")
    await st.migrate()
    yield st
    await st.close()


async def test_daylight_saving_days_get_one_checkin_at_the_right_instant(sqlite_store: Store) -> None:
    cases = [
        # (key, zone, time, local date, the one right instant, the wrong ones a naive design picks)
        ("console:ny-spring", "America/New_York", "02:30", date(2026, 3, 8), utc(2026, 3, 8, 7, 30),
         [utc(2026, 3, 8, 6, 30)]),
        ("console:ny-fall", "America/New_York", "01:30", date(2026, 11, 1), utc(2026, 11, 1, 5, 30),
         [utc(2026, 11, 1, 6, 30)]),
        ("console:ldn-spring", "Europe/London", "01:30", date(2027, 3, 28), utc(2027, 3, 28, 1, 30),
         [utc(2027, 3, 28, 0, 30)]),
        ("console:ldn-fall", "Europe/London", "01:30", date(2026, 10, 25), utc(2026, 10, 25, 0, 30),
         [utc(2026, 10, 25, 1, 30)]),
    ]
    store = sqlite_store
    await add_users(store, [user_row(k, tz, at) for k, tz, at, _, _, _ in cases])
    no_reminders = make_settings(reminder_after_minutes=0)
    for key, _tz, _at, day, right, wrong in cases:
        fake = FakeSender()
        # Passes every 10 minutes for two hours either side, and every minute around each
        # candidate instant (per-minute passes over whole days are in test_scheduler_timing.py).
        instants = {right + timedelta(minutes=m) for m in range(-120, 121, 10)}
        for c in [right, *wrong]:
            instants |= {c + timedelta(minutes=m) for m in range(-3, 4)}
        for t in sorted(instants):
            fake.clock = (lambda t=t: t)
            await tick(store, fake, t, no_reminders)
            await answer_all(store)  # months apart: no one falls silent
        mine = [at for (k, _), at in zip(fake.sent, fake.at, strict=True) if k == key]
        assert mine == [right], (key, mine)
        rows = [r for r in await sent_rows(store, "checkin") if r["key"] == key and r["local_date"] == day]
        assert len(rows) == 1 and rows[0]["due_at"].replace(tzinfo=UTC) == right


async def test_one_reminder_after_the_delay_if_unanswered_and_never_at_21_or_later(sched_store: Store) -> None:
    await add_users(sched_store, [
        user_row("console:forgetful", "Europe/London", "07:30"),
        user_row("console:no-reminders", "Europe/London", "07:30", reminders=False),
        user_row("console:answered", "Europe/London", "07:30"),
        user_row("console:evening", "Europe/London", "18:30"),   # 18:30 + 3h = 21:30: no reminder
        user_row("console:late-ok", "Europe/London", "17:59"),   # 20:59: still before 21:00
    ])
    store = sched_store
    await tick(store, FakeSender(), utc(2026, 12, 1, 7, 30))
    async with store.session() as s:
        uid = (await s.execute(select(USER_T.c.id).where(USER_T.c.key == "console:answered"))).scalar_one()
        await s.execute(update(SENT_T).where(SENT_T.c.user_id == uid).values(answered_at=utc(2026, 12, 1, 8, 0)))
    early = FakeSender()
    await tick(store, early, utc(2026, 12, 1, 10, 29))
    assert early.sent == []
    on_time = FakeSender()
    await tick(store, on_time, utc(2026, 12, 1, 10, 30))
    assert on_time.sent == [("console:forgetful", prompts.REMINDER)]
    later = FakeSender()
    for t in (utc(2026, 12, 1, 10, 31), utc(2026, 12, 1, 12, 0)):
        await tick(store, later, t)
    assert later.sent == []
    evening = FakeSender()
    for t in (utc(2026, 12, 1, 17, 59), utc(2026, 12, 1, 18, 30), utc(2026, 12, 1, 20, 59), utc(2026, 12, 1, 21, 0),
              utc(2026, 12, 1, 21, 30), utc(2026, 12, 1, 23, 0)):
        await tick(store, evening, t)
    assert [(k, t == prompts.REMINDER) for k, t in evening.sent] == [
        ("console:late-ok", False), ("console:evening", False), ("console:late-ok", True)]
    reminders = await sent_rows(store, "reminder")
    assert sorted(r["key"] for r in reminders) == ["console:forgetful", "console:late-ok"]


async def test_a_checkin_reported_before_the_prompt_is_not_asked_and_a_reply_closes_the_reminder(
    sched_store: Store,
) -> None:
    settings = make_settings()
    coach = Coach(sched_store, settings)
    for name in ("early", "replier"):
        await coach.ensure_profile(f"console:{name}", utc(2026, 11, 20), {"timezone": "Europe/London",
                                                                          "checkin_time": "07:30"})
    await coach.handle("console:early", "back 2/10, walked 20 min", utc(2026, 12, 1, 6, 10))
    fake = FakeSender()
    await tick(sched_store, fake, utc(2026, 12, 1, 7, 30), settings)
    assert fake.keys() == ["console:replier"]
    turn = await coach.handle("console:replier", "pain 3, ran 20 min easy", utc(2026, 12, 1, 9, 0))
    assert turn.checkin is not None and turn.checkin["date"] == "2026-12-01"
    rem = FakeSender()
    await tick(sched_store, rem, utc(2026, 12, 1, 10, 30), settings)
    assert rem.sent == []


async def test_a_late_night_prompt_is_answered_after_midnight_for_its_own_date(sched_store: Store) -> None:
    settings = make_settings()
    coach = Coach(sched_store, settings)
    await coach.ensure_profile("console:owl", utc(2026, 11, 20), {"timezone": "UTC", "checkin_time": "23:30"})
    fake = FakeSender()
    await tick(sched_store, fake, utc(2026, 12, 1, 23, 30), settings)
    assert fake.keys() == ["console:owl"]
    turn = await coach.handle("console:owl", "back 4/10, rested", utc(2026, 12, 2, 0, 40))
    assert turn.checkin is not None and turn.checkin["date"] == "2026-12-01"
    row = (await sent_rows(sched_store, "checkin"))[0]
    assert row["answered_at"] is not None


async def test_scheduled_prompts_open_the_checkin_exactly_as_the_coach_does(sched_store: Store) -> None:
    """bot.store.outbox.open_checkins is the bulk form of Coach.checkin_prompt: same state, same question."""
    settings = make_settings()
    coach = Coach(sched_store, settings)
    states = [None, "checkin", "ask_pain", "confirm_pain", "screen", "settings", "experience", "set_timezone",
              "confirm_delete", "days"]
    rows = []
    for i, st in enumerate(states):
        for who in ("coach", "bulk"):
            rows.append(user_row(f"console:{who}-{i}", conv_state=st,
                                 conv_on=date(2026, 11, 1) if st else None))
    await add_users(sched_store, rows)
    day = date(2026, 12, 1)
    questions = []
    for i in range(len(states)):
        questions.append(await coach.checkin_prompt(f"console:coach-{i}", utc(2026, 12, 1, 7, 30), for_date=day))
    async with sched_store.session() as s:
        ids = {k: i for i, k in (await s.execute(select(USER_T.c.id, USER_T.c.key))).all()}
        await outbox.open_checkins(s, [(ids[f"console:bulk-{i}"], day) for i in range(len(states))])
    for i, st in enumerate(states):
        a, b = await user(sched_store, f"console:coach-{i}"), await user(sched_store, f"console:bulk-{i}")
        assert (a["conv_state"], a["conv_on"]) == (b["conv_state"], b["conv_on"]), st
        assert questions[i] == prompts.question()


async def test_pause_means_nothing_until_the_date_then_a_welcome_back_checkin(sched_store: Store) -> None:
    await add_users(sched_store, [user_row("console:resting", "Europe/London", paused_until=date(2026, 12, 3))])
    got = FakeSender()
    for day in (1, 2, 3, 4):
        await tick(sched_store, got, utc(2026, 12, day, 7, 30))
        await tick(sched_store, got, utc(2026, 12, day, 10, 30))  # no reminders while paused
    texts = got.texts("console:resting")
    # 3rd: welcome-back check-in, its reminder; 4th: the check-in, but no reminder: two unanswered
    # check-in days in a row (the silence rules, tests/test_scheduler_silence.py).
    assert len(texts) == 3
    assert texts[0].startswith(prompts.WELCOME_BACK) and prompts.question()[0].text in texts[0]
    assert texts[1] == prompts.REMINDER
    assert prompts.WELCOME_BACK not in texts[2]
    assert (await user(sched_store, "console:resting"))["paused_until"] is None


async def test_weekly_safety_note_goes_with_the_first_checkin_of_each_week(sched_store: Store) -> None:
    await add_users(sched_store, [user_row("console:weekly", "UTC", "07:30", days="mon,wed,fri")])
    got = FakeSender()
    # Mon 30 Nov .. Mon 14 Dec 2026.
    for day in range(0, 15):
        await tick(sched_store, got, utc(2026, 11, 30, 7, 30) + timedelta(days=day))
        await answer_all(sched_store)
    notes = [prompts.SAFETY in t for _, t in got.sent if t != prompts.REMINDER]
    assert notes == [True, False, False, True, False, False, True]
    safety = await sent_rows(sched_store, "safety")
    assert [r["local_date"] for r in safety] == [date(2026, 11, 30), date(2026, 12, 7), date(2026, 12, 14)]


async def test_safety_note_can_be_turned_off(sched_store: Store) -> None:
    await add_users(sched_store, [user_row("console:x")])
    got = FakeSender()
    await tick(sched_store, got, utc(2026, 12, 1, 7, 30), safety=False)
    assert got.sent and prompts.SAFETY not in got.sent[0][1]


async def test_a_permanent_failure_blocks_the_user_and_they_get_nothing_more(sched_store: Store) -> None:
    await add_users(sched_store, [user_row("console:gone"), user_row("console:here")])
    fake = FakeSender()
    fake.script["console:gone"] = [PermanentFailure("Forbidden: bot was blocked by the user")]
    rep = await tick(sched_store, fake, utc(2026, 12, 1, 7, 30))
    assert fake.keys() == ["console:here"] and rep.outcome["checkin.blocked"] == 1
    assert (await user(sched_store, "console:gone"))["status"] == "blocked"
    row = next(r for r in await sent_rows(sched_store, "checkin") if r["key"] == "console:gone")
    assert row["status"] == "blocked" and "blocked" in row["error"]
    nxt = FakeSender()
    await tick(sched_store, nxt, utc(2026, 12, 2, 7, 30))
    assert nxt.keys() == ["console:here"]


async def test_temporary_failures_are_retried_with_backoff_honouring_retry_after(sched_store: Store) -> None:
    await add_users(sched_store, [user_row("console:flaky"), user_row("console:down")])
    fake = FakeSender()
    fake.script["console:flaky"] = [TemporaryFailure("429", retry_after=7.0), TemporaryFailure("502")]
    fake.script["console:down"] = [TemporaryFailure("timeout")] * 20
    ft = FakeTime()
    t0 = utc(2026, 12, 1, 7, 30)
    rep = await tick(sched_store, fake, t0, ft=ft)
    assert fake.keys() == ["console:flaky"]
    assert rep.outcome["checkin.sent"] == 1 and rep.outcome["checkin.failed"] == 1
    assert 7.0 in ft.slept  # the 429's retry-after paused the lane
    rows = {r["key"]: r for r in await sent_rows(sched_store, "checkin")}
    assert rows["console:flaky"]["attempts"] == 3 and rows["console:flaky"]["status"] == "sent"
    down = rows["console:down"]
    assert down["status"] == "failed" and down["attempts"] == 4 and "timeout" in down["error"]
    # A later pass takes the failed row up again once its retry time has come, and it goes out.
    fake.script["console:down"] = []
    soon = FakeSender()
    await tick(sched_store, soon, t0 + timedelta(seconds=30))
    assert soon.sent == []
    await tick(sched_store, soon, t0 + timedelta(minutes=3))
    assert soon.keys() == ["console:down"]
    row = next(r for r in await sent_rows(sched_store, "checkin") if r["key"] == "console:down")
    assert row["status"] == "sent" and row["attempts"] == 5
    assert len(await sent_rows(sched_store, "checkin")) == 2


async def test_failed_prompts_are_not_retried_after_their_window(sched_store: Store) -> None:
    await add_users(sched_store, [user_row("console:down")])
    fake = FakeSender()
    fake.script["console:down"] = [TemporaryFailure("boom")] * 100
    t0 = utc(2026, 12, 1, 7, 30)
    t = t0
    while t < t0 + timedelta(hours=4):
        await tick(sched_store, fake, t)
        t += timedelta(minutes=20)
    row = (await sent_rows(sched_store, "checkin"))[0]
    assert row["status"] == "failed" and fake.sent == []
    # Tried at most MAX_ATTEMPTS times in all, and not after the three hours.
    assert row["attempts"] <= 8 and fake.calls == row["attempts"]


async def test_rows_of_a_dead_process_handed_off_stay_unsent_and_the_others_are_taken_over(
    sched_store: Store,
) -> None:
    await add_users(sched_store, [user_row("console:on-the-wire"), user_row("console:not-yet")])
    t0 = utc(2026, 12, 1, 7, 30)
    async with sched_store.session() as s:
        ids: dict[str, int] = dict((await s.execute(select(USER_T.c.key, USER_T.c.id))).all())
        for key, status in (("console:on-the-wire", "sending"), ("console:not-yet", "claimed")):
            await s.execute(SENT_T.insert().values(user_id=ids[key], local_date=date(2026, 12, 1), kind="checkin",
                                                   status=status, due_at=t0, claimed_at=t0, attempts=0,
                                                   claimed_by="dead:1:x"))
    fake = FakeSender()
    rep = await tick(sched_store, fake, t0 + timedelta(minutes=1))
    assert fake.sent == [] and rep.in_doubt == 0 and rep.taken_over == 0  # the owner may still be alive
    rep = await tick(sched_store, fake, t0 + CLAIM_LEASE + timedelta(seconds=1))
    assert fake.keys() == ["console:not-yet"] and rep.taken_over == 1  # never handed off: sent now
    rep = await tick(sched_store, fake, t0 + LEASE + timedelta(minutes=1))
    assert rep.in_doubt == 1 and fake.keys() == ["console:not-yet"]
    statuses = {r["key"]: r["status"] for r in await sent_rows(sched_store, "checkin")}
    assert statuses == {"console:on-the-wire": "unknown", "console:not-yet": "sent"}
    fake2 = FakeSender()
    await tick(sched_store, fake2, t0 + timedelta(hours=2, minutes=59))  # no reminder for an unknown one
    assert fake2.sent == []


async def test_a_stalled_owner_cannot_send_or_record_a_claim_another_process_took_over(sched_store: Store) -> None:
    await add_users(sched_store, [user_row("console:contested")])
    t0 = utc(2026, 12, 1, 7, 30)
    from scheduler.passes import select_due

    jobs = await select_due(sched_store, make_settings(), t0)
    slow_clock = [t0]
    stalled = Dispatcher(sched_store, {"console": FakeSender()}, clock=lambda: slow_clock[0])
    claims = await stalled._claim(jobs)
    assert len(claims) == 1
    # The owner stalls; two minutes later another process takes the claim over and sends it.
    other = FakeSender()
    await tick(sched_store, other, t0 + CLAIM_LEASE + timedelta(seconds=1))
    assert other.keys() == ["console:contested"]
    # The stalled owner wakes up: its hand-off is refused, so it neither sends nor overwrites.
    assert await stalled._mark_sending(claims) == set()
    row = (await sent_rows(sched_store, "checkin"))[0]
    assert row["status"] == "sent" and row["attempts"] == 1
    await stalled.close()


async def test_users_created_after_the_time_wait_for_their_next_day(sched_store: Store) -> None:
    await add_users(sched_store, [user_row("console:newbie", created_at=utc(2026, 12, 1, 8, 0))])
    fake = FakeSender()
    await tick(sched_store, fake, utc(2026, 12, 1, 8, 1))
    assert fake.sent == []
    await tick(sched_store, fake, utc(2026, 12, 2, 7, 30))
    assert fake.keys() == ["console:newbie"]


async def test_a_slow_platform_does_not_hold_up_another(sched_store: Store) -> None:
    await add_users(sched_store, [user_row(f"slow:{i}") for i in range(5)] +
                    [user_row(f"console:{i}") for i in range(5)])
    slow, fast = FakeSender("slow"), FakeSender("console")
    slow.gate = asyncio.Event()
    now = utc(2026, 12, 1, 7, 30)
    sched = Scheduler(sched_store, {"slow": slow, "console": fast}, make_settings(), clock=lambda: now,
                      flush_interval=0.01)
    rep = await sched.tick(now)  # returns at once: sending goes on in the lanes
    assert rep.queued == 10
    await asyncio.wait_for(sched.dispatcher._lanes["console"].drained(), 10)
    assert len(fast.sent) == 5 and slow.sent == []
    statuses = {r["key"]: r["status"] for r in await sent_rows(sched_store, "checkin")}
    assert all(statuses[f"console:{i}"] == "sent" for i in range(5))
    # The slow lane hands its jobs off at its own pace: wait (bounded) until all are with the platform.
    for _ in range(500):
        statuses = {r["key"]: r["status"] for r in await sent_rows(sched_store, "checkin")}
        if all(statuses.get(f"slow:{i}") == "sending" for i in range(5)):
            break
        await asyncio.sleep(0.01)
    assert all(statuses[f"slow:{i}"] == "sending" for i in range(5))  # handed off, not yet answered
    # The next pass does not queue the slow platform's jobs a second time.
    assert (await sched.tick(now + timedelta(minutes=1))).queued == 0
    slow.gate.set()
    await asyncio.wait_for(sched.dispatcher.drain(), 10)
    await sched.stop()
    assert len(slow.sent) == 5


async def test_the_in_flight_bound_caps_what_a_crash_can_leave_in_doubt(sched_store: Store) -> None:
    await add_users(sched_store, [user_row(f"console:{i}") for i in range(40)])
    fake = FakeSender()
    fake.gate = asyncio.Event()
    now = utc(2026, 12, 1, 7, 30)
    d = Dispatcher(sched_store, {"console": fake}, clock=lambda: now,
                   limits={"console": PlatformLimits(max_in_flight=8, chunk=4)})
    from scheduler.passes import select_due

    d.submit(await select_due(sched_store, make_settings(), now))
    for _ in range(50):
        await asyncio.sleep(0.01)
    rows = await sent_rows(sched_store, "checkin")
    # Never more claimed than the bound, and those stuck at the platform are the in-doubt ones.
    assert len(rows) == 8 and all(r["status"] == "sending" for r in rows)
    fake.gate.set()
    await d.drain()
    await d.close()
    assert len(fake.sent) == 40 and len(set(fake.keys())) == 40


async def test_the_rate_limiter_paces_evenly_with_per_chat_spacing_and_pauses() -> None:
    ft = FakeTime()
    lim = RateLimiter(30.0, per_key_interval=1.0, monotonic=ft.monotonic, sleep=ft.sleep)
    starts: list[float] = []

    async def one(key: str) -> None:
        await lim.acquire(key)
        starts.append(ft.t)

    for i in range(90):  # one after another: the fake clock moves on as each one sleeps
        await one(f"k{i}")
    assert max(starts) - min(starts) == pytest.approx(89 / 30, abs=1e-6)
    starts.sort()
    assert all(sum(1 for s in starts if a <= s < a + 1 - 1e-9) <= 30 for a in starts)
    # Two messages to one chat are a second apart even with the bot-wide budget free.
    t = ft.t
    await one("same")
    await one("same")
    assert starts[-1] - starts[-2] == pytest.approx(1.0, abs=1e-6) and starts[-2] >= t
    # A retry-after moves the next start past the pause.
    lim.pause(5.0)
    before = ft.t
    await one("other")
    assert starts[-1] >= before + 5.0


async def test_jobs_past_their_deadline_are_not_claimed(sched_store: Store) -> None:
    await add_users(sched_store, [user_row("console:a")])
    now = utc(2026, 12, 1, 7, 30)
    async with sched_store.session() as s:
        uid = (await s.execute(select(USER_T.c.id))).scalar_one()
    fake = FakeSender()
    d = Dispatcher(sched_store, {"console": fake}, clock=lambda: now + timedelta(hours=4))
    d.submit([Job(uid, "console:a", "checkin", date(2026, 12, 1), now, now + timedelta(hours=3))])
    await d.drain()
    await d.close()
    assert fake.sent == [] and d.report.counts["checkin.expired"] == 1
    assert await sent_rows(sched_store) == []


async def test_a_user_who_stopped_between_selection_and_claim_is_not_asked(sched_store: Store) -> None:
    await add_users(sched_store, [user_row("console:quitter"), user_row("console:stayer")])
    now = utc(2026, 12, 1, 7, 30)
    from scheduler.passes import select_due

    jobs = await select_due(sched_store, make_settings(), now)
    async with sched_store.session() as s:
        await s.execute(update(USER_T).where(USER_T.c.key == "console:quitter").values(status="stopped"))
    fake = FakeSender()
    d = Dispatcher(sched_store, {"console": fake}, clock=lambda: now)
    d.submit(jobs)
    await d.drain()
    await d.close()
    assert fake.keys() == ["console:stayer"] and d.report.counts["checkin.inactive"] == 1


def test_dispatcher_needs_no_clock_of_its_own() -> None:
    # Real-time default (backcheck run): an aware UTC instant.
    from scheduler.dispatch import utcnow

    assert utcnow().tzinfo is UTC and abs(utcnow() - datetime.now(UTC)) < timedelta(seconds=5)


async def test_backcheck_run_starts_one_apscheduler_job_that_passes_at_once_and_every_minute(
    sched_store: Store,
) -> None:
    await add_users(sched_store, [user_row(f"console:{i}") for i in range(3)])
    fake = FakeSender()
    now = utc(2026, 12, 1, 7, 30)
    sched = Scheduler(sched_store, {"console": fake}, make_settings(), clock=lambda: now, flush_interval=0.01)
    aps = sched.start()
    try:
        jobs = aps.get_jobs()
        assert len(jobs) == 1 and "second='0'" in str(jobs[0].trigger)  # one job, at every whole minute
        for _ in range(500):
            if len(fake.sent) == 3:
                break
            await asyncio.sleep(0.01)
        assert sorted(fake.keys()) == ["console:0", "console:1", "console:2"]
        assert sched.last is not None and sched.last.queued == 3
    finally:
        await sched.stop()
    assert not aps.running


async def test_the_pass_sends_weekly_group_digests_once_through_the_same_senders(sched_store: Store) -> None:
    from bot import teams as groups

    async with sched_store.session() as s:
        await groups.register_group(s, "console:runners", "Runners", utc(2026, 11, 1))
    monday_9 = utc(2026, 12, 7, 9, 0)
    fake = FakeSender()
    rep = await tick(sched_store, fake, monday_9)
    assert rep.digests == 1 and fake.keys() == ["console:runners"]
    again = FakeSender()
    assert (await tick(sched_store, again, monday_9 + timedelta(minutes=1))).digests == 0
    assert again.sent == []
