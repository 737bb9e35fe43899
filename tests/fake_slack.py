"""A fake Slack for tests and benchmarks: the Web API on 127.0.0.1 (any port), and the other
direction, Slack's signed requests to the app's ``/slack/events``. Real HTTP both ways.

Web API: ``POST /api/<method>`` with form, query or JSON arguments and the bot token in the
``Authorization`` header, answered ``{"ok": true, ...}`` or ``{"ok": false, "error": ...}`` (429
with ``Retry-After`` when rate limited), as slack_sdk's AsyncWebClient calls it. Methods:
auth.test, conversations.open, chat.postMessage, chat.update, chat.postEphemeral, views.publish,
views.open, files.getUploadURLExternal + the upload URL + files.completeUploadExternal (what
files.upload_v2 calls), users.info, oauth.v2.access. Every call is recorded with its token;
errors and 429s can be injected (:meth:`FakeSlack.fail`).

Workspaces are separate: :meth:`FakeSlack.workspace` makes one with its own bot token, so tests
sharing the server stay independent. Requests to the app are signed for real (v0 HMAC-SHA256 of
``v0:<timestamp>:<body>`` with the signing secret, as Slack signs them).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """Slack's v0 request signature."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: bytes, *, age: float = 0.0, content_type: str = "application/json",
                   retry: int | None = None) -> dict[str, str]:
    """Headers Slack sends with ``body``, signed ``age`` seconds ago."""
    ts = str(int(time.time() - age))
    headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts,
               "X-Slack-Signature": signature(secret, ts, body)}
    if retry is not None:
        headers["X-Slack-Retry-Num"] = str(retry)
        headers["X-Slack-Retry-Reason"] = "http_timeout"
    return headers


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@dataclass
class Workspace:
    team_id: str
    token: str
    bot_user_id: str
    bot_id: str
    name: str = "Runners Inc"
    app_id: str = "A0BACKCHECK"


@dataclass
class Call:
    method: str
    token: str | None
    params: dict[str, Any]


@dataclass
class Posted:
    """A message in a channel, as it is now (chat.update changes it in place)."""

    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    token: str | None
    thread_ts: str | None = None
    updates: int = 0

    @property
    def plain(self) -> str:
        """What a user reads: the sections' text (else the text, unescaped)."""
        secs = [str(b["text"]["text"]) for b in self.blocks if b.get("type") == "section"]
        return "\n".join(secs) if secs else unescape(self.text)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [e for b in self.blocks if b.get("type") == "actions" for e in b.get("elements", [])]

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(str(e["value"]) for e in self.buttons if str(e.get("action_id", "")).startswith("choice:"))

    @property
    def context(self) -> str:
        return "\n".join(str(e.get("text")) for b in self.blocks if b.get("type") == "context"
                         for e in b.get("elements", []))


@dataclass
class Upload:
    file_id: str
    filename: str
    length: int
    data: bytes = b""
    channel: str | None = None
    initial_comment: str | None = None
    token: str | None = None


@dataclass
class Failure:
    """The next ``times`` calls of ``method`` (optionally to ``channel``) fail with ``error``."""

    method: str
    error: str
    status: int = 200
    retry_after: int | None = None
    times: int | None = 1
    channel: str | None = None

    def matches(self, method: str, params: dict[str, Any]) -> bool:
        if self.method not in (method, "*") or (self.times is not None and self.times <= 0):
            return False
        return self.channel is None or self.channel in (params.get("channel"), params.get("channel_id"),
                                                        params.get("users"))


