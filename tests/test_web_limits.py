"""Request bodies over 1 MiB are refused with 413 before they are read whole, on every route of the
one app, whether the client declares the length or streams the body chunked (real HTTP on loopback)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
import uvicorn
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from bot.store.repo import Store
from bot.web import create_app
from bot.web_limits import MAX_BODY

pytestmark = pytest.mark.asyncio(loop_scope="session")


class Probe:
    """A route that reads its body the way the webhooks do, catching everything like they do."""

    def __init__(self) -> None:
        self.calls = 0
        self.read: list[int] = []

    async def handle(self, request: Request) -> PlainTextResponse:
        self.calls += 1
        try:
            body = await request.body()
        except Exception:
            return PlainTextResponse("bad", status_code=400)
        self.read.append(len(body))
        return PlainTextResponse(f"got {len(body)}")


@pytest_asyncio.fixture(loop_scope="session")
async def served(telegram_store: Store) -> AsyncIterator[tuple[int, Probe]]:
    probe = Probe()
    app = create_app(telegram_store, [Route("/probe", probe.handle, methods=["POST"])])
    # A listening socket of our own: connections queue on it until uvicorn serves.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    yield sock.getsockname()[1], probe
    server.should_exit = True
    await task


async def http(port: int, head: bytes, chunks: list[bytes] = ()) -> tuple[int, bytes]:  # type: ignore[assignment]
    """A raw HTTP/1.1 exchange: the head, then body chunks as long as the server reads them; the
    status and body of the answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(head)
        for c in chunks:
            writer.write(c)
            try:
                await asyncio.wait_for(writer.drain(), 5)
            except (ConnectionError, TimeoutError):
                break
        raw = await asyncio.wait_for(reader.read(), 10)
    finally:
        writer.close()
    status = int(raw.split(b" ", 2)[1])
    return status, raw.split(b"\r\n\r\n", 1)[1]


async def test_a_declared_length_over_the_limit_is_refused_without_reading(served: tuple[int, Probe]) -> None:
    port, probe = served
    # Ten megabytes announced and not one byte sent: the answer comes at once, the route never runs.
    head = (f"POST /probe HTTP/1.1\r\nHost: x\r\nContent-Length: {10 * MAX_BODY}\r\n"
            "Content-Type: application/json\r\n\r\n").encode()
    status, body = await http(port, head)
    assert status == 413 and b"request body over" in body
    assert probe.calls == 0


async def test_a_streamed_body_is_cut_off_at_the_limit(served: tuple[int, Probe]) -> None:
    port, probe = served
    head = b"POST /probe HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    piece = b"x" * 65536
    # One chunk more than the limit, and the body not ended: the answer must not wait for its end.
    chunks = [b"%x\r\n" % len(piece) + piece + b"\r\n"] * (MAX_BODY // len(piece) + 1)
    status, _ = await http(port, head, chunks)
    # The route caught the cut-off like any read error and answered 400: the client still gets 413.
    assert status == 413
    assert probe.read == []


async def test_bodies_within_the_limit_and_bad_lengths(served: tuple[int, Probe]) -> None:
    port, probe = served
    calls = probe.calls
    body = b"y" * MAX_BODY
    status, answer = await http(port, b"POST /probe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                      b"Content-Length: %d\r\n\r\n" % len(body), [body])
    assert (status, answer) == (200, b"got %d" % MAX_BODY)
    head = b"POST /probe HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n"
    status, answer = await http(port, head, [b"5\r\nhello\r\n0\r\n\r\n"])
    assert (status, answer) == (200, b"got 5")
    status, _ = await http(port, b"POST /probe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                 b"Content-Length: 99999999999999999999999\r\n\r\n")
    assert status in (400, 413)  # uvicorn's parser may refuse it before we see it
    assert probe.calls == calls + 2


async def test_the_telegram_webhook_is_behind_the_limit_too(telegram_store: Store) -> None:
    import httpx

    from adapters.telegram import TelegramAdapter
    from bot.config import Settings
    from bot.conversation import Coach

    settings = Settings(_env_file=None, telegram_token="1:abc", telegram_webhook_url="http://127.0.0.1:9/telegram/webhook",  # type: ignore[call-arg]
                        telegram_api_url="http://127.0.0.1:9/bot")
    adapter = TelegramAdapter(Coach(telegram_store, settings), settings)
    app = create_app(telegram_store, adapter.routes())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        r = await client.post("/telegram/webhook", content=b"{" + b" " * MAX_BODY + b"}",
                              headers={"X-Telegram-Bot-Api-Secret-Token": adapter.secret})
    assert r.status_code == 413
