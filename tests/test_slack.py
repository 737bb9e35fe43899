"""The Slack adapter end to end: slack-bolt's real HTTP handling in our ASGI app (uvicorn on
127.0.0.1), signed requests as Slack sends them, the fake Slack Web API (tests/fake_slack.py),
the real coach and a real SQLite database. Nothing here talks to slack.com."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot import messages as M
from bot.store.repo import Store
from tests.conftest import Clock
from tests.fake_slack import FakeSlack
from tests.slack_bot import SlackBot

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_url_verification_answers_the_challenge(bot: SlackBot) -> None:
    status, body = await bot.deliver({"token": "x", "challenge": "abc123", "type": "url_verification"})
    assert status == 200 and "abc123" in body


async def test_onboarding_and_a_checkin_in_the_dm(bot: SlackBot) -> None:
    alice = bot.member("Alice")
    sent = await alice.says("hi")
    assert sent and sent[-1].choices == M.EXPERIENCE_CHOICES
    await alice.presses("New to running")
    # The question now shows the answer, its buttons gone.
    q = bot.fake.messages[(alice.dm, sent[-1].ts)]
    assert q.buttons == [] and "You chose: New to running" in q.context and q.updates == 1
    await alice.says("UTC")
    await alice.presses("07:30")
    await alice.presses("every day")
    u = await alice.stored()
    assert u.onboarded and u.checkin_time == "07:30"
    await alice.says("pain 3, ran 20 min easy")
    assert "Got it" in alice.reply
    # Every call used the workspace's own token.
    assert {p.token for p in bot.fake.in_channel(alice.dm)} == {alice.w.token}


async def test_messages_with_a_subtype_or_from_a_bot_are_never_answered(bot: SlackBot) -> None:
    bob = bot.member("Bob")
    assert await bob.says("hi", subtype="message_changed") == []
    assert await bob.says("hi", bot_id="B123") == []
    assert await bob.stored() is None


async def test_a_retried_event_is_answered_once(bot: SlackBot) -> None:
    from tests.fake_slack import dm_event

    cat = bot.member("Cat")
    body = dm_event(bot.workspace, cat.user, "hi")  # type: ignore[arg-type]
    assert len(await cat._after(body)) >= 1
    assert await cat._after(body, retry=1) == []
    assert await cat._after(body, retry=2) == []


@pytest.mark.parametrize("how", [{"sign": False}, {"bad_signature": True}, {"age": 6 * 60}])
async def test_unsigned_badly_signed_or_stale_requests_get_401_and_nothing_is_stored(
        bot: SlackBot, how: dict[str, Any]) -> None:
    from tests.fake_slack import dm_event

    dan = bot.member("Dan")
    calls = len(bot.fake.calls)
    status, _ = await bot.deliver(dm_event(bot.workspace, dan.user, "pain 3"), **how)  # type: ignore[arg-type]
    assert status == 401
    assert await dan.stored() is None
    assert len(bot.fake.calls) == calls


# --- the full check-in form ------------------------------------------------------------------------


async def test_full_checkin_button_opens_the_modal_and_a_valid_form_is_recorded(bot: SlackBot) -> None:
    from tests.fake_slack import block_action

    eve = bot.member("Eve")
    await eve.onboard()
    # The scheduled question offers the form.
    sent = await eve.says("/checkin")
    q = sent[-1]
    assert q.choices == M.CHECKIN_CHOICES
    form_button = next(b for b in q.buttons if b["action_id"] == "open_form")
    opened = len(bot.fake.opened_views)
    status, _ = await bot.deliver(block_action(eve.w, eve.user, q, form_button), form=True)
    assert status == 200 and len(bot.fake.opened_views) == opened + 1
    view = bot.fake.opened_views[-1].params["view"]
    assert [b["block_id"] for b in view["blocks"]] == ["back_pain", "leg_pain", "activity", "minutes", "pain_during"]
    status, body = await eve.submits({"back_pain": "3", "leg_pain": None, "activity": "run", "minutes": "20",
                                      "pain_during": "2"})
    assert status == 200 and body == ""
    assert "Got it" in eve.reply
    [ci] = await eve_checkins(bot, eve.key)
    assert ci["pain"] == 3 and ci["activities"][0]["kind"] == "run" and ci["activities"][0]["minutes"] == 20
    assert ci["activities"][0]["pain_during"] == 2


async def test_an_invalid_form_gets_its_errors_back_and_nothing_is_recorded(bot: SlackBot) -> None:
    import json

    fay = bot.member("Fay")
    await fay.onboard()
    status, body = await fay.submits({"back_pain": None, "leg_pain": None, "activity": "walk", "minutes": "lots",
                                      "pain_during": None})
    assert status == 200
    answer = json.loads(body)
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"back_pain", "minutes"}
    assert fay.last == [] and await eve_checkins(bot, fay.key) == []


async def eve_checkins(bot: SlackBot, key: str) -> list[dict[str, Any]]:
    from tests.conftest import Person

    return await Person(bot.coach, key, bot.clock).checkins()


# --- /backcheck ------------------------------------------------------------------------------------


async def test_slash_subcommands_answer_in_the_dm(bot: SlackBot) -> None:
    gus = bot.member("Gus")
    await gus.onboard()
    await gus.says("pain 2, walked 30 min")
    before = len(bot.fake.in_channel(gus.dm))
    status, body = await gus.slash("today")
    assert status == 200 and body == ""  # in the DM itself: no acknowledgement needed
    assert len(bot.fake.in_channel(gus.dm)) == before + 1
    # From a channel: the answer still goes to the DM; the channel sees nothing, the user an ephemeral note.
    status, body = await gus.slash("pause 3", channel="C0GENERAL", channel_name="general")
    assert status == 200 and M.SENT_TO_DM in body
    assert "Paused until" in bot.fake.in_channel(gus.dm)[-1].plain
    assert bot.fake.in_channel("C0GENERAL") == []
    u = await gus.stored()
    assert u.paused_until is not None


async def test_unknown_subcommand_and_help_get_the_help_ephemerally(bot: SlackBot) -> None:
    import json

    hal = bot.member("Hal")
    for text in ("", "help", "frobnicate now"):
        status, body = await hal.slash(text)
        assert status == 200
        answer = json.loads(body)
        assert answer["text"] == M.SLASH_HELP and answer.get("response_type", "ephemeral") == "ephemeral"
    assert await hal.stored() is None


async def test_export_is_uploaded_to_the_dm_and_progress_as_a_png(bot: SlackBot) -> None:
    import json

    ida = bot.member("Ida")
    await ida.onboard()
    await ida.says("pain 2, ran 15 min")
    await ida.slash("export")
    up = [u for u in bot.fake.uploads.values() if u.channel == ida.dm and u.filename.endswith(".json")]
    assert len(up) == 1
    data = json.loads(up[0].data)
    assert data["user"]["key"] == ida.key
    assert [c["pain"] for c in data["checkins"]] == [2]
    assert up[0].initial_comment  # the reply's text goes with the file
    await ida.slash("progress")
    png = [u for u in bot.fake.uploads.values() if u.channel == ida.dm and u.filename == "progress.png"]
    assert len(png) == 1 and png[0].data.startswith(b"\x89PNG")


async def test_slash_checkin_opens_the_form(bot: SlackBot) -> None:
    jo = bot.member("Jo")
    opened = len(bot.fake.opened_views)
    status, _ = await jo.slash("checkin")
    assert status == 200 and len(bot.fake.opened_views) == opened + 1


# --- App Home ----------------------------------------------------------------------------------------


async def test_app_home_opened_publishes_the_home_tab(bot: SlackBot) -> None:
    from tests.fake_slack import event

    kim = bot.member("Kim")
    await kim.onboard()
    await kim.says("pain 4, walked 20 min")
    bot.fake.homes.pop(kim.user, None)
    status, _ = await bot.deliver(event(kim.w, {"type": "app_home_opened", "user": kim.user, "tab": "home",
                                                "channel": kim.dm}))
    assert status == 200
    view = bot.fake.homes[kim.user]
    text = json_text(view)
    assert "Today" in text and "This week" in text and "1 session, 20 min (1 check-in)" in text
    assert "Check-in streak: 1 day" in text and "4/10" in text
    assert any(e["action_id"] == "open_form" for b in view["blocks"] if b["type"] == "actions" for e in b["elements"])


async def test_the_home_tab_is_refreshed_after_a_checkin_once_it_has_been_opened(bot: SlackBot) -> None:
    lee = bot.member("Lee")
    await lee.onboard()
    await lee.says("pain 3, walked 20 min")
    # Never opened: nothing published per check-in (nobody would see it; opening it publishes it).
    assert lee.user not in bot.fake.homes
    assert "1 session, 20 min (1 check-in)" in json_text(await lee.opens_home())
    await lee.says("also ran 10 min easy")
    assert "2 sessions, 30 min (1 check-in)" in json_text(bot.fake.homes[lee.user])
    # A message that records no check-in leaves the Home as it was.
    bot.fake.homes.pop(lee.user)
    await lee.says("/help")
    assert lee.user not in bot.fake.homes


async def test_a_home_button_or_the_form_opened_from_the_home_refreshes_it(bot: SlackBot) -> None:
    from tests.fake_slack import home_action

    mo = bot.member("Mo")
    await mo.onboard()
    view = await mo.opens_home()
    pause = next(e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"] if e["value"] == "pause 7")
    bot.fake.homes.pop(mo.user)
    status, _ = await bot.deliver(home_action(mo.w, mo.user, view, pause), form=True)
    assert status == 200 and "Check-ins paused until" in json_text(bot.fake.homes[mo.user])
    # The full check-in form, opened from the Home and submitted: the Home shows the check-in.
    form = next(e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"] if e["action_id"] == "open_form")
    status, _ = await bot.deliver(home_action(mo.w, mo.user, view, form), form=True)
    assert status == 200
    status, _ = await mo.submits({"back_pain": "2", "leg_pain": None, "activity": "walk", "minutes": "25",
                                  "pain_during": None})
    assert status == 200 and "1 session, 25 min (1 check-in)" in json_text(bot.fake.homes[mo.user])
    # Pressed on a Home this process never saw opened (it restarted since): it is open now.
    nia = bot.member("Nia")
    await nia.onboard()
    status, _ = await bot.deliver(home_action(nia.w, nia.user, view, form), form=True)
    await nia.submits({"back_pain": "1", "leg_pain": None, "activity": "rest", "minutes": None, "pain_during": None})
    assert "Check-in streak: 1 day" in json_text(bot.fake.homes[nia.user])


def json_text(view: dict[str, Any]) -> str:
    import json

    return json.dumps(view, ensure_ascii=False)


# --- limits and failures -----------------------------------------------------------------------------


async def test_a_rate_limited_reply_waits_and_is_delivered(bot: SlackBot) -> None:
    lee = bot.member("Lee")
    bot.fake.fail("chat.postMessage", "ratelimited", retry_after=1, times=3, channel=lee.dm)
    sent = await lee.says("hi")
    assert sent and sent[-1].choices == M.EXPERIENCE_CHOICES


async def test_the_scheduler_pushes_the_checkin_through_conversations_open(bot: SlackBot) -> None:
    from scheduler.passes import run_pass

    max_ = bot.member("Max")
    await max_.onboard()
    bot.adapter.out._dms.clear()  # a fresh process: the DM is opened again
    opens = len(bot.fake.calls_of("conversations.open"))
    bot.clock.advance(days=1)
    bot.clock.set(bot.clock().replace(hour=7, minute=31))
    await run_pass(bot.store, {"slack": bot.adapter}, bot.settings, bot.clock())
    assert len(bot.fake.calls_of("conversations.open")) > opens
    q = bot.fake.in_channel(max_.dm)[-1]
    assert q.choices == M.CHECKIN_CHOICES


async def test_permanent_and_temporary_failures(bot: SlackBot) -> None:
    from bot.ports import Outgoing, PermanentFailure, TemporaryFailure

    ned = bot.member("Ned")
    for error in ("account_inactive", "channel_not_found", "user_not_found"):
        bot.fake.fail("chat.postMessage", error, channel=ned.dm)
        with pytest.raises(PermanentFailure):
            await bot.adapter.send(ned.key, [Outgoing("hello")])
    # The SDK waits out two (its retry handler); the third is handed to the scheduler with its wait.
    bot.fake.fail("chat.postMessage", "ratelimited", retry_after=1, times=3, channel=ned.dm)
    with pytest.raises(TemporaryFailure) as exc:
        await bot.adapter.send(ned.key, [Outgoing("hello")])
    assert exc.value.retry_after == 1
    bot.fake.failures.clear()


# --- installs --------------------------------------------------------------------------------------


async def test_oauth_install_of_two_workspaces_each_answered_with_its_own_token(
        fake_slack: FakeSlack, slack_store: Store, clock: Clock) -> None:
    import re

    import aiohttp

    b = await SlackBot(fake_slack, slack_store, clock, oauth=True).start()
    try:
        workspaces = []
        async with aiohttp.ClientSession() as web:
            for name in ("First Co", "Second Co"):
                async with web.get(b.url + "/slack/install") as r:
                    assert r.status == 200
                    page = await r.text()
                    # The state cookie is Secure (https in production): a browser sends it back.
                    cookie = r.headers["Set-Cookie"].split(";")[0]
                state = re.search(r"state=([0-9a-f-]+)", page)
                assert state is not None
                code, w = fake_slack.oauth_code(name)
                async with web.get(b.url + f"/slack/oauth_redirect?code={code}&state={state.group(1)}",
                                   headers={"Cookie": cookie}) as r:
                    assert r.status == 200, await r.text()
                workspaces.append(w)
            # A forged state is refused, and installs nothing.
            code, forged = fake_slack.oauth_code("Forged")
            async with web.get(b.url + f"/slack/oauth_redirect?code={code}&state=forged") as r:
                assert r.status >= 400
        for w in workspaces:
            m = b.member("Pat", workspace=w)
            sent = await m.says("hi")
            assert sent and {p.token for p in sent} == {w.token}
            assert await b.adapter.installs.token_for(w.team_id) == w.token
        assert await b.adapter.installs.token_for(forged.team_id) is None
        # The scheduler's side finds each workspace's token too.
        from bot.ports import Outgoing

        second = b.member("Quin", workspace=workspaces[1])
        await b.adapter.send(second.key, [Outgoing("hello")])
        assert fake_slack.in_channel(second.dm)[-1].token == workspaces[1].token
        # The first workspace uninstalls the app: its stored token goes (Bolt's own listener), and
        # the second keeps being answered.
        from tests.fake_slack import event

        gone = workspaces[0]
        status, _ = await b.deliver(event(gone, {"type": "app_uninstalled"}))
        assert status == 200
        assert await b.adapter.installs.token_for(gone.team_id) is None
        assert await b.adapter.installs.token_for(workspaces[1].team_id) == workspaces[1].token
    finally:
        await b.stop()


# --- team channels ---------------------------------------------------------------------------------


async def test_team_commands_in_a_channel_go_to_the_group_and_the_join_button_joins(bot: SlackBot) -> None:
    from sqlmodel import select

    from bot.ports import GroupPoster, Outgoing
    from bot.store.tables import RunningGroup
    from tests.fake_slack import block_action

    assert isinstance(bot.adapter, GroupPoster)
    ola, pam = bot.member("Ola"), bot.member("Pam")
    channel = "C" + ola.user[1:]
    status, body = await ola.slash("join", channel=channel, channel_name="runners")
    assert status == 200 and body == ""
    said = bot.fake.in_channel(channel)[-1]
    assert "Member" in said.plain  # the name users.info gave
    group = f"slack:{ola.w.team_id}:{channel}"
    async with bot.store.session() as s:
        g = (await s.execute(select(RunningGroup).where(RunningGroup.key == group))).scalar_one()
        assert g.title == "runners"
    # The team's daily post, edited in place, with a Join button that joins.
    ts = await bot.adapter.post(group, Outgoing("1 of 1 checked in today"))
    await bot.adapter.edit(group, ts, Outgoing("2 of 2 checked in today"))
    post = bot.fake.messages[(channel, ts)]
    assert post.plain == "2 of 2 checked in today" and post.updates == 1
    join = next(b for b in post.buttons if b["action_id"] == "team_join")
    status, _ = await bot.deliver(block_action(pam.w, pam.user, post, join), form=True)
    assert status == 200
    assert "joined" in bot.fake.in_channel(channel)[-1].plain.lower()
    # The same command in the DM is the user's own: it goes to the private chat.
    before = len(bot.fake.in_channel(ola.dm))
    await ola.slash("leave")
    assert bot.fake.in_channel(ola.dm)[before].plain.startswith(M.GROUP_ONLY_IN_PRIVATE[:30])


async def test_socket_mode_takes_events_over_the_websocket(fake_slack: FakeSlack, slack_store: Store,
                                                           clock: Clock) -> None:
    from adapters.slack import SlackAdapter
    from bot.conversation import Coach
    from tests.fake_slack import dm_event
    from tests.slack_bot import slack_settings

    w = fake_slack.workspace()
    settings = slack_settings(fake_slack, slack_bot_token=w.token, slack_app_token="xapp-1-A0-test")
    adapter = SlackAdapter(Coach(slack_store, settings), settings, clock=clock)
    assert adapter.routes() == []  # no public URL needed
    await adapter.start()
    try:
        user = "USOCKET01"
        ack = await fake_slack.socket_deliver("events_api", dm_event(w, user, "hi"))
        assert ack["envelope_id"]
        await fake_slack.wait_for(lambda: bool(fake_slack.in_channel(FakeSlack.dm_of(user))))
        assert fake_slack.in_channel(FakeSlack.dm_of(user))[-1].choices == M.EXPERIENCE_CHOICES
    finally:
        await adapter.stop()


async def test_a_malformed_request_gets_a_4xx_never_a_500(bot: SlackBot) -> None:
    for body, form in (("{not json", False), ("payload=%7Bbroken", True), ("[1, 2]", False)):
        status, _ = await bot.deliver(body, form=form)
        assert status == 400, (body, status)
    # Two megabytes announced: refused before a byte of it is read (bot/web_limits.py), so the
    # answer comes without the body being sent (a client still sending would see the socket close).
    from urllib.parse import urlsplit

    url = urlsplit(bot.events_url)
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    writer.write(f"POST {url.path} HTTP/1.1\r\nHost: x\r\nContent-Length: {2 << 20}\r\n"
                 "Content-Type: application/json\r\n\r\n".encode())
    raw = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    assert int(raw.split(b" ", 2)[1]) == 413
