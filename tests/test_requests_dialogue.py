"""Requests in plain words in the conversation (issue 12): each change is stored and confirmed in
one line, "undo" puts it back, a check-in and a request in one message get both, questions about
the exercises get their how-to, small talk gets a short answer and the open question again."""

from __future__ import annotations

from datetime import date

from bot import messages as M
from bot.exercises import EXERCISES, STRENGTH


async def test_remind_me_at_another_time_is_stored_confirmed_and_undone(people) -> None:  # type: ignore[no-untyped-def]
    al = people("al")
    await al.onboard(tz="Europe/London", time="07:30", days="weekdays")
    await al.says("remind me at 6:30 instead")
    assert (await al.user()).checkin_time == "06:30"
    assert al.reply == M.DONE_SCHEDULE.format(time="06:30", timezone="Europe/London", days="Monday to Friday")
    assert al.reply.startswith("Done: I'll check in at 06:30 (Europe/London), Monday to Friday.")
    await al.says("undo")
    assert (await al.user()).checkin_time == "07:30"
    assert al.reply.startswith("Undone") and "07:30" in al.reply
    await al.says("undo")
    assert al.reply == M.NOTHING_TO_UNDO


async def test_days_reminders_time_zone_and_pause_in_plain_words(people, clock) -> None:  # type: ignore[no-untyped-def]
    bo = people("bo")
    await bo.onboard(tz="Europe/London")
    await bo.says("not on Sundays")
    assert (await bo.user()).days == "mon,tue,wed,thu,fri,sat"
    assert "Monday, Tuesday, Wednesday, Thursday, Friday and Saturday" in bo.reply
    await bo.says("just mon wed fri")
    assert (await bo.user()).days == "mon,wed,fri"
    await bo.says("can you stop the reminders")
    assert (await bo.user()).reminders is False and bo.reply == M.DONE_REMINDERS[False]
    await bo.says("I'm in Sydney this month")
    assert (await bo.user()).timezone == "Australia/Sydney" and "(Australia/Sydney)" in bo.reply
    await bo.says("undo")
    assert (await bo.user()).timezone == "Europe/London"
    await bo.says("off for two weeks")
    u = await bo.user()
    assert u.paused_until is not None and (u.paused_until - clock.now.date()).days == 14
    assert bo.reply.startswith("Done: check-ins paused; the next one comes on")
    await bo.says("I'm back")
    assert (await bo.user()).paused_until is None


async def test_earlier_please_asks_what_time_and_the_answer_is_undoable(people) -> None:  # type: ignore[no-untyped-def]
    cy = people("cy")
    await cy.onboard(time="07:30")
    await cy.says("earlier please")
    assert "What time" in cy.reply and cy.choices == M.CHECKIN_TIME_CHOICES
    await cy.says("6:45")
    assert (await cy.user()).checkin_time == "06:45"
    await cy.says("undo")
    assert (await cy.user()).checkin_time == "07:30"


async def test_a_check_in_and_a_request_in_one_message_get_both_in_one_answer(people) -> None:  # type: ignore[no-untyped-def]
    di = people("di")
    await di.onboard(time="07:30")
    await di.says("pain 3, ran 20. can we move to 8am?")
    [ci] = await di.checkins()
    assert ci["pain"] == 3 and ci["activities"][0]["kind"] == "run"
    assert (await di.user()).checkin_time == "08:00"
    assert di.recommendation is not None
    first = di.turn.messages[0].text
    assert first.startswith("Done: I'll check in at 08:00") and "Got it: back 3/10" in first


async def test_corrections_of_the_last_check_in(people) -> None:  # type: ignore[no-untyped-def]
    ed = people("ed")
    await ed.onboard()
    await ed.says("pain 7, walked 30 min")
    await ed.says("I meant 4 not 7")
    [ci] = await ed.checkins()
    assert ci["pain"] == 4 and ci["activities"][0]["minutes"] == 30
    assert ed.reply.startswith("Corrected: your back was 4/10")
    await ed.says("sorry, it was 40 not 30")
    [ci] = await ed.checkins()
    assert [a["minutes"] for a in ci["activities"]] == [40]
    await ed.says("forgot to say I also swam 20 min")
    [ci] = await ed.checkins()
    assert sorted(a["kind"] for a in ci["activities"]) == ["swim", "walk"]


async def test_questions_about_exercises_and_the_strength_choice(people) -> None:  # type: ignore[no-untyped-def]
    fi = people("fi")
    await fi.onboard()
    await fi.says("how do I do a bird dog?")
    assert fi.reply == EXERCISES["bird dog"].text
    await fi.says("what counts as cross-training?")
    assert fi.reply == EXERCISES["cross-training"].text
    await fi.says(M.HOW_TO_STRENGTH)
    assert all(EXERCISES[n].text in fi.reply for n in STRENGTH)


async def test_why_gives_the_reason_its_evidence_and_the_rule_with_its_source(people) -> None:  # type: ignore[no-untyped-def]
    gu = people("gu")
    await gu.onboard(experience="new")
    await gu.says("pain 3, walked 25 min")
    reco = gu.recommendation
    await gu.says("why not a run today?")
    assert reco.reason in gu.reply and "What I went on: your check-in (back 3/10" in gu.reply
    assert "Source:" in gu.reply and "docs/coaching-model.md" in gu.reply
    if reco.action not in ("run", "walk_run"):
        assert gu.reply.startswith("Not a run today")


