"""python-telegram-bot's HTTP layer on aiohttp rather than httpx.

PTB's default ``HTTPXRequest`` costs about 1.5 ms of CPU per Bot API call on a two-core host:
httpx, httpcore, h11 and anyio parse HTTP in Python, and httpcore scans its whole connection pool
(a socket poll per idle connection) several times per request, so the cost grows with the calls
in flight. aiohttp parses in C and takes a pooled connection in constant time: about 0.4 ms for
the same sendMessage against tests/fake_telegram.py (bench/telegram.py shows the effect end to
end). The rest is PTB's behaviour, kept:

- the same default timeouts (connect 5 s, read 5 s, write 5 s, 20 s for uploads, pool 1 s);
  aiohttp has no write timeout, so a whole call is bounded by the sum of the four instead;
- the same errors: ``TimedOut`` for a timeout, ``NetworkError`` for any other transport failure
  (PTB turns HTTP status codes into its errors itself, above this layer);
- HTTP(S) proxies from the environment (``HTTPS_PROXY``, ``NO_PROXY``...) and httpx's TLS
  settings (certifi's CA bundle, or ``SSL_CERT_FILE``/``SSL_CERT_DIR``). The environment is read
  once per API host, not per call: aiohttp's own ``trust_env`` looks up proxies and ~/.netrc in a
  worker thread on every request;
- files go as multipart, like PTB's. Calls without files go as one JSON body rather than a form,
  which the Bot API takes alike: form encoding quotes every byte of a text in Python.

Not carried over, as the adapter never used them: HTTP/2, SOCKS proxies, socket options.
"""

from __future__ import annotations

import functools
import json
import ssl
from typing import Any
from urllib.parse import urlsplit
from urllib.request import getproxies, proxy_bypass

import aiohttp
import httpx
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

_PLAIN = {"User-Agent": BaseRequest.USER_AGENT}
_JSON = {**_PLAIN, "Content-Type": "application/json"}


class AiohttpRequest(BaseRequest):
    """A ``BaseRequest`` for ``ApplicationBuilder.request()`` / ``.get_updates_request()``; the
    arguments mean what they mean for PTB's ``HTTPXRequest``."""

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read = read_timeout
        self._write = write_timeout
        self._connect = connect_timeout
        self._pool = pool_timeout
        self._media_write = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        #: Proxy per API origin ("https://api.telegram.org"), from the environment.
        self._proxies: dict[str, str | None] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            # The Bot API sets no cookies: a jar would only be searched on every call.
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size, ssl=_tls()),
                cookie_jar=aiohttp.DummyCookieJar())
            self._proxies.clear()

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data is not None and request_data.contains_files
        timeout = self._timeout(
            _given(read_timeout, self._read),
            _given(write_timeout, self._media_write if files else self._write),
            _given(connect_timeout, self._connect),
            _given(pool_timeout, self._pool),
        )
        body, headers = _body(request_data)
        try:
            async with session.request(method, url, data=body, headers=headers, timeout=timeout,
                                       proxy=self._proxy(url)) as response:
                return response.status, await response.read()
        except TimeoutError as exc:  # aiohttp's timeouts are TimeoutErrors too
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc

    def _proxy(self, url: str) -> str | None:
        end = url.find("/", url.find("//") + 2)
        origin = url if end < 0 else url[:end]
        if origin not in self._proxies:
            parts = urlsplit(url)
            bypass = parts.hostname is None or proxy_bypass(parts.hostname)
            self._proxies[origin] = None if bypass else getproxies().get(parts.scheme)
        return self._proxies[origin]

    @staticmethod
    def _timeout(read: float | None, write: float | None, connect: float | None,
                 pool: float | None) -> aiohttp.ClientTimeout:
        # aiohttp's ``connect`` covers waiting for a pooled connection and opening a new one.
        wait = None if connect is None or pool is None else connect + pool
        parts = (read, write, connect, pool)
        total = None if any(p is None for p in parts) else sum(p for p in parts if p is not None)
        return aiohttp.ClientTimeout(total=total, connect=wait, sock_connect=connect, sock_read=read)


@functools.cache
def _tls() -> ssl.SSLContext:
    """The TLS context PTB's httpx client would use, made once per process: loading the CA bundle
    takes ~50 ms, and every adapter start makes two requests."""
    return httpx.create_ssl_context()


def _given(value: object, default: float | None) -> float | None:
    """A per-call timeout if the caller passed one (``None`` included), else ours: PTB marks
    "not passed" with a ``DefaultValue``, as ``HTTPXRequest`` reads it."""
    return value if value is None or isinstance(value, int | float) else default


def _body(data: RequestData | None) -> tuple[Any, dict[str, str]]:
    params = data.json_parameters if data is not None else {}
    if data is None or not data.contains_files:
        return (json.dumps(params).encode(), _JSON) if params else (None, _PLAIN)
    form = aiohttp.FormData()
    for name, value in params.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form, _PLAIN
