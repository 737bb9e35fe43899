"""A Sender (or GroupPoster) wrapped in a lane's limiter, for what the scheduler sends outside its lanes
(digests, teams' daily posts)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.ports import GroupPoster, Outgoing, Sender, TemporaryFailure
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


class PacedPoster:
    """A GroupPoster that waits for its platform lane's limiter first: posts and edits in a group
    share the check-ins' rate budget (and the per-chat spacing)."""

    def __init__(self, inner: GroupPoster, limiter: RateLimiter, max_wait: float = 60.0) -> None:
        self.platform = inner.platform
        self.inner = inner
        self.limiter = limiter
        self.max_wait = max_wait

    async def _slot(self, key: str) -> None:
        try:
            await self.limiter.acquire(key, 1, max_wait=self.max_wait)
        except WaitTooLong as exc:
            raise TemporaryFailure("rate limited", retry_after=exc.wait) from None

    async def post(self, key: str, message: Outgoing) -> str:
        await self._slot(key)
        return await self.inner.post(key, message)

    async def edit(self, key: str, ref: str, message: Outgoing) -> None:
        await self._slot(key)
        await self.inner.edit(key, ref, message)