async def test_small_talk_answers_and_asks_the_open_question_again(people) -> None:  # type: ignore[no-untyped-def]
    ha = people("ha")
    await ha.onboard()
    await ha.says("hi")
    assert ha.reply.startswith("Hi!") and M.SMALLTALK_CHECKIN in ha.reply
    await ha.says("/checkin")
    await ha.says("thanks")
    assert ha.reply == "You're welcome!\n" + M.CHECKIN_QUESTION
    await ha.says("ok")  # answering "how's your back?", "ok" is a check-in
    assert ha.turn.handled_as == "checkin"
    await ha.says("👍")
    assert ha.reply == "Great." and ha.turn.handled_as == "request:smalltalk"


async def test_commands_in_plain_words_and_the_fallback(people) -> None:  # type: ignore[no-untyped-def]
    jo = people("jo")
    await jo.onboard()
    await jo.says("what's the plan today")
    assert jo.recommendation is not None and jo.reply.startswith("Today:")
    await jo.says("how many check-ins have I done")
    assert jo.turn.handled_as == "request:progress"
    await jo.says("what's the weather like in town?")
    assert jo.reply == M.FALLBACK and len(jo.reply.splitlines()) == 2
    await jo.says("please delete all my data")
    assert jo.reply == M.CONFIRM_DELETE and jo.choices == M.DELETE_CHOICES
    await jo.says("no")
    assert (await jo.user()) is not None


async def test_a_plain_check_in_is_never_taken_for_a_request(people) -> None:  # type: ignore[no-untyped-def]
    ki = people("ki")
    await ki.onboard()
    await ki.says("back 4, ran on sunday for 20 min, then 10 min bird dogs and side bridges")
    assert ki.turn.handled_as == "checkin"
    u = await ki.user()
    assert u.days == "mon,tue,wed,thu,fri,sat,sun" and u.paused_until is None


async def test_hold_off_till_a_date(people, clock) -> None:  # type: ignore[no-untyped-def]
    li = people("li")
    await li.onboard()
    await li.says("I am going on holiday until the 12th")
    u = await li.user()
    today = clock.now.date()
    assert u.paused_until is not None and u.paused_until.day == 13 and u.paused_until > today
    assert isinstance(u.paused_until, date)


async def test_every_check_in_of_the_parser_corpus_is_recorded_as_a_check_in(coach, clock) -> None:  # type: ignore[no-untyped-def]
    """No check-in of the held-out set is taken for a request in the conversation either."""
    import uuid

    from bench.parser_accuracy import load
    from bot.parse import parse_checkin

    run = uuid.uuid4().hex[:6]
    taken: list[tuple[str, str]] = []
    for i, item in enumerate(load()):
        if not parse_checkin(item["text"]).understood:
            continue
        key = f"console:corpus-{run}-{i}"
        await coach.ensure_profile(key, clock.now, {"experience": "returning", "comfortable_run_minutes": 20})
        turn = await coach.handle(key, item["text"], clock.now)
        if turn.checkin is None:
            taken.append((item["text"], turn.handled_as))
    assert taken == []


async def test_the_strength_suggestion_offers_how_to(people) -> None:  # type: ignore[no-untyped-def]
    mo = people("mo")
    await mo.onboard()
    seen = False
    for _ in range(6):
        await mo.says("pain 2, walked 20 min")
        reco = mo.recommendation
        if reco is not None and (reco.action == "strength" or "add_strength" in reco.nudges):
            assert M.HOW_TO_STRENGTH in mo.choices
            seen = True
            break
        mo.clock.advance(days=1)
    assert seen


async def test_undo_works_for_the_menu_and_the_commands_too(people) -> None:  # type: ignore[no-untyped-def]
    ni = people("ni")
    await ni.onboard(tz="UTC")
    await ni.says("settings timezone Europe/Paris")
    assert (await ni.user()).timezone == "Europe/Paris"
    await ni.says("undo")
    assert (await ni.user()).timezone == "UTC"
    await ni.says("/pause 7")
    assert (await ni.user()).paused_until is not None
    await ni.says("undo")
    assert (await ni.user()).paused_until is None
    await ni.says("stop")
    assert (await ni.user()).status == "stopped"
    await ni.says("undo")
    assert (await ni.user()).status == "active"
    await ni.says("make it 6:00")
    await ni.says("7:30")  # the previous value, said again, puts it back too
    assert (await ni.user()).checkin_time == "07:30"


async def test_an_open_safety_question_follows_the_answer_to_a_request(people) -> None:  # type: ignore[no-untyped-def]
    pa = people("pa")
    await pa.onboard()
    await pa.says("pain 8, walked 10 min")
    assert M.SCREEN_QUESTION in pa.reply
    await pa.says("how do I do a bird dog?")
    assert pa.turn.messages[0].text == EXERCISES["bird dog"].text
    assert pa.turn.messages[-1].text == M.SCREEN_QUESTION and pa.choices == M.YES_NO
    await pa.says("no")
    assert pa.reply == M.SCREEN_CLEAR


async def test_a_pause_asked_in_plain_words_is_kept_in_the_pause_history_and_undone_with_it(people, clock) -> None:  # type: ignore[no-untyped-def]
    # The history is what a team streak reads: a pause however asked must not break a streak.
    from bot.store import pauses

    pia = people("pia")
    await pia.onboard(tz="Europe/London")
    today = clock.now.date()

    async def history() -> list[tuple[date, date]]:
        u = await pia.user()
        async with pia.coach.store.session() as s:
            return await pauses.all_pauses(s, u.id)

    await pia.says("off for two weeks")
    assert [(a - today).days for a, _ in await history()] == [0]
    assert [(b - today).days for _, b in await history()] == [14]
    await pia.says("undo")
    assert (await pia.user()).paused_until is None
    assert [b for _, b in await history()] == [] or all(b <= today for _, b in await history())
    await pia.says("on holiday for a week")
    assert (await pia.user()).paused_until is not None
    await pia.says("I'm back")
    assert (await pia.user()).paused_until is None
    assert all(b <= today for _, b in await history())