@dataclass
class FakeSlack:
    workspaces: dict[str, Workspace] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    messages: dict[tuple[str, str], Posted] = field(default_factory=dict)
    posted: list[Posted] = field(default_factory=list)
    ephemeral: list[Call] = field(default_factory=list)
    homes: dict[str, dict[str, Any]] = field(default_factory=dict)
    opened_views: list[Call] = field(default_factory=list)
    uploads: dict[str, Upload] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    oauth_codes: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._sockets: list[web.WebSocketResponse] = []
        self._acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._ts = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self.port = 0
        self.requests = 0

    # --- server -----------------------------------------------------------------------------

    async def start(self, port: int = 0) -> None:
        app = web.Application(client_max_size=8 << 20)
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/_fake/stats", self._stats)
        app.router.add_post("/_fake/workspace", self._ctl_workspace)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def close(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    # --- what tests set up and inject ---------------------------------------------------------

    def workspace(self, name: str = "Runners Inc") -> Workspace:
        team = "T" + uuid.uuid4().hex[:8].upper()
        w = Workspace(team, f"xoxb-{team}-{uuid.uuid4().hex[:12]}", "U0BOT" + team[1:5], "B0BOT" + team[1:5], name)
        self.workspaces[team] = w
        return w

    def oauth_code(self, name: str = "Second Co") -> tuple[str, Workspace]:
        """A code the OAuth redirect brings; oauth.v2.access turns it into a new workspace's token."""
        w = self.workspace(name)
        code = "code-" + uuid.uuid4().hex[:10]
        self.oauth_codes[code] = w.team_id
        return code, w

    def fail(self, method: str, error: str, *, status: int = 200, retry_after: int | None = None,
             times: int | None = 1, channel: str | None = None) -> Failure:
        f = Failure(method, error, 429 if error == "ratelimited" else status, retry_after, times, channel)
        self.failures.append(f)
        return f

    @staticmethod
    def dm_of(user: str) -> str:
        return "D" + user[1:]

    # --- what tests inspect -----------------------------------------------------------------

    def calls_of(self, method: str, token: str | None = None) -> list[Call]:
        return [c for c in self.calls if c.method == method and (token is None or c.token == token)]

    def in_channel(self, channel: str) -> list[Posted]:
        return [p for p in self.posted if p.channel == channel]

    async def wait_for(self, predicate: Callable[[], bool], within: float = 10.0) -> None:
        async def waiter() -> None:
            async with self._changed:
                await self._changed.wait_for(predicate)
        try:
            await asyncio.wait_for(waiter(), within)
        except TimeoutError:
            raise AssertionError(f"fake Slack: condition not met within {within}s; "
                                 f"last calls: {[c.method for c in self.calls[-10:]]}") from None

    # --- the API ------------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        self.requests += 1
        method = request.match_info["method"]
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            body = await request.json()
            params.update(body if isinstance(body, dict) else {})
        elif request.can_read_body:
            params.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
        for k in ("blocks", "view", "files"):
            if isinstance(params.get(k), str):
                params[k] = json.loads(params[k])
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else params.get("token")
        try:
            for f in self.failures:
                if f.matches(method, params):
                    if f.times is not None:
                        f.times -= 1
                    headers = {"Retry-After": str(f.retry_after)} if f.retry_after is not None else None
                    return web.json_response({"ok": False, "error": f.error}, status=f.status, headers=headers)
            if method == "apps.connections.open":
                if not str(token).startswith("xapp-"):
                    return web.json_response({"ok": False, "error": "not_allowed_token_type"})
                self.calls.append(Call(method, token, params))
                return web.json_response({"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"})
            handler = getattr(self, "_m_" + method.replace(".", "_"), None)
            if handler is None:
                return web.json_response({"ok": False, "error": "unknown_method"})
            if method != "oauth.v2.access" and self._team_of(token) is None:
                return web.json_response({"ok": False, "error": "invalid_auth"})
            self.calls.append(Call(method, token, params))
            result = handler(params, token)
            return web.json_response({"ok": True, **result} if result.get("ok", True) else result)
        finally:
            async with self._changed:
                self._changed.notify_all()

    def _team_of(self, token: str | None) -> Workspace | None:
        return next((w for w in self.workspaces.values() if w.token == token), None)

    def _next_ts(self) -> str:
        return f"{1_800_000_000 + next(self._ts)}.000100"

    def _m_auth_test(self, p: dict[str, Any], token: str | None) -> dict[str, Any]:
        w = self._team_of(token)
        assert w is not None
        return {"url": "https://fake.slack.com/", "team": w.name, "user": "backcheck", "team_id": w.team_id,
                "user_id": w.bot_user_id, "bot_id": w.bot_id, "is_enterprise_install": False}

    def _m_conversations_open(self, p: dict[str, Any], token: str | None) -> dict[str, Any]:
        return {"channel": {"id": self.dm_of(str(p["users"]))}}

    def _m_chat_postMessage(self, p: dict[str, Any], token: str | None) -> dict[str, Any]:
        if not p.get("text") and not p.get("blocks"):
            return {"ok": False, "error": "no_text"}
        m = Posted(str(p["channel"]), self._next_ts(), str(p.get("text", "")), list(p.get("blocks") or []), token,
                   p.get("thread_ts"))
        self.messages[(m.channel, m.ts)] = m
        self.posted.append(m)
        return {"channel": m.channel, "ts": m.ts, "message": {"text": m.text, "blocks": m.blocks}}

    def _m_chat_update(self, p: dict[str, Any], token: str | None) -> dict[str, Any]:
        m = self.messages.get((str(p.get("channel")), str(p.get("ts"))))
        if m is None:
            return {"ok": False, "error": "message_not_found"}
        m.text, m.blocks, m.updates = str(p.get("text", m.text)), list(p.get("blocks") or []), m.updates + 1
        return {"channel": m.channel, "ts": m.ts}

    def _m_chat_postEphemeral(self, p: dict[str, Any], token: str | None) -> dict[str, Any]:
        self.ephemeral.append(Call("chat.postEphemeral", token, p))
        return {"message_ts": self._next_ts()}

    def _m_views_publish(self, p: dict[str, Any], token: str | None) -> dict[str, Any]:
        self.homes[str(p["user_id"])] = p["view"]
        return {"view": {"id": "V" + uuid.uuid4().hex[:8]}}

    def _m_views_open(self, p: dict[str, Any], token: str | None) -> dict[str, Any]:
        if not p.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        self.opened_views.append(Call("views.open", token, p))
        return {"view": {"id": "V" + uuid.uuid4().hex[:8], **p["view"]}}

    def _m_files_getUploadURLExternal(self, p: dict[str, Any], token: str | None) -> dict[str, Any]:
        fid = "F" + uuid.uuid4().hex[:10].upper()
        self.uploads[fid] = Upload(fid, str(p["filename"]), int(p["length"]), token=token)
        return {"file_id": fid, "upload_url": f"http://127.0.0.1:{self.port}/upload/{fid}"}

    def _m_files_completeUploadExternal(self, p: dict[str, Any], token: str | None) -> dict[str, Any]:
        done = []
        for f in p["files"]:
            up = self.uploads[f["id"]]
            if len(up.data) != up.length:
                return {"ok": False, "error": "upload_incomplete"}
            up.channel, up.initial_comment = p.get("channel_id"), p.get("initial_comment")
            done.append({"id": up.file_id, "title": f.get("title"), "name": up.filename})
        return {"files": done}

    def _m_users_info(self, p: dict[str, Any], token: str | None) -> dict[str, Any]:
        uid = str(p["user"])
        u = self.users.get(uid) or {"id": uid, "name": uid.lower(), "real_name": "Member " + uid[-4:],
                                    "profile": {"display_name": "", "real_name": "Member " + uid[-4:]}}
        return {"user": u}

    def _m_oauth_v2_access(self, p: dict[str, Any], token: str | None) -> dict[str, Any]:
        team = self.oauth_codes.pop(str(p.get("code")), None)
        if team is None:
            return {"ok": False, "error": "invalid_code"}
        w = self.workspaces[team]
        return {"app_id": w.app_id, "authed_user": {"id": "U0INSTALLER"}, "scope": "chat:write,commands",
                "token_type": "bot", "access_token": w.token, "bot_user_id": w.bot_user_id,
                "team": {"id": w.team_id, "name": w.name}, "enterprise": None, "is_enterprise_install": False}

    async def _upload(self, request: web.Request) -> web.Response:
        up = self.uploads.get(request.match_info["file_id"])
        if up is None:
            return web.Response(status=404, text="no such upload")
        up.data = await request.read()
        async with self._changed:
            self._changed.notify_all()
        return web.Response(text=f"OK - {len(up.data)}")

    # --- Socket Mode: Slack's side of the WebSocket --------------------------------------------

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": 1, "debug_info": {"host": "fake"},
                            "connection_info": {"app_id": "A0BACKCHECK"}})
        try:
            async for msg in ws:
                if msg.type == aiohttp.WSMsgType.TEXT:
                    data = json.loads(msg.data)
                    fut = self._acks.pop(str(data.get("envelope_id")), None)
                    if fut is not None and not fut.done():
                        fut.set_result(data)
        finally:
            self._sockets.remove(ws)
        return ws

    async def socket_deliver(self, kind: str, payload: dict[str, Any], within: float = 10.0) -> dict[str, Any]:
        """Send an envelope (``events_api``, ``interactive``, ``slash_commands``) to the connected
        app, as Slack does in Socket Mode; returns the app's acknowledgement."""
        for _ in range(int(within / 0.01)):
            if self._sockets:
                break
            await asyncio.sleep(0.01)
        assert self._sockets, "no app connected over Socket Mode"
        envelope_id = uuid.uuid4().hex
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._acks[envelope_id] = fut
        await self._sockets[-1].send_json({"envelope_id": envelope_id, "type": kind, "payload": payload,
                                           "accepts_response_payload": kind != "events_api",
                                           "retry_attempt": 0, "retry_reason": ""})
        return await asyncio.wait_for(fut, within)

    async def _stats(self, request: web.Request) -> web.Response:
        # This process's CPU seconds so far: a benchmark can tell whether the fake was the bottleneck.
        return web.json_response({"calls": len(self.calls), "posted": len(self.posted), "cpu": time.process_time()})

    async def _ctl_workspace(self, request: web.Request) -> web.Response:
        w = self.workspace()
        return web.json_response({"team_id": w.team_id, "token": w.token, "app_id": w.app_id,
                                  "bot_user_id": w.bot_user_id})

    # --- Slack's requests to the app -------------------------------------------------------------

    async def deliver(self, url: str, secret: str, body: dict[str, Any] | str, *, form: bool = False,
                      age: float = 0.0, sign: bool = True, bad_signature: bool = False,
                      retry: int | None = None) -> tuple[int, str]:
        """POST a request as Slack does (JSON for events, a form for interactivity and slash
        commands); returns (status, body)."""
        if self._client is None:
            self._client = aiohttp.ClientSession()
        if isinstance(body, str):
            raw = body.encode()
            ctype = "application/x-www-form-urlencoded" if form else "application/json"
        elif form:
            raw, ctype = urlencode(body).encode(), "application/x-www-form-urlencoded"
        else:
            raw, ctype = json.dumps(body).encode(), "application/json"
        headers = signed_headers(secret, raw, age=age, content_type=ctype, retry=retry) if sign \
            else {"Content-Type": ctype}
        if bad_signature:
            headers["X-Slack-Signature"] = signature("not-the-secret", headers["X-Slack-Request-Timestamp"], raw)
        async with self._client.post(url, data=raw, headers=headers) as r:
            return r.status, await r.text()


