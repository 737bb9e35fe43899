"""The Slack reply path counts in bot/metrics.py as Telegram's does: messages sent and not
delivered by platform, path and reason, and the requests handled; read back from the registry
that ``/metrics`` serves. Through the real Slack HTTP stack and the fake Slack Web API."""

from __future__ import annotations

import pytest

from bot import metrics
from bot.store.repo import Store
from tests.conftest import Clock
from tests.fake_slack import FakeSlack, dm_event
from tests.slack_bot import SlackBot

pytestmark = pytest.mark.asyncio(loop_scope="session")


def value(name: str, **labels: str) -> float:
    return metrics.REGISTRY.get_sample_value(name, labels) or 0.0


def sent() -> float:
    return value("backcheck_messages_sent_total", platform="slack", path="reply")


def failed(reason: str) -> float:
    return value("backcheck_messages_failed_total", platform="slack", path="reply", reason=reason)


def handled() -> float:
    return value("backcheck_updates_handled_total", platform="slack")


async def test_replies_sent_and_failed_and_requests_handled_are_counted(bot: SlackBot) -> None:
    eva = bot.member("Eva")
    s0, h0 = sent(), handled()
    answer = await eva.says("hi")
    assert answer and sent() == s0 + len(answer)
    assert handled() == h0 + 1
    # A button press and a slash command are requests too; the team's answer in a channel is a reply.
    await eva.presses("New to running")
    await eva.slash("join", channel="C0METRICS", channel_name="runners")
    assert handled() == h0 + 3
    assert sent() == s0 + len(answer) + len(eva.last) + 1

    # Slack refuses for good: permanent; an error that may pass: temporary. Nothing is sent.
    p0, t0, s1 = failed("permanent"), failed("temporary"), sent()
    bot.fake.fail("chat.postMessage", "account_inactive", channel=eva.dm)
    await eva.says("UTC")
    bot.fake.fail("chat.postMessage", "internal_error", channel=eva.dm)
    await eva.says("UTC")
    assert failed("permanent") == p0 + 1 and failed("temporary") == t0 + 1 and sent() == s1
    bot.fake.failures.clear()


async def test_requests_turned_away_are_not_counted_as_handled(bot: SlackBot) -> None:
    fay = bot.member("Fay")
    h0 = handled()
    status, _ = await bot.deliver(dm_event(bot.workspace, fay.user, "hi"), bad_signature=True)  # type: ignore[arg-type]
    assert status == 401
    status, _ = await bot.deliver({"token": "x", "challenge": "c", "type": "url_verification"})
    assert status == 200
    assert handled() == h0


async def test_metrics_are_served_at_metrics_beside_slack_events(fake_slack: FakeSlack, slack_store: Store,
                                                                 clock: Clock) -> None:
    import aiohttp
    from prometheus_client.parser import text_string_to_metric_families

    from bot.admin import admin_routes
    from bot.web import create_app

    b = SlackBot(fake_slack, slack_store, clock, admin_token="metrics-token-0123456789")
    b.web = create_app(slack_store, [*b.adapter.routes(), *admin_routes(slack_store, b.settings)])
    await b.start()
    try:
        gus = b.member("Gus")
        await gus.says("hi")
        async with aiohttp.ClientSession() as web, \
                web.get(b.url + "/metrics", headers={"Authorization": "Bearer metrics-token-0123456789"}) as r:
            assert r.status == 200
            families = {f.name: f for f in text_string_to_metric_families(await r.text())}
        samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
                   for name in ("backcheck_messages_sent", "backcheck_updates_handled")
                   for s in families[name].samples}
        assert samples[("backcheck_messages_sent_total", (("path", "reply"), ("platform", "slack")))] == sent() >= 1
        assert samples[("backcheck_updates_handled_total", (("platform", "slack"),))] == handled() >= 1
    finally:
        await b.stop()
