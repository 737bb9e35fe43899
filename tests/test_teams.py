"""Teams, platform-neutral, on SQLite and PostgreSQL: a group made a team with /team setup, members
joining (the team's schedule for whoever has none of their own), a week of daily posts made once
and edited in place as people answer, the weekly digest with streaks that pause rather than break
and pain shown only when opted in and with enough people answering; replicas racing for a post.

The platform is a fake GroupPoster (and Sender) for the ``team:`` platform; people talk to the
coach in private as ``console:`` users and in the group through ``Coach.handle_group``."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from bot import messages as M
from bot import teams
from bot.config import Settings
from bot.conversation import Coach, GroupMessage
from bot.ports import GroupPoster, Outgoing, PermanentFailure, PlatformLimits, Sender, TemporaryFailure
from bot.store.repo import Store
from bot.teams import daily, digest, membership, streaks
from scheduler.passes import run_pass
from tests.conftest import Clock

MONDAY = date(2026, 11, 30)


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=UTC)


@dataclass
class Post:
    key: str
    ref: str
    text: str
    choices: tuple[str, ...]
    edits: list[str] = field(default_factory=list)


class FakePoster:
    """The ``team`` platform's channel side: posts and edits recorded; failures on demand."""

    platform = "team"
    limits = PlatformLimits()

    def __init__(self) -> None:
        self.posts: list[Post] = []
        self.sent: list[tuple[str, str]] = []
        #: Failures to raise, per group key (the database holds other tests' teams too).
        self.failures: dict[str, list[Exception]] = {}

    async def post(self, key: str, message: Outgoing) -> str:
        await asyncio.sleep(0)
        if self.failures.get(key):
            raise self.failures[key].pop(0)
        p = Post(key, f"r{len(self.posts) + 1}", message.text, message.choices)
        self.posts.append(p)
        return p.ref

    async def edit(self, key: str, ref: str, message: Outgoing) -> None:
        await asyncio.sleep(0)
        if self.failures.get(key):
            raise self.failures[key].pop(0)
        p = next(p for p in self.posts if p.ref == ref and p.key == key)
        p.text = message.text
        p.edits.append(message.text)

    async def send(self, key: str, messages: Sequence[Outgoing]) -> None:
        self.sent.extend((key, m.text) for m in messages)

    def daily_posts(self, key: str) -> list[Post]:
        return [p for p in self.posts if p.key == key and p.choices == (daily.JOIN,)]

    def channel_texts(self, key: str) -> list[str]:
        """Everything the channel has ever shown: posts, every edit, plain messages."""
        return ([t for p in self.posts if p.key == key for t in (p.text, *p.edits)]
                + [t for k, t in self.sent if k == key])


def test_the_fake_is_a_poster_and_a_sender() -> None:
    assert isinstance(FakePoster(), GroupPoster) and isinstance(FakePoster(), Sender)


class Group:
    """A group chat: ``await park.says(ann, "/join")`` returns the bot's answer in the group."""

    def __init__(self, coach: Coach, clock: Clock, title: str = "Park runners") -> None:
        self.coach, self.clock, self.title = coach, clock, title
        self.key = f"team:-{random.randint(10**9, 10**10)}"

    async def says(self, who: Member, text: str) -> str:
        turn = await self.coach.handle_group(GroupMessage(group=self.key, title=self.title, user=who.key,
                                                          name=who.name, text=text,
                                                          private_link="https://example.test/dm"), self.clock())
        return "\n".join(m.text for m in turn.messages)


class Member:
    """A person, in private with the coach."""

    def __init__(self, coach: Coach, clock: Clock, name: str) -> None:
        self.coach, self.clock, self.name = coach, clock, name
        self.key = f"console:{name.lower()}-{uuid.uuid4().hex[:8]}"
        self.reply = ""

    async def says(self, text: str) -> str:
        turn = await self.coach.handle(self.key, text, self.clock())
        self.reply = "\n".join(m.text for m in turn.messages)
        return self.reply

    async def schedule(self) -> tuple[str, str]:
        async with self.coach.store.session() as s:
            u = await teams.membership.users.load(s, self.key)
            assert u is not None
            return u.checkin_time, u.days


async def onboard(m: Member, time: str | None = "07:30", days: str = "every day") -> None:
    """Onboarding in private; ``time=None``: a team member whose team's schedule stands (the
    questions for time and days are not asked)."""
    for answer in ("/start", "returning", "20", "UTC"):
        await m.says(answer)
    if time is not None:
        await m.says(time)
        await m.says(days)
    assert "All set" in m.reply


