"""The Slack adapter end to end through ``POST /slack/events`` against a bare Bolt echo app, in
the same run, both against the fake Slack Web API in its own process (tests/fake_slack.py).
Prints figures; asserts nothing.

    python -m bench.slack [--users 100] [--per-user 5] [--concurrency 16] [--repeat 3]

Each app runs in a process of its own (uvicorn, our ASGI app or a bare Starlette one), so its CPU
per event is its own: not the load generator's (signing requests, HTTP client), not the fake's.
An event is a signed ``message.im`` event_callback, as Slack sends it; it is done when the app's
HTTP answer arrives, and both apps answer after their work (``process_before_response``: Bolt's
setting for work that must not be lost), so the clock covers the whole of it:

- backcheck: Bolt's signature check, the event claimed once in the database (retries), the
  DM check-in through Coach.handle on SQLite (a transaction per message), the reply posted
  (chat.postMessage) and, after a check-in, App Home republished (views.publish);
- echo: Bolt's signature check and one chat.postMessage with the same text.

Runs are interleaved (echo, backcheck, the core alone) so drift in the machine's load hits all
alike; the median of ``--repeat`` is printed. "The core alone" is the same messages straight into
Coach.handle in this process: the share of backcheck's CPU per event that is the core's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
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
        c0, f0 = (await _get(http, app_url + "/_bench/cpu"))["cpu"], await _get(http, stats)
        wall = await drive(app_url + "/slack/events", per_user, concurrency)
        c1, f1 = (await _get(http, app_url + "/_bench/cpu"))["cpu"], await _get(http, stats)
    n = sum(len(b) for b in per_user)
    return Run(n / wall, (c1 - c0) / n * 1000, (f1["cpu"] - f0["cpu"]) / wall, (f1["posted"] - f0["posted"]) / n)


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


async def run_app(kind: str, fake: Process, tmp: str, args: argparse.Namespace) -> Run:
    w = await _workspace(fake)
    users = ["U" + uuid.uuid4().hex[:9].upper() for _ in range(args.users)]
    db = f"sqlite:///{tmp}/{kind}-{uuid.uuid4().hex[:6]}.db"
    if kind == "backcheck":
        await _onboarded(db, w, users)
    app = Process("-m", "bench.slack", "--serve", kind, "--db", db, "--token", w["token"], "--api", fake.url)
    try:
        warm = ["U" + uuid.uuid4().hex[:9].upper() for _ in range(args.concurrency)]
        await drive(app.url + "/slack/events", events_for(w, warm, 1), args.concurrency)  # imports, connections
        return await timed(app.url, fake, events_for(w, users, args.per_user), args.concurrency)
    finally:
        app.close()


async def run_core_alone(tmp: str, args: argparse.Namespace) -> Run:
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
                                   event_id=uuid.uuid4().hex)
                await coach.home(f"slack:TCORE:{u}", datetime.now(UTC))
                own += time.process_time() - c0
                n += 1
        return Run(n / (time.perf_counter() - t0), own / n * 1000)
    finally:
        await store.close()


# --- the two apps, each in a process of its own -------------------------------------------------


async def serve(kind: str, db: str, token: str, api: str) -> None:
    import uvicorn
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def cpu(_: Request) -> JSONResponse:
        return JSONResponse({"cpu": time.process_time()})

    stop: Any = None
    if kind == "backcheck":
        from adapters.slack import SlackAdapter
        from bot.web import create_app

        settings = Settings(_env_file=None, database_url=db, slack_bot_token=token,  # type: ignore[call-arg]
                            slack_signing_secret=SECRET, slack_api_url=api)
        store = Store(db)
        adapter = SlackAdapter(Coach(store, settings), settings)
        await adapter.start()
        web = create_app(store, [*adapter.routes(), Route("/_bench/cpu", cpu)])
        stop = adapter.stop
    else:
        web = await echo_app(token, api, cpu)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(web, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers no event to wait on
        await asyncio.sleep(0.01)
    print(f"{kind} on http://127.0.0.1:{port}", flush=True)
    try:
        await task
    finally:
        if stop is not None:
            await stop()


async def echo_app(token: str, api: str, cpu: Any) -> Any:
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

    return Starlette(routes=[Route("/slack/events", events, methods=["POST"]), Route("/_bench/cpu", cpu)])


# --- report ------------------------------------------------------------------------------------


@dataclass
class Results:
    ours: list[Run] = field(default_factory=list)
    echo: list[Run] = field(default_factory=list)
    core: list[Run] = field(default_factory=list)


def med(runs: list[Run], what: str = "rate") -> float:
    return statistics.median(getattr(r, what) for r in runs)


def _fmt(runs: list[Run]) -> str:
    each = ", ".join(f"{r.rate:.0f}" for r in runs)
    load = max(r.fake_load for r in runs)
    posts = f", {med(runs, 'posts'):.2f} posts/event" if med(runs, "posts") else ""
    return (f"{med(runs):8.1f} events/s, {med(runs, 'cpu_ms'):5.2f} CPU ms/event{posts}  (runs: {each}"
            + (f"; fake Slack busy <= {load:.0%} of a CPU)" if load else ")"))


async def collect(args: argparse.Namespace) -> Results:
    fake = Process("-m", "tests.fake_slack", "--port", "0")
    res = Results()
    try:
        with tempfile.TemporaryDirectory(prefix="backcheck-bench-slack-") as tmp:
            for _ in range(args.repeat):
                res.echo.append(await run_app("echo", fake, tmp, args))
                res.ours.append(await run_app("backcheck", fake, tmp, args))
                res.core.append(await run_core_alone(tmp, args))
    finally:
        fake.close()
    return res


def report(res: Results, args: argparse.Namespace) -> None:
    n = args.users * args.per_user
    b, e = med(res.ours), med(res.echo)
    ours_ms, echo_ms, core_ms = med(res.ours, "cpu_ms"), med(res.echo, "cpu_ms"), med(res.core, "cpu_ms")
    print(f"Slack events over HTTP (signed message.im, {n} from {args.users} users, {args.concurrency} at a time), "
          f"median of {args.repeat} interleaved runs; each app in its own process, fake Slack Web API in another.")
    print(f"  backcheck (Bolt, Coach.handle on SQLite, reply + App Home):\n      {_fmt(res.ours)}")
    print(f"  bare Bolt echo app (ack + chat.postMessage):\n      {_fmt(res.echo)}")
    print(f"  the core alone (Coach.handle + Coach.home, in process):\n      {_fmt(res.core)}")
    print(f"  ratio backcheck / echo:                   {b / e:.2f}   (target >= 0.5)")
    print(f"  the same ratio from CPU per event (echo / backcheck): {echo_ms / ours_ms:.2f} "
          f"(the rates if each had a CPU to itself)")
    print(f"  CPU per event: backcheck {ours_ms:.2f} ms = core {core_ms:.2f} ms + Slack side {ours_ms - core_ms:.2f} ms "
          f"(the echo app's whole event: {echo_ms:.2f} ms)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("--users", type=int, default=100)
    ap.add_argument("--per-user", type=int, default=5)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--serve", choices=["backcheck", "echo"], help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    ap.add_argument("--token", help=argparse.SUPPRESS)
    ap.add_argument("--api", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        try:
            asyncio.run(serve(args.serve, args.db, args.token, args.api))
        except KeyboardInterrupt:
            pass
        return
    report(asyncio.run(collect(args)), args)


if __name__ == "__main__":
    main()
