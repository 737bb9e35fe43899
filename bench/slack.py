"""The Slack adapter end to end through ``POST /slack/events`` against a bare Bolt echo app, in
the same run, both against the fake Slack Web API in its own process (tests/fake_slack.py).
Prints figures; asserts nothing.

    python -m bench.slack [--users 300] [--per-user 5] [--concurrency 16] [--repeat 5] [--no-profile]

Each app runs in a process of its own (uvicorn, our ASGI app or a bare Starlette one), so its CPU
per event is its own: not the load generator's (signing requests, HTTP client), not the fake's.
An event is a signed ``message.im`` event_callback, as Slack sends it; it is done when the app's
HTTP answer arrives, and both apps answer after their work (``process_before_response``: Bolt's
setting for work that must not be lost), so the clock covers the whole of it:

- backcheck: Bolt's signature check, the event claimed once in the database (retries), the
  DM check-in through Coach.handle on SQLite (a transaction per message), the reply posted
  (chat.postMessage);
- backcheck, App Home open: the same, for users who have opened the App Home tab (each opens it
  before the clock starts), so each check-in also republishes their Home (views.publish), read
  in the answer's own transaction. Users who never opened it get no views.publish per check-in;
- echo: Bolt's signature check and one chat.postMessage with the same text;
- backcheck's Slack side alone: the backcheck app with Coach.handle answering every event with
  one fixed, real check-in answer (computed once at start) and touching no database: what the
  adapter itself costs (Bolt, translation, Block Kit, the Sender), beside the echo's.

Both apps call ``gc.freeze()`` once built, as ``backcheck run`` does once started, and both are
served as ``backcheck run`` serves (adapters/serving.py: uvicorn on httptools and uvloop when
installed), so the server's parts are the same on both sides; the output names them.

Runs are interleaved (echo, backcheck, backcheck with the Home, its Slack side alone, the core
alone) so drift in the machine's load hits all alike; the median of ``--repeat`` is printed, with
the load average (the rates move with other work on the machine; CPU per event moves less). Coach.handle's own CPU is
also counted inside the backcheck app's process (exact on SQLite, whose transactions run inline
without yielding); "the core alone" is the same messages straight into Coach.handle in this
process. Then one more, untimed pass per app under cProfile says where the CPU goes, by
package (shares measured under the profiler, scaled to the timed CPU per event); with
``BENCH_PSTATS=DIR`` in the environment each app's whole profile is saved there too.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import os
import pstats
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp

from adapters import serving
from bot.config import Settings
from bot.conversation import Coach
from bot.store.repo import Store
from tests.fake_slack import signed_headers

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-signing-secret"
#: One user's DM messages, in order: check-ins and a bare pain answer.
SCRIPT = [
    "back 3/10, ran 20 min easy, fine during",
    "pain 2, walked 30 min",
    "3",
    "2/10, 1 min run 2 min walk x8, no pain during",
    "rested, back 4/10",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Process:
    """A child process that prints one line when it is ready (its URL last)."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE, text=True, cwd=ROOT)
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip().rsplit(" ", 1)[-1]

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


@dataclass
class Run:
    rate: float
    #: CPU milliseconds the app's process spent per event.
    cpu_ms: float
    #: Share of one CPU the fake Slack used while the run lasted (1.0 = it was the bottleneck).
    fake_load: float = 0.0
    #: Messages posted (chat.postMessage) per event: the work was done, not skipped.
    posts: float = 0.0
    #: Slack Web API calls per event (posts, Home publishes).
    calls: float = 0.0
    #: CPU milliseconds per event inside Coach.handle, in the app's process.
    core_ms: float = 0.0


def events_for(w: dict[str, Any], users: list[str], per_user: int) -> list[list[bytes]]:
    """Each user's event bodies in order."""
    out = []
    for u in users:
        bodies = []
        for i in range(per_user):
            inner = {"type": "message", "channel": "D" + u[1:], "channel_type": "im", "user": u,
                     "text": SCRIPT[i % len(SCRIPT)], "ts": f"{time.time():.6f}", "team": w["team_id"]}
            bodies.append(json.dumps({
                "token": "x", "team_id": w["team_id"], "api_app_id": w["app_id"], "type": "event_callback",
                "event_id": "Ev" + uuid.uuid4().hex[:12].upper(), "event_time": int(time.time()), "event": inner,
                "authorizations": [{"team_id": w["team_id"], "user_id": w["bot_user_id"], "is_bot": True}],
            }).encode())
        out.append(bodies)
    return out