# --- pure parts ------------------------------------------------------------------------------------


def test_team_setup_is_read_in_the_words_of_the_private_settings() -> None:
    p = membership.parse_setup
    assert p("") == membership.TeamSetup()
    assert p("07:15 weekdays digest sunday") == membership.TeamSetup("07:15", ("mon", "tue", "wed", "thu", "fri"), "sun")
    assert p("7 am mon, wed, fri") == membership.TeamSetup("07:00", ("mon", "wed", "fri"))
    assert p("digest fri every day 6:30pm") is None  # the time comes first
    assert p("every day digest fri") == membership.TeamSetup(None, streaks.DAYS, "fri")
    assert p("07:00 tz London") == membership.TeamSetup("07:00", timezone="Europe/London")
    assert p("07:00 someday") is None
    assert p("digest weekdays") is None  # one digest day


def test_streaks_pause_rather_than_break() -> None:
    sun = MONDAY + timedelta(days=6)
    week = [MONDAY + timedelta(days=i) for i in range(7)]
    every = set(week)
    assert streaks.streak(sun, every, start=MONDAY) == 7
    # A missed scheduled day breaks it; the count starts from the latest check-in.
    assert streaks.streak(sun, every - {week[2]}, start=MONDAY) == 4
    assert streaks.streak(sun, every - {week[6]}, start=MONDAY) == 6
    # Paused on Wednesday and Thursday: neither broken nor extended, even with a check-in.
    paused = streaks.in_pauses([(week[2], week[4])])
    assert streaks.streak(sun, every - {week[2], week[3]}, start=MONDAY, paused=paused) == 5
    assert streaks.streak(sun, every, start=MONDAY, paused=paused) == 5
    # Days off (weekdays only): the weekend neither breaks nor extends; a check-in on a day off counts.
    weekdays = ("mon", "tue", "wed", "thu", "fri")
    assert streaks.streak(sun, set(week[:5]), start=MONDAY, scheduled=weekdays) == 5
    assert streaks.streak(sun, set(week[:6]), start=MONDAY, scheduled=weekdays) == 6
    # A flare day (checked in or not) and the missed days after it within the carry: eased.
    recos = {week[3]: {"action": "cross_train", "rule": "cross_train"}, week[0]: {"action": "run", "rule": "hold"}}
    checked = every - {week[4]}
    eased = streaks.eased_days(recos, set(), checked, MONDAY, sun)
    assert eased == {week[3], week[4]}
    assert streaks.streak(sun, checked, start=MONDAY, eased_on=eased) == 5
    assert streaks.streak(sun, checked, start=MONDAY) == 2  # without the rule: broken


def test_what_eases_a_day() -> None:
    assert streaks.eased({"action": "seek_care", "rule": "red_flag", "urgency": "emergency"})
    assert streaks.eased({"action": "walk", "rule": "refer_reminder", "refer": True})
    assert streaks.eased({"action": "rest", "rule": "x"})
    assert streaks.eased({"action": "cross_train", "rule": "regress"})
    assert streaks.eased(None, red_flags=True)
    assert not streaks.eased({"action": "cross_train", "rule": "week_shape"})
    assert not streaks.eased({"action": "run", "rule": "progress"})
    assert not streaks.eased(None)


# --- a team through a week, on both engines ------------------------------------------------------


