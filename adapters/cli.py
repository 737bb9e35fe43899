"""The ``backcheck`` command line: the composition root that wires core, adapters and scheduler.

It lives with the adapters because a CLI is itself a driving adapter (ports and adapters): the
core in bot/ stays free of any platform import.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperArgument, TyperCommand

from bot import startup
from bot.config import Settings, SettingsError, load_settings
from bot.conversation import Coach
from bot.startup import Readiness, StartupError
from bot.store.repo import Store

CONTRACTS = "docs/contracts.md"

# Plain (click-style) help: typer's rich panels print a type column for every parameter,
# flags included (`--help <bool>`), and box-drawing that is noise in a pipe or a log.
app = typer.Typer(
    add_completion=False, no_args_is_help=True, rich_markup_mode=None,
    help="backcheck: a chat coach for runners with common back pain.",
    epilog=f"Commands, settings, exit codes and file formats: {CONTRACTS}.",
)
user_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="One user's data: export or delete.")
db_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="Database maintenance.")
app.add_typer(user_app, name="user")
app.add_typer(db_app, name="db")

log = logging.getLogger("backcheck")
T = TypeVar("T")

#: Loggers that are ours: their warnings are shown; anyone else's only from ERROR up.
OWN_LOGGERS = frozenset({"backcheck", "bot", "adapters", "scheduler"})
#: They narrate every step at INFO (and httpx logs URLs that hold the bot token): WARNING even with -v.
NARRATORS = ("alembic", "httpx", "apscheduler")


class Command(TyperCommand):
    """Help that names arguments as FILE or KEY: typer writes `KEY <str>` in the arguments list
    and `{KEY}` in the usage line."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for p in self._arguments(ctx):
            pieces.append(_metavar(p) if p.required else f"[{_metavar(p)}]")
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        args = [(_metavar(p), p.help or "") for p in self._arguments(ctx)]
        opts = [r for p in self.get_params(ctx)
                if p.param_type_name == "option" and (r := p.get_help_record(ctx)) is not None]
        for title, rows in (("Arguments", args), ("Options", opts)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)

    def _arguments(self, ctx: Any) -> list[TyperArgument]:
        return [p for p in self.get_params(ctx) if isinstance(p, TyperArgument)]


def _metavar(p: TyperArgument) -> str:
    return p.metavar or (p.name or "").upper()


USER_KEY = "user key, e.g. telegram:123 or console:ann"


class BadInput(Exception):
    """Exit code 2 with a one-line reason."""


def _settings(**overrides: Any) -> Settings:
    try:
        return load_settings(**overrides)
    except SettingsError as exc:
        raise BadInput(str(exc)) from None


