"""The console chat: never silent on a failure, the user's words stay out of the log, and in a
terminal it greets, and Ctrl-C and Ctrl-D end it at once on a clean line."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import signal
import subprocess
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from adapters.console import PROMPT, ConsoleAdapter
from bot import messages as M
from bot.conversation import Coach
from bot.ports import Outgoing, Turn
from tests.terminal import BACKCHECK, CTRL_C, CTRL_D, Terminal, clean_env


class Broken(Coach):
    def __init__(self) -> None:  # no store needed: every message fails
        pass

    async def handle(self, key: str, text: str, now: datetime) -> Turn:
        raise RuntimeError(f"database refused parameters ({text!r})")


async def test_a_failure_gets_an_apology_and_logs_no_message_text(caplog: pytest.LogCaptureFixture) -> None:
    out = io.StringIO()
    console = ConsoleAdapter(Broken(), user="ann", stdin=io.StringIO("back 7/10, numb groin\n"), stdout=out)
    with caplog.at_level(logging.ERROR):
        await console.start()
    assert M.SORRY in out.getvalue()
    assert "RuntimeError" in caplog.text
    assert "numb groin" not in caplog.text and "7/10" not in caplog.text


# --- in a real terminal and through a pipe -------------------------------------------------------


Opener = Callable[..., Terminal]


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Opener]:
    opened: list[Terminal] = []

    def open_(*args: str) -> Terminal:
        opened.append(Terminal(list(args), tmp_path))
        return opened[-1]

    yield open_
    for t in opened:
        t.close()


def after_last_prompt(t: Terminal) -> str:
    return t.text.rsplit(PROMPT, 1)[1]


def test_the_greeting_says_who_you_are_how_to_begin_and_how_to_quit(terminal: Opener) -> None:
    t = terminal("chat", "--user", "ann")
    t.expect(PROMPT)
    greeting = t.text.split(PROMPT)[0]
    assert "You are console:ann" in greeting
    assert "/start" in greeting and "how your back is" in greeting
    assert "Ctrl-D" in greeting and "Ctrl-C" in greeting and "'stop'" in greeting
    t.type(CTRL_D)
    assert t.wait() == 0


def test_ctrl_c_at_the_prompt_ends_the_chat_at_once_on_a_line_of_its_own(terminal: Opener) -> None:
    t = terminal("chat")
    t.expect(PROMPT)
    t.type(b"hi\r")
    t.expect(PROMPT)  # the bot answered; the chat waits in a read again
    t.type(CTRL_C)
    assert t.wait(timeout=20) == 130
    assert "Traceback" not in t.text and "KeyboardInterrupt" not in t.text
    assert "\n" in after_last_prompt(t), t.text  # the shell's prompt goes below, not after "you> ^C"


def test_ctrl_d_at_the_prompt_ends_the_line_and_the_chat(terminal: Opener) -> None:
    t = terminal("chat")
    t.expect(PROMPT)
    t.type(CTRL_D)
    assert t.wait() == 0
    assert after_last_prompt(t).startswith("\r\n"), t.text
    assert "Traceback" not in t.text


def test_ctrl_c_ends_a_piped_chat_at_once(tmp_path: Path) -> None:
    # The pipe stays open and empty: the chat is blocked reading it when the interrupt comes.
    proc = subprocess.Popen([*BACKCHECK, "chat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=clean_env(tmp_path))
    try:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write("hi\n")
        proc.stdin.flush()
        assert proc.stdout.readline().startswith("bot> ")
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)  # with stdin still open: no end of input to help it along
        _, err = proc.communicate()
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "Traceback" not in err


class PipeTerminal(io.TextIOWrapper):
    """The read end of a pipe that says it is a terminal: the prompt shows, input is ours to give."""

    def isatty(self) -> bool:
        return True


class Screen(io.StringIO):
    """The console's stdout; says when the prompt is up."""

    def __init__(self) -> None:
        super().__init__()
        self.prompted = asyncio.Event()

    def write(self, s: str) -> int:
        if s == PROMPT:
            self.prompted.set()
        return super().write(s)


def a_terminal_pipe() -> tuple[PipeTerminal, int]:
    r, w = os.pipe()
    return PipeTerminal(os.fdopen(r, "rb")), w


async def test_a_scheduled_message_at_the_prompt_gets_lines_of_its_own() -> None:
    stdin, w = a_terminal_pipe()
    out = Screen()
    with stdin:
        console = ConsoleAdapter(Broken(), user="ann", stdin=stdin, stdout=out)
        chat = asyncio.create_task(console.start())
        await asyncio.wait_for(out.prompted.wait(), 10)
        await console.send("console:ann", [Outgoing("Good morning!")])
        os.close(w)  # end of input, as Ctrl-D
        await asyncio.wait_for(chat, 10)
    transcript = out.getvalue().split("\n\n", 1)[1]  # after the greeting
    assert transcript == f"{PROMPT}\nbot> Good morning!\n{PROMPT}\n"
