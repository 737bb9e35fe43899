"""The SQL pieces that differ between SQLite and PostgreSQL, so each stats query is written once.

Dates are bound as ISO strings on SQLite (how it stores them; sqlite3's date adapters are
deprecated) and cast from text on PostgreSQL (asyncpg wants typed parameters).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Dialect:
    pg: bool

    @classmethod
    def named(cls, name: str) -> Dialect:
        return cls(pg=name == "postgresql")

    # --- parameters ---------------------------------------------------------------------------

    def date(self, name: str) -> str:
        return f"CAST(:{name} AS DATE)" if self.pg else f":{name}"

    def ts(self, name: str) -> str:
        return f"CAST(:{name} AS TIMESTAMPTZ)" if self.pg else f":{name}"

    def bind_date(self, d: dt.date) -> object:
        return d if self.pg else d.isoformat()

    def bind_ts(self, d: dt.date) -> object:
        """Midnight UTC at the start of ``d``, as stored (SQLAlchemy's SQLite text format)."""
        at = dt.datetime.combine(d, dt.time(), dt.UTC)
        return at if self.pg else at.strftime("%Y-%m-%d %H:%M:%S.%f")

    # --- expressions --------------------------------------------------------------------------

    def day_of(self, col: str) -> str:
        """The UTC date of a timestamp column."""
        return f"CAST(timezone('UTC', {col}) AS DATE)" if self.pg else f"date({col})"

    def days(self, a: str, b: str) -> str:
        """Whole days from date ``b`` to date ``a`` (an integer)."""
        return f"({a} - {b})" if self.pg else f"CAST(julianday({a}) - julianday({b}) AS INTEGER)"

    def minutes(self, a: str, b: str) -> str:
        """Minutes from timestamp ``b`` to ``a``."""
        return (f"(EXTRACT(EPOCH FROM ({a} - {b})) / 60.0)" if self.pg
                else f"((julianday({a}) - julianday({b})) * 1440.0)")

    def platform(self, col: str) -> str:
        """The platform part of a user key (``telegram`` of ``telegram:123``)."""
        return f"split_part({col}, ':', 1)" if self.pg else f"substr({col}, 1, instr({col}, ':') - 1)"

    def json_text(self, col: str, field: str) -> str:
        """A top-level field of a JSON text column, as text (an array as its JSON text)."""
        return f"(CAST({col} AS json) ->> '{field}')" if self.pg else f"json_extract({col}, '$.{field}')"

    def json_true(self, col: str, field: str) -> str:
        return f"{self.json_text(col, field)} = 'true'" if self.pg else f"json_extract({col}, '$.{field}') = 1"

    def plus_days(self, d: str, n: int) -> str:
        """Date ``d`` plus ``n`` days, kept sargable (an index range on the column compared with it)."""
        return f"({d} + {n})" if self.pg else f"date({d}, '{n:+d} days')"

    def median_of(self, rel: str, col: str = "x") -> str:
        """A scalar subquery: the median of the non-null ``col`` of relation ``rel`` (a CTE).
        PostgreSQL has percentile_cont; SQLite averages the middle one or two rows of the sorted
        values (ORDER BY with LIMIT/OFFSET)."""
        if self.pg:
            return f"(SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY {col}) FROM {rel})"
        n = f"(SELECT COUNT({col}) FROM {rel})"
        return (f"(SELECT AVG({col}) FROM (SELECT {col} FROM {rel} WHERE {col} IS NOT NULL ORDER BY {col} "
                f"LIMIT 2 - {n} % 2 OFFSET ({n} - 1) / 2))")
