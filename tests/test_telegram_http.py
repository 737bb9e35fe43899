"""The aiohttp request layer under python-telegram-bot (adapters/telegram_http.py): what goes on
the wire, and how transport failures surface, against small servers on 127.0.0.1. (Answers with
error statuses are PTB's to interpret; tests/test_telegram.py covers those end to end.)"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from adapters.telegram_http import AiohttpRequest

pytestmark = pytest.mark.asyncio(loop_scope="session")

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


class Recorder:
    """An HTTP server that records each request and answers like the Bot API."""

    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        got: dict[str, Any] = {"path": request.path, "type": request.content_type}
        if request.content_type == "multipart/form-data":
            form = await request.post()
            got["fields"] = {k: v if isinstance(v, str) else (v.filename, v.file.read()) for k, v in form.items()}
        else:
            got["body"] = await request.read()
        self.seen.append(got)
        return web.json_response({"ok": True, "result": True})


@pytest_asyncio.fixture(loop_scope="session")
async def recorder() -> AsyncIterator[Recorder]:
    rec = Recorder()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", rec.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    rec.url = f"http://127.0.0.1:{port}/bot1:x"
    yield rec
    await runner.cleanup()


@pytest_asyncio.fixture(loop_scope="session")
async def request_() -> AsyncIterator[AiohttpRequest]:
    req = AiohttpRequest()
    await req.initialize()
    yield req
    await req.shutdown()


def data(**params: Any) -> RequestData:
    return RequestData([RequestParameter.from_input(k, v) for k, v in params.items()])


async def test_calls_go_as_json_or_multipart_like_the_bot_api_takes_them(
        recorder: Recorder, request_: AiohttpRequest) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("3", callback_data="0:3")]])
    text = data(chat_id=5, text="a & b <c> \u00e9 \U0001f600", parse_mode="HTML", reply_markup=markup)
    assert await request_.post(f"{recorder.url}/sendMessage", text) is True
    photo = data(chat_id=5, photo=InputFile(PNG, filename="progress.png"), caption="4 weeks")
    assert await request_.post(f"{recorder.url}/sendPhoto", photo) is True
    assert await request_.post(f"{recorder.url}/getMe", data()) is True

    sent, upload, bare = recorder.seen[-3:]
    assert sent["path"].endswith("/sendMessage") and sent["type"] == "application/json"
    # The same values PTB would have form-encoded, the keyboard as its JSON text.
    assert json.loads(sent["body"]) == text.json_parameters
    assert json.loads(json.loads(sent["body"])["reply_markup"]) == markup.to_dict()
    assert upload["type"] == "multipart/form-data"
    assert upload["fields"] == {"chat_id": "5", "caption": "4 weeks", "photo": ("progress.png", PNG)}
    assert bare["body"] == b""


async def test_a_server_that_does_not_answer_times_out() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(1 << 16)
        await asyncio.sleep(30)

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/bot1:x/getMe"
    req = AiohttpRequest(read_timeout=30)
    await req.initialize()
    try:
        with pytest.raises(TimedOut):
            await req.post(url, data(), read_timeout=0.2)  # a per-call timeout wins over ours
        short = AiohttpRequest(read_timeout=0.2)
        await short.initialize()
        try:
            with pytest.raises(TimedOut):
                await short.post(url, data())
        finally:
            await short.shutdown()
    finally:
        await req.shutdown()
        server.close()


async def test_a_refused_connection_is_a_network_error_not_a_timeout(request_: AiohttpRequest) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(NetworkError) as info:
        await request_.post(f"http://127.0.0.1:{port}/bot1:x/getMe", data())
    assert not isinstance(info.value, TimedOut)


async def test_proxy_from_the_environment_unless_no_proxy(recorder: Recorder,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    request_lines: list[bytes] = []

    async def proxy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        request_lines.append(head.split(b"\r\n", 1)[0])
        body = b'{"ok": true, "result": true}'
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                     % (len(body), body))
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(proxy, "127.0.0.1", 0)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    target = f"{recorder.url}/getMe"
    try:
        for no_proxy in (None, "127.0.0.1"):
            if no_proxy:
                monkeypatch.setenv("NO_PROXY", no_proxy)
            req = AiohttpRequest()
            await req.initialize()
            try:
                before = len(recorder.seen)
                assert await req.post(target, data()) is True
            finally:
                await req.shutdown()
            if no_proxy:
                assert len(recorder.seen) == before + 1 and len(request_lines) == 1
            else:
                assert request_lines == [f"POST {target} HTTP/1.1".encode()]
                assert len(recorder.seen) == before
    finally:
        server.close()
