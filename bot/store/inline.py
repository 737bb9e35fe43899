"""SQLite sessions that run on the event loop's own thread.

aiosqlite hands every statement to a helper thread and back; a reply takes a dozen such hops, and on
a busy two-core host each hop costs more than the SQLite work itself (bench/replies.py). SQLite is a
local file, so its statements are short: running them inline, one transaction at a time per process
(SQLite has one writer anyway), is both faster and free of "database is locked" between coroutines.
The session below offers the part of ``AsyncSession`` the project uses, so repository code is the
same for SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

T = TypeVar("T")


class InlineSession:
    """The AsyncSession surface the project uses, over a synchronous Session."""

    def __init__(self, sync_session: Session) -> None:
        self.sync_session = sync_session

    async def execute(self, statement: Any, params: Any = None, **kw: Any) -> Any:
        return self.sync_session.execute(statement, params, **kw)

    async def scalar(self, statement: Any, params: Any = None, **kw: Any) -> Any:
        return self.sync_session.scalar(statement, params, **kw)

    async def get(self, entity: type[T], ident: Any, **kw: Any) -> T | None:
        return self.sync_session.get(entity, ident, **kw)

    async def flush(self) -> None:
        self.sync_session.flush()

    async def delete(self, obj: Any) -> None:
        self.sync_session.delete(obj)

    async def refresh(self, obj: Any) -> None:
        self.sync_session.refresh(obj)

    async def run_sync(self, fn: Callable[..., T], *args: Any, **kw: Any) -> T:
        return fn(self.sync_session, *args, **kw)

    def add(self, obj: Any) -> None:
        self.sync_session.add(obj)

    def add_all(self, objs: Iterable[Any]) -> None:
        self.sync_session.add_all(objs)

    def get_bind(self) -> Any:
        return self.sync_session.get_bind()

    @property
    def bind(self) -> Any:
        return self.sync_session.get_bind()


def sqlite_sync_engine(url: str, on_connect: Callable[[Any, Any], None]) -> Engine:
    engine = create_engine(str(make_url(url).set(drivername="sqlite+pysqlite")))

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, record: Any) -> None:
        on_connect(dbapi_conn, record)
        # SQLAlchemy, not the sqlite3 module, decides when transactions begin (below).
        dbapi_conn.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        # IMMEDIATE takes the write lock up front: another process (a CLI export, a tick) then
        # waits for busy_timeout instead of failing on a read-to-write lock upgrade.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class InlineSessions:
    """One transaction at a time per process, on the loop thread."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = asyncio.Lock()

    @asynccontextmanager
    async def session(self) -> AsyncIterator[InlineSession]:
        async with self._lock:
            with Session(self.engine, expire_on_commit=False, autoflush=False) as s, s.begin():
                yield InlineSession(s)

    def dispose(self) -> None:
        self.engine.dispose()
