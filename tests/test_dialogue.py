"""The coach in conversation, on SQLite and PostgreSQL: onboarding, check-ins, bad input, commands."""

from __future__ import annotations

import json

import pytest

from bot import messages as M
from bot import teams as groups
from bot.conversation import Coach
from bot.store import repo, users
from tests.conftest import Clock

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_onboarding_by_typing_sets_everything_up(people) -> None:  # type: ignore[no-untyped-def]
    ann = people("ann")
    await ann.says("/start")
    assert "not medical advice" in ann.reply
    assert ann.choices == M.EXPERIENCE_CHOICES
    await ann.says("returning after a break")
    assert "How many minutes" in ann.reply
    await ann.says("about 25 min")
    assert "time zone" in ann.reply
    await ann.says("london")
    assert "What time" in ann.reply
    await ann.says("7:30am")
    assert "Which days" in ann.reply
    await ann.says("mon, wed, fri")
    assert "All set" in ann.reply and "07:30" in ann.reply and "Europe/London" in ann.reply
    assert ann.recommendation is not None  # a first session straight away
    u = await ann.user()
    assert (u.experience, u.comfortable_run_minutes, u.timezone, u.checkin_time, u.days, u.onboarded) == (
        "returning", 25, "Europe/London", "07:30", "mon,wed,fri", True)


async def test_onboarding_by_choices_for_a_new_runner_skips_the_minutes_question(people) -> None:  # type: ignore[no-untyped-def]
    bo = people("bo")
    await bo.says("/start")
    await bo.says(M.EXPERIENCE_CHOICES[0])
    assert "time zone" in bo.reply  # no "how many minutes" for a new runner
    await bo.says("Asia/Tokyo")
    await bo.says(M.CHECKIN_TIME_CHOICES[0])
    await bo.says(M.DAYS_CHOICES[1])
    u = await bo.user()
    assert (u.experience, u.timezone, u.checkin_time, u.days) == ("new", "Asia/Tokyo", "06:30", "mon,tue,wed,thu,fri")
    assert bo.recommendation.action == "walk"


async def test_wrong_onboarding_answers_get_a_clear_question_back(people) -> None:  # type: ignore[no-untyped-def]
    cy = people("cy")
    await cy.says("/start")
    await cy.says("new")
    await cy.says("Narnia")
    assert "don't know that time zone" in cy.reply and cy.choices  # asked again, with choices
    await cy.says("25:00")  # not a zone either
    assert (await cy.user()).conv_state == "timezone"
    await cy.says("Europe/Berlin")
    await cy.says("25:00")
    assert "time of day" in cy.reply
    await cy.says("6am")
    assert (await cy.user()).checkin_time == "06:00"


async def test_a_check_in_during_onboarding_is_recorded_and_onboarding_goes_on(people) -> None:  # type: ignore[no-untyped-def]
    di = people("di")
    await di.says("back's a 4, ran 20 min easy")  # the very first message is a check-in
    assert di.recommendation is not None
    assert M.ASK_EXPERIENCE in di.reply
    await di.says("regular")
    await di.says("pain 3, walked 30 mins")  # mid-onboarding, on the minutes question
    assert di.recommendation is not None and "How many minutes" in di.reply
    checkins = await di.checkins()
    assert len(checkins) == 1  # same day: merged into one check-in
    assert checkins[0]["pain"] == 3
    assert [a["kind"] for a in checkins[0]["activities"]] == ["run", "walk"]
    await di.says("30")
    assert (await di.user()).comfortable_run_minutes == 30


