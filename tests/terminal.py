"""A real terminal for tests: ``backcheck`` on a pseudo-terminal that is its controlling tty, so
Ctrl-C typed as ``\\x03`` becomes SIGINT from the kernel's line discipline, as at a keyboard."""

from __future__ import annotations

import fcntl
import os
import select
import subprocess
import sys
import termios
import time
from pathlib import Path

import httpx

BACKCHECK = [sys.executable, "-m", "adapters.cli"]
CTRL_C, CTRL_D = b"\x03", b"\x04"


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCHECK_")}
    env["BACKCHECK_DATABASE_URL"] = f"sqlite:///{tmp_path / 'cli.db'}"
    env.update(extra)
    return env


def first_answer(proc: subprocess.Popen[str], url: str, deadline: float) -> httpx.Response:
    """The first HTTP answer from ``url`` served by ``proc`` (``backcheck run`` starting), before
    ``deadline`` (``time.monotonic()``) and while ``proc`` runs; its stderr says why if it exits."""
    while True:
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, f"backcheck run did not answer {url}"
            time.sleep(0.2)


def _own_terminal() -> None:
    # In the child: a new session whose controlling terminal is the pty on stdin.
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    """``backcheck ARGS`` with stdin, stdout and stderr on one pty; everything it wrote is in ``.text``."""

    def __init__(self, args: list[str], tmp_path: Path, env: dict[str, str] | None = None) -> None:
        self.master, slave = os.openpty()
        self.proc = subprocess.Popen([*BACKCHECK, *args], stdin=slave, stdout=slave, stderr=slave,
                                     cwd=tmp_path, env=env or clean_env(tmp_path), preexec_fn=_own_terminal)
        os.close(slave)
        self.output = b""
        self.closed = False

    @property
    def text(self) -> str:
        return self.output.decode(errors="replace")

    def expect(self, needle: str, timeout: float = 60) -> None:
        """Read until ``needle`` appears after what was already there."""
        start = len(self.output)
        deadline = time.monotonic() + timeout
        while needle.encode() not in self.output[start:]:
            assert time.monotonic() < deadline, f"no {needle!r} within {timeout}s; got:\n{self.text}"
            self._read(0.2)
            assert not self.closed, f"the terminal closed before {needle!r}; got:\n{self.text}"

    def type(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def wait(self, timeout: float = 20) -> int:
        """Exit code, reading the terminal meanwhile (a full pty would block the writer)."""
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None:
            if time.monotonic() > deadline:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError(f"still running {timeout}s later; got:\n{self.text}")
            self._read(0.1)
        while self._read(0.2):  # what it wrote just before exiting
            pass
        return self.proc.returncode

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)

    def _read(self, timeout: float) -> bool:
        """Take what has arrived; False if nothing did (a timeout, or the other side closed)."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.master, 65536)
        except OSError:  # Linux answers EIO once the other side has closed
            data = b""
        self.closed = not data
        self.output += data
        return bool(data)
