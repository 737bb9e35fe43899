"""Senders the scheduler adds: stdout for ``tick`` without a platform, and a paced wrapper."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import IO

from bot.dialogue import Outgoing
from bot.ports import Sender, TemporaryFailure
from scheduler.limits import RateLimiter, WaitTooLong


class PrintSender:
    """``console:*`` users: each message is one JSON line on stdout (``at``, ``key``, ``dir``,
    ``text``, ``choices``), written and flushed before send() returns, so a line on stdout means
    the message was delivered."""

    platform = "console"

    def __init__(self, clock: Callable[[], datetime], stream: IO[str] | None = None) -> None:
        self.clock = clock
        self.stream = stream

    async def send(self, key: str, messages: Sequence[Outgoing]) -> None:
        out = self.stream or sys.stdout
        for m in messages:
            out.write(json.dumps({"at": self.clock().isoformat(), "key": key, "dir": "out", "text": m.text,
                                  "choices": list(m.choices)}, ensure_ascii=False) + "\n")
        out.flush()


class PacedSender:
    """A Sender that waits for a lane's limiter first: digests share the check-ins' rate budget."""

    def __init__(self, inner: Sender, limiter: RateLimiter, max_wait: float = 60.0) -> None:
        self.platform = inner.platform
        self.inner = inner
        self.limiter = limiter
        self.max_wait = max_wait

    async def send(self, key: str, messages: Sequence[Outgoing]) -> None:
        try:
            await self.limiter.acquire(key, max(1, len(messages)), max_wait=self.max_wait)
        except WaitTooLong as exc:
            raise TemporaryFailure("rate limited", retry_after=exc.wait) from None
        await self.inner.send(key, messages)
