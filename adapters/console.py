"""The console chat: a local conversation on stdin/stdout as ``console:NAME``, and the whole
adapter interface in a page (after errbot's text backend): a line in is ``Coach.handle``, the
turn's messages out are ``send``.

Reads stdin line by line (adapters/stdin_lines.py), so it works both in a terminal and piped
(``printf '/start\\nnew\\n' | backcheck chat --user ann``).
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from adapters.base import Adapter, traceback_without_message
from adapters.stdin_lines import StdinLines
from bot import messages
from bot.conversation import Coach
from bot.ports import Outgoing, UserKey

log = logging.getLogger(__name__)

PROMPT = "you> "


def greeting(user_key: str) -> str:
    """What a terminal user sees first: who they are, how to begin, how to leave."""
    return (
        f"backcheck chat. You are {user_key} (what you tell me is stored under that name).\n"
        "To begin, say hi or /start, or just tell me how your back is: 'back 3/10, ran 20 min easy'.\n"
        "To quit, press Ctrl-D or Ctrl-C. ('stop' turns the daily check-ins off; it does not quit.)"
    )


def piped_greeting(user_key: str) -> str:
    """One line for stderr when stdin is not a terminal: stdout stays the bare transcript."""
    return f"backcheck: chatting as {user_key}, one message per line of input; end of input quits."


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
        self._lines = StdinLines(self.stdin)
        self._at_prompt = False  # the cursor sits right after "you> "

    async def start(self) -> None:
        """Greet, then chat until end of input (Ctrl-D), stop() or cancellation (Ctrl-C)."""
        self._greet()
        self._lines.start()
        try:
            while not self._stopped.is_set():
                self._show_prompt()
                line = await self._lines.next()
                if line is None:
                    break
                self._at_prompt = False  # the terminal echoed the Enter
                await self._handle(line.rstrip("\r\n"))
        finally:
            # Ctrl-D and Ctrl-C leave the cursor after the prompt: the shell's prompt goes below.
            self._leave_prompt_line()

    async def stop(self) -> None:
        self._stopped.set()
        self._lines.close()

    async def send(self, key: str, messages: Sequence[Outgoing]) -> None:
        async with self._lock:
            # A scheduled message while the user is at the prompt starts on a line of its own.
            interrupted = self._at_prompt
            self._leave_prompt_line()
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
            if interrupted:
                self._show_prompt()

    async def _handle(self, text: str) -> None:
        try:
            turn = await self.coach.handle(self.user_key, text, self.clock())
        except Exception as exc:
            # Never silence: the user is told, the error (without their text) goes to the log.
            log.error("console: handling a message failed\n%s", traceback_without_message(exc))
            await self.send(self.user_key, [Outgoing(messages.SORRY)])
            return
        await self.send(self.user_key, turn.messages)

    def _greet(self) -> None:
        if self._prompt:
            self._write(greeting(self.user_key) + "\n")
        else:
            print(piped_greeting(self.user_key), file=sys.stderr, flush=True)

    def _show_prompt(self) -> None:
        if self._prompt and not self._at_prompt:
            self._write(PROMPT, end="")
            self._at_prompt = True

    def _leave_prompt_line(self) -> None:
        if self._at_prompt:
            self._write("")
            self._at_prompt = False

    def _write(self, text: str, end: str = "\n") -> None:
        self.stdout.write(text + end)
        self.stdout.flush()
