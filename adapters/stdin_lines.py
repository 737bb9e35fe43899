"""Lines of stdin for the console chat, read by a thread of its own so that Ctrl-C is immediate."""

from __future__ import annotations

import asyncio
import codecs
import logging
import os
import threading
from collections.abc import Iterator
from typing import IO

log = logging.getLogger(__name__)

#: Lines read ahead of the chat: enough to never wait on the reader, little enough to not
#: hold a whole piped file in memory.
READ_AHEAD = 64


class StdinLines:
    """``await next()`` gives the next line (with its newline), or None at end of input or after
    ``close()``."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        self._room = threading.Semaphore(READ_AHEAD)

    def start(self) -> None:
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
                for line in _lines_of(self.stream):
                    self._room.acquire()
                    if not post(line):
                        return
            except OSError as exc:  # e.g. the terminal went away: same as end of input
                log.info("console: stdin closed (%s)", type(exc).__name__)
            post(None)

        threading.Thread(target=read, name="console-stdin", daemon=True).start()

    async def next(self) -> str | None:
        line = await self._lines.get()
        if line is not None:
            self._room.release()
        return line

    def close(self) -> None:
        self._lines.put_nowait(None)


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
