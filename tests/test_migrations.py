"""Migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

from bot.store.db import MIGRATIONS, _alembic_config
from bot.store.repo import Store


def test_one_linear_history() -> None:
    script = ScriptDirectory.from_config(_alembic_config("sqlite:///unused.db"))
    assert len(script.get_heads()) == 1
    assert MIGRATIONS.is_dir()


async def test_migrated_schema_matches_the_models(store: Store) -> None:
    def diff(conn):  # type: ignore[no-untyped-def]
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        return compare_metadata(ctx, SQLModel.metadata)

    async with store.engine.connect() as conn:
        assert await conn.run_sync(diff) == []