async def _serve(port: int) -> None:
    fake = FakeSlack()
    await fake.start(port)
    print(f"fake slack on {fake.base_url}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await fake.close()


def main() -> None:
    """``python -m tests.fake_slack [--port N]``: the fake in a process of its own (benchmarks)."""
    import argparse

    ap = argparse.ArgumentParser(description="A fake Slack Web API on 127.0.0.1.")
    ap.add_argument("--port", type=int, default=0)
    try:
        asyncio.run(_serve(ap.parse_args().port))
    except KeyboardInterrupt:
        pass


# --- payloads Slack sends ------------------------------------------------------------------------


def event(w: Workspace, inner: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    return {"token": "legacy", "team_id": w.team_id, "api_app_id": w.app_id, "type": "event_callback",
            "event_id": event_id or "Ev" + uuid.uuid4().hex[:10].upper(), "event_time": int(time.time()),
            "authorizations": [{"team_id": w.team_id, "user_id": w.bot_user_id, "is_bot": True}],
            "event": inner}


def dm_event(w: Workspace, user: str, text: str, **extra: Any) -> dict[str, Any]:
    inner = {"type": "message", "channel": FakeSlack.dm_of(user), "channel_type": "im", "user": user,
             "text": text, "ts": f"{time.time():.6f}", "team": w.team_id, **extra}
    return event(w, inner)


def block_action(w: Workspace, user: str, posted: Posted, action: dict[str, Any],
                 channel_name: str | None = None) -> dict[str, str]:
    """A button press on ``posted``; a channel is named as Slack names a private one unless told."""
    name = channel_name or ("directmessage" if posted.channel.startswith("D") else "privategroup")
    payload = {"type": "block_actions", "api_app_id": w.app_id, "trigger_id": "trig-" + uuid.uuid4().hex[:8],
               "team": {"id": w.team_id}, "user": {"id": user, "team_id": w.team_id, "name": user.lower()},
               "channel": {"id": posted.channel, "name": name},
               "container": {"type": "message", "message_ts": posted.ts, "channel_id": posted.channel},
               "message": {"ts": posted.ts, "text": posted.text, "blocks": posted.blocks, "type": "message"},
               "actions": [{**action, "block_id": "b", "action_ts": f"{time.time():.6f}", "type": "button"}]}
    return {"payload": json.dumps(payload)}


def home_action(w: Workspace, user: str, view: dict[str, Any], action: dict[str, Any]) -> dict[str, str]:
    """A button pressed on the App Home tab (``view``: the Home as published)."""
    payload = {"type": "block_actions", "api_app_id": w.app_id, "trigger_id": "trig-" + uuid.uuid4().hex[:8],
               "team": {"id": w.team_id}, "user": {"id": user, "team_id": w.team_id, "name": user.lower()},
               "container": {"type": "view", "view_id": "VHOME"}, "view": {**view, "id": "VHOME"},
               "actions": [{**action, "block_id": "home", "action_ts": f"{time.time():.6f}", "type": "button"}]}
    return {"payload": json.dumps(payload)}


def view_submission(w: Workspace, user: str, values: dict[str, str | None], channel: str = "") -> dict[str, str]:
    state: dict[str, Any] = {}
    for name, v in values.items():
        if name == "minutes":
            state[name] = {name: {"type": "plain_text_input", "value": v}}
        else:
            state[name] = {name: {"type": "static_select",
                                  "selected_option": None if v is None else {"value": v, "text": {"type": "plain_text", "text": v}}}}
    payload = {"type": "view_submission", "api_app_id": w.app_id, "team": {"id": w.team_id},
               "user": {"id": user, "team_id": w.team_id, "name": user.lower()},
               "trigger_id": "trig-" + uuid.uuid4().hex[:8],
               "view": {"id": "V1", "type": "modal", "callback_id": "checkin_form", "private_metadata": channel,
                        "state": {"values": state}, "team_id": w.team_id}}
    return {"payload": json.dumps(payload)}


def slash(w: Workspace, user: str, text: str, channel: str | None = None, channel_name: str = "directmessage"
          ) -> dict[str, str]:
    return {"token": "legacy", "team_id": w.team_id, "team_domain": "runners", "channel_id": channel or FakeSlack.dm_of(user),
            "channel_name": channel_name, "user_id": user, "user_name": user.lower(), "command": "/backcheck",
            "text": text, "api_app_id": w.app_id, "response_url": "http://127.0.0.1:9/hooks",
            "trigger_id": "trig-" + uuid.uuid4().hex[:8]}


if __name__ == "__main__":
    main()
