"""What the core and the scheduler need from the outside world, as interfaces.

Adapters (adapters/) implement :class:`Sender`; the core never imports them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from bot.dialogue import Outgoing


class DeliveryError(Exception):
    """A message could not be delivered."""


class TemporaryFailure(DeliveryError):
    """Try again later (rate limit, 5xx, timeout). ``retry_after`` in seconds when the platform said."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class PermanentFailure(DeliveryError):
    """The user cannot be reached (blocked the bot, account gone): mark them inactive."""


@runtime_checkable
class Sender(Protocol):
    """One chat platform's outbound side. ``platform`` is the user-key prefix it serves."""

    platform: str

    async def send(self, key: str, messages: Sequence[Outgoing]) -> None:
        """Deliver messages to the user ``key`` in order; raise a DeliveryError subclass on failure."""
        ...
