"""What the edges speak: messages out (:class:`Outgoing`, :class:`Turn`), the :class:`Sender` port
with its declared :class:`PlatformLimits`, delivery failures, and user keys.

Adapters (adapters/) and the scheduler import this module to talk to the core; it imports nothing
of the conversation, so getting a type never pulls in the dialogue. Messages in are read once into
:class:`bot.inbound.Inbound`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol, runtime_checkable

from bot.domain import Recommendation

# --- user keys ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserKey:
    """``PLATFORM:ID[:ID...]``: ``telegram:123456789``, ``slack:T0TEAM:U0USER``, ``console:alice``.

    The database, the logs and the scheduler keep keys as strings; this class is the one place that
    builds and takes them apart. Group chats have keys of the same form (a Telegram group's id is
    negative).
    """

    platform: str
    ids: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.platform or ":" in self.platform or not self.ids:
            raise ValueError(f"not a user key: {self.platform!r} {self.ids!r}")
        if any(not i or ":" in i for i in self.ids):
            raise ValueError(f"not a user key: {self.platform!r} {self.ids!r}")

    @classmethod
    def of(cls, platform: str, *ids: object) -> UserKey:
        return cls(platform, tuple(str(i) for i in ids))

    @classmethod
    def parse(cls, text: str) -> UserKey:
        """The key in ``text``; ValueError if it is not one."""
        platform, sep, rest = text.partition(":")
        if not sep:
            raise ValueError(f"not a user key: {text!r}")
        return cls(platform, tuple(rest.split(":")))

    @property
    def id(self) -> str:
        """The platform's own id for the chat (the last part: a Slack user within its team)."""
        return self.ids[-1]

    @property
    def slug(self) -> str:
        """For file names: ``telegram_123``."""
        return "_".join((self.platform, *self.ids))

    def __str__(self) -> str:
        return ":".join((self.platform, *self.ids))


def platform_of(key: str) -> str:
    """The platform part of a key string (hot in the scheduler: no object built)."""
    return key.partition(":")[0]


# --- messages out ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outgoing:
    """One message to the user: text, optional choices (each can also be typed), image, document."""

    text: str
    choices: tuple[str, ...] = ()
    image: bytes | None = None
    document: tuple[str, bytes] | None = None
    recommendation: Recommendation | None = None


# --- a home screen (Slack's App Home), computed by bot/conversation/home.py ----------------------


@dataclass(frozen=True)
class WeekPain:
    #: Monday of the week, and its average morning pain (None: no scores that week).
    start: date
    pain: float | None


@dataclass(frozen=True)
class Home:
    onboarded: bool
    #: Today's suggestion as the chat words it ("" before onboarding).
    today: str = ""
    sessions: int = 0
    minutes: int = 0
    checkins: int = 0
    #: Oldest first; the last is this week.
    trend: tuple[WeekPain, ...] = ()
    streak: int = 0
    settings: str = ""
    paused_until: date | None = None


@dataclass
class Turn:
    """What handling one inbound message produced."""

    messages: list[Outgoing] = field(default_factory=list)
    #: The check-in recorded by this message, in the export format (with ``date``), if any.
    checkin: dict[str, Any] | None = None
    #: How the message was taken (``checkin``, ``command:help``, ``answer:timezone``...), for
    #: tests, the stored inbound row and metrics.
    handled_as: str = ""
    #: The home screen as this message left it, when the caller asked for it (``Coach.handle``'s
    #: ``home``): read in the message's own transaction, from what the turn already holds.
    home: Home | None = None

    def say(self, text: str, choices: tuple[str, ...] = (), **kw: Any) -> None:
        self.messages.append(Outgoing(text, choices, **kw))


# --- sending -----------------------------------------------------------------------------------


class DeliveryError(Exception):
    """A message could not be delivered."""


class TemporaryFailure(DeliveryError):
    """Try again later (rate limit, 5xx, timeout). ``retry_after`` in seconds when the platform said."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class PermanentFailure(DeliveryError):
    """The user cannot be reached (blocked the bot, account gone): mark them inactive."""


@dataclass(frozen=True)
class PlatformLimits:
    """How fast one platform may be sent to, and how much may be in flight at once. Each Sender
    declares its own, so the scheduler needs to know no platform by name."""

    #: Messages per second for the whole bot on this platform; None = unlimited.
    rate: float | None = None
    #: Seconds between two messages to the same chat or channel; 0 = no spacing.
    per_key_interval: float = 0.0
    #: Claimed-but-not-yet-recorded messages per process (also the crash in-doubt bound).
    max_in_flight: int = 300
    #: How many jobs one claim transaction takes.
    chunk: int = 100
    #: Attempts within one pass before the row is left as failed for a later pass.
    attempts_per_pass: int = 4
    #: Longest wait for a slot (a 429's retry_after included) before giving up for this pass.
    max_wait: float = 60.0


@runtime_checkable
class Sender(Protocol):
    """One chat platform's outbound side. ``platform`` is the user-key prefix it serves;
    ``limits`` how fast the scheduler may send through it."""

    platform: str
    limits: PlatformLimits

    async def send(self, key: str, messages: Sequence[Outgoing]) -> None:
        """Deliver messages to the user ``key`` in order; raise a DeliveryError subclass on failure."""
        ...


@runtime_checkable
class GroupPoster(Protocol):
    """A platform's side for a team's channel: one post a day that is edited in place as members
    answer ("6 of 9 checked in today"), never a post per person. Telegram edits a message; Slack
    updates the thread's parent with ``chat.update``. The core keeps the reference the platform
    returned, so any replica (or a later pass) can edit the post."""

    platform: str

    async def post(self, key: str, message: Outgoing) -> str:
        """Post ``message`` in the group ``key``; return the platform's reference to the post (Slack's
        ``ts``, Telegram's message id as text). Raise a DeliveryError subclass on failure."""
        ...

    async def edit(self, key: str, ref: str, message: Outgoing) -> None:
        """Replace the post ``ref`` in group ``key`` with ``message``. Raise a DeliveryError subclass
        on failure (PermanentFailure when the post or the group is gone)."""
        ...


# --- a structured check-in (a platform's form) -------------------------------------------------


@dataclass(frozen=True)
class CheckinForm:
    """A full check-in from a platform's form (Slack's modal): the same check-in a typed reply
    gives, field by field. ``activity`` is a kind of bot.forms.ACTIVITY_OPTIONS (``rest`` for a
    rest day). Built and checked by :func:`bot.forms.read_checkin_form`."""

    back_pain: int
    leg_pain: int | None = None
    activity: str = "rest"
    minutes: int | None = None
    pain_during: int | None = None