class _OwnWarnings(logging.Filter):
    """Default level: warnings from backcheck, errors from anyone. A library's warnings (matplotlib's
    font cache, its temporary config folder) are nothing a chat user can act on, and on a terminal
    stderr lands in the middle of the chat."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR or record.name.partition(".")[0] in OWN_LOGGERS


def _setup_logging(verbose: bool) -> None:
    # Health data: log lines carry event names and user keys, never message texts or scores.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    if not verbose:
        handler.addFilter(_OwnWarnings())
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, handlers=[handler], force=True)
    for name in NARRATORS:
        logging.getLogger(name).setLevel(logging.WARNING)


@app.callback()
def main_options(
    verbose: Annotated[bool, typer.Option("--verbose", "-v",
                                          help="log INFO lines to stderr (default: warnings and errors only)")] = False,
) -> None:
    _setup_logging(verbose)


async def _open_store(settings: Settings, migrate: bool = True, *, retry: bool = False) -> Store:
    """The store, reached (and migrated): a failure is one line (bot/startup.py). With ``retry``
    an unreachable database is waited for, up to STARTUP_TIMEOUT."""
    startup.check_sqlite_path(settings.database_url)
    store = Store(settings.database_url)
    try:
        await _reach(settings, store, migrate=migrate, patience=settings.startup_timeout if retry else 0)
    except BaseException:
        await store.close()
        raise
    return store


async def _reach(settings: Settings, store: Store, *, migrate: bool = True, patience: float = 0,
                 readiness: Readiness | None = None) -> None:
    """Reach the database (and migrate it), retrying while it is unreachable."""
    url = settings.database_url

    async def attempt() -> None:
        await startup.connect_database(url, lambda: startup.select_one(store.engine))
        if migrate:
            await startup.connect_database(url, store.migrate)

    await startup.retrying("database", attempt, patience=patience, readiness=readiness)


@app.command(cls=Command, short_help="Serve the chat, the scheduler and the web app.")
def run() -> None:
    """Serve everything configured (console chat when no platform tokens are set), the scheduler and
    the web app on HOST:PORT. Migrates the database first. Ctrl-C stops it (exit code 130)."""
    settings = _settings()
    from adapters import serving  # uvicorn only for the commands that serve

    serving.run(_run(settings))


async def _run(settings: Settings) -> None:
    from adapters import serving
    from adapters.console import ConsoleAdapter
    from bot.web import create_app
    from scheduler.runner import Scheduler

    # Configuration first (exit 2), and the port taken before anything says the app is up.
    startup.check_sqlite_path(settings.database_url)
    sock = startup.bind(settings.host, settings.port)
    readiness = Readiness()
    # The engine connects lazily: nothing is reached before the web app can report on it.
    store = Store(settings.database_url)
    coach = Coach(store, settings)
    adapters: list[Any] = []
    console: ConsoleAdapter | None = None
    if not settings.telegram_enabled and not settings.slack_enabled:
        console = ConsoleAdapter(coach, user="me")
        adapters.append(console)
    if settings.telegram_enabled:
        from adapters.telegram import TelegramAdapter

        adapters.append(TelegramAdapter(coach, settings))
    if settings.slack_enabled:
        from adapters.slack import SlackAdapter

        adapters.append(SlackAdapter(coach, settings))
    from bot.admin import admin_routes

    web = create_app(store, [*admin_routes(store, settings), *(r for a in adapters for r in a.routes())],
                     readiness=readiness)
    server = serving.server(web)
    serve = asyncio.create_task(server.serve(sockets=[sock]))
    port = sock.getsockname()[1]
    where = f"http://{settings.host}:{port} (/healthz, /readyz, /admin, /metrics)"
    if console is None:
        # A server that prints nothing on start looks hung; the console's greeting says enough.
        print(f"backcheck: web app on {where}; Ctrl-C stops.", file=sys.stderr, flush=True)
    else:
        log.info("web app on %s", where)
    sched: Scheduler | None = None
    started: list[Any] = []
    try:
        # /readyz says "starting" until the database and the platforms answer; a transient
        # failure is retried for STARTUP_TIMEOUT seconds, one log line per attempt.
        await _reach(settings, store, patience=settings.startup_timeout, readiness=readiness)
        # Platform adapters start once the web app is serving: a webhook may fire right away.
        for a in adapters:
            if a is not console:
                started.append(a)  # stopped in any case: a failed start leaves connections open
                await startup.retrying(a.platform, a.start, patience=settings.startup_timeout,
                                       readiness=readiness)
        readiness.done()
        # One pass now (catch-up after downtime), then one every minute.
        sched = Scheduler(store, {a.platform: a for a in adapters}, settings)
        sched.start()
        # What start-up built (modules, SQLAlchemy's and Bolt's objects) lives as long as the
        # process: kept out of the collector's sight, a full collection scans only what requests
        # made instead of ~120k objects each time (tens of ms; bench/slack.py).
        gc.freeze()
        if console is not None:
            chat = asyncio.create_task(console.start())
            done, _ = await asyncio.wait({serve, chat}, return_when=asyncio.FIRST_COMPLETED)
            if chat in done:
                server.should_exit = True
            await serve
        else:
            await serve
    finally:
        server.should_exit = True
        if sched is not None:
            await sched.stop()
        for a in started:
            await a.stop()
        if not serve.done():
            await serve
        await store.close()


@app.command(cls=Command, short_help="One scheduler pass, then exit (for cron).")
def tick(
    now: Annotated[str | None, typer.Option("--now", metavar="ISO8601",
                                            help="run the pass as at this ISO 8601 instant (with offset), "
                                                 "e.g. 2026-12-01T07:30:00Z")] = None,
) -> None:
    """One scheduler pass (check-ins, reminders, digests due now), then exit: for cron deployments.
    Messages to console users are printed as JSON lines; a summary goes to stderr."""
    at = datetime.now(UTC)
    if now is not None:
        try:
            at = datetime.fromisoformat(now.strip())
        except ValueError:
            raise BadInput(f"--now: {now!r} is not an ISO 8601 time like 2026-12-01T07:30:00+00:00") from None
        if at.tzinfo is None:
            raise BadInput(f"--now: {now!r} needs a UTC offset, e.g. 2026-12-01T07:30:00+00:00")
    settings = _settings()
    asyncio.run(_tick(settings, at))


async def _tick(settings: Settings, at: datetime) -> None:
    import time

    from adapters.printer import PrintSender
    from bot.ports import Sender
    from bot.store.leader import DispatchLeader
    from scheduler.passes import run_pass

    store = await _open_store(settings, retry=True)
    t0 = time.monotonic()
    console = PrintSender(lambda: at + timedelta(seconds=time.monotonic() - t0))
    senders: dict[str, Sender] = {console.platform: console}
    started: list[Any] = []
    stops: list[Callable[[], Awaitable[None]]] = []
    try:
        if settings.telegram_enabled:
            from adapters.telegram import TelegramAdapter

            tg = TelegramAdapter(Coach(store, settings), settings)
            started.append(tg)
            await startup.retrying("telegram", tg.initialize, patience=settings.startup_timeout)
            senders[tg.platform] = tg
        if settings.slack_enabled:
            from adapters.slack import SlackAdapter

            slack = SlackAdapter(Coach(store, settings), settings)
            await slack.out.open()  # sending only: no events, no socket
            stops.append(slack.out.close)
            senders[slack.platform] = slack
        # A tick beside `backcheck run` replicas (or an overlapping cron job) leaves the sending
        # to whoever is dispatch leader: two senders would each use the platform's whole rate.
        leader = DispatchLeader(store)
        if not await leader.hold():
            print("backcheck tick: another process is sending the scheduled messages (dispatch leader); "
                  "nothing to do", file=sys.stderr)
            return
        try:
            report = await run_pass(store, senders, settings, at)
        finally:
            await leader.release()
        print(f"backcheck tick: {report.summary()}", file=sys.stderr)
    finally:
        for a in started:
            await a.stop()
        for stop in stops:
            await stop()
        await store.close()


@app.command(cls=Command)
def chat(
    user: Annotated[str, typer.Option("--user", metavar="NAME", help="chat as console:NAME")] = "me",
) -> None:
    """A local chat with the coach on stdin/stdout (works piped too). Ctrl-D or Ctrl-C ends it."""
    settings = _settings()
    if not user.strip() or ":" in user:
        raise BadInput("--user must be a plain name like ann")
    asyncio.run(_chat(settings, user))


async def _chat(settings: Settings, user: str) -> None:
    from adapters.console import ConsoleAdapter

    store = await _open_store(settings)
    try:
        await ConsoleAdapter(Coach(store, settings), user=user).start()
    finally:
        await store.close()


@app.command(cls=Command, short_help="Replay a diary script; print the transcript.")
def simulate(
    file: Annotated[Path, typer.Argument(metavar="FILE", help=f"JSON Lines script (format: {CONTRACTS})")],
    db: Annotated[str | None, typer.Option("--db", metavar="URL",
                                           help="database URL (default: a fresh temporary one)")] = None,
    table: Annotated[bool, typer.Option("--table", help="print a day-by-day table for reading instead of "
                                                        "JSON Lines")] = False,
) -> None:
    """Replay a timestamped script through the real core on a simulated clock; print JSON Lines
    (or, with --table, one row per user and day)."""
    from bot.simulate import SimulationError, read_script

    if not file.is_file():
        raise BadInput(f"{file}: no such file")
    try:
        steps = read_script(file.read_text(encoding="utf-8").splitlines())
    except (SimulationError, UnicodeDecodeError) as exc:
        raise BadInput(f"{file}: {exc}") from None
    with tempfile.TemporaryDirectory(prefix="backcheck-sim-") as tmp:
        url = db or f"sqlite:///{tmp}/simulate.db"
        settings = _settings(database_url=url)
        lines: list[dict[str, Any]] = []
        try:
            asyncio.run(_simulate(settings, steps, lines.append if table else None))
        except SimulationError as exc:
            raise BadInput(f"{file}: {exc}") from None
    if table:
        zones = {st.user: str(st.profile["timezone"]) for st in steps
                 if st.profile and isinstance(st.profile.get("timezone"), str)}
        _print_table(lines, zones, settings.default_timezone, title=file.name)


def _print_table(lines: list[dict[str, Any]], zones: dict[str, str], default_tz: str, *, title: str) -> None:
    """The transcript as a rich table: wrapped to the terminal (100-120 columns read well; 120
    when piped), colour only on a terminal (rich leaves it out otherwise, and honours NO_COLOR)."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from bot.simulate import day_rows

    rows = day_rows(lines, {u: zones.get(u, default_tz) for u in {str(x["user"]) for x in lines}})
    console = Console(width=None if sys.stdout.isatty() else 120, highlight=False, emoji=False)
    users = sorted({r.user for r in rows})
    for user in users:
        t = Table(title=f"{title}: {user}", box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False,
                  show_lines=True, expand=True, title_justify="left")
        t.add_column("date", no_wrap=True, width=9)
        t.add_column("user wrote", ratio=3)
        t.add_column("recorded", ratio=3)
        t.add_column("action", width=11)
        t.add_column("min", width=7)
        t.add_column("nudge", width=9)
        t.add_column("reason", ratio=4)
        for r in (x for x in rows if x.user == user):
            flagged = "RED FLAG" in r.recorded or r.action.startswith("seek_care")
            wrote = "\n".join(r.wrote) if r.wrote else "-"
            # The morning question is implied on a day they answered; anything else is worth a note.
            sent = [k for k in r.sent if k != "check-in"] if r.wrote else r.sent
            if sent:
                note = "(sent: " + ", ".join(sent) + ")"
                wrote = f"{wrote}\n{note}" if r.wrote else f"- {note}"
            t.add_row(f"{r.day:%a} {r.day:%m-%d}", wrote, r.recorded or "-", r.action.replace("_", "-") or "-",
                      r.minutes or "-",
                      r.nudge or "-", r.reason or "-", style="bold red" if flagged else None)
        console.print(t)