async def drive(url: str, per_user: list[list[bytes]], concurrency: int) -> float:
    """Send every user's events in order, ``concurrency`` users at a time; returns the wall time."""
    queue: asyncio.Queue[list[bytes]] = asyncio.Queue()
    for bodies in per_user:
        queue.put_nowait(bodies)

    async def worker(http: aiohttp.ClientSession) -> None:
        while not queue.empty():
            for body in queue.get_nowait():
                async with http.post(url, data=body, headers=signed_headers(SECRET, body)) as r:
                    if r.status != 200:
                        raise RuntimeError(f"{url}: HTTP {r.status}")
                    await r.read()

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as http:
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(http) for _ in range(concurrency)))
        return time.perf_counter() - t0


async def _get(http: aiohttp.ClientSession, url: str) -> dict[str, Any]:
    async with http.get(url) as r:
        return dict(await r.json())


async def timed(app_url: str, fake: Process, per_user: list[list[bytes]], concurrency: int) -> Run:
    stats = fake.url.replace("/api/", "/_fake/stats")
    async with aiohttp.ClientSession() as http:
        c0, f0 = await _get(http, app_url + "/_bench/cpu"), await _get(http, stats)
        wall = await drive(app_url + "/slack/events", per_user, concurrency)
        c1, f1 = await _get(http, app_url + "/_bench/cpu"), await _get(http, stats)
    n = sum(len(b) for b in per_user)
    return Run(n / wall, (c1["cpu"] - c0["cpu"]) / n * 1000, (f1["cpu"] - f0["cpu"]) / wall,
               (f1["posted"] - f0["posted"]) / n, (f1["calls"] - f0["calls"]) / n,
               (c1.get("core", 0.0) - c0.get("core", 0.0)) / n * 1000)


def home_opened(w: dict[str, Any], users: list[str]) -> list[list[bytes]]:
    """Each user opening the App Home tab once."""
    return [[json.dumps({
        "token": "x", "team_id": w["team_id"], "api_app_id": w["app_id"], "type": "event_callback",
        "event_id": "Ev" + uuid.uuid4().hex[:12].upper(), "event_time": int(time.time()),
        "event": {"type": "app_home_opened", "user": u, "tab": "home", "channel": "D" + u[1:]},
        "authorizations": [{"team_id": w["team_id"], "user_id": w["bot_user_id"], "is_bot": True}],
    }).encode()] for u in users]


async def _workspace(fake: Process) -> dict[str, Any]:
    async with aiohttp.ClientSession() as http, http.post(fake.url.replace("/api/", "/_fake/workspace")) as r:
        return dict(await r.json())


async def _onboarded(db: str, w: dict[str, Any], users: list[str]) -> None:
    store = Store(db)
    await store.migrate()
    coach = Coach(store, Settings(_env_file=None, database_url=db))  # type: ignore[call-arg]
    now = datetime.now(UTC)
    for u in users:
        await coach.ensure_profile(f"slack:{w['team_id']}:{u}", now, {"experience": "returning",
                                                                      "comfortable_run_minutes": 20})
    await store.close()


async def run_app(kind: str, fake: Process, tmp: str, args: argparse.Namespace, *, home: bool = False,
                  profile: bool = False) -> Run | dict[str, float]:
    """One timed run of ``kind`` (``home``: every user has opened the App Home first); or, with
    ``profile``, an untimed one under cProfile, returning CPU seconds by area."""
    w = await _workspace(fake)
    users = ["U" + uuid.uuid4().hex[:9].upper() for _ in range(args.users)]
    db = f"sqlite:///{tmp}/{kind}-{uuid.uuid4().hex[:6]}.db"
    if kind in ("backcheck", "adapter"):
        await _onboarded(db, w, users)
    app = Process("-m", "bench.slack", "--serve", kind, "--db", db, "--token", w["token"], "--api", fake.url)
    try:
        warm = ["U" + uuid.uuid4().hex[:9].upper() for _ in range(args.concurrency)]
        await drive(app.url + "/slack/events", events_for(w, warm, 1), args.concurrency)  # imports, connections
        if home:
            await drive(app.url + "/slack/events", home_opened(w, users), args.concurrency)
        if profile:
            async with aiohttp.ClientSession() as http:
                await http.post(app.url + "/_bench/profile/start")
                await drive(app.url + "/slack/events", events_for(w, users, args.per_user), args.concurrency)
                async with http.post(app.url + "/_bench/profile/stop") as r:
                    return dict(await r.json())
        return await timed(app.url, fake, events_for(w, users, args.per_user), args.concurrency)
    finally:
        app.close()


