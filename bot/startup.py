"""Start-up that explains itself: every way start-up can fail becomes one line naming the cause
and the setting to fix, with an exit code (2: configuration, 1: anything else), and never a
secret. Causes that go away on their own (the database or the platform not reachable yet) are
retried with backoff for ``BACKCHECK_STARTUP_TIMEOUT`` seconds, one log line per attempt, while
``/readyz`` says what is awaited.

Platform adapters raise these errors for their own causes (a refused token); the database's are
classified here, from the driver's exceptions.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
import sqlite3
import ssl
import time
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import TypeVar

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)
T = TypeVar("T")

EXIT_CONFIG = 2
EXIT_OTHER = 1
#: The first retry waits this long, each next one twice as long, up to MAX_BACKOFF.
FIRST_BACKOFF = 1.0
MAX_BACKOFF = 15.0


class StartupError(Exception):
    """Start-up cannot go on; the message is the one line the operator sees."""

    exit_code = EXIT_OTHER


class ConfigError(StartupError):
    """A setting is wrong: retrying will not help."""

    exit_code = EXIT_CONFIG


class Unreachable(StartupError):
    """Something needed is not reachable yet: worth retrying for a while."""


class Readiness:
    """What ``/readyz`` reports while starting: the thing being waited for, or ready."""

    def __init__(self) -> None:
        self.waiting_for: str | None = "start-up"

    @property
    def ready(self) -> bool:
        return self.waiting_for is None

    def wait_for(self, what: str) -> None:
        self.waiting_for = what

    def done(self) -> None:
        self.waiting_for = None


async def retrying(what: str, attempt: Callable[[], Awaitable[T]], *, patience: float,
                   readiness: Readiness | None = None,
                   sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                   monotonic: Callable[[], float] = time.monotonic) -> T:
    """``attempt()`` until it succeeds, retrying :class:`Unreachable` with doubling waits for at most
    ``patience`` seconds (then the last one is raised, saying how long we tried). Other errors are
    raised at once. One WARNING line per failed attempt."""
    if readiness is not None:
        readiness.wait_for(what)
    start = monotonic()
    delay = FIRST_BACKOFF
    n = 0
    while True:
        n += 1
        try:
            return await attempt()
        except Unreachable as exc:
            left = patience - (monotonic() - start)
            if left <= 0:
                tried = f"{n} attempt{'s' if n != 1 else ''} in {monotonic() - start:.0f}s"
                raise Unreachable(f"{exc} (gave up after {tried}; BACKCHECK_STARTUP_TIMEOUT)") from None
            wait = min(delay, left)
            log.warning("%s; attempt %d, next in %.0fs", exc, n, wait)
            await sleep(wait)
            delay = min(delay * 2, MAX_BACKOFF)


# --- the web app's socket ----------------------------------------------------------------------


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything says the web app is up (uvicorn takes it as is)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        raise ConfigError(f"BACKCHECK_HOST: {host!r} is not an address of this machine") from None
    family, kind, proto, _, addr = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(addr)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise StartupError(f"port {port} on {host} is already in use (another backcheck?): stop it or "
                               "choose another BACKCHECK_PORT") from None
        if exc.errno == errno.EACCES:
            raise ConfigError(f"BACKCHECK_PORT: port {port} needs privileges this user lacks; "
                              "use a port above 1023 behind a reverse proxy") from None
        raise ConfigError(f"BACKCHECK_HOST: cannot listen on {host}:{port} ({exc.strerror})") from None
    sock.setblocking(False)
    return sock


# --- the database --------------------------------------------------------------------------------


def check_sqlite_path(url: str) -> None:
    """A SQLite file must be creatable: its folder exists and is writable."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return
    folder = Path(u.database).expanduser().resolve().parent
    if not folder.is_dir():
        raise ConfigError(f"BACKCHECK_DATABASE_URL: the folder {folder} of the SQLite file does not exist; "
                          "create it or point the URL at another file")
    import os

    if not os.access(folder, os.W_OK | os.X_OK):
        raise ConfigError(f"BACKCHECK_DATABASE_URL: the folder {folder} of the SQLite file is not writable "
                          "by this user")


