"""Prometheus metrics (served at ``/metrics`` behind the admin token, bot/admin/).

The core, the scheduler and the adapters count here; nothing else knows prometheus_client. Kept
cheap for the reply path: label children are looked up once and cached, a handled message costs
one counter increment and one histogram observation (about a microsecond each). Labels are
bounded: platforms, a fixed set of paths and reasons; never a user key or a text.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.process_collector import ProcessCollector

#: Our own registry: a second app in the same process (tests) does not clash with the global one.
REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)

SENT = Counter("backcheck_messages_sent", "Messages delivered to a platform, by platform and path "
               "(scheduled: the scheduler's prompts; reply: answers to a user's message).",
               ["platform", "path"], registry=REGISTRY)
FAILED = Counter("backcheck_messages_failed", "Messages not delivered, by platform, path and reason "
                 "(temporary, permanent, rate_limited, error).", ["platform", "path", "reason"], registry=REGISTRY)
UPDATES = Counter("backcheck_updates_handled", "Platform updates handled, by platform.", ["platform"],
                  registry=REGISTRY)
HANDLER = Histogram("backcheck_handler_seconds", "Time to answer one private message (Coach.handle).",
                    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0), registry=REGISTRY)
PASS = Histogram("backcheck_scheduler_pass_seconds", "Time a scheduler pass takes to select and queue what is due.",
                 buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0), registry=REGISTRY)
DUE = Gauge("backcheck_scheduler_due", "Prompts found due by the latest scheduler pass.", registry=REGISTRY)
BACKLOG = Gauge("backcheck_scheduler_backlog", "Prompts queued and not yet sent or given up.", registry=REGISTRY)
DB_ERRORS = Counter("backcheck_database_errors", "Database errors in Store.run, by outcome (retried: lost a race "
                    "and ran again; failed: raised to the caller).", ["outcome"], registry=REGISTRY)

REASONS = ("temporary", "permanent", "rate_limited", "error")

_sent: dict[tuple[str, str], Any] = {}
_failed: dict[tuple[str, str, str], Any] = {}
_updates: dict[str, Any] = {}


def sent(platform: str, path: str, n: int = 1) -> None:
    c = _sent.get((platform, path))
    if c is None:
        c = _sent[(platform, path)] = SENT.labels(platform, path)
    c.inc(n)


def failed(platform: str, path: str, reason: str) -> None:
    reason = reason if reason in REASONS else "error"
    c = _failed.get((platform, path, reason))
    if c is None:
        c = _failed[(platform, path, reason)] = FAILED.labels(platform, path, reason)
    c.inc()


def reason_of(error: str | None) -> str:
    """A delivery error as recorded by the scheduler ("temporary: ...", "permanent: ...") as a reason label."""
    e = (error or "").lower()
    if e.startswith("rate limited") or "retry after" in e:
        return "rate_limited"
    for r in ("temporary", "permanent"):
        if e.startswith(r):
            return r
    return "error"


def update_handled(platform: str) -> None:
    c = _updates.get(platform)
    if c is None:
        c = _updates[platform] = UPDATES.labels(platform)
    c.inc()


def watch_backlog(count: Callable[[], int]) -> None:
    """The backlog gauge reads ``count`` when scraped (the latest dispatcher's pending jobs)."""
    BACKLOG.set_function(lambda: float(count()))


def db_error(retried: bool) -> None:
    DB_ERRORS.labels("retried" if retried else "failed").inc()


clock = time.perf_counter


def exposition() -> tuple[bytes, str]:
    """The text format and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
