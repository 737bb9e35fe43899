"""Request bodies over a limit are refused with 413 before they are read whole.

A pure ASGI middleware in front of every route of the one app (webhooks, Slack events, admin), so
no handler has to remember: a declared ``Content-Length`` over the limit is answered at once
without reading a byte; a body sent without one (chunked) is counted as it streams in and cut off
at the limit. A ``Content-Length`` that is not a number is a 400.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Telegram's updates and Slack's events are a few kB; 1 MiB leaves room and bounds memory.
MAX_BODY = 1 << 20


class _TooLarge(Exception):
    pass


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = [v for k, v in scope.get("headers", ()) if k == b"content-length"]
        if declared:
            try:
                length = int(declared[0])
                if length < 0:
                    raise ValueError
            except ValueError:
                await _error(send, 400, "bad Content-Length")
                return
            if length > self.max_bytes:
                await _error(send, 413, f"request body over {self.max_bytes} bytes")
                return
            # The server reads no more than the declared length (HTTP/1.1 framing), so there is
            # nothing left to count: the request goes through unwrapped.
            await self.app(scope, receive, send)
            return
        seen = 0
        over = False
        answered = False

        async def counted() -> Message:
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    over = True
                    raise _TooLarge
            return message

        async def watched(message: Message) -> None:
            # A handler that caught the cut-off (``except Exception`` around its read) answers
            # something else: once the body was over the limit, the answer is 413 whatever it says.
            nonlocal answered
            if over:
                if not answered:
                    answered = True
                    await _error(send, 413, f"request body over {self.max_bytes} bytes")
                return
            answered = answered or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge:
            if not answered:
                answered = True
                await _error(send, 413, f"request body over {self.max_bytes} bytes")


async def _error(send: Send, status: int, text: str) -> None:
    body = json.dumps({"error": text}).encode()
    headers: list[Any] = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                          (b"connection", b"close")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
