"""Running groups: the platform-neutral part (bot/teams/) on SQLite and PostgreSQL, and the
Telegram side end to end (bot added to a group, /join, opt-in pain, the weekly digest through a
real scheduler pass, removal)."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest_asyncio

from bot import teams as groups
from bot.conversation import Coach
from bot.ports import Outgoing, PermanentFailure, PlatformLimits, TemporaryFailure
from bot.store.repo import Store
from bot.store.tables import GroupDigest
from tests.conftest import Clock
from tests.fake_telegram import FakeTelegram
from tests.test_telegram import TgBot, new_user_id, scheduler_pass

MONDAY = date(2026, 11, 30)
DIGEST_AT = datetime(2026, 12, 7, 9, 5, tzinfo=UTC)  # the next Monday, just after 09:00


class Recorder:
    """A Sender that records, and fails on demand for chosen keys."""

    platform = "test"
    limits = PlatformLimits()

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.failures: dict[str, list[Exception]] = {}

    async def send(self, key: str, messages: Sequence[Outgoing]) -> None:
        await asyncio.sleep(0)
        if self.failures.get(key):
            raise self.failures[key].pop(0)
        self.sent.extend((key, m.text) for m in messages)


def group_key() -> str:
    return f"test:-{random.randint(10**9, 10**10)}"


# --- pure parts --------------------------------------------------------------------------------


def test_streaks() -> None:
    d = date(2026, 12, 6)
    days = [d - timedelta(days=i) for i in range(5)] + [d - timedelta(days=9)]
    assert groups.latest_streak(days, d) == 5
    # Counted back from the latest check-in, which need not be the week's last day.
    assert groups.latest_streak(days[2:], d) == 3
    assert groups.latest_streak(days, d - timedelta(days=2)) == 3
    assert groups.latest_streak([d - timedelta(days=9)], d) == 1
    assert groups.latest_streak([d + timedelta(days=1)], d) == 0
    assert groups.latest_streak([], d) == 0


def test_digest_text_shows_pain_only_for_opted_in_members() -> None:
    weeks = [
        groups.MemberWeek("Ann", checkins=5, sessions=6, minutes=150, run_minutes=90, streak=5, pain=2.25),
        groups.MemberWeek("Bob", checkins=1, sessions=1, minutes=20, run_minutes=0, streak=1, pain=None),
    ]
    # Two members answering: no pain score at all, even Ann's who opted in.
    text = groups.format_digest(MONDAY, weeks, member_count=3, title="Park runners")
    assert "Park runners: week of Mon 30 Nov - Sun 06 Dec" in text
    assert "2 of 3 members checked in: 7 sessions, 170 minutes in all." in text
    ann = next(line for line in text.splitlines() if line.startswith("- Ann"))
    bob = next(line for line in text.splitlines() if line.startswith("- Bob"))
    assert "5-day streak" in ann and "90 running" in ann
    assert "pain" not in ann and "/10" not in text
    assert "pain" not in bob and "streak" not in bob
    # Three answering: the opted-in member's pain, and the average of those who share it.
    weeks.append(groups.MemberWeek("Cy", checkins=2, sessions=2, minutes=40, pain=None))
    text = groups.format_digest(MONDAY, weeks, member_count=3, title="Park runners")
    ann = next(line for line in text.splitlines() if line.startswith("- Ann"))
    assert "morning pain 2.2/10" in ann
    assert "Morning pain of the 1 who share it: 2.2/10" in text
    assert sum("/10" in line for line in text.splitlines()) == 2
    assert "Nobody has joined" in groups.format_digest(MONDAY, [], 0)
    assert "No check-ins from the 2 members" in groups.format_digest(MONDAY, [], 2)


def test_digest_due_window() -> None:
    assert groups.due_week(DIGEST_AT, "UTC") == MONDAY
    assert groups.due_week(DIGEST_AT - timedelta(minutes=10), "UTC") is None  # 08:55
    assert groups.due_week(datetime(2026, 12, 7, 21, 0, tzinfo=UTC), "UTC") is None
    assert groups.due_week(datetime(2026, 12, 8, 9, 5, tzinfo=UTC), "UTC") is None  # Tuesday
    # Local Monday 09:00 in Tokyo is Sunday 00:00 UTC.
    assert groups.due_week(datetime(2026, 12, 7, 0, 5, tzinfo=UTC), "Asia/Tokyo") == MONDAY


# --- storage and claims, on both engines -------------------------------------------------------------


async def _group_with_members(store: Store, coach: Coach, clock: Clock) -> tuple[str, list[str]]:
    gkey = group_key()
    run = uuid.uuid4().hex[:6]
    keys = [f"test:ann-{run}", f"test:bob-{run}", f"test:cy-{run}"]
    for k in keys:
        await coach.ensure_profile(k, clock(), {"experience": "returning", "comfortable_run_minutes": 20})
    async with store.session() as s:
        await groups.register_group(s, gkey, "Park runners", clock())
        assert await groups.join_group(s, gkey, keys[0], "Ann", clock())
        assert await groups.join_group(s, gkey, keys[1], "Bob", clock())
        assert not await groups.join_group(s, gkey, keys[1], "Bobby", clock())
        assert await groups.set_show_pain(s, gkey, keys[0], True)
        assert not await groups.set_show_pain(s, gkey, keys[2], True)  # not a member
    for day in range(4):
        clock.set(datetime.combine(MONDAY + timedelta(days=day), datetime.min.time(), UTC) + timedelta(hours=8))
        await coach.handle(keys[0], f"back {day + 1}/10, ran 20 min easy", clock())
        await coach.handle(keys[2], "back 2/10, ran 40 min", clock())  # not a member: never shown
    await coach.handle(keys[1], "pain 6, cycled 30 min", clock())
    return gkey, keys


async def test_digest_goes_once_per_group_and_week(store: Store, coach: Coach, clock: Clock) -> None:
    gkey, _ = await _group_with_members(store, coach, clock)
    rec = Recorder()
    rep = await groups.send_due_digests(store, rec, DIGEST_AT - timedelta(hours=1))
    assert gkey not in rep.sent  # not due yet
    rep = await groups.send_due_digests(store, [rec], DIGEST_AT)
    assert gkey in rep.sent
    texts = [t for k, t in rec.sent if k == gkey]
    assert len(texts) == 1
    text = texts[0]
    assert "2 of 2 members checked in" in text
    ann = next(line for line in text.splitlines() if line.startswith("- Ann"))
    bob = next(line for line in text.splitlines() if line.startswith("- Bobby"))
    # Ann opted in, but only two members answered: no pain score in the group.
    assert "4 check-ins" in ann and "4-day streak" in ann
    assert "pain" not in ann and "pain" not in bob and "/10" not in text
    assert len([line for line in text.splitlines() if line.startswith("- ")]) == 2  # Cy is not a member

    # Later passes the same Monday, and a second "replica" racing, send nothing more.
    other = Store(store.url)
    try:
        reps = await asyncio.gather(groups.send_due_digests(store, rec, DIGEST_AT + timedelta(minutes=1)),
                                    groups.send_due_digests(other, rec, DIGEST_AT + timedelta(minutes=1)))
    finally:
        await other.close()
    assert all(gkey not in r.sent for r in reps)
    assert len([k for k, _ in rec.sent if k == gkey]) == 1


async def test_racing_replicas_send_one_digest(store: Store, coach: Coach, clock: Clock) -> None:
    gkey, _ = await _group_with_members(store, coach, clock)
    rec = Recorder()
    replicas = [Store(store.url) for _ in range(3)]
    try:
        await asyncio.gather(*(groups.send_due_digests(r, rec, DIGEST_AT) for r in replicas))
    finally:
        for r in replicas:
            await r.close()
    assert len([k for k, _ in rec.sent if k == gkey]) == 1


async def test_failed_digest_is_retried_then_given_up(store: Store, coach: Coach, clock: Clock) -> None:
    gkey, _ = await _group_with_members(store, coach, clock)
    rec = Recorder()
    week = MONDAY - timedelta(days=7)
    rec.failures[gkey] = [TemporaryFailure("down"), TemporaryFailure("down")]
    assert gkey in (await groups.send_due_digests(store, rec, DIGEST_AT, week=week)).failed
    assert gkey in (await groups.send_due_digests(store, rec, DIGEST_AT, week=week)).failed
    assert gkey in (await groups.send_due_digests(store, rec, DIGEST_AT, week=week)).sent
    assert len([k for k, _ in rec.sent if k == gkey]) == 1
    assert gkey not in (await groups.send_due_digests(store, rec, DIGEST_AT, week=week)).sent

    # Three failures in all and it stops trying.
    week2 = week - timedelta(days=7)
    rec.failures[gkey] = [RuntimeError("bug")] * groups.MAX_ATTEMPTS
    for _ in range(groups.MAX_ATTEMPTS):
        assert gkey in (await groups.send_due_digests(store, rec, DIGEST_AT, week=week2)).failed
    rep = await groups.send_due_digests(store, rec, DIGEST_AT, week=week2)
    assert gkey not in rep.sent + rep.failed
    async with store.session() as s:
        from sqlalchemy import select

        g = await groups.get_group(s, gkey)
        assert g is not None
        row = (await s.execute(select(GroupDigest).where(GroupDigest.group_id == g.id,  # type: ignore[arg-type]
                                                         GroupDigest.week_start == week2))).scalar_one()  # type: ignore[arg-type]
        assert (row.status, row.attempts) == ("failed", groups.MAX_ATTEMPTS)


async def test_group_that_refuses_is_deactivated(store: Store, coach: Coach, clock: Clock) -> None:
    gkey, keys = await _group_with_members(store, coach, clock)
    rec = Recorder()
    rec.failures[gkey] = [PermanentFailure("kicked")]
    assert gkey in (await groups.send_due_digests(store, rec, DIGEST_AT)).blocked
    async with store.session() as s:
        g = await groups.get_group(s, gkey)
        assert g is not None and not g.active
    # Inactive groups get nothing; re-adding the bot brings the group back with its members.
    assert gkey not in (await groups.send_due_digests(store, rec, DIGEST_AT, week=MONDAY + timedelta(days=7))).sent
    async with store.session() as s:
        await groups.register_group(s, gkey, "", clock())
        assert [m.user_key for m in await groups.members_of(s, gkey)] == keys[:2]
        assert await groups.leave_group(s, gkey, keys[0])
        assert not await groups.leave_group(s, gkey, keys[0])
        assert await groups.forget_user(s, keys[1]) == 1
        assert await groups.members_of(s, gkey) == []


# --- Telegram end to end --------------------------------------------------------------------------------


@pytest_asyncio.fixture(loop_scope="session")
async def bot(fake_telegram: FakeTelegram, telegram_store: Store, clock: Clock) -> AsyncIterator[TgBot]:
    b = TgBot(fake_telegram, telegram_store, clock)
    await b.adapter.start()
    yield b
    await b.adapter.stop()


async def test_telegram_group_join_and_weekly_digest(bot: TgBot, clock: Clock) -> None:
    b = bot
    gid = -random.randint(10**12, 10**13)
    ann, bob, cy = new_user_id(), new_user_id(), new_user_id()

    # The bot is added to the group: it introduces itself there.
    clock.set(datetime(2026, 11, 29, 18, 0, tzinfo=UTC))
    intro = await b.push(gid, b.fb.chat_member(ann, "left", "member", chat_id=gid, chat_type="group",
                                               title="Park runners", push=False))
    assert "/join" in (intro[0].plain or "")

    def group_msg(uid: int, text: str, name: str) -> dict[str, Any]:
        return b.fb.message(uid, text, chat_id=gid, chat_type="group", first_name=name, title="Park runners",
                            push=False)

    # Members who have not talked to the bot in private are pointed there.
    joined = await b.push(gid, group_msg(ann, "/join", "Ann"))
    assert "Ann joined" in (joined[0].plain or "")
    assert f"t.me/{b.adapter.username}?start=join" in (joined[0].plain or "")
    assert "already" in ((await b.push(gid, group_msg(ann, "/join@" + b.adapter.username, "Ann")))[0].plain or "")
    await b.push(gid, group_msg(bob, "/join", "Bob"))
    shown = await b.push(gid, group_msg(ann, "/sharepain", "Ann"))
    assert "will show" in (shown[0].plain or "")
    assert "not in the group" in ((await b.push(gid, group_msg(cy, "/sharepain", "Cy")))[0].plain or "")
    # Private commands in the group get a pointer, not a public answer.
    assert "private" in ((await b.push(gid, group_msg(bob, "/progress", "Bob")))[0].plain or "")

    # Check-ins happen in private; Cy is not a member.
    for uid in (ann, bob, cy):
        await b.says(uid, "/start")
        for answer in ("returning", "20", "UTC", "07:30"):
            await b.says(uid, answer)
        await b.says(uid, "every day")
    for day in range(5):
        clock.set(datetime.combine(MONDAY + timedelta(days=day), datetime.min.time(), UTC) + timedelta(hours=8))
        await b.says(ann, f"back {day % 3 + 1}/10, ran 20 min easy, fine")
        if day % 2 == 0:
            await b.says(bob, "back 5/10, cycled 30 min")
        await b.says(cy, "back 1/10, ran 40 min")

    preview = await b.push(gid, group_msg(bob, "/digest", "Bob"))
    assert "this week so far" in (preview[0].plain or "")

    # Monday 09:05: a real scheduler pass sends the digest once.
    clock.set(DIGEST_AT)
    before = len(b.fb.sent_to(gid, "sendMessage"))
    await scheduler_pass(b)
    digests = b.fb.sent_to(gid, "sendMessage")[before:]
    assert len(digests) == 1
    text = digests[0].plain or ""
    assert "Park runners: week of Mon 30 Nov - Sun 06 Dec" in text
    assert "2 of 2 members checked in" in text
    ann_line = next(line for line in text.splitlines() if line.startswith("- Ann"))
    bob_line = next(line for line in text.splitlines() if line.startswith("- Bob"))
    # Ann shares her pain, but with two members answering none is shown.
    assert "5 check-ins" in ann_line and "5-day streak" in ann_line and "/10" not in text
    assert "3 check-ins" in bob_line and "pain" not in bob_line
    assert "Cy" not in text

    clock.advance(minutes=1)
    await scheduler_pass(b)
    assert len(b.fb.sent_to(gid, "sendMessage")) == before + 1

    # Removed from the group: no more digests.
    await b.push(gid, b.fb.chat_member(ann, "member", "left", chat_id=gid, chat_type="group", push=False))
    clock.set(DIGEST_AT + timedelta(days=7))
    await scheduler_pass(b)
    assert len(b.fb.sent_to(gid, "sendMessage")) == before + 1


async def test_group_commands_in_private_are_explained(bot: TgBot) -> None:
    uid = new_user_id()
    msgs = await bot.says(uid, "/join")
    assert "group" in (msgs[0].plain or "")


async def test_telegram_team_daily_post_is_edited_in_place_and_join_is_a_button(bot: TgBot, clock: Clock) -> None:
    b = bot
    gid = -random.randint(10**12, 10**13)
    ann, bob = new_user_id(), new_user_id()
    tue = MONDAY + timedelta(days=1)

    def group_msg(uid: int, text: str, name: str) -> dict[str, Any]:
        return b.fb.message(uid, text, chat_id=gid, chat_type="supergroup", first_name=name, title="Lunch club",
                            push=False)

    clock.set(datetime(2026, 11, 30, 18, 0, tzinfo=UTC))
    await b.push(gid, b.fb.chat_member(ann, "left", "member", chat_id=gid, chat_type="supergroup",
                                       title="Lunch club", push=False))
    await b.says(ann, "/start")
    for answer in ("returning", "20", "UTC", "06:30", "weekdays"):
        await b.says(ann, answer)
    setup = await b.push(gid, group_msg(ann, "/team setup 07:00 every day", "Ann"))
    assert "made this group a team" in (setup[0].plain or "")
    assert "Sorry Bob" in ((await b.push(gid, group_msg(bob, "/team setup 05:00", "Bob")))[0].plain or "")

    # Tuesday 07:01: one post, with a Join button.
    clock.set(datetime.combine(tue, datetime.min.time(), UTC) + timedelta(hours=7, minutes=1))
    await scheduler_pass(b)
    posts = [s for s in b.fb.sent_to(gid, "sendMessage") if s.button_texts == ["Join"]]
    assert len(posts) == 1 and (posts[0].plain or "").startswith("Morning, Lunch club: 0 of 1 checked in today")

    # Bob presses Join: he is in, and told where to check in.
    joined = await b.push(gid, b.fb.press(bob, posts[0], 0, first_name="Bob", push=False))
    assert "Bob joined" in (joined[0].plain or "") and "t.me/" in (joined[0].plain or "")
    clock.advance(minutes=1)
    await scheduler_pass(b)
    edits = b.fb.sent_to(gid, "editMessageText")
    assert len(edits) == 1 and (edits[0].plain or "").startswith("Morning, Lunch club: 0 of 2 checked in today")
    assert edits[0].message_id == posts[0].message_id and edits[0].button_texts == ["Join"]

    # Bob starts in private: the team's schedule stands, no time or days questions.
    await b.says(bob, "/start", name="Bob")
    for answer in ("new", "UTC"):
        last = await b.says(bob, answer, name="Bob")
    assert "07:00 (UTC), every day" in (last[0].plain or "")

    # Ann checks in in private: the post says so, edited; a pass with nothing new edits nothing.
    clock.advance(minutes=5)
    await b.says(ann, "back 3/10, ran 20 min easy")
    clock.advance(minutes=1)
    await scheduler_pass(b)
    clock.advance(minutes=1)
    await scheduler_pass(b)
    edits = b.fb.sent_to(gid, "editMessageText")
    assert len(edits) == 2 and (edits[-1].plain or "").startswith("Morning, Lunch club: 1 of 2 checked in today")
    assert len([s for s in b.fb.sent_to(gid, "sendMessage") if s.button_texts == ["Join"]]) == 1

    # The adapter as a GroupPoster: an edit that changes nothing is done; a missing post is gone.
    same = Outgoing(edits[-1].plain or "", ("Join",))
    await b.adapter.edit(f"telegram:{gid}", str(posts[0].message_id), same)
    try:
        await b.adapter.edit(f"telegram:{gid}", "999999", same)
        raise AssertionError("editing a missing post must fail")
    except PermanentFailure:
        pass

    # Nothing the group was ever shown carries a pain score.
    assert all("/10" not in (s.plain or "") for s in b.fb.sent_to(gid))