async def run_core_alone(tmp: str, args: argparse.Namespace, *, home: bool = False) -> Run:
    """The app's calls into the core, in process: Coach.handle with the event id, and the Home
    read in the same transaction when the user has opened it (``home``)."""
    w = {"team_id": "TCORE"}
    users = ["U" + uuid.uuid4().hex[:9].upper() for _ in range(args.users)]
    db = f"sqlite:///{tmp}/core-{uuid.uuid4().hex[:6]}.db"
    await _onboarded(db, w, users)
    store = Store(db)
    coach = Coach(store, Settings(_env_file=None, database_url=db))  # type: ignore[call-arg]
    try:
        own, t0, n = 0.0, time.perf_counter(), 0
        for i in range(args.per_user):
            for u in users:
                c0 = time.process_time()
                await coach.handle(f"slack:TCORE:{u}", SCRIPT[i % len(SCRIPT)], datetime.now(UTC),
                                   event_id=uuid.uuid4().hex, home="checkin" if home else None)
                own += time.process_time() - c0
                n += 1
        return Run(n / (time.perf_counter() - t0), own / n * 1000)
    finally:
        await store.close()


# --- the two apps, each in a process of its own -------------------------------------------------


async def serve(kind: str, db: str, token: str, api: str) -> None:
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    #: CPU seconds spent inside the core's calls, in this process. Exact on SQLite: a transaction
    #: there runs inline to its end without yielding to the event loop (bot/store/inline.py).
    in_core = [0.0]

    async def cpu(_: Request) -> JSONResponse:
        return JSONResponse({"cpu": time.process_time(), "core": in_core[0]})

    profiler = cProfile.Profile()

    async def profile_start(_: Request) -> JSONResponse:
        profiler.enable()
        return JSONResponse({})

    async def profile_stop(_: Request) -> JSONResponse:
        profiler.disable()
        if os.environ.get("BENCH_PSTATS"):  # the whole profile, for pstats or snakeviz
            profiler.dump_stats(f"{os.environ['BENCH_PSTATS']}/{kind}-{os.getpid()}.pstats")
        return JSONResponse(by_area(pstats.Stats(profiler)))

    bench_routes = [Route("/_bench/cpu", cpu), Route("/_bench/profile/start", profile_start, methods=["POST"]),
                    Route("/_bench/profile/stop", profile_stop, methods=["POST"])]
    stop: Any = None
    if kind in ("backcheck", "adapter"):
        from adapters.slack import SlackAdapter
        from bot.web import create_app

        settings = Settings(_env_file=None, database_url=db, slack_bot_token=token,  # type: ignore[call-arg]
                            slack_signing_secret=SECRET, slack_api_url=api)
        store = Store(db)
        coach = Coach(store, settings)
        handle = coach.handle
        if kind == "adapter":
            # One real answer to a check-in, then the same answer to every event, without the core.
            now = datetime.now(UTC)
            await coach.ensure_profile("slack:TFIXED:UFIXED", now, {"experience": "returning",
                                                                    "comfortable_run_minutes": 20})
            fixed = await coach.handle("slack:TFIXED:UFIXED", SCRIPT[0], now)

            async def fixed_answer(*_: Any, **__: Any) -> Any:
                return fixed

            handle = fixed_answer  # type: ignore[assignment]

        async def timed_handle(*a: Any, **kw: Any) -> Any:
            c0 = time.process_time()
            try:
                return await handle(*a, **kw)
            finally:
                in_core[0] += time.process_time() - c0

        coach.handle = timed_handle  # type: ignore[method-assign]
        adapter = SlackAdapter(coach, settings)
        await adapter.start()
        web = create_app(store, [*adapter.routes(), *bench_routes])
        stop = adapter.stop
    else:
        web = await echo_app(token, api, bench_routes)
    gc.freeze()  # as ``backcheck run`` does once started (adapters/cli.py): both apps alike
    port = _free_port()
    server = serving.server(web, host="127.0.0.1", port=port)
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers no event to wait on
        await asyncio.sleep(0.01)
    print(f"{kind} on http://127.0.0.1:{port}", flush=True)
    try:
        await task
    finally:
        if stop is not None:
            await stop()