async def _simulate(settings: Settings, steps: list[Any],
                    collect: Callable[[dict[str, Any]], None] | None = None) -> None:
    from scheduler.sim import replay

    def emit(obj: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")

    # The real scheduler passes on the script's clock: check-ins and reminders at their due times.
    await replay(settings, steps, collect or emit)
    sys.stdout.flush()


@user_app.command("export", cls=Command)
def user_export(key: Annotated[str, typer.Argument(metavar="KEY", help=USER_KEY)]) -> None:
    """Print a user's complete data as JSON."""
    settings = _settings()
    data = asyncio.run(_user_export(settings, key))
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


async def _user_export(settings: Settings, key: str) -> dict[str, Any]:
    return await _about_user(settings, key, lambda coach: coach.export(key, datetime.now(UTC)))


async def _about_user(settings: Settings, key: str, ask: Callable[[Coach], Awaitable[T | None]]) -> T:
    """One question to the core about one user (export, counts, erase); exit 2 if there is no such user."""
    store = await _open_store(settings)
    try:
        answer = await ask(Coach(store, settings))
    finally:
        await store.close()
    if answer is None:
        raise BadInput(f"no user {key!r}")
    return answer


@user_app.command("delete", cls=Command)
def user_delete(
    key: Annotated[str, typer.Argument(metavar="KEY", help=USER_KEY)],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="erase without asking (needed when stdin "
                                                          "is not a terminal)")] = False,
) -> None:
    """Erase everything stored about a user, after asking. Prints what was erased as JSON."""
    settings = _settings()
    if not yes and not sys.stdin.isatty():
        raise BadInput(f"user delete: no terminal to ask on; pass --yes to erase {key} without asking")
    if not yes:
        checkins, rows = asyncio.run(_user_footprint(settings, key))
        what = f"{checkins} check-in{'s' if checkins != 1 else ''}, {rows} rows in all"
        if not _ask(f"Erase everything stored about {key} ({what})? It cannot be undone."):
            print("backcheck: nothing erased", file=sys.stderr)
            raise typer.Exit(1)
    counts = asyncio.run(_user_delete(settings, key))
    sys.stdout.write(json.dumps({"deleted": key, "rows": counts}) + "\n")


