"""``backcheck tick``'s sender for console users, where nobody is chatting: messages as JSON lines."""

from __future__ import annotations

import json
import sys
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import IO

from adapters.console import ConsoleAdapter
from bot.ports import Outgoing, PlatformLimits


class PrintSender:
    """``console:*`` users: each message is one JSON line on stdout (``at``, ``key``, ``dir``,
    ``text``, ``choices``), written and flushed before send() returns, so a line on stdout means
    the message was delivered. Also a GroupPoster for a team's daily post: ``"dir": "post"`` with
    the ``ref`` it was given, then ``"dir": "edit"`` lines naming that ref."""

    platform = ConsoleAdapter.platform
    limits = PlatformLimits()

    def __init__(self, clock: Callable[[], datetime], stream: IO[str] | None = None) -> None:
        self.clock = clock
        self.stream = stream

    async def send(self, key: str, messages: Sequence[Outgoing]) -> None:
        out = self.stream or sys.stdout
        for m in messages:
            out.write(json.dumps({"at": self.clock().isoformat(), "key": key, "dir": "out", "text": m.text,
                                  "choices": list(m.choices)}, ensure_ascii=False) + "\n")
        out.flush()

    async def post(self, key: str, message: Outgoing) -> str:
        # Unique across runs: a later `tick` edits a post an earlier one made.
        ref = uuid.uuid4().hex[:12]
        self._line({"key": key, "dir": "post", "ref": ref, "text": message.text, "choices": list(message.choices)})
        return ref

    async def edit(self, key: str, ref: str, message: Outgoing) -> None:
        self._line({"key": key, "dir": "edit", "ref": ref, "text": message.text, "choices": list(message.choices)})

    def _line(self, fields: dict[str, object]) -> None:
        out = self.stream or sys.stdout
        out.write(json.dumps({"at": self.clock().isoformat(), **fields}, ensure_ascii=False) + "\n")
        out.flush()
