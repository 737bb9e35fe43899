"""The one small interface every chat platform implements (after opsdroid's connectors).

An adapter turns platform events into ``Coach.handle(key, text, now)`` calls and the core's
:class:`~bot.dialogue.Outgoing` messages into platform messages.
"""

from __future__ import annotations

import traceback
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

from bot.dialogue import Coach, Outgoing


class Adapter(ABC):
    #: User-key prefix: ``console``, ``telegram``, ``slack``.
    platform: str = ""

    def __init__(self, coach: Coach) -> None:
        self.coach = coach

    def key(self, *ids: Any) -> str:
        return ":".join([self.platform, *map(str, ids)])

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