async def test_a_team_from_setup_through_a_week(store: Store, coach: Coach, settings: Settings, clock: Clock) -> None:
    clock.set(at(MONDAY - timedelta(days=2), 18))
    park = Group(coach, clock)
    ann, bob, cy, dee = (Member(coach, clock, n) for n in ("Ann", "Bob", "Cy", "Dee"))

    # Ann already uses the bot, on her own schedule (weekdays only).
    await onboard(ann, "06:30", "weekdays")
    said = await park.says(ann, "/team setup 07:15 every day digest monday")
    assert "Ann made this group a team: check-ins at 07:15 (UTC), every day" in said
    assert "weekly digest on Monday" in said
    assert await ann.schedule() == ("06:30", "mon,tue,wed,thu,fri")  # hers, never overwritten

    # Bob has never written to the bot: he joins, and starts with the team's schedule.
    said = await park.says(bob, "/join")
    assert "Bob joined" in said and "Team check-ins at 07:15 (UTC), every day" in said
    assert "https://example.test/dm" in said
    await onboard(bob, time=None)
    assert "I'll check in at 07:15 (UTC), every day" in bob.reply and M.TEAM_SCHEDULE_KEPT in bob.reply
    # Cy was half way through onboarding: the team's schedule, then the rest of the questions.
    await cy.says("/start")
    assert "joined" in await park.says(cy, "/join")
    for answer in ("returning", "20", "UTC"):
        await cy.says(answer)
    assert "07:15" in cy.reply and await cy.schedule() == ("07:15", "mon,tue,wed,thu,fri,sat,sun")
    # Dee presses the post's Join button (the adapter passes the choice as she would type it).
    assert "Dee joined" in await park.says(dee, "Join")
    await onboard(dee, time=None)
    assert "already" in await park.says(dee, "/join")

    # Only Ann (who set it up) may change the settings.
    assert await park.says(bob, "/team setup 06:00") == M.TEAM_NOT_OWNER.format(name="Bob")
    assert "07:15 (UTC), every day" in await park.says(bob, "/team")
    assert "shows" not in await park.says(ann, "/sharepain")

    poster = FakePoster()

    async def tick(when: datetime) -> None:
        clock.set(when)
        await run_pass(store, [poster], settings, when)

    # The week: everyone checks in in private; the channel sees one post a day, edited.
    plan = {  # what each says each day (None: nothing)
        ann: ["back 2/10, ran 20 min easy", "back 2/10, walked 30 min", "back 2/10, ran 20 min easy",
              "back 2/10, strength 15 min", "back 2/10, ran 22 min easy", None, None],
        bob: ["back 3/10, cycled 30 min", "back 3/10, ran 15 min", None, "back 3/10, ran 15 min",
              "back 3/10, walked 40 min", "back 3/10, swim 30 min", "back 3/10, ran 15 min"],
        cy: ["back 2/10, ran 20 min easy", "back 2/10, walked 20 min", "back 2/10, ran 20 min easy",
             "back 7/10, rested", None, "back 3/10, walked 20 min", "back 2/10, cycled 30 min"],
        dee: ["back 1/10, walked 30 min", "back 1/10, walked 30 min", "/pause 2", None,
              "back 1/10, walked 30 min", "back 1/10, walked 30 min", "back 1/10, walked 30 min"],
    }
    for i in range(7):
        day = MONDAY + timedelta(days=i)
        await tick(at(day, 7, 0))  # before the team's time: nothing
        assert len(poster.daily_posts(park.key)) == i
        await tick(at(day, 7, 15))
        posts = poster.daily_posts(park.key)
        assert len(posts) == i + 1
        today = posts[-1]
        assert today.text.startswith("Morning, Park runners: 0 of 4 checked in today")
        answered = 0
        for who in (ann, bob, cy, dee):
            text = plan[who][i]
            clock.set(at(day, 7, 30))
            if text is None:
                continue
            await who.says(text)
            if "screen" in who.reply.lower() or "safety check" in who.reply.lower():
                await who.says("no")
            if not text.startswith("/"):
                answered += 1
            await tick(at(day, 7, 40))
            await tick(at(day, 7, 41))  # nothing changed: no edit
            assert today.text.startswith(f"Morning, Park runners: {answered} of 4 checked in today")
        assert len(today.edits) == answered  # one edit per answer, none without a change
    assert len(poster.daily_posts(park.key)) == 7

    # Monday 09:05: the digest for the week, once.
    await tick(at(MONDAY + timedelta(days=7), 9, 5))
    await tick(at(MONDAY + timedelta(days=7), 9, 6))
    digests = [p for p in poster.posts if p.key == park.key and "week of" in p.text]
    assert len(digests) == 1
    text = digests[0].text
    assert "Park runners: week of Mon 30 Nov - Sun 06 Dec" in text
    assert "4 of 4 members checked in" in text
    assert "By kind: runs" in text and "cross-training" in text and "strength 1 (15 min)" in text
    line = {n: next(x for x in text.splitlines() if x.startswith(f"- {n}:")) for n in ("Ann", "Bob", "Cy", "Dee")}
    assert "5-day streak" in line["Ann"]  # the weekend was not hers to check in
    assert "4-day streak" in line["Bob"]  # he missed Wednesday, a day he was asked
    assert "5-day streak" in line["Cy"]  # Thursday's flare and Friday paused her streak
    assert "5-day streak" in line["Dee"]  # her pause paused it
    # Pain: only Ann's, who opted in, and four answered.
    assert "morning pain 2.0/10" in line["Ann"]
    assert all("pain" not in line[n] for n in ("Bob", "Cy", "Dee"))
    assert "Morning pain of the 1 who share it: 2.0/10" in text
    # No daily post ever showed a pain score.
    for t in poster.channel_texts(park.key):
        if t not in (text,):
            assert "/10" not in t and "pain" not in t.lower(), t


