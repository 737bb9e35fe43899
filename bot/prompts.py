"""Scheduled prompts: their texts (reminder, welcome back, weekly safety note) and composing them.
(Opening the check-in for many users at once is SQL: bot/store/outbox.py.)

Their texts are in bot/messages.py with every other text the bot says (a translation swaps that one
module). Plain text: adapters add platform formatting.
"""

from __future__ import annotations

from bot import messages as M
from bot.ports import Outgoing

# The texts live in bot/messages.py with every other text; these names stay for callers.
REMINDER = M.REMINDER
WELCOME_BACK = M.WELCOME_BACK
SAFETY = M.SAFETY
PAUSE_OFFER = M.PAUSE_OFFER
PAUSE_OFFER_CHOICES = M.PAUSE_OFFER_CHOICES


def pause_offer() -> list[Outgoing]:
    """What a silent user gets on the pause-offer days instead of the check-in question."""
    return [Outgoing(PAUSE_OFFER, PAUSE_OFFER_CHOICES)]


def question() -> list[Outgoing]:
    """The check-in question, as Coach.checkin_prompt words it."""
    return [Outgoing(M.CHECKIN_QUESTION, M.CHECKIN_CHOICES)]


def compose(question: list[Outgoing], *, reminder: bool = False, welcome_back: bool = False,
            safety: bool = False) -> list[Outgoing]:
    """The scheduled prompt as one message: the question (its choices kept), reworded as a
    reminder if need be, with the welcome-back and safety notes in front. One platform message
    per prompt keeps sending, rate limits and crash recovery simple."""
    if not question:
        return []
    last = question[-1]
    text = REMINDER if reminder else last.text
    lead = [t for t, on in ((WELCOME_BACK, welcome_back), (SAFETY, safety)) if on]
    return [*question[:-1], Outgoing("\n\n".join([*lead, text]), last.choices)]
