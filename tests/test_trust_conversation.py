"""Issue 8 in conversation: the bot says what it understood, same-day messages add up, referrals
carry a way out, possible red flags get one follow-up question, "same as yesterday" is confirmed."""

from __future__ import annotations

import pytest

from bot import messages as M

pytestmark = pytest.mark.asyncio(loop_scope="session")

async def test_every_answer_to_a_check_in_starts_with_what_was_understood(people) -> None:  # type: ignore[no-untyped-def]
    kai = people("kai")
    await kai.onboard(experience="returning", minutes="20")
    await kai.says("back's a 4 this morning, jogged 25 minutes, a bit achy after")
    first = kai.turn.messages[0].text.splitlines()[0]
    assert first.startswith("Got it: back 4/10") and "25 min run" in first
    assert kai.recommendation is not None  # the session follows in the same message
    await kai.says("also swam 20 min")
    assert kai.turn.messages[0].text.startswith("Added to today's check-in: 20 min swim")
    [ci] = await kai.checkins()
    assert sorted(a["kind"] for a in ci["activities"]) == ["run", "swim"]  # added up, not replaced


async def test_a_second_session_of_the_same_kind_adds_up(people) -> None:  # type: ignore[no-untyped-def]
    lu = people("lu")
    await lu.onboard(experience="regular", minutes="30")
    await lu.says("pain 2, 25 min jog")
    await lu.says("and a 20 min run with the club in the evening")
    [ci] = await lu.checkins()
    assert sorted(a["minutes"] for a in ci["activities"] if a["kind"] == "run") == [20, 25]
    assert ci["pain"] == 2


async def test_a_referral_offers_the_been_checked_button_and_the_button_clears_it(people) -> None:  # type: ignore[no-untyped-def]
    mo = people("mo")
    await mo.onboard(experience="returning", minutes="20")
    await mo.says("back 3, pain down my left leg 7/10, walked 15")
    reco = mo.recommendation
    assert reco is not None and (reco.refer or reco.action == "seek_care")
    assert M.BEEN_CHECKED in [c for m in mo.turn.messages for c in m.choices]
    await mo.says("no")  # the safety question that follows leg symptoms
    await mo.says(M.BEEN_CHECKED)
    assert M.CLEARED in mo.reply
    [ci] = await mo.checkins()
    assert ci["pain"] == 3 and ci["leg_pain"] == 7 and ci["activities"]  # the day keeps what it had


async def test_a_low_energy_fall_gets_one_question_and_no_answer_escalates(people, clock) -> None:  # type: ignore[no-untyped-def]
    ned = people("ned")
    await ned.onboard(experience="returning", minutes="20")
    await ned.says("tripped on the kerb yesterday and landed on my bum, walked home fine, back 3")
    assert ned.recommendation is not None and ned.recommendation.action != "seek_care"
    assert ned.choices == M.YES_NO and (await ned.user()).conv_state == "triage"
    clock.advance(days=1)
    await ned.says("back 3, walked 20 min")  # the question was never answered
    assert M.TRIAGE_UNANSWERED in ned.reply
    assert ned.recommendation is not None and ned.recommendation.action == "seek_care"


async def test_a_low_energy_fall_answered_no_is_cleared(people) -> None:  # type: ignore[no-untyped-def]
    oda = people("oda")
    await oda.onboard(experience="returning", minutes="20")
    await oda.says("slipped on the ice and sat down hard, back 2, otherwise ok")
    await oda.says("no")
    assert M.TRIAGE_CLEAR in oda.reply
    assert (await oda.user()).conv_state is None


async def test_same_as_yesterday_is_offered_and_logged_on_yes(people, clock) -> None:  # type: ignore[no-untyped-def]
    pip = people("pip")
    await pip.onboard(experience="regular", minutes="30")
    await pip.says("back 2, ran 30 min easy")
    clock.advance(days=1)
    await pip.says("same as yesterday, back 2")
    assert "30 min run" in pip.reply and pip.choices == M.YES_NO
    await pip.says("yes")
    checkins = await pip.checkins()
    assert [a["minutes"] for a in checkins[-1]["activities"]] == [30]


async def test_keep_asking_after_the_pause_offer_is_understood(people) -> None:  # type: ignore[no-untyped-def]
    from bot import prompts

    qi = people("qi")
    await qi.onboard()
    await qi.says(prompts.PAUSE_OFFER_CHOICES[1])
    assert qi.turn.handled_as == "command:resume" and M.ASK_AGAIN not in qi.reply
    await qi.says(prompts.PAUSE_OFFER_CHOICES[0])
    assert (await qi.user()).paused_until is not None


async def test_after_a_red_flag_today_holds_walking_until_checked_and_never_repeats_the_emergency(  # type: ignore[no-untyped-def]
        people, clock) -> None:
    ria = people("ria")
    await ria.onboard(experience="returning", minutes="20")
    await ria.says("back 3, ran 20 min, fever and shivery since last night")
    assert ria.recommendation.action == "seek_care"
    clock.advance(days=1)
    await ria.says("today")  # no check-in yet on the next day
    reco = ria.recommendation
    assert reco is not None and reco.action == "walk" and reco.run_minutes == 0 and reco.refer
    assert "A&E" not in ria.reply and "emergency" not in ria.reply.lower()
    await ria.says("saw the GP this morning, all clear")
    assert M.CLEARED in ria.reply
    await ria.says("today")
    assert ria.recommendation is not None and not ria.recommendation.refer