def _ask(question: str) -> bool:
    """y/N on stderr (stdout carries the JSON result); Ctrl-C or Ctrl-D there means no."""
    try:
        return typer.confirm(question, default=False, err=True)
    except typer.Abort:
        print(file=sys.stderr)  # off the question's line
        return False


async def _user_footprint(settings: Settings, key: str) -> tuple[int, int]:
    """How many check-ins, and how many rows in all, delete would erase."""
    counts = await _about_user(settings, key, lambda coach: coach.summary(key))
    return counts["checkins"], sum(counts.values()) + 1  # + the user's own row


async def _user_delete(settings: Settings, key: str) -> dict[str, int]:
    return await _about_user(settings, key, lambda coach: coach.erase(key))


@app.command(cls=Command, short_help="Usage and outcome stats (aggregates; small numbers as <5).")
def stats(
    days: Annotated[int, typer.Option("--days", metavar="N", min=1, max=3660,
                                      help="the last N days, today included (default 28)")] = 28,
    team: Annotated[str | None, typer.Option("--team", metavar="NAME",
                                             help="only this group's members (its title or key)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="print the report as CSV")] = False,
) -> None:
    """Usage and outcome stats for admins: users, check-ins, coaching, retention, outcomes, teams.
    Any figure about fewer than 5 people is shown as <5."""
    from bot.stats import csv_text, default_range, stats_report

    if as_json and as_csv:
        raise BadInput("--json and --csv: choose one")
    settings = _settings()
    r = default_range(datetime.now(UTC).date(), days, team)

    async def report() -> dict[str, Any]:
        store = await _open_store(settings)
        try:
            return await stats_report(store, r)
        finally:
            await store.close()

    rep = asyncio.run(report())
    if as_json:
        sys.stdout.write(json.dumps(rep, indent=2) + "\n")
    elif as_csv:
        sys.stdout.write(csv_text(rep))
    else:
        _print_stats(rep)


def _print_stats(rep: dict[str, Any]) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from bot.stats import flat, pct

    rng = rep["range"]
    team = f", team {rng['team']}" if rng["team"] else ""
    t = Table(title=f"backcheck stats {rng['start']} to {rng['end']}{team} (<5: fewer than 5 people)",
              box=box.SIMPLE_HEAD, title_justify="left")
    for name, just in (("section", "left"), ("figure", "left"), ("detail", "left"), ("value", "right")):
        t.add_column(name, justify=just)  # type: ignore[arg-type]
    last = ""
    for section, figure, detail, value in flat(rep, daily=False):
        shown = pct(value) if figure.endswith(("rate", "share", "participation")) or figure.startswith("week_") \
            else "-" if value is None else str(value)
        t.add_row(section if section != last else "", figure, detail, shown)
        last = section
    Console(width=None if sys.stdout.isatty() else 120, highlight=False, emoji=False).print(t)


@db_app.command("upgrade", cls=Command)
def db_upgrade() -> None:
    """Apply database migrations."""
    settings = _settings()
    asyncio.run(_db_upgrade(settings))
    typer.echo("database is up to date")


async def _db_upgrade(settings: Settings) -> None:
    # Often an init container or a deploy step started beside the database: wait for it.
    store = await _open_store(settings, retry=True)
    await store.close()


def main() -> None:
    try:
        # Not standalone: exit codes and one-line messages are ours (see docs/contracts.md).
        code = app(prog_name="backcheck", standalone_mode=False)
    except BadInput as exc:
        print(f"backcheck: {exc}", file=sys.stderr)
        sys.exit(2)
    except StartupError as exc:
        # One line naming the cause and the setting; 2 when a setting is wrong (docs/contracts.md).
        print(f"backcheck: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.exit(1)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        _exit_for(exc)
    # typer returns the code of an Exit (130 for Ctrl-C, 0 after --help), else the command's None.
    sys.exit(code if isinstance(code, int) else 0)


def _exit_for(exc: Exception) -> None:
    # typer ships its own copy of click, so click's exceptions are recognised by shape.
    code = getattr(exc, "exit_code", None)
    if isinstance(code, int) and hasattr(exc, "format_message"):
        if type(exc).__name__ == "NoArgsIsHelpError":
            exc.show()  # type: ignore[attr-defined]  # the help itself, not "backcheck: <help>"
        elif code == 2:
            print(f"backcheck: {exc.format_message()}", file=sys.stderr)
        else:
            exc.show()  # type: ignore[attr-defined]
        sys.exit(code)
    log.exception("backcheck failed")
    sys.exit(1)


if __name__ == "__main__":
    main()