async def test_no_pain_in_a_digest_with_fewer_than_three_answering(store: Store, coach: Coach, clock: Clock) -> None:
    clock.set(at(MONDAY, 6))
    park = Group(coach, clock)
    ann, bob, cy = (Member(coach, clock, n) for n in ("Ann", "Bob", "Cy"))
    await onboard(ann)
    await park.says(ann, "/team setup")
    for m in (bob, cy):
        await onboard(m)
        await park.says(m, "/join")
    for m in (ann, bob, cy):
        await park.says(m, "/sharepain")
    for i in range(3):
        clock.set(at(MONDAY + timedelta(days=i), 8))
        await ann.says("back 4/10, ran 20 min easy")
        await bob.says("back 2/10, walked 20 min")
    poster = FakePoster()
    rep = await digest.send_due_digests(store, [], at(MONDAY + timedelta(days=7), 9, 5), posters=[poster])
    assert park.key in rep.sent
    text = next(p.text for p in poster.posts if p.key == park.key)
    assert "2 of 3 members checked in" in text
    assert "/10" not in text and "pain 3" not in text and "Morning pain" not in text


async def test_racing_replicas_make_one_daily_post_and_one_edit(store: Store, coach: Coach, clock: Clock) -> None:
    clock.set(at(MONDAY, 6))
    park = Group(coach, clock)
    ann, bob = Member(coach, clock, "Ann"), Member(coach, clock, "Bob")
    await onboard(ann)
    await park.says(ann, "/team setup 07:00")
    await park.says(bob, "/join")
    poster = FakePoster()
    replicas = [Store(store.url) for _ in range(4)]
    try:
        now = at(MONDAY + timedelta(days=1), 7, 1)
        await asyncio.gather(*(teams.run_daily_posts(r, [poster], now) for r in replicas))
        assert len(poster.daily_posts(park.key)) == 1
        assert "0 of 2" in poster.daily_posts(park.key)[0].text
        clock.set(now)
        await ann.says("back 2/10, ran 20 min easy")
        reps = await asyncio.gather(*(teams.run_daily_posts(r, [poster], now + timedelta(minutes=1))
                                      for r in replicas))
        assert sum(park.key in r.edited for r in reps) == 1
        post = poster.daily_posts(park.key)[0]
        assert post.edits == [daily.daily_message("Park runners", 1, 2).text]
        assert post.edits[0].startswith("Morning, Park runners: 1 of 2 checked in today.")
        # A new member changes the figure too.
        await park.says(Member(coach, clock, "Cy"), "/join")
        await asyncio.gather(*(teams.run_daily_posts(r, [poster], now + timedelta(minutes=2)) for r in replicas))
        assert post.text.startswith("Morning, Park runners: 1 of 3 checked in today") and len(post.edits) == 2
    finally:
        for r in replicas:
            await r.close()


async def test_a_failed_post_is_retried_and_a_refused_one_stops(store: Store, coach: Coach, clock: Clock) -> None:
    clock.set(at(MONDAY, 6))
    park = Group(coach, clock)
    ann = Member(coach, clock, "Ann")
    await onboard(ann)
    await park.says(ann, "/team setup 07:00 weekdays")
    poster = FakePoster()
    tue = MONDAY + timedelta(days=1)
    poster.failures[park.key] = [TemporaryFailure("down")]
    assert park.key in (await teams.run_daily_posts(store, [poster], at(tue, 7, 1))).failed
    assert park.key in (await teams.run_daily_posts(store, [poster], at(tue, 7, 2))).posted
    assert park.key not in (await teams.run_daily_posts(store, [poster], at(tue, 7, 3))).posted
    # An edit that fails is made again on a later pass.
    clock.set(at(tue, 7, 5))
    await ann.says("back 2/10, ran 20 min easy")
    poster.failures[park.key] = [TemporaryFailure("down")]
    assert park.key in (await teams.run_daily_posts(store, [poster], at(tue, 7, 6))).failed
    assert park.key in (await teams.run_daily_posts(store, [poster], at(tue, 7, 7))).edited
    assert poster.daily_posts(park.key)[0].text.startswith("Morning, Park runners: 1 of 1")
    # No post on the weekend, nor after 21:00 on a team day.
    sat = MONDAY + timedelta(days=5)
    assert park.key not in (await teams.run_daily_posts(store, [poster], at(sat, 8))).posted
    assert park.key not in (await teams.run_daily_posts(store, [poster], at(tue + timedelta(days=1), 21, 30))).posted
    # The chat refuses: the team is deactivated, nothing more is posted.
    thu = MONDAY + timedelta(days=3)
    poster.failures[park.key] = [PermanentFailure("kicked")]
    assert park.key in (await teams.run_daily_posts(store, [poster], at(thu, 7, 1))).blocked
    assert park.key not in (await teams.run_daily_posts(store, [poster], at(thu + timedelta(days=1), 7, 1))).posted
    async with store.session() as s:
        g = await teams.get_group(s, park.key)
        assert g is not None and not g.active


