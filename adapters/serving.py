"""How ``backcheck run`` serves the web app: uvicorn on its fastest parts when they are installed.

httptools (uvicorn's C HTTP parser, instead of the pure-Python h11) and uvloop (a libuv event loop,
instead of asyncio's own) cut the server's CPU per request; bench/slack.py serves both of its apps
through here so their comparison stays fair. Both are dependencies; without them (a platform with
no wheels) the stock parts serve the same app.
"""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import uvicorn

T = TypeVar("T")


def http_impl() -> str:
    """uvicorn's HTTP protocol: httptools when importable, else h11."""
    return "httptools" if importlib.util.find_spec("httptools") else "h11"


def server(app: Any, **config: Any) -> uvicorn.Server:
    """A uvicorn server for ``app`` with our settings (``config`` adds to them: host, port)."""
    return uvicorn.Server(uvicorn.Config(app, http=http_impl(), log_level="warning", lifespan="off", **config))


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's event loop when importable; None: asyncio's own."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def run(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` on the event loop from :func:`loop_factory`."""
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        return runner.run(main)


def describe() -> str:
    """The server's parts, for logs and the bench's output."""
    return f"uvicorn, {http_impl()}, {'uvloop' if loop_factory() else 'asyncio loop'}"
