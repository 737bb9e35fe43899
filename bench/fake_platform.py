"""A local fake chat platform for bench/fanout.py: ``POST /send`` delivers one message.

``--rate 0`` accepts everything as fast as it comes. ``--rate 30`` answers 429 with a
Telegram-style ``retry_after`` once more than 30 messages/s arrive: a token bucket of 30 tokens
refilled at 30/s, which is how a "30 messages per second" limit behaves for a steady sender.
``GET /stats`` returns what was delivered and refused; ``POST /reset`` clears it.

Run: ``python bench/fake_platform.py --port 8765 --rate 30`` (prints ``READY`` when listening).
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from aiohttp import web


class Platform:
    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.reset()

    def reset(self) -> None:
        self.tokens = self.rate
        self.last = time.monotonic()
        self.ok = 0
        self.refused = 0
        self.first_ok: float | None = None
        self.last_ok: float | None = None
        self.keys: dict[str, int] = {}

    def take(self) -> bool:
        if not self.rate:
            return True
        now = time.monotonic()
        self.tokens = min(self.rate, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False

    async def send(self, request: web.Request) -> web.Response:
        body: dict[str, Any] = await request.json()
        if not self.take():
            self.refused += 1
            return web.json_response({"ok": False, "error_code": 429, "parameters": {"retry_after": 1}},
                                     status=429)
        now = time.monotonic()
        self.ok += 1
        self.first_ok = self.first_ok or now
        self.last_ok = now
        key = str(body.get("key"))
        self.keys[key] = self.keys.get(key, 0) + 1
        return web.json_response({"ok": True})

    async def stats(self, _: web.Request) -> web.Response:
        span = (self.last_ok - self.first_ok) if self.first_ok and self.last_ok else 0.0
        return web.json_response({"ok": self.ok, "refused": self.refused, "span_s": span,
                                  "duplicates": sum(1 for n in self.keys.values() if n > 1)})

    async def do_reset(self, _: web.Request) -> web.Response:
        self.reset()
        return web.json_response({"ok": True})


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--rate", type=float, default=0.0)
    args = ap.parse_args()
    p = Platform(args.rate)
    app = web.Application()
    app.router.add_post("/send", p.send)
    app.router.add_get("/stats", p.stats)
    app.router.add_post("/reset", p.do_reset)

    async def ready(_: web.Application) -> None:
        print("READY", flush=True)

    app.on_startup.append(ready)
    web.run_app(app, host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