def where(url: str) -> str:
    """The database, named without its password: ``PostgreSQL db at host:port``."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        return f"SQLite file {u.database}"
    return f"PostgreSQL database {u.database!r} at {u.host or 'localhost'}:{u.port or 5432}"


def _chain(exc: BaseException) -> Iterable[BaseException]:
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        todo += [getattr(e, "orig", None), e.__cause__, e.__context__]


def database_error(exc: BaseException, url: str) -> StartupError:
    """What went wrong reaching the database, in one line without the password."""
    import asyncpg

    db = where(url)
    u = make_url(url)
    for e in _chain(exc):
        if isinstance(e, asyncpg.InvalidCatalogNameError):
            return ConfigError(f"BACKCHECK_DATABASE_URL: {db} does not exist; create it (createdb "
                               f"{u.database}) or fix the URL")
        if isinstance(e, asyncpg.InvalidPasswordError | asyncpg.InvalidAuthorizationSpecificationError):
            return ConfigError(f"BACKCHECK_DATABASE_URL: {db} refused user {u.username!r} "
                               f"({type(e).__name__}); fix the user or password in the URL")
        if isinstance(e, ssl.SSLError | ssl.CertificateError):
            return ConfigError(f"BACKCHECK_DATABASE_URL: SSL with {db} failed ({type(e).__name__}); check "
                               "sslmode and sslrootcert in the URL")
        if isinstance(e, ConnectionError) and "SSL" in str(e):
            return ConfigError(f"BACKCHECK_DATABASE_URL: {db} does not accept SSL but the URL asks for it "
                               "(sslmode); enable SSL on the server or use sslmode=prefer")
        if isinstance(e, asyncpg.CannotConnectNowError | asyncpg.TooManyConnectionsError):
            return Unreachable(f"{db} is not accepting connections yet ({type(e).__name__})")
        if isinstance(e, socket.gaierror):
            return Unreachable(f"{db}: cannot resolve host {u.host!r} (no network, or a typo in "
                               "BACKCHECK_DATABASE_URL)")
        if isinstance(e, ConnectionRefusedError):
            return Unreachable(f"{db} is unreachable (connection refused): start PostgreSQL or fix "
                               "BACKCHECK_DATABASE_URL")
        if isinstance(e, TimeoutError | OSError) and not isinstance(e, sqlite3.Error):
            return Unreachable(f"{db} is unreachable ({type(e).__name__}): check the network or "
                               "BACKCHECK_DATABASE_URL")
        if isinstance(e, sqlite3.OperationalError):
            msg = str(e)
            if "locked" in msg or "busy" in msg:
                return Unreachable(f"{db} is locked by another process")
            return ConfigError(f"BACKCHECK_DATABASE_URL: cannot open {db} ({msg})")
        if isinstance(e, sqlite3.DatabaseError):
            return ConfigError(f"BACKCHECK_DATABASE_URL: {db} is not a SQLite database ({e})")
    # Not recognised: its type only (a driver's message may repeat parameters).
    return StartupError(f"cannot use {db}: {type(exc).__name__}")


async def connect_database(url: str, ping: Callable[[], Awaitable[None]]) -> None:
    """One attempt at the database, its failure classified."""
    try:
        await ping()
    except (DBAPIError, OSError, TimeoutError, sqlite3.Error) as exc:
        raise database_error(exc, url) from None
    except Exception as exc:
        # asyncpg raises its own errors outside SQLAlchemy's wrapping while connecting.
        if type(exc).__module__.startswith("asyncpg"):
            raise database_error(exc, url) from None
        raise


async def select_one(engine: AsyncEngine) -> None:
    """``SELECT 1`` on the engine, raising whatever the driver raises."""
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))