async def test_admins_may_change_a_team_and_others_may_not(store: Store, settings: Settings, clock: Clock) -> None:
    boss_key = f"console:boss-{uuid.uuid4().hex[:6]}"
    coach = Coach(store, settings.model_copy(update={"admins": boss_key}))
    park = Group(coach, clock)
    ann, bob = Member(coach, clock, "Ann"), Member(coach, clock, "Bob")
    boss = Member(coach, clock, "Boss")
    boss.key = boss_key
    assert M.TEAM_NOT_SET_UP == await park.says(bob, "/team")
    assert "I didn't get that" in await park.says(ann, "/team setup whenever")
    assert "made this group a team" in await park.says(ann, "/team setup 07:00 weekdays")
    assert "Sorry Bob" in await park.says(bob, "/team setup 06:00")
    assert "Team settings saved: check-ins at 06:45 (UTC), Monday to Friday; weekly digest on Friday" in \
        await park.says(boss, "/team setup 06:45 digest fri")
    assert "check-ins at 07:30 (Europe/London), on Monday, Wednesday and Friday;" in await park.says(ann, "/team setup 07:30 mon wed fri tz London")
    async with store.session() as s:
        g = await teams.get_group(s, park.key)
        assert g is not None and g.owner_key == ann.key and g.digest_day == "fri"


async def test_pauses_are_kept_exported_and_erased(store: Store, coach: Coach, clock: Clock) -> None:
    from bot.store import pauses, repo

    clock.set(at(MONDAY, 8))
    eve = Member(coach, clock, "Eve")
    await onboard(eve)
    park = Group(coach, clock)
    await park.says(eve, "/team setup")
    await eve.says("/pause 5")  # Monday to Friday
    clock.set(at(MONDAY + timedelta(days=2), 8))
    await eve.says("/resume")  # back on Wednesday
    clock.set(at(MONDAY + timedelta(days=3), 8))
    await eve.says("/pause 2")
    async with store.session() as s:
        u = await repo.get_user(s, eve.key)
        assert u is not None and u.id is not None
        assert await pauses.all_pauses(s, u.id) == [(MONDAY, MONDAY + timedelta(days=2)),
                                                    (MONDAY + timedelta(days=3), MONDAY + timedelta(days=5))]
        data = await repo.export_user(s, u, {})
        assert data["pauses"] == [{"start": "2026-11-30", "until": "2026-12-02"},
                                  {"start": "2026-12-03", "until": "2026-12-05"}]
        assert data["groups"][0]["team_owner"] is True
    await eve.says("delete")
    await eve.says("yes, delete everything")
    async with store.session() as s:
        assert set((await repo.count_user_rows(s, u.id, eve.key)).values()) == {0}
        g = await teams.get_group(s, park.key)
        assert g is not None and g.is_team and g.owner_key is None


async def test_the_printer_posts_and_edits_as_json_lines(clock: Clock) -> None:
    import io
    import json

    from adapters.printer import PrintSender

    out = io.StringIO()
    printer = PrintSender(clock, out)
    assert isinstance(printer, GroupPoster)
    ref = await printer.post("console:runners", daily.daily_message("Runners", 0, 2))
    await printer.edit("console:runners", ref, daily.daily_message("Runners", 1, 2))
    lines = [json.loads(x) for x in out.getvalue().splitlines()]
    assert [(x["dir"], x["ref"]) for x in lines] == [("post", ref), ("edit", ref)]
    assert lines[1]["text"].startswith("Morning, Runners: 1 of 2") and lines[1]["choices"] == ["Join"]


def test_every_command_has_an_answer_in_a_private_chat() -> None:
    # /team in a private chat once raised KeyError: the group commands get the pointer to the group.
    from bot import commands
    from bot.conversation.commands import HANDLERS

    assert set(HANDLERS) | set(commands.ADMIN) == set(commands.ALL_NAMES)
