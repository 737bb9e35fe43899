"""The console chat: a local conversation on stdin/stdout as ``console:NAME``.

Reads stdin line by line, so it works both in a terminal and piped
(``printf '/start\\nnew\\n' | backcheck chat --user ann``).
"""

from __future__ import annotations

import asyncio
import codecs
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from adapters.base import Adapter, traceback_without_message
from bot import messages
from bot.dialogue import Coach, Outgoing

log = logging.getLogger(__name__)

PROMPT = "you> "
#: Lines read ahead of the chat: enough to never wait on the reader, little enough to not
#: hold a whole piped file in memory.
READ_AHEAD = 64


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
        # Lines from the reader thread; None = end of input or stop().
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        self._room = threading.Semaphore(READ_AHEAD)
        self._at_prompt = False  # the cursor sits right after "you> "

    async def start(self) -> None:
        """Greet, then chat until end of input (Ctrl-D), stop() or cancellation (Ctrl-C)."""
        self._greet()
        self._start_reader()
        try:
            while not self._stopped.is_set():
                self._show_prompt()
                line = await self._lines.get()
                if line is None:
                    break
                self._at_prompt = False  # the terminal echoed the Enter
                self._room.release()
                await self._handle(line.rstrip("\r\n"))
        finally:
            # Ctrl-D and Ctrl-C leave the cursor after the prompt: the shell's prompt goes below.
            self._leave_prompt_line()

    async def stop(self) -> None:
        self._stopped.set()
        self._lines.put_nowait(None)

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
                    path = self.download_dir / f"backcheck-{key.replace(':', '_')}-chart.png"
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

    def _start_reader(self) -> None:
        # A daemon thread of our own, not loop.run_in_executor: asyncio.run() joins its default
        # executor on the way out, so a read blocked there made Ctrl-C wait for Enter. A daemon
        # thread blocked in a read is simply left behind when the process exits.
        loop = asyncio.get_running_loop()

        def post(item: str | None) -> bool:
            try:
                loop.call_soon_threadsafe(self._lines.put_nowait, item)
            except RuntimeError:  # the event loop is closed: nobody is listening any more
                return False
            return True

        def read() -> None:
            try:
                for line in _lines_of(self.stdin):
                    self._room.acquire()
                    if not post(line):
                        return
            except OSError as exc:  # e.g. the terminal went away: same as end of input
                log.info("console: stdin closed (%s)", type(exc).__name__)
            post(None)

        threading.Thread(target=read, name="console-stdin", daemon=True).start()

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


def _lines_of(stream: IO[str]) -> Iterator[str]:
    """The stream's lines, each with its newline (the last one may lack it).

    A real file descriptor is read with os.read, not stream.readline: a daemon thread still
    inside the buffered stdin (holding its lock) when the interpreter shuts down is a fatal
    error, while one waiting in os.read holds nothing.
    """
    fd = _fileno(stream)
    if fd is None:  # an in-memory stream: readline never blocks
        yield from iter(stream.readline, "")
        return
    # Bytes that are not valid text become U+FFFD instead of ending the chat.
    decoder = codecs.getincrementaldecoder(getattr(stream, "encoding", None) or "utf-8")(errors="replace")
    pending = ""
    while True:
        chunk = os.read(fd, 65536)
        pending += decoder.decode(chunk, final=not chunk)
        *complete, pending = pending.split("\n")
        for line in complete:
            yield line + "\n"
        if not chunk:
            break
    if pending:
        yield pending


def _fileno(stream: IO[str]) -> int | None:
    try:
        return stream.fileno()
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is both
        return None
