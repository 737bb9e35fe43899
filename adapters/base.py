"""The one small interface every chat platform implements (after opsdroid's connectors).

An adapter translates: platform events into the core's calls (``Coach.handle`` for a private
message or a button, ``Coach.handle_group`` for a group command, ``Coach.reachable`` and the group
membership calls for what the platform reports), and the core's :class:`~bot.ports.Outgoing`
messages into platform messages. It decides nothing, stores nothing and retries nothing of the
core's: no SQL, no dialogue, no store sessions. It is also the scheduler's
:class:`~bot.ports.Sender` for its platform, with the platform's limits.
"""

from __future__ import annotations

import traceback
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

from bot.conversation import Coach
from bot.ports import Outgoing, PlatformLimits, UserKey


class Adapter(ABC):
    #: User-key prefix: ``console``, ``telegram``, ``slack``.
    platform: str = ""
    #: How fast the scheduler may send through this platform.
    limits: PlatformLimits = PlatformLimits()

    def __init__(self, coach: Coach) -> None:
        self.coach = coach

    def key(self, *ids: Any) -> str:
        return str(UserKey.of(self.platform, *ids))

    @abstractmethod
    async def start(self) -> None:
        """Begin receiving events (poll, listen, or register routes)."""

    @abstractmethod
    async def stop(self) -> None:
        """Stop receiving and release connections."""

    @abstractmethod
    async def send(self, key: str, messages: Sequence[Outgoing]) -> None:
        """Deliver messages to one user; raise bot.ports.TemporaryFailure / PermanentFailure."""

    def routes(self) -> list[Any]:
        """Starlette routes this adapter serves in the one ASGI app (webhooks)."""
        return []


def traceback_without_message(exc: BaseException) -> str:
    """Where it failed, without the exception's message: that may quote what the user wrote (a
    database error repeats its parameters), and health data stays out of logs."""
    return "".join(traceback.format_tb(exc.__traceback__)) + type(exc).__name__
