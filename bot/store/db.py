"""Engines and migrations. The configured URL is the user's (``sqlite:///...``,
``postgresql://...``); the app picks the async driver itself."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


#: libpq URL parameters that asyncpg does not take as they are: anything else in the query
#: (sslmode, sslrootcert, sslcert, sslkey, target_session_attrs, application_name, options...) asyncpg's
#: own DSN parser reads the way libpq does.
_LIBPQ_TIMEOUT = "connect_timeout"


def async_url(url: str) -> str:
    """The SQLAlchemy URL with the async driver. For PostgreSQL the query is dropped: the
    connection itself is made by :func:`pg_connector` from the user's URL, libpq parameters and all."""
    u = make_url(url)
    backend = u.get_backend_name()
    if backend == "sqlite":
        return str(u.set(drivername="sqlite+aiosqlite"))
    if backend in ("postgresql", "postgres"):
        return u.set(drivername="postgresql+asyncpg", query={}).render_as_string(hide_password=False)
    raise ValueError(f"unsupported database URL scheme: {backend}")


def pg_connector(url: str) -> Callable[[], Awaitable[Any]]:
    """A connect function for the URL as managed PostgreSQL providers hand it out
    (``?sslmode=require&connect_timeout=10``). SQLAlchemy would pass every query parameter to
    ``asyncpg.connect`` as a keyword (``TypeError: ... 'sslmode'``); asyncpg's DSN parser
    understands libpq's SSL and session parameters, and ``connect_timeout`` becomes its timeout."""
    import asyncpg

    u = make_url(url)
    query = dict(u.query)
    timeout = float(str(query.pop(_LIBPQ_TIMEOUT, "") or 30))
    dsn = u.set(drivername="postgresql", query=query).render_as_string(hide_password=False)

    async def connect() -> Any:
        return await asyncpg.connect(dsn, timeout=timeout)

    return connect


def dialect_insert(dialect: str) -> Any:
    """The dialect's INSERT construct: both PostgreSQL's and SQLite's have ON CONFLICT."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets readers (web app, scheduler) run beside the writer; NORMAL is durable across
    # process crashes, which is what a single-host bot needs. busy_timeout covers the CLI
    # touching the file while `backcheck run` serves.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


def make_engine(url: str, **kw: Any) -> AsyncEngine:
    if is_sqlite(url):
        engine = create_async_engine(async_url(url), **kw)
        event.listen(engine.sync_engine, "connect", sqlite_pragmas)
        return engine
    if "poolclass" not in kw:  # alembic's env uses a NullPool, which takes no sizes
        kw.setdefault("pool_size", 10)
        kw.setdefault("max_overflow", 10)
    # A connection the server dropped (PostgreSQL restarted, a failover, a network blip) is
    # noticed and replaced on checkout, so the first request after an outage does not fail.
    kw.setdefault("pool_pre_ping", True)
    kw.setdefault("async_creator", pg_connector(url))
    return create_async_engine(async_url(url), **kw)


def _alembic_config(url: str) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # The user's URL: env.py builds its engine with make_engine, libpq parameters included.
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade_sync(url: str, revision: str = "heads") -> None:
    """Apply migrations (blocking; runs its own event loop inside alembic's env)."""
    from alembic import command

    command.upgrade(_alembic_config(url), revision)


async def upgrade(url: str, revision: str = "heads") -> None:
    # alembic's async env runs its own loop, so it gets a thread of its own.
    await asyncio.to_thread(upgrade_sync, url, revision)
