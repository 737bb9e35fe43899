"""Telegram, on python-telegram-bot 22: updates in, the core's messages out.

- Polling by default; webhook mode when ``BACKCHECK_TELEGRAM_WEBHOOK_URL`` is set: PTB runs
  without its own web server (``updater(None)``) and our one ASGI app takes
  ``POST /telegram/webhook``, checking Telegram's secret-token header.
- No ConversationHandler and no PTB persistence: what a user is answering lives in our database
  (``users.conv_state``), so any replica can take any update. PTB's job queue is off; the
  scheduler sends check-ins through :meth:`TelegramAdapter.send`.
- Choices become inline keyboards. A button's ``callback_data`` is ``"<index>:<choice>"`` when
  that fits Telegram's 64 bytes, else just ``"<index>:"`` and the choice is read back from the
  pressed message's keyboard; a press is exactly the typed form of the choice.
- Texts go out as HTML with everything escaped (the core's texts are plain), split at 4,096
  characters; charts go as photos and ``/export`` as a JSON document.
- Rate limits: PTB's ``AIORateLimiter`` (30 messages/s overall, 20/min per group) honours
  ``RetryAfter``; network errors and 5xx are retried here; ``Forbidden`` (the user blocked the
  bot) becomes :class:`~bot.ports.PermanentFailure`, which the core records. The same 30/s are
  this Sender's declared limits for the scheduler.
- PTB's Bot API calls go over aiohttp (:mod:`adapters.telegram_http`), not PTB's default httpx:
  the same behaviour at about a quarter of the CPU per call.
- A team's daily post: :meth:`TelegramAdapter.post` and :meth:`TelegramAdapter.edit` are the
  :class:`~bot.ports.GroupPoster` (sendMessage's message id is the reference; editMessageText's
  "message is not modified" counts as done). A press of the post's Join button is the member
  saying "Join" in the group.
- Translation only: private messages and button presses go to ``Coach.handle``, group commands
  and group button presses to ``Coach.handle_group``, membership changes to ``Coach.reachable`` and the group calls. No store
  session, no SQL and no dialogue here.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import hmac
import html
import json
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlparse

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import (
    BotCommand,
    CallbackQuery,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    Update,
    User,
)
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseRateLimiter,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from adapters.base import Adapter, traceback_without_message
from adapters.telegram_http import AiohttpRequest
from bot import commands, metrics
from bot import messages as M
from bot.config import Settings
from bot.conversation import Coach, GroupMessage
from bot.ports import Outgoing, PermanentFailure, PlatformLimits, TemporaryFailure, UserKey
from bot.startup import ConfigError, Unreachable

log = logging.getLogger(__name__)

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
#: Update types we ask Telegram for.
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
#: Largest webhook body accepted (Telegram's updates are a few kB).
MAX_WEBHOOK_BODY = 1 << 20

#: The command menu (setMyCommands), in the order users see it.
COMMANDS = commands.MENU
#: Telegram's limits (Bot API FAQ): about 30 messages/s per bot, 1/s per chat, 20/min per group.
MESSAGES_PER_SECOND = 30.0
#: Scheduled pushes go through the same 30/s as replies (PTB's AIORateLimiter paces every call of
#: the bot, FIFO). Pushes are paced below it, and few wait in that queue at a time, so a reply
#: during the morning fan-out finds room at once instead of queueing behind a second of pushes
#: (bench/load.py measures it).
PUSHES_PER_SECOND = 25.0
LIMITS = PlatformLimits(rate=PUSHES_PER_SECOND, per_key_interval=1.0, max_in_flight=20, chunk=25)
CHOSEN = "\n\n\u2192 <b>{choice}</b>"

_SECRET_LABEL = "backcheck-webhook"


def webhook_secret(settings: Settings) -> str:
    """The configured secret, else one derived from the bot token: every replica computes the same
    value, and it is only known to whoever knows the token (Telegram allows [A-Za-z0-9_-])."""
    if settings.telegram_webhook_secret:
        return settings.telegram_webhook_secret
    token = (settings.telegram_token or "").encode()
    return hmac.new(token, _SECRET_LABEL.encode(), hashlib.sha256).hexdigest()


# --- pure helpers ----------------------------------------------------------------------------


def utf16_len(text: str) -> int:
    """Telegram counts message length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split plain text into pieces Telegram accepts, at a line break, else a space, else hard."""
    if utf16_len(text) <= limit:
        return [text]
    out: list[str] = []
    rest = text
    while utf16_len(rest) > limit:
        # Longest prefix within the limit (in UTF-16 units, so emoji count as two).
        n, units = 0, 0
        for ch in rest:
            units += 2 if ord(ch) > 0xFFFF else 1
            if units > limit:
                break
            n += 1
        cut = rest.rfind("\n", 0, n + 1)
        if cut <= 0:
            cut = rest.rfind(" ", 0, n + 1)
        if cut <= 0:
            out.append(rest[:n])
            rest = rest[n:]
            continue
        # The separator at the cut is dropped (one only: blank lines inside a piece stay).
        out.append(rest[:cut])
        rest = rest[cut + 1:]
    if rest:
        out.append(rest)
    return [p for p in out if p]


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def callback_data(index: int, choice: str) -> str:
    full = f"{index}:{choice}"
    return full if len(full.encode()) <= MAX_CALLBACK_DATA else f"{index}:"


def keyboard(choices: Sequence[str]) -> InlineKeyboardMarkup:
    """Short choices (pain 0-10, times) share rows; longer ones get a row each."""
    longest = max(len(c) for c in choices)
    per_row = 6 if longest <= 3 else 3 if longest <= 10 else 2 if longest <= 18 else 1
    buttons = [InlineKeyboardButton(c, callback_data=callback_data(i, c)) for i, c in enumerate(choices)]
    return InlineKeyboardMarkup([buttons[i:i + per_row] for i in range(0, len(buttons), per_row)])


@functools.lru_cache(maxsize=256)
def keyboard_json(choices: tuple[str, ...]) -> str:
    """The Bot API's ``reply_markup`` for :func:`keyboard`, as sent. Built once per set of choices
    (a handful: the pain scale, yes/no, times): PTB's button objects and their serialisation
    cost ~0.3 ms for the pain scale, paid again on every check-in otherwise."""
    return json.dumps(keyboard(choices).to_dict())


def choice_from(data: str, message: Message | None) -> str | None:
    """The choice a button stands for: its own data when complete, else the pressed message's
    keyboard at that index; None for data we did not make or a keyboard we cannot see."""
    idx, sep, text = data.partition(":")
    if not sep or not idx.isdigit():
        return None
    if text:
        return text
    markup = getattr(message, "reply_markup", None) if message is not None else None
    if markup is None:
        return None
    buttons = [b for row in markup.inline_keyboard for b in row]
    i = int(idx)
    if i < len(buttons) and buttons[i].callback_data == data:
        return buttons[i].text
    return None


_Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


@dataclass
class _ChatLock:
    lock: asyncio.Lock
    users: int = 0


# --- the adapter -----------------------------------------------------------------------------


class TelegramAdapter(Adapter):
    """The Telegram bot. ``start()`` returns once updates flow; ``send()`` is the scheduler's Sender.

    ``rate_limiter``: PTB's limiter (default ``AIORateLimiter(max_retries=2)``: Telegram's 30/s
    overall and 20/min per group, RetryAfter waited out twice before it becomes a
    TemporaryFailure). ``concurrent_updates``: updates handled at once (one at a time per chat,
    in order). ``send_retries``/``retry_backoff``: retries of network errors and 5xx per Bot API
    call, doubling the wait.
    """

    platform = "telegram"
    limits = LIMITS

    def __init__(
        self,
        coach: Coach,
        settings: Settings,
        *,
        clock: Callable[[], datetime] | None = None,
        rate_limiter: BaseRateLimiter[Any] | None = None,
        concurrent_updates: int = 32,
        send_retries: int = 3,
        retry_backoff: float = 0.5,
        poll_timeout: float = 10.0,
    ) -> None:
        super().__init__(coach)
        if not settings.telegram_token:
            raise ValueError("BACKCHECK_TELEGRAM_TOKEN is not set")
        # httpx logs every request URL at INFO, and Bot API URLs contain the token.
        httpx_log = logging.getLogger("httpx")
        if httpx_log.level == logging.NOTSET:
            httpx_log.setLevel(logging.WARNING)
        self.settings = settings
        self.clock = clock or (lambda: datetime.now(UTC))
        self.webhook_url = settings.telegram_webhook_url
        #: Update ids count per bot: the token's bot id keeps another bot's ids apart.
        self._bot_id = (settings.telegram_token or "").partition(":")[0]
        self.secret = webhook_secret(settings)
        self.send_retries = send_retries
        self.retry_backoff = retry_backoff
        self.poll_timeout = poll_timeout
        self._locks: dict[int, _ChatLock] = {}
        #: Recently answered question messages, so a double tap is not a second answer.
        self._answered: OrderedDict[tuple[int, int], None] = OrderedDict()
        #: Update ids recently taken from the webhook, so a retried delivery is handled once.
        self._seen_updates: OrderedDict[int, None] = OrderedDict()
        #: Updates handled to the end (replies sent or given up on): for tests, benchmarks, metrics.
        self.updates_handled = 0
        api = settings.telegram_api_url
        builder = (
            ApplicationBuilder()
            .token(settings.telegram_token)
            .base_url(api)
            .base_file_url(api[: -len("bot")] + "file/bot" if api.endswith("/bot") else api)
            .job_queue(None)
            .request(AiohttpRequest())
            .get_updates_request(AiohttpRequest(connection_pool_size=1))
            .rate_limiter(rate_limiter if rate_limiter is not None
                          # One call per 1/30 s rather than 30 per second: a bucket of 30
                          # would let a burst of 30 follow a pause (a busy event loop), and
                          # Telegram counts any second; spaced calls never exceed it.
                          else AIORateLimiter(overall_max_rate=1, overall_time_period=1 / MESSAGES_PER_SECOND,
                                              max_retries=2))
            .concurrent_updates(concurrent_updates)
        )
        if self.webhook_url:
            builder = builder.updater(None)
        self.app: Application[Any, Any, Any, Any, Any, Any] = builder.build()
        self._install_handlers()

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Connect (getMe), publish the command menu, then poll or register the webhook.
        Returns once updates are flowing; :meth:`stop` ends it."""
        with self._explained_failures():
            await self.app.initialize()
        try:
            await self.app.bot.set_my_commands([BotCommand(c, d) for c, d in commands.MENU])
        except TelegramError as exc:
            log.warning("telegram: could not set the command menu (%s)", type(exc).__name__)
        with self._explained_failures():
            if self.webhook_url:
                await self.app.bot.set_webhook(self.webhook_url, secret_token=self.secret,
                                               allowed_updates=ALLOWED_UPDATES)
                log.info("telegram: webhook mode at %s", self.webhook_url)
            else:
                updater = self.app.updater
                assert updater is not None
                # Polling's bootstrap calls deleteWebhook, so switching back from webhook mode just works.
                await updater.start_polling(allowed_updates=ALLOWED_UPDATES,
                                            timeout=timedelta(seconds=self.poll_timeout), bootstrap_retries=0)
                log.info("telegram: polling")
        await self.app.start()

    async def initialize(self) -> None:
        """Connect for sending only (``backcheck tick``): no polling, no webhook."""
        with self._explained_failures():
            await self.app.initialize()

    @contextmanager
    def _explained_failures(self) -> Iterator[None]:
        """Start-up failures as one line naming the setting (bot.startup); start() may then be
        called again. Never the exception's own text where it could hold the token: PTB's
        InvalidToken quotes it."""
        try:
            yield
        except InvalidToken:
            raise ConfigError("BACKCHECK_TELEGRAM_TOKEN: Telegram refused the bot token; copy it again "
                              "from @BotFather") from None
        except BadRequest as exc:
            what = "BACKCHECK_TELEGRAM_WEBHOOK_URL" if self.webhook_url else "BACKCHECK_TELEGRAM_API_URL"
            raise ConfigError(f"{what}: Telegram refused it ({exc.message[:120]})") from None
        except (NetworkError, OSError, TimeoutError) as exc:
            host = urlparse(self.settings.telegram_api_url).netloc
            raise Unreachable(f"Telegram is unreachable at {host} ({type(exc).__name__}): check the "
                              "network or BACKCHECK_TELEGRAM_API_URL") from None

    async def stop(self) -> None:
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
        # A start that failed half-way left the HTTP sessions open (the bot is not initialized,
        # so the application's shutdown skips it); this closes them and is a no-op otherwise.
        await self.app.bot.shutdown()

    def routes(self) -> list[Any]:
        return [Route(WEBHOOK_PATH, self._webhook, methods=["POST"])] if self.webhook_url else []

    @property
    def username(self) -> str:
        try:
            return self.app.bot.username
        except RuntimeError:  # not initialized yet
            return ""

    def private_link(self, payload: str = "") -> str:
        return f"https://t.me/{self.username}" + (f"?start={payload}" if payload else "")

    # --- outbound ----------------------------------------------------------------------------

    async def send(self, key: str, messages: Sequence[Outgoing]) -> None:
        chat_id = self._chat_id(key)
        for m in messages:
            chat_id = await self._send_one(chat_id, m)

    # --- a team's post (bot.ports.GroupPoster) ------------------------------------------------

    async def post(self, key: str, message: Outgoing) -> str:
        """Post in the group ``key``; the reference is the message id. The post is short (a line and
        a choice), so it is never split."""
        markup = {"reply_markup": keyboard_json(tuple(message.choices))} if message.choices else None
        _, sent = await self._request(self._chat_id(key), "send_message", text=escape(message.text[:MAX_TEXT]),
                                      parse_mode=ParseMode.HTML, api_kwargs=markup)
        return str(sent.message_id)

    async def edit(self, key: str, ref: str, message: Outgoing) -> None:
        """Replace the text (and keep the choices) of the post ``ref`` in the group ``key``."""
        try:
            message_id = int(ref)
        except ValueError:
            raise PermanentFailure(f"not a Telegram message id: {ref!r}") from None
        markup = {"reply_markup": keyboard_json(tuple(message.choices))} if message.choices else None
        await self._request(self._chat_id(key), "edit_message_text", message_id=message_id,
                            text=escape(message.text[:MAX_TEXT]), parse_mode=ParseMode.HTML, api_kwargs=markup)

    def _chat_id(self, key: str) -> int:
        try:
            parsed = UserKey.parse(key)
            if parsed.platform != self.platform or len(parsed.ids) != 1:
                raise ValueError
            return int(parsed.id)
        except ValueError:
            raise PermanentFailure(f"not a Telegram user key: {key!r}") from None

    async def _send_one(self, chat_id: int, m: Outgoing) -> int:
        files: list[tuple[str, bytes, str]] = []
        if m.image is not None:
            files.append(("photo", m.image, "progress.png"))
        if m.document is not None:
            files.append(("document", m.document[1], m.document[0]))
        caption = ""
        text = m.text.strip("\n")
        if files and not m.choices and utf16_len(text) <= MAX_CAPTION:
            caption, text = text, ""
        if text:
            pieces = split_text(text)
            for i, piece in enumerate(pieces):
                last = i == len(pieces) - 1
                # PTB passes a string parameter through as it is: the keyboard's JSON, made once.
                markup = {"reply_markup": keyboard_json(tuple(m.choices))} if (last and m.choices) else None
                chat_id = await self._call(chat_id, "send_message", text=escape(piece), parse_mode=ParseMode.HTML,
                                           api_kwargs=markup)
        for i, (kind, blob, name) in enumerate(files):
            cap = {"caption": escape(caption), "parse_mode": ParseMode.HTML} if (i == 0 and caption) else {}
            if kind == "photo":
                chat_id = await self._call(chat_id, "send_photo", photo=InputFile(blob, filename=name), **cap)
            else:
                chat_id = await self._call(chat_id, "send_document", document=InputFile(blob, filename=name), **cap)
        return chat_id

    async def _call(self, chat_id: int, method: str, **kw: Any) -> int:
        """One Bot API call with our error policy; returns the chat id (which a group migration
        to a supergroup changes)."""
        return (await self._request(chat_id, method, **kw))[0]

    async def _request(self, chat_id: int, method: str, **kw: Any) -> tuple[int, Any]:
        """:meth:`_call`, also returning what the Bot API returned (None for an edit that changed
        nothing: "message is not modified" means the post already says it)."""
        delay = self.retry_backoff
        for attempt in range(self.send_retries + 1):
            try:
                return chat_id, await getattr(self.app.bot, method)(chat_id=chat_id, **kw)
            except RetryAfter as exc:
                # AIORateLimiter already waited and retried; hand the wait to the scheduler.
                raise TemporaryFailure("rate limited by Telegram", _retry_after(exc)) from None
            except Forbidden as exc:
                raise PermanentFailure(f"Forbidden: {exc.message}") from None
            except ChatMigrated as exc:
                new = int(exc.new_chat_id)
                await self._group_moved(chat_id, new)
                chat_id = new
                continue
            except BadRequest as exc:
                msg = exc.message.lower()
                if "message is not modified" in msg:
                    return chat_id, None
                if "message to edit not found" in msg or "message can't be edited" in msg:
                    raise PermanentFailure(f"BadRequest: {exc.message}") from None
                if any(s in msg for s in ("chat not found", "user is deactivated", "bot was kicked",
                                          "not enough rights", "have no rights")):
                    raise PermanentFailure(f"BadRequest: {exc.message}") from None
                # Our own mistake (never the user's text in the log): retrying will not fix it.
                log.error("telegram: %s refused (%s)", method, exc.message[:120])
                raise TemporaryFailure(f"BadRequest: {exc.message[:150]}") from None
            except InvalidToken:
                raise TemporaryFailure("Telegram refused the bot token") from None
            except NetworkError as exc:  # also TimedOut and HTTP 5xx
                if attempt == self.send_retries:
                    raise TemporaryFailure(f"network: {type(exc).__name__}") from None
                log.info("telegram: %s failed (%s); retry %d in %.1fs", method, type(exc).__name__,
                         attempt + 1, delay)
                await asyncio.sleep(delay)
                delay *= 2
        raise TemporaryFailure("too many group migrations")

    async def _deliver(self, key: str, messages: Sequence[Outgoing]) -> None:
        """Send a reply to an update: a chat that refuses it is reported, other failures logged."""
        try:
            await self.send(key, messages)
        except PermanentFailure:
            metrics.failed(self.platform, "reply", "permanent")
            await self._tell_core("reachability", self.coach.reachable(key, False))
        except TemporaryFailure as exc:
            metrics.failed(self.platform, "reply", "temporary")
            log.warning("telegram: reply to %s not delivered (%s)", key, exc)
        else:
            metrics.sent(self.platform, "reply", len(messages))

    async def _tell_core(self, what: str, call: Coroutine[Any, Any, Any]) -> Any:
        """A platform fact the core records; a failure is logged (never the data), not raised."""
        try:
            return await call
        except Exception as exc:
            log.error("telegram: recording %s failed\n%s", what, traceback_without_message(exc))
            return None

    # --- inbound -----------------------------------------------------------------------------

    def _install_handlers(self) -> None:
        private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
        in_groups = filters.ChatType.GROUPS & filters.UpdateType.MESSAGE
        count = self._counted
        self.app.add_handler(ChatMemberHandler(count(self._on_my_chat_member), ChatMemberHandler.MY_CHAT_MEMBER))
        self.app.add_handler(CallbackQueryHandler(count(self._on_callback)))
        self.app.add_handler(MessageHandler(filters.ChatType.GROUPS & filters.StatusUpdate.MIGRATE,
                                            count(self._on_migrate)))
        # Every command in a group goes to the core: group commands are answered, private ones
        # get a pointer to the private chat.
        self.app.add_handler(CommandHandler(list(commands.ALL_NAMES), count(self._on_group_command),
                                            filters=in_groups))
        # TEXT first: it short-circuits the ~40 status-update filters for the common case.
        self.app.add_handler(MessageHandler(private & (filters.TEXT | ~filters.StatusUpdate.ALL), count(self._on_private)))
        self.app.add_error_handler(self._on_error)

    def _counted(self, handler: _Handler) -> _Handler:
        async def run(update: Update, ctx: ContextTypes.DEFAULT_TYPE) -> None:
            try:
                await handler(update, ctx)
            finally:
                self.updates_handled += 1
                metrics.update_handled(self.platform)
        return run

    @asynccontextmanager
    async def _chat(self, chat_id: int) -> AsyncIterator[None]:
        """One update at a time per chat, in arrival order (updates of different chats run
        concurrently); the lock is dropped when nobody waits on it."""
        entry = self._locks.get(chat_id)
        if entry is None:
            entry = self._locks[chat_id] = _ChatLock(asyncio.Lock())
        entry.users += 1
        try:
            async with entry.lock:
                yield
        finally:
            entry.users -= 1
            if entry.users == 0:
                self._locks.pop(chat_id, None)

    async def _on_private(self, update: Update, _ctx: ContextTypes.DEFAULT_TYPE) -> None:
        msg, user = update.message, update.effective_user
        if msg is None or user is None:
            return
        # A webhook retry may reach another replica, whose memory of update ids is not this one's:
        # the core claims the update id in the answer's own transaction (once across replicas).
        event_id = f"{self._bot_id}:{update.update_id}" if self.webhook_url else None
        async with self._chat(msg.chat_id):
            await self._converse(self.key(user.id), msg.text or msg.caption or "", event_id)

    async def _converse(self, key: str, text: str, event_id: str | None = None) -> None:
        try:
            turn = await self.coach.handle(key, text, self.clock(), event_id=event_id)
        except Exception as exc:
            log.error("telegram: handling a message from %s failed\n%s", key, traceback_without_message(exc))
            await self._deliver(key, [Outgoing(M.SORRY)])
            return
        await self._deliver(key, turn.messages)

    async def _on_callback(self, update: Update, _ctx: ContextTypes.DEFAULT_TYPE) -> None:
        q = update.callback_query
        if q is None:
            return
        message = q.message if isinstance(q.message, Message) else None
        choice = choice_from(q.data or "", message)
        private = message is not None and message.chat.type == ChatType.PRIVATE
        if choice is not None and message is not None and not private:
            # A choice on a group post (a team's Join): the member saying it in the group.
            await self._answer(q, None)
            await self._group_said(message.chat, q.from_user, choice)
            return
        if choice is None or not private:
            await self._answer(q, M.EXPIRED_BUTTON if private or message is None else None)
            return
        assert message is not None
        key = self.key(q.from_user.id)
        async with self._chat(message.chat_id):
            mark = (message.chat_id, message.message_id)
            if mark in self._answered:
                await self._answer(q, M.ALREADY_ANSWERED)
                return
            self._answered[mark] = None
            while len(self._answered) > 10_000:
                self._answered.popitem(last=False)
            # Answer first: the button's spinner stops at once, whatever happens next.
            await self._answer(q, None)
            await self._show_choice(message, choice)
            await self._converse(key, choice)

    async def _answer(self, q: CallbackQuery, text: str | None) -> None:
        try:
            await q.answer(text)
        except TelegramError as exc:
            log.info("telegram: answerCallbackQuery failed (%s)", type(exc).__name__)

    async def _show_choice(self, message: Message, choice: str) -> None:
        """Edit the question to show the answer and drop its buttons, so it reads like a chat."""
        try:
            if message.text is not None and utf16_len(message.text) + utf16_len(choice) + 4 <= MAX_TEXT:
                await message.edit_text(escape(message.text) + CHOSEN.format(choice=escape(choice)),
                                        parse_mode=ParseMode.HTML, reply_markup=None)
            else:
                await message.edit_reply_markup(reply_markup=None)
        except TelegramError as exc:
            log.info("telegram: could not edit the question (%s)", type(exc).__name__)

    async def _on_my_chat_member(self, update: Update, _ctx: ContextTypes.DEFAULT_TYPE) -> None:
        cmu = update.my_chat_member
        if cmu is None:
            return
        chat, new, old = cmu.chat, cmu.new_chat_member.status, cmu.old_chat_member.status
        gone = (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT)
        key = self.key(chat.id)
        if chat.type == ChatType.PRIVATE:
            if new in gone or old in gone:
                await self._tell_core("reachability", self.coach.reachable(key, new not in gone))
            return
        if new in gone:
            await self._tell_core("leaving a group", self.coach.group_removed(key))
            return
        turn = await self._tell_core("joining a group", self.coach.group_added(
            key, chat.title or "", self.clock(), newly=old in gone))
        if turn is not None and turn.messages:
            await self._deliver(key, turn.messages)

    async def _on_group_command(self, update: Update, _ctx: ContextTypes.DEFAULT_TYPE) -> None:
        msg, user, chat = update.message, update.effective_user, update.effective_chat
        if msg is None or user is None or chat is None:
            return
        await self._group_said(chat, user, msg.text or "")

    async def _group_said(self, chat: Chat, user: User, text: str) -> None:
        gkey = self.key(chat.id)
        said = GroupMessage(group=gkey, title=chat.title or "", user=self.key(user.id),
                            name=user.full_name or "", text=text,
                            private_link=self.private_link("join"))
        try:
            async with self._chat(chat.id):
                turn = await self.coach.handle_group(said, self.clock())
            messages = turn.messages
        except Exception as exc:
            log.error("telegram: group command in %s failed\n%s", gkey, traceback_without_message(exc))
            messages = [Outgoing(M.SORRY)]
        await self._deliver(gkey, messages)

    async def _on_migrate(self, update: Update, _ctx: ContextTypes.DEFAULT_TYPE) -> None:
        msg = update.message
        if msg is not None and msg.migrate_to_chat_id:
            await self._group_moved(msg.chat_id, msg.migrate_to_chat_id)

    async def _group_moved(self, old: int, new: int) -> None:
        """A group became a supergroup with a new id: the core's group follows it."""
        await self._tell_core("a group migration", self.coach.group_moved(self.key(old), self.key(new)))

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The backstop for errors our handlers did not catch: log where (never the text) and tell
        the user, so nobody is met with silence."""
        exc = context.error
        log.error("telegram: unhandled error\n%s", traceback_without_message(exc) if exc else "?")
        if isinstance(update, Update) and update.effective_chat is not None:
            chat = update.effective_chat
            if chat.type == ChatType.PRIVATE:
                await self._deliver(self.key(chat.id), [Outgoing(M.SORRY)])

    # --- webhook -----------------------------------------------------------------------------

    async def _webhook(self, request: Request) -> Response:
        got = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(got.encode(), self.secret.encode()):
            return PlainTextResponse("forbidden", status_code=403)
        try:
            if int(request.headers.get("content-length") or 0) > MAX_WEBHOOK_BODY:
                return PlainTextResponse("too large", status_code=413)
            body = await request.body()
            data = json.loads(body)
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("not an update")
            update = Update.de_json(data, self.app.bot)
        except Exception:
            # Whatever arrived is not an update: the sender gets 400, we log no content.
            return PlainTextResponse("bad update", status_code=400)
        # Telegram sends an update again when it saw no 200 in time (a slow network, a restart of
        # the proxy): the retry is acknowledged and not handled a second time.
        if update.update_id in self._seen_updates:
            return Response(status_code=200)
        self._seen_updates[update.update_id] = None
        while len(self._seen_updates) > 10_000:
            self._seen_updates.popitem(last=False)
        await self.app.update_queue.put(update)
        return Response(status_code=200)


def _retry_after(exc: RetryAfter) -> float:
    # The public attribute warns about its int -> timedelta migration; the value is the same.
    value = getattr(exc, "_retry_after", None)
    return float(value.total_seconds()) if isinstance(value, timedelta) else 1.0
