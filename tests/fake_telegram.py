"""A fake Telegram Bot API server for tests and benchmarks: real HTTP on 127.0.0.1, any port.

It speaks the Bot API the way python-telegram-bot calls it (``POST /bot<TOKEN>/<method>`` with
form, multipart or JSON bodies; ``{"ok": ..., "result": ...}`` answers, errors with ``error_code``,
``description`` and ``parameters.retry_after``) and checks what the real one checks where our bot
could get it wrong: HTML that Telegram would refuse, texts over 4,096 characters, captions over
1,024, callback data over 64 bytes, unknown callback queries, getUpdates while a webhook is set.

Every token is a separate bot with its own state, so tests sharing one server stay independent.
Tests drive it in process (``fake.bot(token).message(...)``, ``.fail(...)``, ``.sent``); a
benchmark can run it as a process (``python -m tests.fake_telegram``) and use the ``/_fake/``
control routes.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import itertools
import json
import random
import re
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
                "code", "pre", "blockquote", "tg-emoji"}
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*)?)>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


class ApiError(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.retry_after = status, description, retry_after

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            out["parameters"] = {"retry_after": self.retry_after}
        return out


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def html_to_plain(text: str) -> str:
    """The text Telegram would show for ``parse_mode=HTML``; raises ApiError where Telegram would."""
    stack: list[str] = []
    plain: list[str] = []
    pos = 0
    for m in _TAG.finditer(text):
        plain.append(_check_data(text[pos:m.start()]))
        closing, name = m.group(1) == "/", m.group(2).lower()
        if name not in ALLOWED_TAGS:
            raise ApiError(400, f"Bad Request: can't parse entities: Unsupported start tag \"{name}\"")
        if closing:
            if not stack or stack[-1] != name:
                raise ApiError(400, f"Bad Request: can't parse entities: Unmatched end tag \"{name}\"")
            stack.pop()
        else:
            stack.append(name)
        pos = m.end()
    plain.append(_check_data(text[pos:]))
    if stack:
        raise ApiError(400, f"Bad Request: can't parse entities: Can't find end tag corresponding to \"{stack[-1]}\"")
    return "".join(plain)


def _check_data(chunk: str) -> str:
    if "<" in chunk or ">" in chunk:
        raise ApiError(400, "Bad Request: can't parse entities: Unexpected end tag or unescaped '<'")
    for m in re.finditer("&", chunk):
        if not _ENTITY.match(chunk, m.start()):
            raise ApiError(400, "Bad Request: can't parse entities: unescaped '&'")
    return html.unescape(chunk)


@dataclass
class Failure:
    """An injected error: the next ``times`` calls of ``method`` (optionally only to ``chat_id``)
    fail with ``status``; ``times=None`` fails for ever."""

    method: str
    status: int
    retry_after: int | None = None
    times: int | None = 1
    chat_id: int | None = None
    description: str | None = None

    def matches(self, method: str, params: dict[str, Any]) -> bool:
        if self.method not in (method, "*") or (self.times is not None and self.times <= 0):
            return False
        return self.chat_id is None or _maybe_int(params.get("chat_id")) == self.chat_id

    def error(self) -> ApiError:
        default = {429: f"Too Many Requests: retry after {self.retry_after}",
                   403: "Forbidden: bot was blocked by the user",
                   500: "Internal Server Error"}.get(self.status, f"Error {self.status}")
        return ApiError(self.status, self.description or default, self.retry_after)


@dataclass
class Sent:
    """One successful outgoing call (sendMessage, sendPhoto, sendDocument, edit...)."""

    method: str
    chat_id: int
    message_id: int
    text: str | None = None
    plain: str | None = None
    reply_markup: dict[str, Any] | None = None
    file_name: str | None = None
    file_bytes: bytes | None = None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [b for row in rows for b in row]

    @property
    def button_texts(self) -> list[str]:
        return [b["text"] for b in self.buttons]


class FakeBot:
    """The state behind one token."""

    def __init__(self, token: str, bot_id: int) -> None:
        self.token = token
        self.me = {"id": bot_id, "is_bot": True, "first_name": "Backcheck", "username": f"backcheck{bot_id}_bot",
                   "can_join_groups": True, "can_read_all_group_messages": False,
                   "supports_inline_queries": False}
        self._ids = itertools.count(1)
        self._msg_ids: dict[int, itertools.count[int]] = {}
        self.pending: list[dict[str, Any]] = []
        self._new = asyncio.Event()
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.sent: list[Sent] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.answered: list[dict[str, Any]] = []
        self.callback_ids: set[str] = set()
        self.failures: list[Failure] = []
        self.blocked: set[int] = set()
        self.commands: list[dict[str, Any]] = []
        self.webhook: dict[str, Any] = {}
        self._changed = asyncio.Condition()
        self._loop: asyncio.AbstractEventLoop | None = None
        #: Telegram's bot-wide limit, when a test sets it: more than this many messages sent in
        #: any one second are refused with 429 (retry_after 1), counted in ``too_many``.
        self.rate_limit: float | None = None
        self.too_many = 0
        #: When each accepted message went out (time.monotonic()), for measuring the rate.
        self.sent_at: deque[float] = deque()
        self._last_second: deque[float] = deque()
        #: Faults at random (tests set ``flaky`` to a share of send calls): each such call is
        #: answered 429, 500, or not at all until ``flaky_hang`` seconds have passed (a timeout),
        #: and never delivered. ``injected`` counts them by kind.
        self.flaky = 0.0
        self.flaky_hang = 1.0
        self.flaky_rng = random.Random(11)
        self.injected: Counter[str] = Counter()

    # --- what tests inject ---------------------------------------------------------------

    def push(self, body: dict[str, Any]) -> dict[str, Any]:
        """Queue an update (``update_id`` is assigned); returns it."""
        update = {"update_id": next(self._ids), **body}
        self.pending.append(update)
        self._new.set()
        return update

    def message(self, user_id: int, text: str, *, chat_id: int | None = None, chat_type: str = "private",
                first_name: str = "Ann", title: str = "Runners", push: bool = True) -> dict[str, Any]:
        cid = user_id if chat_id is None else chat_id
        chat = _chat(cid, chat_type, first_name, title)
        msg: dict[str, Any] = {
            "message_id": next(self._next_msg_id(cid)), "date": int(time.time()), "chat": chat,
            "from": {"id": user_id, "is_bot": False, "first_name": first_name}, "text": text,
        }
        if text.startswith("/"):
            cmd = text.split()[0]
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(cmd)}]
        body = {"message": msg}
        return self.push(body) if push else body

    def press(self, user_id: int, sent: Sent, index: int, *, first_name: str = "Ann",
              data: str | None = None, push: bool = True) -> dict[str, Any]:
        """A callback query for button ``index`` of a message we sent (as it is now)."""
        current = self.messages[(sent.chat_id, sent.message_id)]
        buttons = [b for row in (current.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]
        qid = f"q{self.token[-4:]}-{next(self._ids)}"
        self.callback_ids.add(qid)
        body = {"callback_query": {
            "id": qid, "from": {"id": user_id, "is_bot": False, "first_name": first_name},
            "chat_instance": str(sent.chat_id), "message": json.loads(json.dumps(current)),
            "data": data if data is not None else buttons[index]["callback_data"],
        }}
        return self.push(body) if push else body

    def chat_member(self, user_id: int, old: str, new: str, *, chat_id: int | None = None,
                    chat_type: str = "private", title: str = "Runners", first_name: str = "Ann",
                    push: bool = True) -> dict[str, Any]:
        """A my_chat_member update: the bot's status in a chat changed (kicked = blocked)."""
        cid = user_id if chat_id is None else chat_id
        chat = _chat(cid, chat_type, first_name, title)
        bot_user = {k: self.me[k] for k in ("id", "is_bot", "first_name", "username")}
        body = {"my_chat_member": {
            "chat": chat, "from": {"id": user_id, "is_bot": False, "first_name": first_name},
            "date": int(time.time()),
            "old_chat_member": {"status": old, "user": bot_user, **_member_extra(old)},
            "new_chat_member": {"status": new, "user": bot_user, **_member_extra(new)},
        }}
        return self.push(body) if push else body

    def fail(self, method: str, status: int, *, retry_after: int | None = None, times: int | None = 1,
             chat_id: int | None = None, description: str | None = None) -> Failure:
        f = Failure(method, status, retry_after, times, chat_id, description)
        self.failures.append(f)
        return f

    # --- what tests inspect -------------------------------------------------------------

    def busiest_second(self) -> int:
        """The most messages accepted within any one second (a sliding window)."""
        times, best, lo = list(self.sent_at), 0, 0
        for hi, t in enumerate(times):
            while times[lo] <= t - 1.0:
                lo += 1
            best = max(best, hi - lo + 1)
        return best

    def sent_to(self, chat_id: int, method: str | None = None) -> list[Sent]:
        return [s for s in self.sent if s.chat_id == chat_id and (method is None or s.method == method)]

    def texts_to(self, chat_id: int) -> list[str]:
        return [s.plain or "" for s in self.sent_to(chat_id) if s.method in ("sendMessage", "sendPhoto",
                                                                             "sendDocument")]

    def calls_of(self, method: str) -> list[dict[str, Any]]:
        return [p for m, p in self.calls if m == method]

    async def wait_for(self, predicate: Callable[[], bool], within: float = 10.0) -> None:
        """Wait until ``predicate()`` holds (re-checked after every call the bot makes)."""
        async def waiter() -> None:
            async with self._changed:
                await self._changed.wait_for(predicate)
        try:
            await asyncio.wait_for(waiter(), within)
        except TimeoutError:
            raise AssertionError(f"fake Telegram: condition not met within {within}s; "
                                 f"last calls: {[m for m, _ in self.calls[-10:]]}") from None

    async def wait_sent(self, chat_id: int, n: int, within: float = 10.0) -> list[Sent]:
        """Wait until ``n`` messages (send*) went to ``chat_id``; returns them all."""
        def enough() -> bool:
            return len([s for s in self.sent_to(chat_id) if s.method.startswith("send")]) >= n
        await self.wait_for(enough, within)
        return [s for s in self.sent_to(chat_id) if s.method.startswith("send")]

    # --- the API --------------------------------------------------------------------------

    def _next_msg_id(self, chat_id: int) -> itertools.count[int]:
        return self._msg_ids.setdefault(chat_id, itertools.count(1))

    async def call(self, method: str, params: dict[str, Any], files: dict[str, tuple[str, bytes]]) -> Any:
        self.calls.append((method, params))
        try:
            for f in self.failures:
                if f.matches(method, params):
                    if f.times is not None:
                        f.times -= 1
                    raise f.error()
            if method.startswith(("send", "edit")) and _maybe_int(params.get("chat_id")) in self.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if method.startswith("send") and self.flaky and self.flaky_rng.random() < self.flaky:
                kind = self.flaky_rng.choice(("429", "500", "timeout"))
                self.injected[kind] += 1
                if kind == "timeout":
                    await asyncio.sleep(self.flaky_hang)  # the client has given up by now
                    raise ApiError(504, "Gateway Timeout")
                raise ApiError(int(kind), "Internal Server Error" if kind == "500" else
                               "Too Many Requests: retry after 1", retry_after=1 if kind == "429" else None)
            if method.startswith("send"):
                now = time.monotonic()
                while self._last_second and self._last_second[0] <= now - 1.0:
                    self._last_second.popleft()
                if self.rate_limit is not None and len(self._last_second) >= self.rate_limit:
                    self.too_many += 1
                    raise ApiError(429, "Too Many Requests: retry after 1", retry_after=1)
                self._last_second.append(now)
                self.sent_at.append(now)
            handler = getattr(self, "_m_" + method, None)
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            return await handler(params, files)
        finally:
            async with self._changed:
                self._changed.notify_all()

    async def _m_getMe(self, p: dict[str, Any], f: Any) -> Any:
        return self.me

    async def _m_logOut(self, p: dict[str, Any], f: Any) -> Any:
        return True

    async def _m_close(self, p: dict[str, Any], f: Any) -> Any:
        return True

    async def _m_getUpdates(self, p: dict[str, Any], f: Any) -> Any:
        if self.webhook.get("url"):
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        offset = _maybe_int(p.get("offset")) or 0
        limit = max(1, min(100, _maybe_int(p.get("limit")) or 100))
        timeout = float(p.get("timeout") or 0)
        allowed = _json(p.get("allowed_updates"))
        if offset:
            # Updates below the offset are confirmed and forgotten, as on Telegram.
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            ready = [u for u in self.pending if not allowed or any(k in u for k in allowed)]
            if ready:
                return ready[:limit]
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                return []
            self._new.clear()
            try:
                await asyncio.wait_for(self._new.wait(), left)
            except TimeoutError:
                return []

    async def _m_setWebhook(self, p: dict[str, Any], f: Any) -> Any:
        secret = p.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        self.webhook = {"url": p.get("url", ""), "secret_token": secret,
                        "allowed_updates": _json(p.get("allowed_updates"))}
        return True

    async def _m_deleteWebhook(self, p: dict[str, Any], f: Any) -> Any:
        self.webhook = {}
        if str(p.get("drop_pending_updates", "")).lower() == "true":
            self.pending.clear()
        return True

    async def _m_getWebhookInfo(self, p: dict[str, Any], f: Any) -> Any:
        return {"url": self.webhook.get("url", ""), "has_custom_certificate": False,
                "pending_update_count": len(self.pending)}

    async def _m_setMyCommands(self, p: dict[str, Any], f: Any) -> Any:
        cmds = _json(p.get("commands")) or []
        for c in cmds:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", c.get("command", "")) or not 1 <= len(c.get("description", "")) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        self.commands = cmds
        return True

    async def _m_getMyCommands(self, p: dict[str, Any], f: Any) -> Any:
        return self.commands

    async def _m_answerCallbackQuery(self, p: dict[str, Any], f: Any) -> Any:
        qid = str(p.get("callback_query_id", ""))
        if qid not in self.callback_ids:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        self.callback_ids.discard(qid)
        self.answered.append(p)
        return True

    async def _m_sendMessage(self, p: dict[str, Any], f: Any) -> Any:
        text = str(p.get("text", ""))
        plain = self._check_text(text, p.get("parse_mode"), MAX_TEXT, "message is too long")
        if not plain.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        return self._store("sendMessage", p, {"text": plain}, text=text, plain=plain)

    async def _m_sendPhoto(self, p: dict[str, Any], f: dict[str, tuple[str, bytes]]) -> Any:
        name, blob = self._file(p, f, "photo")
        if not blob.startswith(b"\x89PNG\r\n\x1a\n") and not blob.startswith(b"\xff\xd8"):
            raise ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED")
        caption = str(p.get("caption", ""))
        plain = self._check_text(caption, p.get("parse_mode"), MAX_CAPTION, "message caption is too long")
        photo = [{"file_id": f"photo{len(self.sent)}", "file_unique_id": f"u{len(self.sent)}",
                  "width": 800, "height": 450, "file_size": len(blob)}]
        extra: dict[str, Any] = {"photo": photo}
        if plain:
            extra["caption"] = plain
        return self._store("sendPhoto", p, extra, text=caption, plain=plain, file_name=name, file_bytes=blob)

    async def _m_sendDocument(self, p: dict[str, Any], f: dict[str, tuple[str, bytes]]) -> Any:
        name, blob = self._file(p, f, "document")
        caption = str(p.get("caption", ""))
        plain = self._check_text(caption, p.get("parse_mode"), MAX_CAPTION, "message caption is too long")
        extra: dict[str, Any] = {"document": {"file_id": f"doc{len(self.sent)}", "file_unique_id": f"d{len(self.sent)}",
                                              "file_name": name, "file_size": len(blob)}}
        if plain:
            extra["caption"] = plain
        return self._store("sendDocument", p, extra, text=caption, plain=plain, file_name=name, file_bytes=blob)

    async def _m_editMessageText(self, p: dict[str, Any], f: Any) -> Any:
        msg = self._existing(p)
        text = str(p.get("text", ""))
        plain = self._check_text(text, p.get("parse_mode"), MAX_TEXT, "message is too long")
        markup = self._markup(p)
        if msg.get("text") == plain and msg.get("reply_markup") == markup:
            raise ApiError(400, "Bad Request: message is not modified: specified new message content and "
                                "reply markup are exactly the same as a current content and reply markup of the message")
        msg["text"] = plain
        return self._edit("editMessageText", msg, markup, p, text, plain)

    async def _m_editMessageCaption(self, p: dict[str, Any], f: Any) -> Any:
        msg = self._existing(p)
        caption = str(p.get("caption", ""))
        plain = self._check_text(caption, p.get("parse_mode"), MAX_CAPTION, "message caption is too long")
        msg["caption"] = plain
        return self._edit("editMessageCaption", msg, self._markup(p), p, caption, plain)

    async def _m_editMessageReplyMarkup(self, p: dict[str, Any], f: Any) -> Any:
        msg = self._existing(p)
        return self._edit("editMessageReplyMarkup", msg, self._markup(p), p, None, None)

    # --- helpers --------------------------------------------------------------------------

    def _check_text(self, text: str, parse_mode: Any, limit: int, too_long: str) -> str:
        plain = html_to_plain(text) if str(parse_mode or "").upper() == "HTML" else text
        if utf16_len(plain) > limit:
            raise ApiError(400, f"Bad Request: {too_long}")
        return plain

    def _markup(self, p: dict[str, Any]) -> dict[str, Any] | None:
        markup = _json(p.get("reply_markup"))
        if not markup:
            return None
        for row in markup.get("inline_keyboard", []):
            for b in row:
                data = b.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                if not b.get("text"):
                    raise ApiError(400, "Bad Request: text buttons are unallowed in the inline keyboard")
        return dict(markup)

    def _file(self, p: dict[str, Any], files: dict[str, tuple[str, bytes]], name: str) -> tuple[str, bytes]:
        ref = p.get(name)
        if isinstance(ref, str) and ref.startswith("attach://"):
            ref = ref.removeprefix("attach://")
            if ref in files:
                return files[ref]
        if name in files:
            return files[name]
        raise ApiError(400, f"Bad Request: there is no {name} in the request")

    def _store(self, method: str, p: dict[str, Any], content: dict[str, Any], **sent: Any) -> dict[str, Any]:
        chat_id = _maybe_int(p.get("chat_id"))
        if not isinstance(chat_id, int):
            raise ApiError(400, "Bad Request: chat not found")
        markup = self._markup(p)
        mid = next(self._next_msg_id(chat_id))
        msg: dict[str, Any] = {
            "message_id": mid, "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "from": {k: self.me[k] for k in ("id", "is_bot", "first_name", "username")}, **content,
        }
        if markup:
            msg["reply_markup"] = markup
        self.messages[(chat_id, mid)] = msg
        self.sent.append(Sent(method, chat_id, mid, reply_markup=markup, params=p, **sent))
        return msg

    def _existing(self, p: dict[str, Any]) -> dict[str, Any]:
        key = (_maybe_int(p.get("chat_id")), _maybe_int(p.get("message_id")))
        if key not in self.messages:
            raise ApiError(400, "Bad Request: message to edit not found")
        return self.messages[key]  # type: ignore[index]

    def _edit(self, method: str, msg: dict[str, Any], markup: dict[str, Any] | None, p: dict[str, Any],
              text: str | None, plain: str | None) -> dict[str, Any]:
        if markup:
            msg["reply_markup"] = markup
        else:
            msg.pop("reply_markup", None)
        self.sent.append(Sent(method, msg["chat"]["id"], msg["message_id"], text=text, plain=plain,
                              reply_markup=markup, params=p))
        return msg


