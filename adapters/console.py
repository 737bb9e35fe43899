"""The console chat: a local conversation on stdin/stdout as ``console:NAME``.

Reads stdin line by line, so it works both in a terminal and piped
(``printf '/start\\nnew\\n' | backcheck chat --user ann``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from adapters.base import Adapter, traceback_without_message
from bot import messages
from bot.conversation import Coach
from bot.ports import Outgoing, PlatformLimits, UserKey

log = logging.getLogger(__name__)


class ConsoleAdapter(Adapter):
    platform = "console"

    def __init__(
        self,
        coach: Coach,
        user: str = "me",
        stdin: IO[str] | None = None,
        stdout: IO[str] | None = None,
        clock: Callable[[], datetime] | None = None,
        download_dir: Path | None = None,
    ) -> None:
        super().__init__(coach)
        self.user_key = self.key(user)
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.clock = clock or (lambda: datetime.now(UTC))
        self.download_dir = download_dir or Path.cwd()
        self._lock = asyncio.Lock()
        self._prompt = self.stdin.isatty() if hasattr(self.stdin, "isatty") else False
        self._stopped = asyncio.Event()

    async def start(self) -> None:
        """Run the chat until end of input (Ctrl-D) or stop()."""
        loop = asyncio.get_running_loop()
        while not self._stopped.is_set():
            if self._prompt:
                self._write("you> ", end="")
            line = await loop.run_in_executor(None, self.stdin.readline)
            if line == "":
                break
            try:
                turn = await self.coach.handle(self.user_key, line.rstrip("\r\n"), self.clock())
            except Exception as exc:
                # Never silence: the user is told, the error (without their text) goes to the log.
                log.error("console: handling a message failed\n%s", traceback_without_message(exc))

                await self.send(self.user_key, [Outgoing(messages.SORRY)])
                continue
            await self.send(self.user_key, turn.messages)

    async def stop(self) -> None:
        self._stopped.set()

    async def send(self, key: str, messages: Sequence[Outgoing]) -> None:
        async with self._lock:
            for m in messages:
                self._write(f"bot> {m.text}")
                if m.choices:
                    self._write("     [" + " | ".join(m.choices) + "]")
                if m.document:
                    name, blob = m.document
                    path = self.download_dir / name
                    path.write_bytes(blob)
                    self._write(f"     (saved {path})")
                if m.image:
                    path = self.download_dir / f"backcheck-{UserKey.parse(key).slug}-chart.png"
                    path.write_bytes(m.image)
                    self._write(f"     (chart saved to {path})")

    def _write(self, text: str, end: str = "\n") -> None:
        self.stdout.write(text + end)
        self.stdout.flush()


class PrintSender:
    """``console:*`` users in ``backcheck tick``, where nobody chats: each message is one JSON line on stdout (``at``, ``key``, ``dir``,
    ``text``, ``choices``), written and flushed before send() returns, so a line on stdout means
    the message was delivered."""

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
