"""Export and delete with Slack: ``/backcheck export`` holds the user's team links,
``/backcheck delete`` erases every row about the user (team links too) and clears what their App
Home showed; what stays is not theirs: ``platform_events`` holds event ids only, and a
workspace's OAuth installation is the workspace's (docs/contracts.md, "Slack: what is whose")."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import inspect, select, text

from adapters.slack.blocks import slack_commands
from bot import messages as M
from bot.store import repo
from bot.store.repo import Store
from bot.store.tables import PlatformEvent
from tests.conftest import Clock
from tests.fake_slack import FakeSlack
from tests.slack_bot import SlackBot

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_delete_erases_every_row_of_a_slack_user_and_their_app_home(bot: SlackBot) -> None:
    ivy = bot.member("Ivy")
    channel = "C" + uuid.uuid4().hex[:9].upper()
    await ivy.onboard()
    await ivy.opens_home()  # a Home is refreshed after check-ins once its tab was opened
    await ivy.says("pain 4, walked 20 min")
    assert "4/10" in json.dumps(bot.fake.homes[ivy.user])
    await ivy.slash("join", channel=channel, channel_name="runners")
    await ivy.slash("sharepain", channel=channel, channel_name="runners")
    await ivy.slash("export")
    [up] = [u for u in bot.fake.uploads.values() if u.channel == ivy.dm and u.filename.endswith(".json")]
    data = json.loads(up.data)
    [group] = data["groups"]
    assert group["group"] == f"slack:{ivy.w.team_id}:{channel}" and group["show_pain"] is True
    assert [c["pain"] for c in data["checkins"]] == [4]
    uid = (await ivy.stored()).id

    await ivy.slash("delete")
    assert bot.fake.in_channel(ivy.dm)[-1].choices == M.DELETE_CHOICES
    await ivy.presses(M.DELETE_CHOICES[0])
    assert ivy.reply == M.DELETED
    assert await ivy.stored() is None
    async with bot.store.session() as s:
        assert set((await repo.count_user_rows(s, uid, ivy.key)).values()) == {0}
        # What stays of the delivery: event ids Slack made, with no user in them, pruned after a day.
        cols = await s.run_sync(lambda sync: {c["name"] for c in inspect(sync.connection()).get_columns("platform_events")})
        assert cols == {"id", "platform", "event_id", "seen_at"}
        ids = (await s.execute(select(PlatformEvent.event_id))).scalars().all()
        assert ids and not any(ivy.user in i or ivy.key in i for i in ids)
    # The App Home shows nothing of hers any more.
    home = json.dumps(bot.fake.homes[ivy.user], ensure_ascii=False)
    assert "4/10" not in home and M.HOME_NOT_STARTED in home
    # The team stays; she is not in it.
    await ivy.slash("digest", channel=channel, channel_name="runners")
    assert bot.fake.in_channel(channel)[-1].plain.endswith(slack_commands(M.DIGEST_NOBODY))


async def test_a_users_delete_keeps_the_workspaces_installation(fake_slack: FakeSlack, slack_store: Store,
                                                                clock: Clock) -> None:
    from slack_sdk.oauth.installation_store import Installation

    b = await SlackBot(fake_slack, slack_store, clock, oauth=True).start()
    try:
        w = fake_slack.workspace("Third Co")
        store = b.adapter.installs.store
        assert store is not None
        await store.async_save(Installation(app_id=w.app_id, team_id=w.team_id, team_name=w.name,
                                            bot_token=w.token, bot_id=w.bot_id, bot_user_id=w.bot_user_id,
                                            bot_scopes="chat:write,commands", user_id="U0INSTALLER"))
        installer = b.member("Ira", workspace=w)
        installer.user = "U0INSTALLER"
        installer.key, installer.dm = f"slack:{w.team_id}:U0INSTALLER", FakeSlack.dm_of("U0INSTALLER")
        await installer.onboard()
        await installer.says("delete")
        await installer.presses(M.DELETE_CHOICES[0])
        assert installer.reply == M.DELETED and await installer.stored() is None
        # The workspace's install is not the user's data: it stays, and the workspace is answered.
        assert await b.adapter.installs.token_for(w.team_id) == w.token
        async with slack_store.session() as s:
            n = (await s.execute(text("SELECT count(*) FROM slack_bots WHERE team_id = :t"), {"t": w.team_id})).scalar_one()
            assert n == 1
        other = b.member("Jon", workspace=w)
        sent = await other.says("hi")
        assert sent and {p.token for p in sent} == {w.token}
    finally:
        await b.stop()