async def test_daily_check_in_records_and_answers_with_one_session(people, clock) -> None:  # type: ignore[no-untyped-def]
    al = people("al")
    await al.onboard("returning", "20")
    clock.advance(days=1)
    await al.says("pain 3, ran 20 min easy, fine during")
    reco = al.recommendation
    assert reco is not None and reco.action in ("run", "walk_run", "cross_train", "walk", "strength")
    assert reco.reason and len(reco.nudges) <= 1
    [ci] = await al.checkins()
    assert ci["pain"] == 3 and ci["activities"][0]["kind"] == "run" and ci["activities"][0]["minutes"] == 20
    assert ci["text"] == "pain 3, ran 20 min easy, fine during"
    assert al.turn.checkin is not None and al.turn.checkin["date"] == clock.now.date().isoformat()


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "🙂🙂🙂", "asdf qwerty zxcv", "..."])
async def test_unreadable_replies_get_a_question_and_are_kept(people, clock, text) -> None:  # type: ignore[no-untyped-def]
    ed = people("ed")
    await ed.onboard()
    await ed.says(text)
    assert ed.reply in (M.ASK_AGAIN, M.EMPTY)
    assert ed.recommendation is None
    async with ed.coach.store.session() as s:
        u = await repo.get_user(s, ed.key)
        data = await repo.export_user(s, u, {})
    assert data["messages_received"][-1]["text"] == text


async def test_a_50000_character_message_is_truncated_with_a_word_and_kept_whole(people) -> None:  # type: ignore[no-untyped-def]
    fi = people("fi")
    await fi.onboard()
    long = "pain 3, ran 20 min easy. " + "blah " * 10_000
    assert len(long) > 50_000 - 100
    await fi.says(long)
    assert "I read the first 4000 characters" in fi.reply
    assert fi.recommendation is not None
    [ci] = await fi.checkins()
    assert ci["pain"] == 3 and len(ci["text"]) <= 4000
    async with fi.coach.store.session() as s:
        data = await repo.export_user(s, await repo.get_user(s, fi.key), {})
    assert any(len(m["text"]) >= 50_000 - 100 for m in data["messages_received"])


async def test_contradictory_pain_takes_the_later_and_confirms(people) -> None:  # type: ignore[no-untyped-def]
    gu = people("gu")
    await gu.onboard()
    await gu.says("pain 2/10... actually 8/10")
    assert "recorded 8/10" in gu.reply
    assert (await gu.checkins())[0]["pain"] == 8
    await gu.says("5")
    assert "Updated" in gu.reply and gu.recommendation is not None
    assert (await gu.checkins())[0]["pain"] == 5


async def test_a_check_in_without_pain_asks_for_it(people) -> None:  # type: ignore[no-untyped-def]
    ha = people("ha")
    await ha.onboard()
    await ha.says("ran 25 min easy")
    assert M.ASK_PAIN in ha.reply
    await ha.says("2")
    [ci] = await ha.checkins()
    assert ci["pain"] == 2 and ci["activities"][0]["kind"] == "run"


async def test_red_flag_means_seek_care_whatever_else_the_message_says(people) -> None:  # type: ignore[no-untyped-def]
    io = people("io")
    await io.onboard("regular", "40")
    await io.says("pain 2, great 10k tempo, but peeing is hard since yesterday")
    assert io.recommendation.action == "seek_care"
    assert io.recommendation.urgency == "emergency"
    assert "emergency" in io.reply.lower() or "A&E" in io.reply
    assert "bladder_bowel" in (await io.checkins())[0]["red_flags"]


async def test_high_pain_brings_the_safety_question_and_yes_means_seek_care(people) -> None:  # type: ignore[no-untyped-def]
    jo = people("jo")
    await jo.onboard()
    await jo.says("pain 8, shooting pain down my left leg, rested")
    assert M.SCREEN_QUESTION in jo.reply
    await jo.says("yes")
    assert jo.recommendation is not None and jo.recommendation.action == "seek_care"


async def test_safety_question_no_keeps_the_plan(people) -> None:  # type: ignore[no-untyped-def]
    ka = people("ka")
    await ka.onboard()
    await ka.says("pain 8, rested")
    assert M.SCREEN_QUESTION in ka.reply
    await ka.says("no")
    assert ka.reply == M.SCREEN_CLEAR
    assert (await ka.user()).conv_state is None