async def echo_app(token: str, api: str, bench_routes: list[Any]) -> Any:
    """A bare Bolt app: acks each DM and posts its text back, nothing else."""
    from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
    from slack_bolt.app.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.routing import Route

    # The same shared HTTP session as the backcheck adapter's clients, so the comparison is the work.
    client = AsyncWebClient(token=token, base_url=api, session=aiohttp.ClientSession())
    app = AsyncApp(client=client, signing_secret=SECRET, process_before_response=True)

    @app.event("message")
    async def echo(event: dict[str, Any], client: AsyncWebClient) -> None:
        await client.chat_postMessage(channel=event["channel"], text=event.get("text") or "")

    handler = AsyncSlackRequestHandler(app)

    async def events(request: Request) -> Any:
        return await handler.handle(request)

    return Starlette(routes=[Route("/slack/events", events, methods=["POST"]), *bench_routes])


#: Where CPU goes, by the file (or builtin) a function's own time is spent in; first match wins.
AREAS = (
    ("the core (bot/)", ("/bot/",)),
    ("database (SQLAlchemy, SQLModel, sqlite3)", ("sqlalchemy", "sqlmodel", "sqlite3")),
    ("Slack (Bolt, slack_sdk, adapters/slack)", ("slack_bolt", "slack_sdk", "/adapters/")),
    ("HTTP client (aiohttp)", ("aiohttp", "yarl", "multidict")),
    ("HTTP server (uvicorn, Starlette)", ("uvicorn", "starlette", "h11", "httptools")),
    ("asyncio", ("asyncio", "selector", "socket", "uvloop")),
)
OTHER = "other (json, logging, typing, ...)"


def by_area(stats: pstats.Stats) -> dict[str, float]:
    """Own CPU seconds per area: each function's own time goes to the area of its file."""
    out: dict[str, float] = {}
    for (path, _line, name), row in stats.stats.items():  # type: ignore[attr-defined]
        where = f"{path} {name}"
        area = next((a for a, marks in AREAS if any(m in where for m in marks)), OTHER)
        out[area] = out.get(area, 0.0) + row[2]
    return out


# --- report ------------------------------------------------------------------------------------


@dataclass
class Results:
    ours: list[Run] = field(default_factory=list)
    ours_home: list[Run] = field(default_factory=list)
    adapter: list[Run] = field(default_factory=list)
    echo: list[Run] = field(default_factory=list)
    core: list[Run] = field(default_factory=list)
    core_home: list[Run] = field(default_factory=list)
    #: CPU seconds by area, per app, from the profiled pass.
    areas: dict[str, dict[str, float]] = field(default_factory=dict)


def med(runs: list[Run], what: str = "rate") -> float:
    return statistics.median(getattr(r, what) for r in runs)


def _fmt(runs: list[Run]) -> str:
    each = ", ".join(f"{r.rate:.0f}" for r in runs)
    load = max(r.fake_load for r in runs)
    posts = (f", {med(runs, 'posts'):.2f} posts + {med(runs, 'calls') - med(runs, 'posts'):.2f} other Web API calls"
             "/event" if med(runs, "posts") else "")
    return (f"{med(runs):8.1f} events/s, {med(runs, 'cpu_ms'):5.2f} CPU ms/event{posts}  (runs: {each}"
            + (f"; fake Slack busy <= {load:.0%} of a CPU)" if load else ")"))


async def collect(args: argparse.Namespace) -> Results:
    fake = Process("-m", "tests.fake_slack", "--port", "0")
    res = Results()
    try:
        with tempfile.TemporaryDirectory(prefix="backcheck-bench-slack-") as tmp:
            for _ in range(args.repeat):
                res.echo.append(await _timed(run_app("echo", fake, tmp, args)))
                res.ours.append(await _timed(run_app("backcheck", fake, tmp, args)))
                res.ours_home.append(await _timed(run_app("backcheck", fake, tmp, args, home=True)))
                res.adapter.append(await _timed(run_app("adapter", fake, tmp, args)))
                res.core.append(await run_core_alone(tmp, args))
                res.core_home.append(await run_core_alone(tmp, args, home=True))
            if args.profile:
                for name, kind, home in (("echo", "echo", False), ("backcheck", "backcheck", False),
                                         ("backcheck, App Home open", "backcheck", True),
                                         ("Slack side alone", "adapter", False)):
                    areas = await run_app(kind, fake, tmp, args, home=home, profile=True)
                    assert isinstance(areas, dict)
                    res.areas[name] = areas
    finally:
        fake.close()
    return res


