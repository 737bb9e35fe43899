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

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

T = TypeVar("T")


class InlineSession:
    """The AsyncSession surface the project uses, over one synchronous connection.

    Core statements (on tables: the hot path) run on the connection itself; the ORM's Session
    machinery costs more than SQLite's work for them. A Session joined to the same transaction is
    made only when something ORM-shaped is asked for (an entity query, ``add``, ``get``), and its
    pending changes are flushed before the transaction commits.
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._orm: Session | None = None

    @property
    def sync_session(self) -> Session:
        if self._orm is None:
            # The session joins our transaction and never commits it (we do, after flush()).
            self._orm = Session(bind=self.conn, expire_on_commit=False, autoflush=False,
                                join_transaction_mode="rollback_only")
        return self._orm

    async def execute(self, statement: Any, params: Any = None, **kw: Any) -> Any:
        if self._orm is None and not kw and not getattr(statement, "_propagate_attrs", None):
            return self.conn.execute(statement, params)
        return self.sync_session.execute(statement, params, **kw)

    async def scalar(self, statement: Any, params: Any = None, **kw: Any) -> Any:
        return (await self.execute(statement, params, **kw)).scalar()

    async def get(self, entity: type[T], ident: Any, **kw: Any) -> T | None:
        return self.sync_session.get(entity, ident, **kw)

    async def flush(self) -> None:
        if self._orm is not None:
            self._orm.flush()

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
        return self.conn

    @property
    def bind(self) -> Any:
        return self.conn

    def close(self) -> None:
        if self._orm is not None:
            self._orm.close()


def sqlite_sync_engine(url: str, on_connect: Callable[[Any, Any], None]) -> Engine:
    engine = create_engine(str(make_url(url).set(drivername="sqlite+pysqlite")))

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, record: Any) -> None:
        on_connect(dbapi_conn, record)
        # We, not the sqlite3 module, decide when transactions begin (InlineSessions.session).
        dbapi_conn.isolation_level = None

    return engine


class InlineSessions:
    """One transaction at a time per process, on the loop thread, on one connection kept open:
    a pool checkout and its reset-on-return cost as much as a short transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = asyncio.Lock()
        self._conn: Connection | None = None

    @asynccontextmanager
    async def session(self) -> AsyncIterator[InlineSession]:
        async with self._lock:
            if self._conn is None or self._conn.closed or self._conn.invalidated:
                self._conn = self.engine.connect()
            conn = self._conn
            inline = InlineSession(conn)
            try:
                with conn.begin():
                    # IMMEDIATE takes the write lock up front: another process (a CLI export, a
                    # tick) then waits for busy_timeout instead of failing on a read-to-write
                    # lock upgrade. Issued here rather than from a "begin" engine event: any
                    # engine event makes SQLAlchemy dispatch events around every statement.
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
                    yield inline
                    # What the ORM session holds is written before the transaction commits.
                    await inline.flush()
            finally:
                inline.close()

    def dispose(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self.engine.dispose()
