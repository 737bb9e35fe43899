"""What a user is answering: the conversation's states, stored in ``users.conv_state``."""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    # Onboarding, in order (a new runner skips COMFORTABLE).
    EXPERIENCE = "experience"
    COMFORTABLE = "comfortable"
    TIMEZONE = "timezone"
    CHECKIN_TIME = "checkin_time"
    DAYS = "days"
    # One setting asked for from the settings menu.
    SET_EXPERIENCE = "set_experience"
    SET_COMFORTABLE = "set_comfortable"
    SET_TIMEZONE = "set_timezone"
    SET_CHECKIN_TIME = "set_checkin_time"
    SET_DAYS = "set_days"
    SET_REMINDERS = "set_reminders"
    #: The settings menu is showing: a menu item typed or tapped opens it.
    SETTINGS = "settings"
    CONFIRM_DELETE = "confirm_delete"
    #: A check-in question is open for ``users.conv_on`` (the answer window, docs/scheduler.md).
    CHECKIN = "checkin"
    #: Follow-ups of a recorded check-in (for ``conv_on``): its pain, a contradiction, the screen.
    ASK_PAIN = "ask_pain"
    CONFIRM_PAIN = "confirm_pain"
    SCREEN = "screen"
    #: A possible red flag (``users.conv_arg``, bot/red_flags.POSSIBLE) asked about with one yes/no
    #: question; not replaced by the next check-in question: the next message without an answer
    #: escalates it (domain.md rule 1).
    TRIAGE = "triage"
    #: "same as yesterday" / "did what you said": log that session (``conv_arg``)? yes/no.
    CONFIRM_SAME = "confirm_same"

    @property
    def question(self) -> str:
        """The profile question behind an onboarding or settings state (``timezone``)."""
        return self.value.removeprefix("set_")


ONBOARDING: tuple[State, ...] = (State.EXPERIENCE, State.COMFORTABLE, State.TIMEZONE, State.CHECKIN_TIME,
                                 State.DAYS)
SETTING_STATES: tuple[State, ...] = (State.SET_EXPERIENCE, State.SET_COMFORTABLE, State.SET_TIMEZONE,
                                     State.SET_CHECKIN_TIME, State.SET_DAYS, State.SET_REMINDERS)
#: States a scheduled check-in question replaces; in any other (onboarding, a settings question, a
#: delete confirmation) the user is mid-answer and keeps it.
REOPENS_FROM: tuple[State, ...] = (State.CHECKIN, State.ASK_PAIN, State.CONFIRM_PAIN, State.SCREEN)


def state_of(value: str | None) -> State | None:
    """The stored state; an unknown value (a state a newer version wrote) counts as none."""
    if value is None:
        return None
    try:
        return State(value)
    except ValueError:
        return None
