"""One inbound message, read once: the command, a yes/no, a bare number, the check-in.

The conversation asks several questions of a message (is it a command? an answer to the open
question? a check-in?); each reading happens at most once per message, and the costly one (the
check-in parser) only if some handler asks for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from bot.answers import Command, parse_command, parse_yes_no
from bot.domain import CheckIn
from bot.intents import read_intent
from bot.parse import parse_checkin

#: Longest text kept for one inbound message (the parser reads MAX_CHARS of it).
KEEP_CHARS = 50_000


@dataclass(frozen=True)
class Inbound:
    #: What the user sent, as sent (never None; cut at KEEP_CHARS).
    text: str

    @classmethod
    def read(cls, text: str | None) -> Inbound:
        return cls((text or "")[:KEEP_CHARS])

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @cached_property
    def command(self) -> Command | None:
        return parse_command(self.text)

    @cached_property
    def yes_no(self) -> bool | None:
        return parse_yes_no(self.text) if len(self.text) < 200 else None

    @cached_property
    def number(self) -> float | None:
        """A bare 0-10 (``3``, ``4.5``, ``6/10``): the answer to a pain question."""
        t = self.text.strip().rstrip(".").removesuffix("/10").strip()
        if len(t) > 8:
            return None
        try:
            n = float(t)
        except ValueError:
            return None
        return n if 0 <= n <= 10 else None

    @cached_property
    def checkin(self) -> CheckIn:
        return parse_checkin(self.text)

    @property
    def clearly_a_checkin(self) -> bool:
        """While a question is open, a check-in must say something about the back or a named
        activity: a bare duration (``25:00``) is more likely a wrong answer to the question."""
        ci = self.checkin
        return bool(ci.pain is not None or ci.red_flags or ci.rested or ci.has_leg_symptoms
                    or any(a.kind != "other" for a in ci.activities))

    def is_plain_words_for_the_coach(self, today: date) -> bool:
        """Whether words given where a command was expected (Slack's ``/backcheck remind me at 7``)
        are for the private conversation, as if typed there: a request the conversation reads
        (bot/intents; help and the unknown aside) or a check-in. Else the platform shows its
        help. Pure and quick: a slash command is acknowledged within Slack's 3 seconds."""
        intent = read_intent(self.text, today)
        if intent is not None:
            return intent.kind not in ("help", "unknown")
        return self.clearly_a_checkin
