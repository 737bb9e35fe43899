"""Bolt's lazy listeners (buttons, the modal, the slash command: acknowledged at once, the work
after), with their tasks kept until they end."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from slack_bolt.lazy_listener.async_internals import to_runnable_function
from slack_bolt.lazy_listener.asyncio_runner import AsyncioLazyListenerRunner
from slack_bolt.request.async_request import AsyncBoltRequest


class TrackedLazyRunner(AsyncioLazyListenerRunner):
    """Bolt's lazy runner starts a task and forgets it (the event loop may even collect it);
    this one keeps each task until it ends, so stop() and tests can wait for the work."""

    def __init__(self, logger: logging.Logger) -> None:
        super().__init__(logger)
        self.tasks: set[asyncio.Task[None]] = set()

    def start(self, function: Callable[..., Awaitable[None]], request: AsyncBoltRequest) -> None:
        task = asyncio.ensure_future(to_runnable_function(internal_func=function, logger=self.logger,
                                                          request=request))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
