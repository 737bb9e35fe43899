"""The profile questions (experience, comfortable minutes, time zone, check-in time, days,
reminders): how each is asked, read and applied. Onboarding asks them in order; the settings menu
asks one. A table, so a new setting is one entry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot import answers
from bot import messages as M
from bot.config import Settings
from bot.conversation import undo
from bot.conversation.context import Context, days_label
from bot.conversation.state import ONBOARDING
from bot.model import profile_changed
from bot.store.users import UserRecord


@dataclass(frozen=True)
class Question:
    name: str
    #: The question and its choices.
    ask: Callable[[Settings], tuple[str, tuple[str, ...]]]
    #: The answer in a text, or None when the text is no such answer.
    read: Callable[[str], Any]
    #: Set the answer on the user; returns what was saved, in words.
    apply: Callable[[UserRecord, Any], str]
    #: The level is seeded from this answer: the model is re-seeded when it changes.
    seeds_model: bool = False


def _ask_timezone(settings: Settings) -> tuple[str, tuple[str, ...]]:
    default = settings.default_timezone
    return M.ASK_TIMEZONE, tuple(dict.fromkeys((default, "Europe/London", "America/New_York", "Europe/Berlin",
                                                "Asia/Tokyo")))


def _read_reminders(text: str) -> bool | None:
    yes = answers.parse_yes_no(text)
    low = text.strip().lower()
    if "off" in low or yes is False:
        return False
    if "on" in low or yes is True:
        return True
    return None


def _set(name: str, say: Callable[[Any], str]) -> Callable[[UserRecord, Any], str]:
    def apply(u: UserRecord, value: Any) -> str:
        setattr(u, name, value)
        return say(value)
    return apply


def _set_days(u: UserRecord, days: tuple[str, ...]) -> str:
    u.days = ",".join(days)
    return M.SAVED_DAYS.format(v=days_label(days))


QUESTIONS: dict[str, Question] = {q.name: q for q in (
    Question("experience", lambda _: (M.ASK_EXPERIENCE, M.EXPERIENCE_CHOICES), answers.parse_experience,
             _set("experience", lambda v: M.SAVED_EXPERIENCE.format(v=v)), seeds_model=True),
    Question("comfortable", lambda _: (M.ASK_COMFORTABLE, M.COMFORTABLE_CHOICES), answers.parse_minutes_answer,
             _set("comfortable_run_minutes", lambda v: M.SAVED_COMFORTABLE.format(v=v)), seeds_model=True),
    Question("timezone", _ask_timezone, answers.parse_timezone, _set("timezone", lambda v: M.SAVED_TIMEZONE.format(v=v))),
    Question("checkin_time", lambda _: (M.ASK_CHECKIN_TIME, M.CHECKIN_TIME_CHOICES), answers.parse_time,
             _set("checkin_time", lambda v: M.SAVED_CHECKIN_TIME.format(v=v))),
    Question("days", lambda _: (M.ASK_DAYS, M.DAYS_CHOICES), answers.parse_days, _set_days),
    Question("reminders", lambda _: (M.NOT_UNDERSTOOD["reminders"], M.REMINDER_CHOICES),
             _read_reminders, _set("reminders", lambda v: M.SAVED_REMINDERS_ON if v else M.SAVED_REMINDERS_OFF)),
)}


def ask(ctx: Context, name: str) -> None:
    text, choices = QUESTIONS[name].ask(ctx.settings)
    ctx.turn.say(text, choices)


def answer(ctx: Context, name: str, text: str) -> str | None:
    """Apply ``text`` as the answer to question ``name``; what was saved, or None if it is no answer."""
    q = QUESTIONS[name]
    value = q.read(text)
    if value is None:
        return None
    if ctx.state not in ONBOARDING:
        undo.remember_answer(ctx, name)  # a change from the settings menu: "undo" puts it back
    saved = q.apply(ctx.user, value)
    if q.seeds_model:
        today = ctx.today
        ctx.set_model(profile_changed(ctx.model(today), ctx.profile(), today))
    return saved
