"""A Slack team through a week (issue 9's acceptance), end to end: signed requests to
``/slack/events`` as Slack sends them, the fake Slack Web API, the real coach, the scheduler's
passes with the Slack adapter as its sender and poster, and a hand-moved clock.

``/backcheck team setup`` in a channel, three members joining (the slash command and the Join
button on the daily post), each checking in by DM: one daily post a day, edited in place as
people answer; one weekly digest; no pain score in the channel but that of the one who opted in;
a streak that pauses. Also ``/backcheck stats`` for an admin and for anyone else."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
import pytest_asyncio

from bot import messages as M
from bot.store.repo import Store
from scheduler.passes import run_pass
from tests.conftest import Clock
from tests.fake_slack import FakeSlack, Posted, block_action
from tests.slack_bot import Member, SlackBot

pytestmark = pytest.mark.asyncio(loop_scope="session")

MONDAY = date(2026, 11, 30)
#: A pain score as a channel could show it ("2/10", "2.0/10").
SCORE = re.compile(r"\d+(?:\.\d+)?\s*/\s*10")


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=UTC)


@pytest_asyncio.fixture(loop_scope="session")
async def team_store(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Store]:
    """A database of its own: the scheduler's passes then see this test's people only."""
    s = Store(f"sqlite:///{tmp_path_factory.mktemp('slackteam') / 'team.db'}")
    await s.migrate()
    yield s
    await s.close()


def named(bot: SlackBot, name: str) -> Member:
    """A member whose Slack profile shows ``name`` (users.info)."""
    m = bot.member(name)
    bot.fake.users[m.user] = {"id": m.user, "name": name.lower(), "real_name": name,
                              "profile": {"display_name": name, "real_name": name}}
    return m


async def answer(m: Member, text: str) -> None:
    """A check-in by DM; a safety question that follows it is answered no."""
    await m.says(text)
    if "screen" in m.reply.lower() or "safety check" in m.reply.lower():
        await m.says("no")
    assert "Got it" in m.reply or "Noted" in m.reply or "/10" in m.reply, m.reply


async def onboard_in_team(m: Member) -> None:
    """Onboarding in the DM of someone who joined a team first: no time or days asked."""
    await m.says("hi")
    await m.presses("New to running")
    await m.says("UTC")
    assert "All set" in m.reply and "07:15" in m.reply, m.reply


def channel_texts(fake: FakeSlack, channel: str, token: str) -> list[str]:
    """Every text the channel ever showed: each chat.postMessage and each chat.update."""
    out = []
    for c in fake.calls:
        if c.token == token and c.method in ("chat.postMessage", "chat.update") and c.params.get("channel") == channel:
            blocks = c.params.get("blocks") or []
            out.append("\n".join([str(c.params.get("text", ""))]
                                 + [str(b["text"]["text"]) for b in blocks if b.get("type") == "section"]))
    return out


async def test_a_team_of_three_through_a_week_of_daily_posts_and_one_digest(fake_slack: FakeSlack,
                                                                              team_store: Store) -> None:
    clock = Clock(at(MONDAY - timedelta(days=2), 18))
    bot = await SlackBot(fake_slack, team_store, clock).start()
    try:
        await _the_week(bot, clock)
    finally:
        await bot.stop()


async def _the_week(bot: SlackBot, clock: Clock) -> None:
    fake = bot.fake
    w = bot.workspace
    assert w is not None
    channel = "C" + uuid.uuid4().hex[:9].upper()
    ann, bob, cy = named(bot, "Ann"), named(bot, "Bob"), named(bot, "Cy")

    async def in_channel(m: Member, text: str) -> str:
        before = len(fake.in_channel(channel))
        status, body = await m.slash(text, channel=channel, channel_name="runners")
        assert status == 200 and body == ""  # the answer is the channel's, not an ephemeral note
        return "\n".join(p.plain for p in fake.in_channel(channel)[before:])

    async def tick(when: datetime) -> None:
        clock.set(when)
        await run_pass(bot.store, {"slack": bot.adapter}, bot.settings, when)

    def daily_posts() -> list[Posted]:
        return [p for p in fake.in_channel(channel) if p.plain.startswith("Morning, runners:")]

    # Ann uses the bot already; she makes the channel a team and shows her pain in its digest.
    await ann.onboard()
    said = await in_channel(ann, "team setup 07:15 every day digest monday")
    assert "Ann made this group a team: check-ins at 07:15 (UTC), every day" in said
    # Bob joins with the slash command before he ever wrote to the bot: the team's schedule is his.
    assert "Bob joined" in await in_channel(bob, "join")
    await onboard_in_team(bob)
    assert "Ann" in await in_channel(ann, "sharepain")

    # Monday 07:15: the day's post, with one Join button; Cy presses it.
    await tick(at(MONDAY, 7, 0))
    assert daily_posts() == []
    await tick(at(MONDAY, 7, 15))
    [post] = daily_posts()
    assert post.plain.startswith("Morning, runners: 0 of 2 checked in today")
    assert [b["action_id"] for b in post.buttons] == ["team_join"]
    before = len(fake.in_channel(channel))
    status, _ = await bot.deliver(block_action(w, cy.user, post, post.buttons[0]), form=True)
    assert status == 200
    assert "Cy joined" in fake.in_channel(channel)[before].plain
    await onboard_in_team(cy)
    await tick(at(MONDAY, 7, 16))
    assert post.plain.startswith("Morning, runners: 0 of 3 checked in today") and post.updates == 1
    # Bob and Cy had their check-in question by DM at the team's time (conversations.open).
    assert any(p.choices == M.CHECKIN_CHOICES for p in fake.in_channel(bob.dm))

    # The week: who says what each day (None: nothing). Bob misses Wednesday; Cy pauses
    # Wednesday and Thursday; Ann answers every day.
    plan: dict[Member, list[str | None]] = {
        ann: ["back 2/10, walked 20 min", "back 2/10, walked 30 min", "back 2/10, walked 20 min",
              "back 2/10, walked 25 min", "back 2/10, walked 30 min", "back 2/10, walked 20 min",
              "back 2/10, walked 30 min"],
        bob: ["back 3/10, cycled 30 min", "back 3/10, walked 20 min", None, "back 3/10, walked 20 min",
              "back 3/10, walked 40 min", "back 3/10, swim 30 min", "back 3/10, walked 20 min"],
        cy: ["back 1/10, walked 30 min", "back 1/10, walked 30 min", "pause 2", None,
             "back 1/10, walked 30 min", "back 1/10, walked 30 min", "back 1/10, walked 30 min"],
    }
    for i in range(7):
        day = MONDAY + timedelta(days=i)
        if i:
            await tick(at(day, 7, 15))
        posts = daily_posts()
        assert len(posts) == i + 1  # exactly one a day
        today = posts[-1]
        assert today.plain.startswith("Morning, runners: 0 of 3 checked in today")
        updates, answered = today.updates, 0
        for who in (ann, bob, cy):
            text = plan[who][i]
            if text is None:
                continue
            clock.set(at(day, 7, 30))
            if text.startswith("pause"):
                status, _ = await who.slash(text)  # in the DM: the user's own
                assert status == 200 and "Paused until" in fake.in_channel(who.dm)[-1].plain
                continue
            seen = len(fake.in_channel(channel))
            await answer(who, text)
            answered += 1
            # A check-in changes nothing in the channel until the scheduler's pass edits the post.
            assert len(fake.in_channel(channel)) == seen
            await tick(at(day, 7, 40))
            await tick(at(day, 7, 41))  # nothing changed: no edit
            assert len(fake.in_channel(channel)) == seen  # never a post per person
            assert today.plain.startswith(f"Morning, runners: {answered} of 3 checked in today"), today.plain
        assert today.updates == updates + answered  # one chat.update of the same ts per answer
    edits = {c.params["ts"] for c in fake.calls_of("chat.update", w.token) if c.params.get("channel") == channel}
    assert edits == {p.ts for p in daily_posts()}

    # The next Monday 09:05: the week's digest, once (and that day's post).
    await tick(at(MONDAY + timedelta(days=7), 9, 5))
    await tick(at(MONDAY + timedelta(days=7), 9, 6))
    digests = [p for p in fake.in_channel(channel) if "week of" in p.plain]
    assert len(digests) == 1 and len(daily_posts()) == 8
    text = digests[0].plain
    assert "runners: week of Mon 30 Nov - Sun 06 Dec" in text
    assert "3 of 3 members checked in" in text
    line = {n: next(x for x in text.splitlines() if x.startswith(f"- {n}:")) for n in ("Ann", "Bob", "Cy")}
    assert "7-day streak" in line["Ann"]
    assert "4-day streak" in line["Bob"]  # he missed Wednesday, a day he was asked
    assert "5-day streak" in line["Cy"]  # her pause paused it: neither broken nor extended
    # Pain: Ann's alone (she opted in, and three answered); nobody else's, anywhere in the channel.
    assert "morning pain 2.0/10" in line["Ann"]
    assert not SCORE.search(line["Bob"]) and not SCORE.search(line["Cy"])
    assert "Morning pain of the 1 who share it: 2.0/10" in text
    for t in channel_texts(fake, channel, w.token):
        shown = [x for x in t.splitlines() if not x.startswith("- Ann:") and not x.startswith("Morning pain of")]
        assert not SCORE.search("\n".join(shown)), t


async def test_no_pain_in_the_channel_with_fewer_than_three_answering(fake_slack: FakeSlack,
                                                                      team_store: Store) -> None:
    clock = Clock(at(MONDAY + timedelta(days=14), 6))
    bot = await SlackBot(fake_slack, team_store, clock).start()
    try:
        w = bot.workspace
        assert w is not None
        channel = "C" + uuid.uuid4().hex[:9].upper()
        ann, bob, cy = named(bot, "Ann"), named(bot, "Bob"), named(bot, "Cy")
        await ann.onboard()
        await ann.slash("team setup 07:15 digest monday", channel=channel, channel_name="runners")
        for m in (bob, cy):
            await m.slash("join", channel=channel, channel_name="runners")
            await onboard_in_team(m)
        for m in (ann, bob, cy):
            await m.slash("sharepain", channel=channel, channel_name="runners")
        week = MONDAY + timedelta(days=14)
        for i in range(3):
            clock.set(at(week + timedelta(days=i), 8))
            await answer(ann, "back 4/10, walked 20 min")
            await answer(bob, "back 2/10, walked 20 min")
        clock.set(at(week + timedelta(days=7), 9, 5))
        await run_pass(bot.store, {"slack": bot.adapter}, bot.settings, clock())
        [digest] = [p for p in bot.fake.in_channel(channel) if "week of" in p.plain]
        assert "2 of 3 members checked in" in digest.plain
        assert not SCORE.search(digest.plain) and "Morning pain" not in digest.plain
    finally:
        await bot.stop()


# --- /backcheck stats --------------------------------------------------------------------------------


async def test_stats_for_an_admin_and_a_polite_refusal_for_anyone_else(fake_slack: FakeSlack,
                                                                      team_store: Store) -> None:
    w = fake_slack.workspace()
    admin_user = "UADM" + uuid.uuid4().hex[:6].upper()
    clock = Clock(at(MONDAY + timedelta(days=30), 9))
    bot = await SlackBot(fake_slack, team_store, clock, workspace=w,
                         admins=f"slack:{w.team_id}:{admin_user}").start()
    try:
        boss = Member(bot, w, admin_user, "Boss")
        status, body = await boss.slash("stats")
        assert status == 200 and body == ""  # in the DM: no acknowledgement needed
        [png] = [u for u in fake_slack.uploads.values() if u.channel == boss.dm and u.filename == "progress.png"]
        assert png.data.startswith(b"\x89PNG") and png.token == w.token
        assert png.initial_comment and "check-in" in png.initial_comment.lower()
        # From a channel: the figures go to the DM, the channel sees nothing.
        status, body = await boss.slash("stats 7", channel="C0STATS", channel_name="general")
        assert status == 200 and M.SENT_TO_DM in body
        assert fake_slack.in_channel("C0STATS") == []
        assert len([u for u in fake_slack.uploads.values() if u.channel == boss.dm]) == 2
        assert await boss.stored() is None  # an operator command makes no user of the admin

        other = bot.member("Nosy")
        uploads = len(fake_slack.uploads)
        status, _ = await other.slash("stats")
        assert status == 200
        assert [p.plain for p in fake_slack.in_channel(other.dm)] == [M.ADMIN_ONLY]
        assert len(fake_slack.uploads) == uploads and await other.stored() is None
    finally:
        await bot.stop()


async def test_a_choice_pressed_in_a_channel_is_said_in_the_channel_never_in_private(
        fake_slack: FakeSlack, team_store: Store) -> None:
    from bot.ports import Outgoing

    clock = Clock(at(MONDAY + timedelta(days=40), 9))
    bot = await SlackBot(fake_slack, team_store, clock).start()
    try:
        w = bot.workspace
        assert w is not None
        dan = named(bot, "Dan")
        channel = "C" + uuid.uuid4().hex[:9].upper()
        # A channel message with a choice on it (as a group's post would have without the Join button).
        await bot.adapter.out.send(f"slack:{w.team_id}:{channel}", [Outgoing("Want in?", ("Join",))])
        [post] = fake_slack.in_channel(channel)
        status, _ = await bot.deliver(block_action(w, dan.user, post, post.buttons[0], channel_name="runners"),
                                      form=True)
        assert status == 200
        assert "Dan joined" in fake_slack.in_channel(channel)[-1].plain
        assert fake_slack.in_channel(dan.dm) == [] and await dan.stored() is None
        assert post.updates == 0  # the channel's message is not marked answered by one member
    finally:
        await bot.stop()


async def test_team_in_the_dm_points_to_a_channel(fake_slack: FakeSlack, team_store: Store) -> None:
    from adapters.slack.blocks import slack_commands

    bot = await SlackBot(fake_slack, team_store, Clock(at(MONDAY + timedelta(days=41), 9))).start()
    try:
        eli = named(bot, "Eli")
        await eli.onboard()
        for words in ("team", "team setup 07:00 weekdays"):
            status, body = await eli.slash(words)
            assert status == 200 and body == ""
            assert bot.fake.in_channel(eli.dm)[-1].plain == slack_commands(M.GROUP_ONLY_IN_PRIVATE)
    finally:
        await bot.stop()