def _member_extra(status: str) -> dict[str, Any]:
    if status == "kicked":
        return {"until_date": 0}
    if status == "administrator":
        return {"can_be_edited": False, "is_anonymous": False, "can_manage_chat": True,
                "can_delete_messages": False, "can_manage_video_chats": False, "can_restrict_members": False,
                "can_promote_members": False, "can_change_info": False, "can_invite_users": True,
                "can_post_stories": False, "can_edit_stories": False, "can_delete_stories": False}
    return {}


def _maybe_int(v: Any) -> Any:
    try:
        return int(v)
    except (TypeError, ValueError):
        return v


def _json(v: Any) -> Any:
    if v is None or not isinstance(v, str):
        return v
    try:
        return json.loads(v)
    except ValueError:
        return v


class FakeTelegram:
    """The server. ``await fake.start()``; PTB's ``base_url`` is ``fake.base_url``."""

    def __init__(self) -> None:
        self.bots: dict[str, FakeBot] = {}
        self._bot_ids = itertools.count(7_000_000_001)
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.requests = 0
        self._client: aiohttp.ClientSession | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def bot(self, token: str) -> FakeBot:
        if token not in self.bots:
            self.bots[token] = FakeBot(token, next(self._bot_ids))
        return self.bots[token]

    async def start(self, port: int = 0) -> None:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_post(r"/bot{token:[^/]+}/{method}", self._api)
        app.router.add_get(r"/bot{token:[^/]+}/{method}", self._api)
        app.router.add_post(r"/_fake/{token:[^/]+}/updates", self._ctl_updates)
        app.router.add_get(r"/_fake/{token:[^/]+}/stats", self._ctl_stats)
        app.router.add_post(r"/_fake/{token:[^/]+}/rate", self._ctl_rate)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    async def close(self) -> None:
        for b in self.bots.values():
            b._new.set()
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def deliver_webhook(self, token: str, update: dict[str, Any], secret: str | None = "__set__") -> int:
        """POST an update to the bot's webhook as Telegram would (with the secret header it set);
        returns the HTTP status. ``secret=None`` sends no header; a string sends that one."""
        b = self.bot(token)
        url = b.webhook.get("url")
        assert url, "no webhook set"
        headers = {"Content-Type": "application/json"}
        value = b.webhook.get("secret_token") if secret == "__set__" else secret
        if value is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = value
        if self._client is None:
            self._client = aiohttp.ClientSession()
        async with self._client.post(url, data=json.dumps(update), headers=headers) as r:
            return r.status

    async def _api(self, request: web.Request) -> web.Response:
        self.requests += 1
        token, method = request.match_info["token"], request.match_info["method"]
        params: dict[str, Any] = dict(request.query)
        files: dict[str, tuple[str, bytes]] = {}
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                return web.json_response({"ok": False, "error_code": 400, "description": "Bad Request: bad JSON"},
                                         status=400)
            params.update(body if isinstance(body, dict) else {})
        elif request.can_read_body:
            form = await request.post()
            for k, v in form.items():
                if isinstance(v, web.FileField):
                    files[k] = (v.filename or k, v.file.read())
                else:
                    params[k] = v
        try:
            result = await self.bot(token).call(method, params, files)
        except ApiError as exc:
            return web.json_response(exc.body(), status=exc.status)
        return web.json_response({"ok": True, "result": result})

    async def _ctl_updates(self, request: web.Request) -> web.Response:
        b = self.bot(request.match_info["token"])
        bodies = await request.json()
        for body in bodies:
            b.push(body)
        return web.json_response({"queued": len(bodies)})

    async def _ctl_rate(self, request: web.Request) -> web.Response:
        """Set the bot-wide limit (``{"rate": 30}``; null: none) and start counting afresh."""
        b = self.bot(request.match_info["token"])
        b.rate_limit = (await request.json()).get("rate")
        b.too_many = 0
        b.sent_at.clear()
        return web.json_response({"rate": b.rate_limit})

    async def _ctl_stats(self, request: web.Request) -> web.Response:
        b = self.bot(request.match_info["token"])
        return web.json_response({
            "too_many": b.too_many, "busiest_second": b.busiest_second(),
            "sent": len(b.sent), "calls": len(b.calls), "pending": len(b.pending),
            "sent_messages": sum(1 for s in b.sent if s.method == "sendMessage"),
            "chats": len({s.chat_id for s in b.sent}),
            # This process's CPU seconds so far: a benchmark can tell whether the fake was the bottleneck.
            "cpu": time.process_time(),
        })


async def _serve(port: int) -> None:
    fake = FakeTelegram()
    await fake.start(port)
    print(f"fake telegram on {fake.base_url}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await fake.close()


def main() -> None:
    ap = argparse.ArgumentParser(description="A fake Telegram Bot API on 127.0.0.1.")
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    try:
        asyncio.run(_serve(args.port))
    except KeyboardInterrupt:
        pass


def _chat(chat_id: int, chat_type: str, first_name: str, title: str) -> dict[str, Any]:
    """A Chat object: private chats have the user's name, groups a title."""
    chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
    if chat_type == "private":
        chat["first_name"] = first_name
    else:
        chat["title"] = title
    return chat


if __name__ == "__main__":
    main()

