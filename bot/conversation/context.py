"""One message being handled: the user's row, the message read once, the answer being built, and
the model state decoded at most once. Every handler takes a :class:`Context`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot import messages as M
from bot import model_state
from bot.config import Settings
from bot.conversation.state import State, state_of
from bot.domain import DAYS, Profile, Recommendation
from bot.inbound import Inbound
from bot.model import ToleranceState, initial_state
from bot.ports import Turn
from bot.store import repo
from bot.store.users import UserRecord


def profile_of(u: UserRecord) -> Profile:
    return Profile(
        experience=u.experience,  # type: ignore[arg-type]
        comfortable_run_minutes=u.comfortable_run_minutes,
        timezone=u.timezone,
        checkin_time=u.checkin_time,
        days=tuple(filter(None, u.days.split(","))),
        reminders=u.reminders,
    )


def local_date(u: UserRecord, now: datetime) -> date:
    return now.astimezone(ZoneInfo(u.timezone)).date()


def days_label(days: tuple[str, ...] | list[str]) -> str:
    if tuple(days) == DAYS:
        return M.DAYS_EVERY
    if tuple(days) == DAYS[:5]:
        return M.DAYS_WEEKDAYS
    return ", ".join(days)


def model_of(u: UserRecord, today: date) -> ToleranceState:
    """The stored model state, or a fresh one seeded from the profile."""
    if u.tolerance:
        return model_state.decode(u.tolerance)
    return initial_state(profile_of(u), today)


@dataclass
class Context:
    session: AsyncSession
    user: UserRecord
    msg: Inbound
    #: UTC.
    now: datetime
    settings: Settings
    turn: Turn = field(default_factory=Turn)
    #: The user erased everything: there is no row left to write.
    deleted: bool = False
    #: The suggestion this message stored, and its date (the home screen needs no query for it).
    recommended: tuple[date, Recommendation] | None = None
    _model: ToleranceState | None = None
    _model_changed: bool = False

    @property
    def uid(self) -> int:
        assert self.user.id is not None
        return self.user.id

    @property
    def state(self) -> State | None:
        return state_of(self.user.conv_state)

    @property
    def today(self) -> date:
        return local_date(self.user, self.now)

    def ask(self, state: State | None, on: date | None = None, arg: str | None = None) -> None:
        """The user is now answering ``state`` (about local date ``on``, and ``arg`` where the state
        needs more); None: nothing open."""
        self.user.conv_state = state.value if state is not None else None
        self.user.conv_on = on
        self.user.conv_arg = arg

    async def keep(self, how: str) -> None:
        """Keep a message that is not stored as a check-in, so nothing the user says is lost."""
        self.turn.handled_as = self.turn.handled_as or how
        await repo.keep_inbound(self.session, self.uid, self.now, self.msg.text, how)

    # --- the model's state: decoded at most once per message, encoded once at the end ----------

    def model(self, today: date | None = None) -> ToleranceState:
        if self._model is None:
            self._model = model_of(self.user, today or self.today)
        return self._model

    def set_model(self, state: ToleranceState) -> None:
        self._model, self._model_changed = state, True

    def finish(self) -> None:
        """Fold the model state into the row before it is written."""
        if self._model_changed and self._model is not None:
            self.user.tolerance = model_state.encode(self._model)
            self._model_changed = False

    def profile(self) -> Profile:
        return profile_of(self.user)
