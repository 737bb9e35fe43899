"""Slack, on slack-bolt's AsyncApp: events, buttons, the modal and ``/backcheck`` in; the core's
messages out (adapters/slack/sender.py). Translation only: no SQL, no dialogue, no store session.

- HTTP mode: ``POST /slack/events`` in our one ASGI app through Bolt's Starlette handler; Bolt
  checks the v0 signature and its 5-minute window (401 otherwise). OAuth installs add
  ``GET /slack/install`` and ``GET /slack/oauth_redirect``. Socket Mode when
  ``BACKCHECK_SLACK_APP_TOKEN`` is set (no public URL needed).
- ``process_before_response``: a DM is answered before Slack gets its 200, so the answer is
  stored before the event counts as delivered; a crash leaves Slack's retry to answer it. Retries
  are answered once: the core claims the ``event_id`` in the answer's own transaction.
- Buttons, the modal and the slash command have 3 seconds: Bolt's ack answers at once and the
  work runs in Bolt's lazy listener, tracked here so :meth:`SlackAdapter.stop` waits for it.
- Messages with a subtype (edits, bot messages, our own posts) or a ``bot_id`` are never answered.
- App Home: published on every ``app_home_opened``, and after a check-in (or a Home button) for
  users who have opened the tab (remembered here): computed by the core in the answer's own
  transaction. Users who never opened it get no views.publish per check-in: nobody would see it,
  and their first open publishes it anyway.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any, Literal

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from adapters.base import Adapter, traceback_without_message
from adapters.slack import blocks, payloads
from adapters.slack.lazy import TrackedLazyRunner
from adapters.slack.oauth import INSTALL_PATH, REDIRECT_PATH, Installs
from adapters.slack.sender import LIMITS, SlackOut, address, guarded
from bot import commands, metrics
from bot import messages as M
from bot.config import Settings
from bot.conversation import Coach, GroupMessage
from bot.forms import read_checkin_form
from bot.inbound import Inbound
from bot.ports import CheckinForm, Home, Outgoing, PermanentFailure, TemporaryFailure, Turn

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
#: Largest request accepted (Slack's payloads are a few kB).
MAX_BODY = 1 << 20
#: Users remembered as having opened the App Home tab (the oldest forgotten first): forgetting one
#: costs only a Home that is refreshed when they next open it rather than after a check-in.
HOME_VIEWERS = 100_000
#: ``/backcheck SUB``: what goes to a channel's team, and what is the user's own (bot/commands.py:
#: help aside, every command is a subcommand). Other words go to the DM conversation as if typed
#: there when the core reads them as a request or a check-in; else the help.
GROUP_SUBS = frozenset(commands.GROUP_ONLY)
PRIVATE_SUBS = frozenset({*commands.PRIVATE, *commands.ADMIN} - {"help"})


class SlackAdapter(Adapter):
    """The Slack app: Sender (``send``) and GroupPoster (``post``/``edit``) for the scheduler."""

    platform = "slack"
    limits = LIMITS

    def __init__(self, coach: Coach, settings: Settings, *, clock: Callable[[], datetime] | None = None) -> None:
        super().__init__(coach)
        if not settings.slack_enabled:
            raise ValueError("Slack needs BACKCHECK_SLACK_BOT_TOKEN (or CLIENT_ID and CLIENT_SECRET) and "
                             "BACKCHECK_SLACK_SIGNING_SECRET (or APP_TOKEN)")
        self.settings = settings
        self.clock = clock or (lambda: datetime.now(UTC))
        self.installs = Installs(settings, coach.store.engine)
        self.out = SlackOut(settings.slack_api_url, self.installs.token_for)
        self.socket_mode = bool(settings.slack_app_token)
        self.app = AsyncApp(
            client=self.out.client(None if self.installs.multi else settings.slack_bot_token),
            signing_secret=settings.slack_signing_secret,
            request_verification_enabled=not self.socket_mode,
            oauth_settings=self.installs.oauth,
            process_before_response=True,
            # Our own posts come back as message events with a bot_id: never answered anyway.
            ignoring_self_events_enabled=True,
        )
        if self.installs.multi:
            # A workspace that uninstalls the app (or revokes its tokens) takes its stored bot token
            # with it: Bolt's own listeners delete the install from our database.
            self.app.enable_token_revocation_listeners()
        runner = self.app.listener_runner
        self._lazy = TrackedLazyRunner(runner.logger)
        runner.lazy_listener_runner = self._lazy
        self.handler = AsyncSlackRequestHandler(self.app)
        self._socket: Any = None
        self._locks: dict[str, tuple[asyncio.Lock, list[int]]] = {}
        #: Questions answered by a press, so a double tap is not a second answer.
        self._answered: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._names: dict[str, str] = {}
        #: Who has opened the App Home tab (in this process): only their Home is refreshed after a check-in.
        self._home_viewers: OrderedDict[str, None] = OrderedDict()
        #: Requests handled to the end (events answered, lazy work done): for tests and benchmarks.
        self.handled = 0
        self._install_listeners()

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        await self.out.open()
        if self.socket_mode:
            from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

            self._socket = AsyncSocketModeHandler(self.app, self.settings.slack_app_token)
            await self._socket.connect_async()
            log.info("slack: socket mode")
        else:
            log.info("slack: HTTP mode at %s", EVENTS_PATH)

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        await self.drain()
        await self.out.close()

    async def drain(self) -> None:
        """Wait until every lazy listener started so far has finished."""
        while self._lazy.tasks:
            await asyncio.gather(*list(self._lazy.tasks), return_exceptions=True)

    def routes(self) -> list[Any]:
        if self.socket_mode:
            return []
        out = [Route(EVENTS_PATH, self._endpoint, methods=["POST"])]
        if self.installs.multi:
            out += [Route(INSTALL_PATH, self._endpoint, methods=["GET"]),
                    Route(REDIRECT_PATH, self._endpoint, methods=["GET"])]
        return out

    async def _endpoint(self, request: Request) -> Response:
        if int(request.headers.get("content-length") or 0) > MAX_BODY:
            return PlainTextResponse("too large", status_code=413)
        try:
            return await self.handler.handle(request)
        except Exception as exc:
            # Whatever arrived could not be read as a Slack request: 400, nothing of it logged.
            log.info("slack: unreadable request (%s)", type(exc).__name__)
            return PlainTextResponse("bad request", status_code=400)

    # --- the scheduler's side ----------------------------------------------------------------

    async def send(self, key: str, messages: Sequence[Outgoing]) -> None:
        await self.out.send(key, messages)

    async def post(self, key: str, message: Outgoing) -> str:
        ts = await self.out.send(key, [message], join_button=True)
        if not ts:
            raise TemporaryFailure("slack: the post has no ts")
        return ts

    async def edit(self, key: str, ref: str, message: Outgoing) -> None:
        team, channel = address(key)
        client = await self.out.client_for(team)
        await guarded("chat.update", client.chat_update(channel=channel, ts=ref,
                                                        **blocks.message(message, join_button=True)))

    # --- listeners ---------------------------------------------------------------------------

    def _install_listeners(self) -> None:
        app = self.app
        app.event("message")(self._on_message)
        app.event("app_home_opened")(self._on_home_opened)
        app.action(re.compile(rf"^{blocks.CHOICE}:\d+$"))(ack=self._ack, lazy=[self._on_choice])
        app.action(re.compile(rf"^{blocks.HOME_ACTION}:"))(ack=self._ack, lazy=[self._on_home_button])
        app.action(blocks.OPEN_FORM)(self._on_open_form)
        app.action(blocks.TEAM_JOIN)(ack=self._ack, lazy=[self._on_team_join])
        app.view(blocks.FORM_CALLBACK)(ack=self._check_form, lazy=[self._on_form])
        app.command("/backcheck")(ack=self._ack_command, lazy=[self._on_command])
        app.error(self._on_error)

    def _handled(self) -> None:
        """A verified request Slack sent was handled to its end (Bolt's own middleware turned away
        bad signatures and our own events before any listener ran). Counted in the listeners, not
        in a Bolt middleware: a middleware costs every request a second round of Bolt's argument
        injection."""
        self.handled += 1
        metrics.update_handled(self.platform)

    async def _ack(self, ack: Any) -> None:
        await ack()

    @asynccontextmanager
    async def _one_at_a_time(self, key: str) -> AsyncIterator[None]:
        """One message per user at a time, in arrival order (users run concurrently)."""
        lock, users = self._locks.setdefault(key, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                yield
        finally:
            users[0] -= 1
            if users[0] == 0:
                self._locks.pop(key, None)

    def _client(self, context: Any) -> AsyncWebClient:
        """The request's workspace client on our shared connection pool. (Bolt's own per-request
        client cannot share it: Bolt deep-copies the request for its lazy listeners.)"""
        token = context.get("bot_token") or context.get("token")
        if not token:
            raise PermanentFailure("slack: the request was not authorized")
        return self.out.client_with(token)

    async def _on_message(self, event: dict[str, Any], body: dict[str, Any], context: Any) -> None:
        try:
            client = self._client(context)
            if event.get("subtype") or event.get("bot_id") or event.get("channel_type") != "im":
                return
            user, channel, team = event.get("user"), event.get("channel"), body.get("team_id") or event.get("team")
            if not (user and channel and team):
                return
            key = self.key(team, user)
            self.out.remember_dm(key, channel)
            async with self._one_at_a_time(key):
                await self._converse(key, blocks.unescape(str(event.get("text") or "")), client, channel,
                                     event_id=body.get("event_id"))
        except Exception as exc:  # the backstop: logged where (never what was said), not raised
            log.error("slack: handling a request failed\n%s", traceback_without_message(exc))
        finally:
            self._handled()

    async def _converse(self, key: str, text: str, client: AsyncWebClient, channel: str | None = None,
                        *, event_id: str | None = None, home_after: bool = False) -> None:
        """``home_after``: refresh the App Home after any message (a Home button), not only after
        a check-in; either way only for a user who has opened the tab."""
        home: Literal["checkin", "always"] | None = None
        if key in self._home_viewers:
            home = "always" if home_after else "checkin"
        try:
            turn = await self.coach.handle(key, text, self.clock(), event_id=event_id, home=home)
        except Exception as exc:
            log.error("slack: handling a message from %s failed\n%s", key, traceback_without_message(exc))
            turn = Turn([Outgoing(M.SORRY)])
        await self._answer(key, turn, client, channel)

    async def _answer(self, key: str, turn: Turn, client: AsyncWebClient, channel: str | None = None) -> None:
        try:
            await self.out.reply(key, turn.messages, client=client, channel=channel)
        except PermanentFailure:
            await self._tell_core("reachability", self.coach.reachable(key, False))
        if turn.home is not None:
            await self._publish(key, client, turn.home)
        elif turn.handled_as == "deleted":
            # After a delete the App Home must not go on showing what was erased (rare: always,
            # also for a Home this process never saw opened).
            await self._publish_home(key, client)

    async def _tell_core(self, what: str, call: Awaitable[Any]) -> Any:
        try:
            return await call
        except Exception as exc:
            log.error("slack: recording %s failed\n%s", what, traceback_without_message(exc))
            return None

    # --- App Home ------------------------------------------------------------------------------

    async def _on_home_opened(self, event: dict[str, Any], body: dict[str, Any], context: Any) -> None:
        try:
            client = self._client(context)
            if event.get("tab", "home") == "home" and event.get("user"):
                key = self.key(body.get("team_id"), event["user"])
                self._viewing_home(key)
                await self._publish_home(key, client)
        except Exception as exc:  # the backstop: logged where (never what was said), not raised
            log.error("slack: handling a request failed\n%s", traceback_without_message(exc))
        finally:
            self._handled()

    def _viewing_home(self, key: str) -> None:
        self._home_viewers[key] = None
        self._home_viewers.move_to_end(key)
        while len(self._home_viewers) > HOME_VIEWERS:
            self._home_viewers.popitem(last=False)

    async def _publish_home(self, key: str, client: AsyncWebClient) -> None:
        try:
            home = await self.coach.home(key, self.clock())
        except Exception as exc:
            log.warning("slack: App Home for %s not read (%s)", key, type(exc).__name__)
            return
        await self._publish(key, client, home)

    async def _publish(self, key: str, client: AsyncWebClient, home: Home) -> None:
        try:
            await guarded("views.publish", client.views_publish(user_id=address(key)[1], view=blocks.home_view(home)))
        except Exception as exc:
            log.warning("slack: App Home for %s not published (%s)", key, type(exc).__name__)

    # --- buttons -------------------------------------------------------------------------------

    async def _on_choice(self, body: dict[str, Any], action: dict[str, Any], context: Any) -> None:
        try:
            client = self._client(context)
            key, channel = self._presser(body), (body.get("channel") or {}).get("id")
            message = body.get("message") or {}
            ts, choice = str(message.get("ts", "")), str(action.get("value", ""))
            if not (key and channel and ts and choice):
                return
            if not channel.startswith("D"):
                # A press in a channel is said in that channel: never the presser's private talk there.
                await self._group(body, channel, choice, client)
                return
            async with self._one_at_a_time(key):
                if (channel, ts) in self._answered:
                    return
                self._answered[(channel, ts)] = None
                while len(self._answered) > 10_000:
                    self._answered.popitem(last=False)
                # The question shows the answer chosen, its buttons gone, whatever happens next.
                try:
                    question = message.get("blocks") or []
                    await guarded("chat.update", client.chat_update(
                        channel=channel, ts=ts, text=str(message.get("text", "")),
                        blocks=blocks.answered(question, choice)))
                except (TemporaryFailure, PermanentFailure) as exc:
                    log.info("slack: could not mark the question answered (%s)", exc)
                await self._converse(key, choice, client, channel)
        except Exception as exc:  # the backstop: logged where (never what was said), not raised
            log.error("slack: handling a request failed\n%s", traceback_without_message(exc))
        finally:
            self._handled()

    async def _on_home_button(self, body: dict[str, Any], action: dict[str, Any], context: Any) -> None:
        try:
            client = self._client(context)
            key = self._presser(body)
            if key:
                self._viewing_home(key)  # the button is on the Home tab
                async with self._one_at_a_time(key):
                    await self._converse(key, str(action.get("value", "")), client, home_after=True)
        except Exception as exc:  # the backstop: logged where (never what was said), not raised
            log.error("slack: handling a request failed\n%s", traceback_without_message(exc))
        finally:
            self._handled()

    async def _on_open_form(self, ack: Any, body: dict[str, Any], context: Any) -> None:
        # views.open right away: a trigger_id expires 3 seconds after the press.
        await ack()
        try:
            client = self._client(context)
            key = self._presser(body)
            if key and (body.get("view") or {}).get("type") == "home":  # pressed on the Home tab
                self._viewing_home(key)
            channel = (body.get("channel") or {}).get("id") or ""
            await guarded("views.open", client.views_open(trigger_id=body["trigger_id"],
                                                          view=blocks.checkin_modal(channel)))
        except (KeyError, TemporaryFailure, PermanentFailure) as exc:
            log.warning("slack: could not open the check-in form (%s)", type(exc).__name__)
        except Exception as exc:  # the backstop: logged where (never what was said), not raised
            log.error("slack: handling a request failed\n%s", traceback_without_message(exc))
        finally:
            self._handled()

    async def _on_team_join(self, body: dict[str, Any], context: Any) -> None:
        try:
            client = self._client(context)
            channel = (body.get("channel") or {}).get("id")
            if channel:
                await self._group(body, channel, "/join", client)
        except Exception as exc:  # the backstop: logged where (never what was said), not raised
            log.error("slack: handling a request failed\n%s", traceback_without_message(exc))
        finally:
            self._handled()

    def _presser(self, body: dict[str, Any]) -> str | None:
        user = body.get("user") or {}
        team = user.get("team_id") or (body.get("team") or {}).get("id")
        return self.key(team, user["id"]) if team and user.get("id") else None

    # --- the full check-in form ----------------------------------------------------------------

    async def _check_form(self, ack: Any, view: dict[str, Any]) -> None:
        read = read_checkin_form(blocks.form_values(view))
        if isinstance(read, dict):
            # Shown beside each field; the modal stays open.
            await ack(response_action="errors", errors=read)
        else:
            await ack()

    async def _on_form(self, body: dict[str, Any], view: dict[str, Any], context: Any) -> None:
        try:
            client = self._client(context)
            form = read_checkin_form(blocks.form_values(view))
            key = self._presser(body)
            if not isinstance(form, CheckinForm) or key is None:
                return
            channel = str(view.get("private_metadata") or "") or None
            home: Literal["checkin"] | None = "checkin" if key in self._home_viewers else None
            async with self._one_at_a_time(key):
                try:
                    turn = await self.coach.handle_form(key, form, self.clock(), home=home)
                except Exception as exc:
                    log.error("slack: a check-in form from %s failed\n%s", key, traceback_without_message(exc))
                    turn = Turn([Outgoing(M.SORRY)])
                await self._answer(key, turn, client, channel)
        except Exception as exc:  # the backstop: logged where (never what was said), not raised
            log.error("slack: handling a request failed\n%s", traceback_without_message(exc))
        finally:
            self._handled()

    # --- /backcheck ----------------------------------------------------------------------------

    async def _ack_command(self, ack: Any, command: dict[str, Any], context: Any) -> None:
        sub = payloads.sub(command)
        in_dm = str(command.get("channel_id", "")).startswith("D")
        if sub == "checkin":
            await ack()
            try:
                client = self._client(context)
                await guarded("views.open", client.views_open(trigger_id=command.get("trigger_id", ""),
                                                              view=blocks.checkin_modal()))
            except (TemporaryFailure, PermanentFailure) as exc:
                log.warning("slack: could not open the check-in form (%s)", type(exc).__name__)
        elif sub in GROUP_SUBS and not in_dm:
            await ack()
        elif sub in PRIVATE_SUBS or sub in GROUP_SUBS or self._plain_words(command):
            await ack() if in_dm else await ack(text=M.SENT_TO_DM, response_type="ephemeral")
        else:  # help, or words nobody knows: the help, to this user only
            await ack(text=M.SLASH_HELP, response_type="ephemeral")

    async def _on_command(self, command: dict[str, Any], context: Any) -> None:
        try:
            client = self._client(context)
            sub = payloads.sub(command)
            team, user = command.get("team_id"), command.get("user_id")
            channel = str(command.get("channel_id", ""))
            if not (team and user) or sub == "checkin":
                return
            args = str(command.get("text", "")).strip().split(maxsplit=1)
            text = "/" + sub + (" " + args[1] if len(args) > 1 else "")
            if sub in GROUP_SUBS and not channel.startswith("D"):
                await self._group(command, channel, text, client)
            elif sub in PRIVATE_SUBS or sub in GROUP_SUBS or self._plain_words(command):
                if sub not in PRIVATE_SUBS and sub not in GROUP_SUBS:
                    text = str(command.get("text", "")).strip()  # "remind me at 7": as typed in the DM
                key = self.key(team, user)
                async with self._one_at_a_time(key):
                    await self._converse(key, text, client)
        except Exception as exc:  # the backstop: logged where (never what was said), not raised
            log.error("slack: handling a request failed\n%s", traceback_without_message(exc))
        finally:
            self._handled()

    def _plain_words(self, command: dict[str, Any]) -> bool:
        return Inbound.read(str(command.get("text", ""))).is_plain_words_for_the_coach(self.clock().date())

    async def _group(self, payload: dict[str, Any], channel: str, text: str, client: AsyncWebClient) -> None:
        """A team command in a channel (a slash command or the Join button) to the core; its
        answer goes to the channel."""
        user = payload.get("user_id") or (payload.get("user") or {}).get("id")
        team = payload.get("team_id") or (payload.get("user") or {}).get("team_id") or (payload.get("team") or {}).get("id")
        if not (user and team):
            return
        gkey, ukey = self.key(team, channel), self.key(team, user)
        said = GroupMessage(group=gkey, title=payloads.title(payload),
                            user=ukey, name=await self._name(ukey, client, payload), text=text,
                            private_link=payloads.dm_link(payload, team))
        try:
            turn = await self.coach.handle_group(said, self.clock())
        except Exception as exc:
            log.error("slack: team command in %s failed\n%s", gkey, traceback_without_message(exc))
            turn = Turn([Outgoing(M.SORRY)])
        try:
            await self.out.reply(gkey, turn.messages, client=client, channel=channel)
        except PermanentFailure:
            await self._tell_core("reachability", self.coach.reachable(gkey, False))

    async def _name(self, key: str, client: AsyncWebClient, payload: dict[str, Any]) -> str:
        """The name the workspace shows for a member (users.info, remembered)."""
        name = self._names.get(key)
        if name is None:
            fallback = str(payload.get("user_name") or (payload.get("user") or {}).get("name") or "")
            try:
                res = await guarded("users.info", client.users_info(user=address(key)[1]))
                profile = (res.get("user") or {}).get("profile") or {}
                name = str(profile.get("display_name") or profile.get("real_name") or fallback)
            except (TemporaryFailure, PermanentFailure):
                return fallback
            self._names[key] = name
        return name

    async def _on_error(self, error: Exception, body: dict[str, Any]) -> None:
        log.error("slack: unhandled error\n%s", traceback_without_message(error))