async def test_commands_help_today_progress(people, clock) -> None:  # type: ignore[no-untyped-def]
    li = people("li")
    await li.onboard("returning", "20")
    await li.says("help")
    assert "Commands" in li.reply
    await li.says("/progress")
    assert li.reply == M.NO_HISTORY
    await li.says("pain 2, ran 20 min easy")
    await li.says("/today")
    assert li.recommendation is not None
    clock.advance(days=1)
    await li.says("pain 2, swam 30 min")
    await li.says("progress")
    assert "Your last 4 weeks" in li.reply and "running 20 min" in li.reply and "cross-training 30 min" in li.reply


async def test_settings_can_be_changed_later(people) -> None:  # type: ignore[no-untyped-def]
    mo = people("mo")
    await mo.onboard()
    await mo.says("settings")
    assert "Your settings" in mo.reply and mo.choices == M.SETTINGS_CHOICES
    await mo.says("check-in time")
    await mo.says("06:45")
    assert "Saved" in mo.reply
    await mo.says("settings timezone America/New_York")
    await mo.says("/settings days weekends")
    await mo.says("settings")
    await mo.says("reminders off")  # the typed form of the menu's button
    await mo.says("settings experience regular")
    u = await mo.user()
    assert (u.checkin_time, u.timezone, u.days, u.reminders, u.experience) == (
        "06:45", "America/New_York", "sat,sun", False, "regular")


async def test_pause_resume_stop_start(people, clock) -> None:  # type: ignore[no-untyped-def]
    ned = people("ned")
    await ned.onboard()
    await ned.says("pause 7")
    u = await ned.user()
    assert u.paused_until == (clock.now.date().fromordinal(clock.now.date().toordinal() + 7))
    await ned.says("/pause forever")
    assert ned.reply == M.PAUSE_BAD
    await ned.says("resume")
    assert (await ned.user()).paused_until is None
    await ned.says("stop")
    assert (await ned.user()).status == "stopped"
    await ned.says("/start")
    assert (await ned.user()).status == "active" and "Welcome back" in ned.reply


async def test_export_is_complete_and_delete_erases_everything(people, clock) -> None:  # type: ignore[no-untyped-def]
    ola = people("ola")
    await ola.onboard("returning", "20")
    await ola.says("pain 3, ran 20 min easy")
    clock.advance(days=1)
    await ola.says("gibberish xyz")
    await ola.says("export")
    name, blob = ola.turn.messages[0].document
    data = json.loads(blob)
    assert name.endswith(".json")
    assert data["user"]["key"] == ola.key and data["user"]["experience"] == "returning"
    assert data["checkins"][0]["pain"] == 3 and data["checkins"][0]["activities"][0]["minutes"] == 20
    assert data["recommendations"] and "action" in data["recommendations"][0]
    assert set(data["tolerance"]) >= {"run_minutes", "stage", "baseline_pain"}
    assert any(m["text"] == "gibberish xyz" for m in data["messages_received"])

    await ola.says("delete")
    assert ola.choices == M.DELETE_CHOICES
    await ola.says("no")
    assert (await ola.user()) is not None
    async with ola.coach.store.session() as s:
        await groups.join_group(s, "telegram:-100", ola.key, "Ola", clock.now, title="Park runners")
    await ola.says("export")
    assert json.loads(ola.turn.messages[0].document[1])["groups"][0]["group"] == "telegram:-100"
    await ola.says("/delete")
    uid = (await ola.user()).id
    await ola.says("yes, delete everything")
    assert ola.reply == M.DELETED
    async with ola.coach.store.session() as s:
        assert set((await repo.count_user_rows(s, uid, ola.key)).values()) == {0}
        assert await users.load(s, ola.key) is None
    await ola.says("hello again")  # a new start
    assert "not medical advice" in ola.reply


async def test_conversation_state_lives_in_the_database_not_the_process(store, settings, people) -> None:  # type: ignore[no-untyped-def]
    pat = people("pat")
    await pat.says("/start")
    await pat.says("returning")
    # A second replica (a new Coach on the same database) takes the next message.
    pat.coach = Coach(store, settings)
    await pat.says("15")
    assert "time zone" in pat.reply
    assert (await pat.user()).comfortable_run_minutes == 15


