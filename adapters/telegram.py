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
  bot) becomes :class:`~bot.ports.PermanentFailure` and marks the user blocked.
- PTB's Bot API calls go over aiohttp (:mod:`adapters.telegram_http`), not PTB's default httpx:
  the same behaviour at about a quarter of the CPU per call.
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
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.exc import OperationalError
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import (
    BotCommand,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    Update,
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
from bot import groups
from bot import messages as M
from bot.config import Settings
from bot.dialogue import Coach, Outgoing, Turn
from bot.ports import PermanentFailure, TemporaryFailure
from bot.store import repo
from bot.store.db import is_sqlite

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
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "Start, or come back after stopping"),
    ("checkin", "Check in now: how is your back?"),
    ("today", "Today's suggested session"),
    ("progress", "Your last 4 weeks, with a chart"),
    ("settings", "Time zone, check-in time, days, reminders"),
    ("pause", "Pause check-ins for some days (e.g. /pause 7)"),
    ("resume", "Resume check-ins"),
    ("export", "All your data as a JSON file"),
    ("delete", "Erase everything I store about you"),
    ("help", "What I can do"),
)
GROUP_COMMANDS = ("join", "leave", "sharepain", "hidepain", "digest", "start", "help")
#: Private commands that make no sense in a group: answered with a pointer to the private chat.
PRIVATE_ONLY = ("checkin", "today", "progress", "settings", "pause", "resume", "export", "delete", "stop")

