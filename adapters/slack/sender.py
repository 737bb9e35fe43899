"""The Slack Web API side: one client per workspace (its own bot token), the SDK's retry
handlers, Slack's errors as the core's delivery failures, and the core's messages as
``chat.postMessage`` / ``files.upload_v2`` calls. The scheduler's Sender and the team channels'
GroupPoster go through here, as do replies to events."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import blocks
from bot import messages as M
from bot import metrics
from bot.ports import Outgoing, PermanentFailure, PlatformLimits, TemporaryFailure, UserKey

log = logging.getLogger(__name__)

#: Slack: about one message a second per channel (short bursts allowed), and chat.postMessage's
#: workspace-wide budget of several hundred a minute; conversations.open (Tier 3) is called once
#: per user and remembered.
LIMITS = PlatformLimits(rate=5.0, per_key_interval=1.0, max_in_flight=50, chunk=25)
#: Errors that mean the user, channel or workspace is gone for good: the core marks it inactive.
GONE = frozenset({"account_inactive", "channel_not_found", "user_not_found", "user_disabled", "is_archived",
                  "not_in_channel", "cannot_dm_bot", "token_revoked", "team_not_found", "invalid_auth"})
#: How long a reply to an event may wait on Slack's rate limit, in all, before it is given up.
REPLY_MAX_WAIT = 120.0

T = TypeVar("T")
TokenFor = Callable[[str], Awaitable[str | None]]


def retry_handlers() -> list[Any]:
    """The SDK's own: a 429 waits Retry-After and tries again; a dropped connection is retried."""
    return [AsyncRateLimitErrorRetryHandler(max_retry_count=2), AsyncConnectionErrorRetryHandler(max_retry_count=2)]


def failure(exc: Exception, method: str) -> Exception:
    """Slack's error as the core's delivery failure (never the message text in the log)."""
    if isinstance(exc, SlackApiError):
        status = getattr(exc.response, "status_code", 0)
        data = getattr(exc.response, "data", None)
        error = str(data.get("error", "")) if isinstance(data, dict) else f"HTTP {status}"
        if status == 429 or error == "ratelimited":
            headers = getattr(exc.response, "headers", {}) or {}
            after = headers.get("Retry-After") or headers.get("retry-after") or 1
            try:
                wait = float(after)
            except (TypeError, ValueError):
                wait = 1.0
            return TemporaryFailure(f"slack: {method} rate limited", retry_after=wait)
        if error in GONE:
            return PermanentFailure(f"slack: {method}: {error}")
        log.error("slack: %s refused (%s)", method, error[:80])
        return TemporaryFailure(f"slack: {method}: {error[:80]}")
    return TemporaryFailure(f"slack: {method}: {type(exc).__name__}")


async def guarded(method: str, call: Awaitable[T]) -> T:
    """One Web API call, its failure as the core's (the SDK's retry handlers have run by then)."""
    try:
        return await call
    except (SlackApiError, SlackClientError, aiohttp.ClientError, TimeoutError) as exc:
        raise failure(exc, method) from None


def is_channel(slack_id: str) -> bool:
    """Channel, private channel and DM ids start with C, G, D; user ids with U or W."""
    return slack_id[:1] in ("C", "G", "D")


