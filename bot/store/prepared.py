"""Statements of the hot path, run on SQLite's own cursor once SQLAlchemy has compiled them.

A reply runs about ten short statements. Through ``Connection.execute`` each costs ~35 us of
SQLAlchemy (cache key, execution context, result metadata) around ~7 us of SQLite. A statement
built once at import and marked with :func:`prepared` is compiled once per parameter shape, by
SQLAlchemy's own compiler, with SQLAlchemy's own bind and result processors (dates, datetimes,
booleans...); the inline SQLite session (bot/store/inline.py) then runs it on the driver's cursor
and hands back genuine ``Row`` objects in a small result.

What the marker promises is only that the object lives as long as the process: its ``id`` is then
never reused, so a plan found by id is the plan of that statement. Everything else is checked when
the plan is made, and anything a plan cannot do exactly as SQLAlchemy does (expanding IN, defaults
computed in Python, insertmanyvalues, textual columns, ORM statements, execution options, a
missing required parameter) gets no plan: SQLAlchemy runs it, as it runs every unmarked statement.
PostgreSQL never looks at the marker.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn, TypeVar

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect, Row
from sqlalchemy.engine.result import SimpleResultMetaData
from sqlalchemy.exc import DBAPIError, MultipleResultsFound, NoResultFound, ResourceClosedError
from sqlalchemy.sql import compiler as sql_compiler
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.elements import ClauseElement

S = TypeVar("S", bound=Executable)

#: Statements marked by :func:`prepared`, by id, each kept alive by this dict (so the id stays
#: theirs). Bounded: a statement cache that is cleared and rebuilt (an ``lru_cache`` builder)
#: would otherwise grow it forever; past the bound, new statements simply run through SQLAlchemy.
_REGISTRY: dict[int, Executable] = {}
REGISTRY_LIMIT = 1024
#: Plans per session factory (one dialect), keyed by statement id and parameter shape; bounded
#: for the same reason.
PLANS_LIMIT = 4096


def prepared(statement: S) -> S:
    """Mark a statement that is built once and kept (a module constant, a cached builder's
    result) as one the SQLite inline session may run on the driver's cursor. Returns it."""
    if len(_REGISTRY) < REGISTRY_LIMIT:
        _REGISTRY.setdefault(id(statement), statement)
    return statement


def is_prepared(statement: object) -> bool:
    return _REGISTRY.get(id(statement)) is statement


#: A parameter slot: the caller's key and the bind processor, or (None, value) for a value the
#: statement carries itself (``kind == 'checkin'``), processed once.
_Slot = tuple[str | None, Any]
_BindProcessor = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class Plan:
    """One statement compiled for one dialect and one parameter shape."""

    sql: str
    slots: tuple[_Slot, ...]
    #: Makes a ``Row`` of a raw driver row (result processors applied); None: no rows come back.
    make_row: Callable[[Sequence[Any]], Row[Any]] | None
    columns: int
    many: bool

    def values(self, params: Mapping[str, Any]) -> tuple[Any, ...]:
        out = []
        for key, proc in self.slots:
            if key is None:
                out.append(proc)
            else:
                value = params[key]
                out.append(value if proc is None else proc(value))
        return tuple(out)


