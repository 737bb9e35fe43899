"""A Sender wrapped in a lane's limiter, for what the scheduler sends outside its lanes (digests)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.ports import Outgoing, Sender, TemporaryFailure
from scheduler.limits import RateLimiter, WaitTooLong


class PacedSender:
    """A Sender that waits for a lane's limiter first: digests share the check-ins' rate budget."""

    def __init__(self, inner: Sender, limiter: RateLimiter, max_wait: float = 60.0) -> None:
        self.platform = inner.platform
        self.limits = inner.limits
        self.inner = inner
        self.limiter = limiter
        self.max_wait = max_wait

    async def send(self, key: str, messages: Sequence[Outgoing]) -> None:
        try:
            await self.limiter.acquire(key, max(1, len(messages)), max_wait=self.max_wait)
        except WaitTooLong as exc:
            raise TemporaryFailure("rate limited", retry_after=exc.wait) from None
        await self.inner.send(key, messages)