GROUP_ONLY_IN_PRIVATE = "That works in your running group's chat: add me there and send /join."
PRIVATE_IN_GROUP = "Let's keep that private: {link}"
EXPIRED_BUTTON = "This question has expired: please type your answer instead."
ALREADY_ANSWERED = "Already answered."
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
    in order). ``core_concurrency``: Coach.handle calls at once (default 1 on SQLite, which has
    one writer, else ``concurrent_updates``). ``send_retries``/``retry_backoff``: retries of
    network errors and 5xx per Bot API call, doubling the wait.
    """

    platform = "telegram"

    def __init__(
        self,
        coach: Coach,
        settings: Settings,
        *,
        clock: Callable[[], datetime] | None = None,
        rate_limiter: BaseRateLimiter[Any] | None = None,
        concurrent_updates: int = 32,
        core_concurrency: int | None = None,
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
        self.secret = webhook_secret(settings)
        self.send_retries = send_retries
        self.retry_backoff = retry_backoff
        self.poll_timeout = poll_timeout
        self._core = asyncio.Semaphore(
            core_concurrency or (1 if is_sqlite(coach.store.url) else concurrent_updates))
        self._locks: dict[int, _ChatLock] = {}
        #: Recently answered question messages, so a double tap is not a second answer.
        self._answered: OrderedDict[tuple[int, int], None] = OrderedDict()
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
            .rate_limiter(rate_limiter if rate_limiter is not None else AIORateLimiter(max_retries=2))
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
        await self.app.initialize()
        try:
            await self.app.bot.set_my_commands([BotCommand(c, d) for c, d in COMMANDS])
        except TelegramError as exc:
            log.warning("telegram: could not set the command menu (%s)", type(exc).__name__)
        if self.webhook_url:
            await self.app.bot.set_webhook(self.webhook_url, secret_token=self.secret,
                                           allowed_updates=ALLOWED_UPDATES)
            log.info("telegram: webhook mode at %s", self.webhook_url)
        else:
            updater = self.app.updater
            assert updater is not None
            # Polling's bootstrap calls deleteWebhook, so switching back from webhook mode just works.
            await updater.start_polling(allowed_updates=ALLOWED_UPDATES, timeout=timedelta(seconds=self.poll_timeout),
                                        bootstrap_retries=3)
            log.info("telegram: polling")
        await self.app.start()

    async def stop(self) -> None:
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()

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

    def _chat_id(self, key: str) -> int:
        platform, _, rest = key.partition(":")
        try:
            if platform != self.platform:
                raise ValueError
            return int(rest)
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
        delay = self.retry_backoff
        for attempt in range(self.send_retries + 1):
            try:
                await getattr(self.app.bot, method)(chat_id=chat_id, **kw)
                return chat_id
            except RetryAfter as exc:
                # AIORateLimiter already waited and retried; hand the wait to the scheduler.
                raise TemporaryFailure("rate limited by Telegram", _retry_after(exc)) from None
            except Forbidden as exc:
                raise PermanentFailure(f"Forbidden: {exc.message}") from None
            except ChatMigrated as exc:
                new = int(exc.new_chat_id)
                await self._group_migrated(chat_id, new)
                chat_id = new
                continue
            except BadRequest as exc:
                msg = exc.message.lower()
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
        """Send a reply to an update: a blocked user is recorded, other failures logged."""
        try:
            await self.send(key, messages)
        except PermanentFailure:
            if self._chat_id(key) < 0:  # a group that no longer takes our messages
                await self._group_gone(key)
            else:
                await self._set_status(key, blocked=True)
        except TemporaryFailure as exc:
            log.warning("telegram: reply to %s not delivered (%s)", key, exc)

    # --- inbound -----------------------------------------------------------------------------

    def _install_handlers(self) -> None:
        private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
        in_groups = filters.ChatType.GROUPS & filters.UpdateType.MESSAGE
        count = self._counted
        self.app.add_handler(ChatMemberHandler(count(self._on_my_chat_member), ChatMemberHandler.MY_CHAT_MEMBER))
        self.app.add_handler(CallbackQueryHandler(count(self._on_callback)))
        self.app.add_handler(MessageHandler(filters.ChatType.GROUPS & filters.StatusUpdate.MIGRATE,
                                            count(self._on_migrate)))
        self.app.add_handler(CommandHandler(list(GROUP_COMMANDS), count(self._on_group_command), filters=in_groups))
        self.app.add_handler(CommandHandler(list(PRIVATE_ONLY), count(self._on_private_in_group),
                                            filters=in_groups))
        self.app.add_handler(MessageHandler(private & ~filters.StatusUpdate.ALL, count(self._on_private)))
        self.app.add_error_handler(self._on_error)

    def _counted(self, handler: _Handler) -> _Handler:
        async def run(update: Update, ctx: ContextTypes.DEFAULT_TYPE) -> None:
            try:
                await handler(update, ctx)
            finally:
                self.updates_handled += 1
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
        key = self.key(user.id)
        text = msg.text or msg.caption or ""
        async with self._chat(msg.chat_id):
            if _command_name(text) in ("join", "leave", "sharepain", "hidepain", "digest"):
                await self._deliver(key, [Outgoing(GROUP_ONLY_IN_PRIVATE)])
                return
            await self._converse(key, text)

    async def _converse(self, key: str, text: str) -> None:
        try:
            turn = await self._handle(key, text)
        except Exception as exc:
            log.error("telegram: handling a message from %s failed\n%s", key, traceback_without_message(exc))
            await self._deliver(key, [Outgoing(M.SORRY)])
            return
        await self._deliver(key, turn.messages)

    async def _handle(self, key: str, text: str) -> Turn:
        """The core's answer. Database work is admitted ``core_concurrency`` at a time (SQLite has
        one writer anyway; only the sending of replies overlaps); a transaction that met a locked
        database was rolled back whole, so it is simply run again."""
        for attempt in range(3):
            try:
                async with self._core:
                    return await self.coach.handle(key, text, self.clock())
            except OperationalError as exc:
                if attempt == 2 or not _is_lock_error(exc):
                    raise
                await asyncio.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    async def _on_callback(self, update: Update, _ctx: ContextTypes.DEFAULT_TYPE) -> None:
        q = update.callback_query
        if q is None:
            return
        message = q.message if isinstance(q.message, Message) else None
        choice = choice_from(q.data or "", message)
        private = message is not None and message.chat.type == ChatType.PRIVATE
        if choice is None or not private:
            await self._answer(q, EXPIRED_BUTTON if private or message is None else None)
            return
        assert message is not None
        key = self.key(q.from_user.id)
        async with self._chat(message.chat_id):
            mark = (message.chat_id, message.message_id)
            if mark in self._answered:
                await self._answer(q, ALREADY_ANSWERED)
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
        if chat.type == ChatType.PRIVATE:
            if new in gone:
                await self._set_status(self.key(chat.id), blocked=True)
            elif old in gone:
                await self._set_status(self.key(chat.id), blocked=False)
            return
        gkey = self.key(chat.id)
        try:
            async with self.coach.store.session() as s:
                if new in gone:
                    await groups.deactivate_group(s, gkey)
                    log.info("telegram: removed from group %s", gkey)
                    return
                await groups.register_group(s, gkey, chat.title or "", self.clock())
        except Exception as exc:
            log.error("telegram: group membership change for %s failed\n%s", gkey, traceback_without_message(exc))
            return
        if old in gone:
            log.info("telegram: added to group %s", gkey)
            await self._deliver(gkey, [Outgoing(groups.GROUP_HELP)])

    async def _group_gone(self, gkey: str) -> None:
        try:
            async with self.coach.store.session() as s:
                await groups.deactivate_group(s, gkey)
        except Exception as exc:
            log.error("telegram: deactivating group %s failed\n%s", gkey, traceback_without_message(exc))

    async def _set_status(self, key: str, blocked: bool) -> None:
        try:
            async with self.coach.store.session() as s:
                u = await repo.get_user(s, key)
                if u is None:
                    return
                if blocked and u.status != "blocked":
                    u.status = "blocked"
                    log.info("telegram: %s blocked the bot; marked blocked", key)
                elif not blocked and u.status == "blocked":
                    u.status = "active"
                    log.info("telegram: %s unblocked the bot; marked active", key)
        except Exception as exc:
            log.error("telegram: updating the status of %s failed\n%s", key, traceback_without_message(exc))

    async def _on_group_command(self, update: Update, _ctx: ContextTypes.DEFAULT_TYPE) -> None:
        msg, user, chat = update.message, update.effective_user, update.effective_chat
        if msg is None or user is None or chat is None:
            return
        name = _command_name(msg.text or "") or "help"
        gkey, ukey = self.key(chat.id), self.key(user.id)
        who = user.full_name or "someone"
        now = self.clock()
        try:
            async with self._chat(chat.id):
                reply = await self._group_reply(name, gkey, ukey, who, chat.title or "", now)
        except Exception as exc:
            log.error("telegram: group command in %s failed\n%s", gkey, traceback_without_message(exc))
            reply = M.SORRY
        await self._deliver(gkey, [Outgoing(reply)])

    async def _group_reply(self, name: str, gkey: str, ukey: str, who: str, title: str, now: datetime) -> str:
        store = self.coach.store
        if name == "digest":
            async with store.session() as s:
                g = await groups.register_group(s, gkey, title, now)
                tz = g.timezone
            from zoneinfo import ZoneInfo
            return await groups.digest_preview(store, gkey, now.astimezone(ZoneInfo(tz)).date())
        if name in ("start", "help"):
            return groups.GROUP_HELP
        async with store.session() as s:
            if name == "join":
                new = await groups.join_group(s, gkey, ukey, who, now, title=title)
                reply = (groups.JOINED if new else groups.ALREADY_MEMBER).format(name=who)
                u = await repo.get_user(s, ukey)
                if u is None or not u.onboarded:
                    reply += "\n" + groups.START_PRIVATE.format(link=self.private_link("join"))
                return reply
            if name == "leave":
                ok = await groups.leave_group(s, gkey, ukey)
                return (groups.LEFT if ok else groups.NOT_MEMBER).format(name=who)
            ok = await groups.set_show_pain(s, gkey, ukey, name == "sharepain")
            if not ok:
                return groups.NOT_MEMBER.format(name=who)
            return (groups.PAIN_SHOWN if name == "sharepain" else groups.PAIN_HIDDEN).format(name=who)

    async def _on_private_in_group(self, update: Update, _ctx: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if chat is not None:
            await self._deliver(self.key(chat.id), [Outgoing(PRIVATE_IN_GROUP.format(link=self.private_link()))])

    async def _on_migrate(self, update: Update, _ctx: ContextTypes.DEFAULT_TYPE) -> None:
        msg = update.message
        if msg is not None and msg.migrate_to_chat_id:
            await self._group_migrated(msg.chat_id, msg.migrate_to_chat_id)

    async def _group_migrated(self, old: int, new: int) -> None:
        """A group became a supergroup with a new id: the group row follows it."""
        try:
            async with self.coach.store.session() as s:
                g = await groups.get_group(s, self.key(old))
                if g is not None and await groups.get_group(s, self.key(new)) is None:
                    g.key = self.key(new)
        except Exception as exc:
            log.error("telegram: following a group migration failed\n%s", traceback_without_message(exc))

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
        await self.app.update_queue.put(update)
        return Response(status_code=200)


def _is_lock_error(exc: OperationalError) -> bool:
    text = str(exc.orig).lower() if exc.orig is not None else ""
    return "locked" in text or "busy" in text


def _command_name(text: str) -> str | None:
    t = text.strip()
    if not t.startswith("/"):
        return None
    return t[1:].split(maxsplit=1)[0].split("@", 1)[0].lower() if len(t) > 1 else None


def _retry_after(exc: RetryAfter) -> float:
    # The public attribute warns about its int -> timedelta migration; the value is the same.
    value = getattr(exc, "_retry_after", None)
    return float(value.total_seconds()) if isinstance(value, timedelta) else 1.0