async def test_second_message_the_same_day_adds_to_the_check_in(people) -> None:  # type: ignore[no-untyped-def]
    quin = people("quin")
    await quin.onboard()
    await quin.says("pain 3, walked 30 min")
    await quin.says("also did 15 min of core")
    [ci] = await quin.checkins()
    assert [a["kind"] for a in ci["activities"]] == ["walk", "strength"] and ci["pain"] == 3
    await quin.says("sorry, walked 40 min not 30")
    [ci] = await quin.checkins()
    assert sorted((a["kind"], a["minutes"]) for a in ci["activities"]) == [("strength", 15), ("walk", 40)]


async def test_reply_after_midnight_counts_for_the_open_check_in(people, coach, clock) -> None:  # type: ignore[no-untyped-def]
    rae = people("rae")
    await rae.onboard()
    await coach.checkin_prompt(rae.key, clock.now)
    asked = clock.now.date()
    clock.advance(hours=17)  # 00:30 the next day, before the next check-in is asked
    await rae.says("pain 2, rested")
    [ci] = await rae.checkins()
    assert ci["date"] == asked.isoformat()


async def test_an_early_report_on_a_check_in_day_counts_for_today(people, coach, clock) -> None:  # type: ignore[no-untyped-def]
    sam = people("sam")
    await sam.onboard(days="every day")
    await coach.checkin_prompt(sam.key, clock.now)  # Tuesday's question, never answered
    asked = clock.now.date()
    clock.advance(hours=23, minutes=20)  # Wednesday 06:50, before Wednesday's 07:30 question
    await sam.says("pain 2, rested")
    [ci] = await sam.checkins()
    assert ci["date"] == clock.now.date().isoformat() != asked.isoformat()


async def test_on_a_day_without_check_in_a_reply_counts_for_the_open_one(people, coach, clock) -> None:  # type: ignore[no-untyped-def]
    tia = people("tia")
    await tia.onboard(days="tue, thu")  # the clock starts on Tuesday 1 December 2026
    await coach.checkin_prompt(tia.key, clock.now)
    asked = clock.now.date()
    clock.advance(days=1, hours=3)  # Wednesday 10:30: no check-in on Wednesdays
    await tia.says("pain 3, ran 20 min easy")
    [ci] = await tia.checkins()
    assert ci["date"] == asked.isoformat()


async def test_a_turn_can_carry_the_home_screen_as_the_message_left_it(coach: Coach, people, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    # Read in the message's own transaction, it is the home screen a separate read gives.
    ann = people("ann")
    await ann.onboard()
    turn = await coach.handle(ann.key, "pain 3, walked 20 min", clock(), home="checkin")
    assert turn.home is not None and turn.home == await coach.home(ann.key, clock())
    assert turn.home.sessions == 1 and turn.home.minutes == 20 and turn.home.trend[-1].pain == 3
    assert turn.home.today
    # "checkin": only when the message recorded one; "always": after any message.
    assert (await coach.handle(ann.key, "/help", clock(), home="checkin")).home is None
    turn = await coach.handle(ann.key, "/pause 3", clock(), home="always")
    assert turn.home is not None and turn.home == await coach.home(ann.key, clock())
    assert turn.home.paused_until is not None
    # Not asked for: not read.
    assert (await coach.handle(ann.key, "pain 2", clock())).home is None


async def test_a_later_pain_score_the_same_day_keeps_the_sessions_and_a_new_session_adds_to_them(people) -> None:  # type: ignore[no-untyped-def]
    bo = people("bo")
    await bo.onboard()
    await bo.says("pain 3, ran 20 min easy")
    await bo.says("back 5 now")
    [ci] = await bo.checkins()
    assert ci["pain"] == 5 and [(a["kind"], a["minutes"]) for a in ci["activities"]] == [("run", 20)]
    await bo.says("walked 15 min too")
    [ci] = await bo.checkins()
    assert ci["pain"] == 5 and [(a["kind"], a["minutes"]) for a in ci["activities"]] == [("run", 20), ("walk", 15)]