class SlackOut:
    """Sending, per workspace. ``token_for(team)`` gives the workspace's bot token (the one token
    of a single-workspace install, or the installation store's)."""

    def __init__(self, base_url: str, token_for: TokenFor) -> None:
        self.base_url = base_url
        self.token_for = token_for
        self.session: aiohttp.ClientSession | None = None
        self._clients: dict[str, AsyncWebClient] = {}
        self._dms: dict[str, str] = {}

    def client(self, token: str | None = None) -> AsyncWebClient:
        return AsyncWebClient(token=token, base_url=self.base_url, session=self.session,
                              retry_handlers=retry_handlers())

    async def open(self) -> None:
        if self.session is None:
            self.session = aiohttp.ClientSession()

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()
            self.session = None
        self._clients.clear()

    async def client_for(self, team: str) -> AsyncWebClient:
        token = await self.token_for(team)
        if not token:
            raise PermanentFailure(f"slack: no installation for workspace {team}")
        return self.client_with(token)

    def client_with(self, token: str) -> AsyncWebClient:
        """A client for ``token`` on the shared connection pool (made once per token)."""
        c = self._clients.get(token)
        if c is None:
            c = self._clients[token] = self.client(token)
        return c

    async def channel_of(self, client: AsyncWebClient, key: str) -> str:
        """The channel to post to for ``key``: the channel itself, or the user's DM (opened once)."""
        target = address(key)[1]
        if is_channel(target):
            return target
        dm = self._dms.get(key)
        if dm is None:
            res = await guarded("conversations.open", client.conversations_open(users=target))
            dm = self._dms[key] = str(res["channel"]["id"])
        return dm

    def remember_dm(self, key: str, channel: str) -> None:
        self._dms[key] = channel

    # --- sending ---------------------------------------------------------------------------

    async def send(self, key: str, messages: Sequence[Outgoing], *, client: AsyncWebClient | None = None,
                   channel: str | None = None, join_button: bool = False) -> str:
        """Deliver ``messages`` in order to ``key`` (a user's DM or a channel); returns the ts of
        the last message posted."""
        client = client or await self.client_for(address(key)[0])
        channel = channel or await self.channel_of(client, key)
        ts = ""
        for m in messages:
            ts = await self.post_one(client, channel, m, join_button=join_button)
        return ts

    async def post_one(self, client: AsyncWebClient, channel: str, m: Outgoing, *, join_button: bool = False) -> str:
        files = [(name, blob) for name, blob in (("progress.png", m.image), m.document or ("", None)) if blob]
        if files and not m.choices:
            # The text goes with the first file, as a caption would.
            for i, (name, blob) in enumerate(files):
                await guarded("files.upload_v2", client.files_upload_v2(
                    channel=channel, filename=name, content=blob, title=name,
                    initial_comment=blocks.escape(blocks.slack_commands(m.text)) if i == 0 else None))
            return ""
        res = await guarded("chat.postMessage", client.chat_postMessage(
            channel=channel, **blocks.message(m, form_button=m.choices == M.CHECKIN_CHOICES, join_button=join_button)))
        for name, blob in files:
            await guarded("files.upload_v2", client.files_upload_v2(channel=channel, filename=name, content=blob,
                                                                    title=name))
        return str(res.get("ts", ""))

    async def reply(self, key: str, messages: Sequence[Outgoing], *, client: AsyncWebClient | None = None,
                    channel: str | None = None) -> bool:
        """A reply to something the user did: a rate limit is waited out (never dropped) up to
        REPLY_MAX_WAIT in all; False if it could not be delivered."""
        waited = 0.0
        while True:
            try:
                await self.send(key, messages, client=client, channel=channel)
            except TemporaryFailure as exc:
                wait = exc.retry_after
                if wait is None or waited + wait > REPLY_MAX_WAIT:
                    log.warning("slack: reply to %s not delivered (%s)", key, exc)
                    metrics.failed("slack", "reply", "temporary" if wait is None else "rate_limited")
                    return False
                await asyncio.sleep(wait)
                waited += wait
            except PermanentFailure:
                metrics.failed("slack", "reply", "permanent")
                raise
            else:
                metrics.sent("slack", "reply", len(messages))
                return True


def address(key: str) -> tuple[str, str]:
    """(workspace, user or channel id) of a Slack key; PermanentFailure if it is not one."""
    try:
        k = UserKey.parse(key)
        if k.platform != "slack" or len(k.ids) != 2:
            raise ValueError
        return k.ids[0], k.ids[1]
    except ValueError:
        raise PermanentFailure(f"not a Slack key: {key!r}") from None
