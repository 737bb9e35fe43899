"""bot/metrics.py counts what the scheduler, the core and the adapters do (read back from the
registry /metrics serves)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.exc import OperationalError

from bot import metrics
from bot.conversation import Coach
from bot.ports import PermanentFailure, TemporaryFailure
from bot.store.repo import Store
from tests.test_scheduler_helpers import FakeSender, add_users, make_settings, tick, user_row, utc


def value(name: str, **labels: str) -> float:
    return metrics.REGISTRY.get_sample_value(name, labels) or 0.0


async def test_scheduled_sends_and_failures_are_counted_by_platform_and_reason(sched_store: Store) -> None:
    await add_users(sched_store, [user_row("console:ok"), user_row("console:gone"), user_row("console:later")])
    sent = value("backcheck_messages_sent_total", platform="console", path="scheduled")
    blocked = value("backcheck_messages_failed_total", platform="console", path="scheduled", reason="permanent")
    temporary = value("backcheck_messages_failed_total", platform="console", path="scheduled", reason="temporary")
    passes = value("backcheck_scheduler_pass_seconds_count")
    fake = FakeSender()
    fake.script["console:gone"] = [PermanentFailure("blocked")]
    fake.script["console:later"] = [TemporaryFailure("busy")] * 10
    await tick(sched_store, fake, utc(2026, 12, 1, 7, 30), settings=make_settings())
    assert value("backcheck_messages_sent_total", platform="console", path="scheduled") == sent + 1
    assert value("backcheck_messages_failed_total", platform="console", path="scheduled",
                 reason="permanent") == blocked + 1
    assert value("backcheck_messages_failed_total", platform="console", path="scheduled",
                 reason="temporary") == temporary + 1
    assert value("backcheck_scheduler_pass_seconds_count") == passes + 1
    assert value("backcheck_scheduler_due") == 3


async def test_handler_latency_and_database_errors(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import migrated_store

    async with migrated_store(f"sqlite:///{tmp_path / 'm.db'}") as store:
        coach = Coach(store, make_settings())
        before = value("backcheck_handler_seconds_count")
        await coach.handle("console:m", "hello", datetime(2026, 12, 1, 8, tzinfo=UTC))
        assert value("backcheck_handler_seconds_count") == before + 1

        failed, retried = value("backcheck_database_errors_total", outcome="failed"), \
            value("backcheck_database_errors_total", outcome="retried")
        calls = 0

        async def locked(_s: object) -> None:
            nonlocal calls
            calls += 1
            raise OperationalError("UPDATE", {}, Exception("database is locked"))

        try:
            await store.run(locked)
        except OperationalError:
            pass
        assert calls == 3
        assert value("backcheck_database_errors_total", outcome="retried") == retried + 2
        assert value("backcheck_database_errors_total", outcome="failed") == failed + 1


def test_reasons_are_a_bounded_set() -> None:
    assert metrics.reason_of("temporary: network: TimedOut") == "temporary"
    assert metrics.reason_of("permanent: Forbidden") == "permanent"
    assert metrics.reason_of("rate limited") == "rate_limited"
    assert metrics.reason_of("ValueError: something with a user's words") == "error"
    metrics.failed("console", "reply", "made-up")
    assert value("backcheck_messages_failed_total", platform="console", path="reply", reason="error") >= 1