async def _timed(run: Any) -> Run:
    out = await run
    assert isinstance(out, Run)
    return out


def report(res: Results, args: argparse.Namespace) -> None:
    n = args.users * args.per_user
    b, bh, e = med(res.ours), med(res.ours_home), med(res.echo)
    ours_ms, home_ms, echo_ms = med(res.ours, "cpu_ms"), med(res.ours_home, "cpu_ms"), med(res.echo, "cpu_ms")
    core_ms, core_home_ms = med(res.core, "cpu_ms"), med(res.core_home, "cpu_ms")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"Slack events over HTTP (signed message.im, {n} from {args.users} users, {args.concurrency} at a time), "
          f"median of {args.repeat} interleaved runs; each app in its own process ({serving.describe()}), "
          "fake Slack Web API in another. "
          f"Load average after: {load} ({os.cpu_count()} CPUs).")
    print(f"  backcheck (Bolt, Coach.handle on SQLite, the reply):\n      {_fmt(res.ours)}")
    print(f"  backcheck, every user has opened the App Home (+ views.publish per check-in):\n      {_fmt(res.ours_home)}")
    print(f"  bare Bolt echo app (ack + chat.postMessage):\n      {_fmt(res.echo)}")
    print(f"  backcheck's Slack side alone (Coach.handle gives one fixed answer, no database):\n      {_fmt(res.adapter)}")
    print(f"  the core alone (Coach.handle, in process):\n      {_fmt(res.core)}")
    print(f"  the core alone, with the Home read in the same transaction:\n      {_fmt(res.core_home)}")
    print(f"  ratio backcheck / echo, events/s:           {b / e:.2f}   (target >= 0.5); App Home open: {bh / e:.2f}")
    print(f"  ratio echo / backcheck, CPU ms per event:  {echo_ms / ours_ms:.2f}   (the rates if each had a CPU to "
          f"itself); App Home open: {echo_ms / home_ms:.2f}")
    print(f"  backcheck costs {ours_ms / echo_ms:.1f}x the echo's CPU per event ({home_ms / echo_ms:.1f}x with the Home); "
          f"its Slack side alone {med(res.adapter, 'cpu_ms') / echo_ms:.2f}x")
    in_app, in_app_home = med(res.ours, "core_ms"), med(res.ours_home, "core_ms")
    print(f"  CPU per event: backcheck {ours_ms:.2f} ms = Coach.handle {in_app:.2f} ms (in the app's process; alone "
          f"{core_ms:.2f}) + the rest {ours_ms - in_app:.2f} ms; the echo app's whole event: {echo_ms:.2f} ms")
    print(f"                 App Home open {home_ms:.2f} ms = Coach.handle with the Home {in_app_home:.2f} ms (alone "
          f"{core_home_ms:.2f}) + the rest {home_ms - in_app_home:.2f} ms (+ views.publish)")
    if res.areas:
        timed = {"echo": echo_ms, "backcheck": ours_ms, "backcheck, App Home open": home_ms,
                 "Slack side alone": med(res.adapter, "cpu_ms")}
        print("  Where the CPU goes, ms per event (own time by package under cProfile, scaled to the timed CPU):")
        names = list(res.areas)
        print("      " + f"{'':42}" + "".join(f"{name:>27}" for name in names))
        for area in [a for a, _ in AREAS] + [OTHER]:
            cells = []
            for name in names:
                total = sum(res.areas[name].values()) or 1.0
                cells.append(f"{res.areas[name].get(area, 0.0) / total * timed[name]:27.2f}")
            print(f"      {area:42}" + "".join(cells))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("--users", type=int, default=300)
    ap.add_argument("--per-user", type=int, default=5)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-profile", dest="profile", action="store_false", help="skip the cProfile pass")
    ap.add_argument("--serve", choices=["backcheck", "adapter", "echo"], help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    ap.add_argument("--token", help=argparse.SUPPRESS)
    ap.add_argument("--api", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        try:
            serving.run(serve(args.serve, args.db, args.token, args.api))
        except KeyboardInterrupt:
            pass
        return
    report(asyncio.run(collect(args)), args)


if __name__ == "__main__":
    main()
