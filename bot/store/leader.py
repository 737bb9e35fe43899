"""The dispatch leader: one process at a time sends scheduled messages, so the platform's bot-wide
rate (Telegram's 30 messages/s) is one rate limiter's to keep, however many replicas run.

On PostgreSQL the leader holds a session advisory lock on a connection of its own. The lock lives
exactly as long as that connection: when the leader's process dies (SIGKILL, a lost node) the server
drops the connection and the lock with it, and the next replica to try (every pass, so within a
minute) becomes leader. A leader checks its connection at every pass; if it has gone (a PostgreSQL
restart) it is no longer leader and competes again like everyone else.

On SQLite there is one process by design: it is always the leader.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.repo import Store

log = logging.getLogger(__name__)

#: The advisory lock key for dispatch (any constant of ours; migrations use another).
DISPATCH_LOCK = 0x62636B64  # "bckd"


class DispatchLeader:
    def __init__(self, store: Store, key: int = DISPATCH_LOCK) -> None:
        self.store = store
        self.key = key
        self._conn: AsyncConnection | None = None
        self._single = store.engine.dialect.name != "postgresql"

    @property
    def held(self) -> bool:
        return self._single or self._conn is not None

    async def hold(self) -> bool:
        """Are we the leader now? Keeps the lock if we have it (checking its connection is
        alive), else tries to take it without waiting."""
        if self._single:
            return True
        if self._conn is not None:
            try:
                await self._conn.execute(text("SELECT 1"))
                await self._conn.commit()
                return True
            except Exception:
                log.warning("dispatch leader: the lock's database connection is gone; competing again")
                await self._drop()
        conn: AsyncConnection | None = None
        try:
            conn = await self.store.engine.connect()
            got = bool((await conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key})).scalar_one())
            # The lock is the session's, not the transaction's: end the transaction, keep the session.
            await conn.commit()
        except Exception:
            log.warning("dispatch leader: cannot reach the database to compete for the lock")
            if conn is not None:
                await _close(conn)
            return False
        if not got:
            await conn.close()
            return False
        self._conn = conn
        log.info("dispatch leader: this process sends the scheduled messages now")
        return True

    async def pid(self) -> int | None:
        """The database backend's process id holding our lock (tests cut it to play a dead leader)."""
        if self._conn is None:
            return None
        return int((await self._conn.execute(text("SELECT pg_backend_pid()"))).scalar_one())

    async def release(self) -> None:
        if self._conn is None:
            return
        try:
            await self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
            await self._conn.commit()
        except Exception:
            pass  # a dead connection has released it already
        await self._drop()

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            await _close(conn)


async def _close(conn: Any) -> None:
    # Never back into the pool: its session may still hold the lock.
    for step in (conn.invalidate, conn.close):
        try:
            await step()
        except Exception:
            pass
