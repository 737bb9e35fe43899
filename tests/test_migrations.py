"""Migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlmodel import SQLModel

from bot.store.db import MIGRATIONS, _alembic_config, upgrade
from bot.store.repo import Store
from tests.conftest import fresh_pg_database


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



def test_0004_moves_the_dialogue_bookkeeping_out_of_the_json_and_back(tmp_path: Path) -> None:
    """A user stored before 0004 (open question's date in conv_data, the dialogue's dates inside
    the model's JSON) keeps all of it in the new columns, on both engines; downgrade restores it."""
    with fresh_pg_database("backcheck_mig") as pg:
        for url in (f"sqlite:///{tmp_path / 'mig.db'}", pg):
            asyncio.run(_round_trip_0004(url))


_MODEL = {"v": 2, "start": "2026-11-01", "records": []}
_OLD_TOLERANCE = json.dumps({"model": _MODEL, "extra": {"last_checkin": "2026-11-20", "screened_on": "2026-11-19"}})


async def _round_trip_0004(url: str) -> None:
    await upgrade(url, "0003")
    s = Store(url)
    try:
        async with s.session() as db:
            await db.execute(text(
                "INSERT INTO users (key, timezone, checkin_time, days, experience, reminders, status, onboarded, "
                "created_at, tolerance, conv_state, conv_data) VALUES ('console:old', 'UTC', '07:30', 'mon', 'new', "
                "true, 'active', true, '2026-11-01 00:00:00+00', :tol, 'checkin', :data)"),
                {"tol": _OLD_TOLERANCE, "data": json.dumps({"date": "2026-11-21"})})
        await upgrade(url, "0004")
        async with s.session() as db:
            row = (await db.execute(text(
                "SELECT tolerance, conv_state, conv_on, last_checkin_on, screened_on FROM users"))).one()
        assert json.loads(row[0]) == _MODEL
        assert row[1] == "checkin"
        assert [str(v) for v in row[2:]] == ["2026-11-21", "2026-11-20", "2026-11-19"]
        await asyncio.to_thread(command.downgrade, _alembic_config(url), "0003")
        async with s.session() as db:
            tolerance, data = (await db.execute(text("SELECT tolerance, conv_data FROM users"))).one()
        assert json.loads(tolerance) == json.loads(_OLD_TOLERANCE)
        assert json.loads(data) == {"date": "2026-11-21"}
    finally:
        await s.close()
