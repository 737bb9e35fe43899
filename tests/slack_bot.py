"""The Slack app under test: the adapter in our one ASGI app served by uvicorn on 127.0.0.1, the
fake Slack Web API behind it, and members who talk to it: ``await alice.says("pain 3, ran 20")``."""

from __future__ import annotations

import asyncio
import socket
import uuid
from typing import Any

import uvicorn

from adapters.slack import SlackAdapter
from bot.config import Settings
from bot.conversation import Coach
from bot.store import repo
from bot.store.repo import Store
from bot.web import create_app
from tests.conftest import Clock
from tests.fake_slack import (
    FakeSlack,
    Posted,
    Workspace,
    block_action,
    dm_event,
    event,
    slash,
    view_submission,
)
from tests.test_telegram import _eventually

SECRET = "test-signing-secret"


def slack_settings(fake: FakeSlack, **kw: Any) -> Settings:
    return Settings(_env_file=None, database_url="sqlite:///unused.db", slack_signing_secret=SECRET,  # type: ignore[call-arg]
                    slack_api_url=fake.base_url, default_timezone="UTC", **kw)


class SlackBot:
    """One Slack app, serving; ``bot.member("Ann")`` is someone in its workspace."""

    def __init__(self, fake: FakeSlack, store: Store, clock: Clock, *, oauth: bool = False,
                 workspace: Workspace | None = None, **settings: Any) -> None:
        """``workspace``: the one workspace (made here if not given); ``settings``: more of them
        (``admins=...``)."""
        self.fake, self.store, self.clock = fake, store, clock
        self.workspace: Workspace | None = None
        if oauth:
            self.settings = slack_settings(fake, slack_client_id="111.222", slack_client_secret="shh", **settings)
        else:
            self.workspace = workspace or fake.workspace()
            self.settings = slack_settings(fake, slack_bot_token=self.workspace.token, **settings)
        self.coach = Coach(store, self.settings)
        self.adapter = SlackAdapter(self.coach, self.settings, clock=clock)
        self.web = create_app(store, self.adapter.routes())
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None
        self.url = ""

    async def start(self) -> SlackBot:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self._server = uvicorn.Server(uvicorn.Config(self.web, log_level="warning", lifespan="off"))
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]))
        await _eventually(lambda: self._server is not None and self._server.started)
        await self.adapter.start()
        return self

    async def stop(self) -> None:
        await self.adapter.stop()
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await self._task

    @property
    def events_url(self) -> str:
        return self.url + "/slack/events"

    def member(self, name: str = "Ann", workspace: Workspace | None = None) -> Member:
        w = workspace or self.workspace
        assert w is not None
        return Member(self, w, "U" + uuid.uuid4().hex[:9].upper(), name)

    async def deliver(self, body: Any, **kw: Any) -> tuple[int, str]:
        """A request from Slack; returns once the app answered it and finished its lazy work."""
        status, text = await self.fake.deliver(self.events_url, SECRET, body, **kw)
        await self.adapter.drain()
        return status, text


class Member:
    """Someone in a workspace, talking to the bot in their DM."""

    def __init__(self, bot: SlackBot, w: Workspace, user: str, name: str) -> None:
        self.bot, self.w, self.user, self.name = bot, w, user, name
        self.key = f"slack:{w.team_id}:{user}"
        self.dm = FakeSlack.dm_of(user)
        self.last: list[Posted] = []

    def _seen(self) -> int:
        return len(self.bot.fake.in_channel(self.dm))

    async def _after(self, body: Any, **kw: Any) -> list[Posted]:
        before = self._seen()
        status, _ = await self.bot.deliver(body, **kw)
        assert status == 200, status
        self.last = self.bot.fake.in_channel(self.dm)[before:]
        return self.last

    async def says(self, text: str, **extra: Any) -> list[Posted]:
        """A DM to the bot; returns what the bot posted in the DM in answer."""
        return await self._after(dm_event(self.w, self.user, text, **extra))

    async def presses(self, choice: str, question: Posted | None = None) -> list[Posted]:
        q = question or self.question
        button = next(b for b in q.buttons if b["value"] == choice)
        return await self._after(block_action(self.w, self.user, q, button), form=True)

    async def slash(self, text: str, channel: str | None = None, channel_name: str = "directmessage") -> tuple[int, str]:
        return await self.bot.deliver(slash(self.w, self.user, text, channel, channel_name), form=True)

    async def submits(self, values: dict[str, str | None]) -> tuple[int, str]:
        before = self._seen()
        status, body = await self.bot.deliver(view_submission(self.w, self.user, values, self.dm), form=True)
        self.last = self.bot.fake.in_channel(self.dm)[before:]
        return status, body

    async def opens_home(self) -> dict[str, Any]:
        """The App Home tab opened; returns the view published for it."""
        status, _ = await self.bot.deliver(event(self.w, {"type": "app_home_opened", "user": self.user,
                                                          "tab": "home", "channel": self.dm}))
        assert status == 200, status
        return self.bot.fake.homes[self.user]

    @property
    def question(self) -> Posted:
        with_buttons = [p for p in self.bot.fake.in_channel(self.dm) if p.choices]
        assert with_buttons, "no question with buttons in the DM"
        return with_buttons[-1]

    @property
    def reply(self) -> str:
        return "\n".join(p.plain for p in self.last)

    async def onboard(self) -> None:
        await self.says("hi")
        await self.presses("New to running")
        await self.says("UTC")
        await self.presses("07:30")
        await self.presses("every day")

    async def stored(self) -> Any:
        async with self.bot.store.session() as s:
            return await repo.get_user(s, self.key)
