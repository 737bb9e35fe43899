"""SQLite sessions that run on the event loop's own thread.

aiosqlite hands every statement to a helper thread and back; a reply takes a dozen such hops, and on
a busy two-core host each hop costs more than the SQLite work itself (bench/replies.py). SQLite is a
local file, so its statements are short: running them inline, one transaction at a time per process
(SQLite has one writer anyway), is both faster and free of "database is locked" between coroutines.
The session below offers the part of ``AsyncSession`` the project uses, so repository code is the
same for SQLite and PostgreSQL. Statements marked :func:`bot.store.prepared.prepared` run on the
driver's cursor (see there).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bot.store.prepared import Plans, execute_driver_sql, run

T = TypeVar("T")


class InlineSession:
    """The AsyncSession surface the project uses, over one synchronous connection.

    Core statements (on tables: the hot path) run on the connection itself; the ORM's Session
    machinery costs more than SQLite's work for them. A Session joined to the same transaction is
    made only when something ORM-shaped is asked for (an entity query, ``add``, ``get``), and its
    pending changes are flushed before the transaction commits.

    With ``plans`` and ``cursor`` (the connection's driver cursor), prepared statements run on the
    cursor; without them (an engine with event listeners, which must see every statement),
    everything runs through SQLAlchemy.
    """

    def __init__(self, conn: Connection, plans: Plans | None = None, cursor: Any = None) -> None:
        self.conn = conn
        self._orm: Session | None = None
        self._plans = plans
        self._cursor = cursor

    @property
    def sync_session(self) -> Session:
        if self._orm is None:
            # The session joins our transaction and never commits it (we do, after flush()).
            self._orm = Session(bind=self.conn, expire_on_commit=False, autoflush=False,
                                join_transaction_mode="rollback_only")
        return self._orm

    async def execute(self, statement: Any, params: Any = None, **kw: Any) -> Any:
        if self._orm is None and not kw:
            if self._plans is not None:
                plan = self._plans.find(statement, params)
                if plan is not None:
                    result = run(plan, self.conn, self._cursor, params)
                    if result is not None:
                        return result
            if not getattr(statement, "_propagate_attrs", None):
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
        self.plans = Plans(engine.dialect)
        # The driver connection under _conn and a cursor of it, kept while that connection is.
        self._dbapi_conn: Any = None
        self._cursor: Any = None

    @asynccontextmanager
    async def session(self) -> AsyncIterator[InlineSession]:
        async with self._lock:
            if self._conn is None or self._conn.closed or self._conn.invalidated:
                self._conn = self.engine.connect()
            conn = self._conn
            # Listeners (a test's statement counter, a profiler's) must see every statement, and
            # execution options must apply to it: then SQLAlchemy runs them all.
            listened = conn._has_events or conn.engine._has_events or conn.dialect._has_events
            cursor = None if listened or conn.get_execution_options() else self._cursor_of(conn)
            inline = InlineSession(conn) if cursor is None else InlineSession(conn, self.plans, cursor)
            try:
                with conn.begin():
                    # IMMEDIATE takes the write lock up front: another process (a CLI export, a
                    # tick) then waits for busy_timeout instead of failing on a read-to-write
                    # lock upgrade. Issued here rather than from a "begin" engine event: any
                    # engine event makes SQLAlchemy dispatch events around every statement.
                    # SQLAlchemy's transaction stays (the ORM session joins it, its rollback
                    # undoes everything); only the BEGIN goes to the cursor directly.
                    if cursor is None:
                        conn.exec_driver_sql("BEGIN IMMEDIATE")
                    else:
                        execute_driver_sql(conn, cursor, "BEGIN IMMEDIATE")
                    yield inline
                    # What the ORM session holds is written before the transaction commits.
                    await inline.flush()
            finally:
                inline.close()

    def _cursor_of(self, conn: Connection) -> Any:
        dbapi_conn = conn.connection.dbapi_connection
        if dbapi_conn is not self._dbapi_conn:
            self._dbapi_conn, self._cursor = dbapi_conn, dbapi_conn.cursor()  # type: ignore[union-attr]
        return self._cursor

    def dispose(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self._dbapi_conn = self._cursor = None
        self.engine.dispose()
