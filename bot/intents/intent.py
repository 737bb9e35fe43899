"""What a request asks for: an :class:`Intent` with its arguments.

Kinds (``value`` in brackets):

- settings: ``set_time`` ("HH:MM"), ``shift_time`` (minutes, + later / - earlier), ``ask_time``
  (none: "earlier please" is asked back), ``set_days`` ((op, days): op ``set``, ``add`` or ``drop``),
  ``reminders`` (bool), ``set_timezone`` (IANA name), ``pause`` (the date check-ins start again),
  ``resume``, ``undo``;
- commands: ``today``, ``progress``, ``why`` (the activity kind asked about, or None), ``help``,
  ``export``, ``delete``, ``stop``, ``settings``, ``checkin``;
- ``correction`` ((new, old): "I meant 4 not 7"; old is None when not said);
- ``exercise`` (an id of :data:`bot.exercises.EXERCISES`, or ``strength`` for the whole routine);
- ``smalltalk`` (``hello``, ``thanks``, ``ok``);
- ``safety``: a question about the warning signs ("if I get numbness in my groin what do I do");
- ``unknown``: clearly a question or a request, but none the bot knows (the fallback answers it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

Kind = Literal[
    "set_time", "shift_time", "ask_time", "set_days", "reminders", "set_timezone", "pause", "resume", "undo",
    "today", "progress", "why", "help", "export", "delete", "stop", "settings", "checkin",
    "correction", "exercise", "smalltalk", "safety", "unknown",
]

#: Kinds that are commands of bot/commands.py, run by the command's own handler.
COMMAND_KINDS: frozenset[str] = frozenset({"today", "progress", "help", "export", "delete", "stop", "settings",
                                           "checkin", "resume"})
#: Kinds that change a setting (confirmed in one line, undoable).
CHANGE_KINDS: frozenset[str] = frozenset({"set_time", "shift_time", "set_days", "reminders", "set_timezone",
                                          "pause", "resume"})

Value = str | int | bool | date | tuple[str, tuple[str, ...]] | tuple[float, float | None] | None


@dataclass(frozen=True, slots=True)
class Intent:
    kind: Kind
    value: Value = None
    #: Where the request is in the text (start, end), so what is around it can still be read as a
    #: check-in ("pain 3, ran 20. can we move to 8am?").
    span: tuple[int, int] = (0, 0)