class FastResult:
    """What callers read of a result, with SQLAlchemy's meanings: rows are read once (``first``
    and the ``one``/``scalar`` family consume the result; ``all`` and iteration take what is
    left), ``rowcount`` is the driver's. ``rows`` None: the statement returns none (a DML
    statement without RETURNING), and asking for them is an error, as it is in SQLAlchemy."""

    __slots__ = ("_rows", "rowcount")

    def __init__(self, rows: list[Row[Any]] | None, rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount

    def _take(self) -> list[Row[Any]]:
        rows = self._rows
        if rows is None:
            raise ResourceClosedError("This result object does not return rows. It has been closed automatically.")
        self._rows = []
        return rows

    def __iter__(self) -> Iterator[Row[Any]]:
        return iter(self._take())

    def all(self) -> list[Row[Any]]:
        return self._take()

    def first(self) -> Row[Any] | None:
        rows = self._take()
        return rows[0] if rows else None

    def one_or_none(self) -> Row[Any] | None:
        rows = self._take()
        if len(rows) > 1:
            raise MultipleResultsFound("Multiple rows were found when one or none was required")
        return rows[0] if rows else None

    def one(self) -> Row[Any]:
        rows = self._take()
        if not rows:
            raise NoResultFound("No row was found when one was required")
        if len(rows) > 1:
            raise MultipleResultsFound("Multiple rows were found when exactly one was required")
        return rows[0]

    def scalar(self) -> Any:
        row = self.first()
        return None if row is None else row[0]

    def scalar_one(self) -> Any:
        return self.one()[0]

    def scalar_one_or_none(self) -> Any:
        row = self.one_or_none()
        return None if row is None else row[0]


_MISSING = object()


class Plans:
    """The plans of one session factory's dialect, made on first use of each parameter shape."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self._plans: dict[tuple[int, tuple[str, ...], bool], Plan | None] = {}

    def find(self, statement: object, params: Any) -> Plan | None:
        """The plan for running ``statement`` with ``params``, or None: SQLAlchemy runs it."""
        if _REGISTRY.get(id(statement)) is not statement:
            return None
        if params is None:
            keys: tuple[str, ...] = ()
            many = False
        elif type(params) is dict:
            keys = tuple(params)
            many = False
        elif type(params) is list and params and all(type(p) is dict for p in params):
            keys = tuple(params[0])
            many = len(params) > 1
            # SQLAlchemy fills a later set's missing keys from defaults: that set takes its path.
            if many and any(p.keys() != params[0].keys() for p in params):
                return None
        else:
            return None
        ident = (id(statement), keys, many)
        plan = self._plans.get(ident, _MISSING)
        if plan is _MISSING:
            if len(self._plans) >= PLANS_LIMIT:
                return None
            plan = self._plans[ident] = make_plan(statement, self.dialect, keys, many)  # type: ignore[arg-type]
        return plan  # type: ignore[return-value]


def make_plan(statement: Executable, dialect: Dialect, keys: Sequence[str], many: bool) -> Plan | None:
    """Compile ``statement`` as ``Connection.execute`` would for parameters with ``keys``; None
    if running it on the cursor could differ in any way from SQLAlchemy running it."""
    if not isinstance(statement, ClauseElement) or statement.get_execution_options():
        return None
    if getattr(statement, "_propagate_attrs", None):  # ORM-enabled: the ORM runs it
        return None
    compiled = statement.compile(
        dialect=dialect, column_keys=sorted(keys), for_executemany=many,
        linting=dialect.compiler_linting | sql_compiler.WARN_LINTING,
    )
    if not isinstance(compiled, sql_compiler.SQLCompiler) or not _plain(compiled, many):
        return None
    slots = _slots(compiled, set(keys))
    if slots is None:
        return None
    make_row = None
    columns = 0
    if compiled._result_columns:
        make_row = _row_maker(compiled, dialect)
        if make_row is None:
            return None
        columns = len(compiled._result_columns)
    return Plan(compiled.string, slots, make_row, columns, many)


def _plain(compiled: sql_compiler.SQLCompiler, many: bool) -> bool:
    """No step of SQLAlchemy's execution beyond binding, running and reading rows."""
    return (
        compiled.positional and compiled.positiontup is not None
        and not compiled.literal_execute_params and not compiled.post_compile_params
        and not compiled.insert_prefetch and not compiled.update_prefetch
        and not compiled.escaped_bind_names and not compiled.schema_translate_map
        and not compiled.implicit_returning and not compiled.isplaintext
        and not getattr(compiled, "_collected_params", None)
        and not (many and (compiled._insertmanyvalues or compiled._result_columns))
    )


def _slots(compiled: sql_compiler.SQLCompiler, keys: set[str]) -> tuple[_Slot, ...] | None:
    processors: Mapping[str, Any] = compiled._bind_processors
    slots: list[_Slot] = []
    assert compiled.positiontup is not None
    for name in compiled.positiontup:
        bind = compiled.binds[name]
        proc = processors.get(name)
        if proc is not None and not callable(proc):  # a tuple type's processors
            return None
        # As SQLCompiler.construct_params looks them up: the bind's key, then its name.
        if bind.key in keys:
            slots.append((bind.key, proc))
        elif name in keys:
            slots.append((name, proc))
        elif bind.required or bind.callable is not None:
            return None
        else:
            try:
                slots.append((None, bind.value if proc is None else proc(bind.value)))
            except Exception:
                return None  # SQLAlchemy raises it, in its words
    return tuple(slots)


def _row_maker(compiled: sql_compiler.SQLCompiler, dialect: Dialect) -> Callable[[Sequence[Any]], Row[Any]] | None:
    # SQLAlchemy's positional case (CursorResultMetaData._merge_cursor_description): compiled
    # columns in order, keyed by their names, with the type's result processor for the driver's
    # type code (always None for sqlite3).
    if not compiled._ordered_columns or compiled._textual_ordered_columns or compiled._ad_hoc_textual \
            or compiled._loose_column_name_matching:
        return None
    entries = compiled._result_columns
    processors = [entry[3]._cached_result_processor(dialect, None) for entry in entries]
    meta = SimpleResultMetaData([entry[0] for entry in entries])
    return functools.partial(Row, meta, processors if any(processors) else None, meta._key_to_index)


def run(plan: Plan, conn: Connection, cursor: Any, params: Any) -> FastResult | None:
    """Run ``plan`` with ``params`` on ``cursor`` (of ``conn``'s driver connection). Errors are
    SQLAlchemy's, as ``conn.execute`` raises them (IntegrityError, OperationalError...). None if
    a bind processor refused a value: nothing was sent, and SQLAlchemy's own run of the statement
    raises its error in its words."""
    try:
        if plan.many:
            values: Any = [plan.values(p) for p in params]
        else:  # one set of parameters, alone or in a list of one (as SQLAlchemy takes it)
            values = plan.values(params[0] if type(params) is list else params or {})
    except Exception:
        return None
    try:
        if plan.many:
            cursor.executemany(plan.sql, values)
        else:
            cursor.execute(plan.sql, values)
        rows = cursor.fetchall() if plan.make_row is not None else None
    except Exception as err:
        _raise_as_sqlalchemy(err, plan, conn, cursor, values)
    except BaseException as err:
        # As SQLAlchemy does: the connection is in an unknown state after an interrupt.
        conn.invalidate(err)
        raise
    if rows is None:
        return FastResult(None, cursor.rowcount)
    if rows and len(rows[0]) != plan.columns:
        raise RuntimeError(f"{plan.sql!r}: the driver returned {len(rows[0])} columns, not {plan.columns}")
    make_row = plan.make_row
    assert make_row is not None
    return FastResult([make_row(row) for row in rows], cursor.rowcount)


def execute_driver_sql(conn: Connection, cursor: Any, sql: str) -> None:
    """A parameterless statement on the cursor (BEGIN IMMEDIATE), its errors as SQLAlchemy's."""
    try:
        cursor.execute(sql)
    except Exception as err:
        _raise_as_sqlalchemy(err, Plan(sql, (), None, 0, False), conn, cursor, ())


def _raise_as_sqlalchemy(err: Exception, plan: Plan, conn: Connection, cursor: Any, values: Any) -> NoReturn:
    dialect = conn.dialect
    dbapi_error = dialect.loaded_dbapi.Error
    if not isinstance(err, dbapi_error):
        raise err
    disconnect = dialect.is_disconnect(err, conn.connection.dbapi_connection, cursor)
    wrapped = DBAPIError.instance(plan.sql, values, err, dbapi_error, hide_parameters=conn.engine.hide_parameters,
                                  connection_invalidated=disconnect, dialect=dialect, ismulti=plan.many)
    if disconnect:
        conn.invalidate(err)
    raise wrapped from err
