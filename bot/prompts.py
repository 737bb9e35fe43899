"""Scheduled prompts: their texts (reminder, welcome back, weekly safety note) and composing them.
(Opening the check-in for many users at once is SQL: bot/store/outbox.py.)

Kept apart from bot/messages.py so the scheduler can grow them without touching the dialogue's
texts; a translation swaps both modules. Plain text: adapters add platform formatting.
"""

from __future__ import annotations

from bot import messages as M
from bot.ports import Outgoing

REMINDER = (
    "Just checking in: how's your back today (0-10), and what did you do? "
    "One line is plenty, e.g. 'back 3/10, walked 20 min'."
)

WELCOME_BACK = "Welcome back! Your pause is over, so check-ins are on again."

SAFETY = (
    "Weekly safety note: if you get numbness around your bottom or genitals, new trouble peeing or "
    "controlling your bladder or bowels, or weakness or numbness in both legs, get urgent medical help. "
    "I'm a coach, not medical advice."
)

#: Instead of the daily question, twice a week, to a user who has said nothing for a week. Every
#: choice is typed-answerable: "pause 14" is the pause command; any other reply is an ordinary
#: message, and any message at all brings the daily question back.
PAUSE_OFFER = (
    "I haven't heard from you for a week, so I've stopped the daily check-in question. "
    "Want a break? Reply 'pause 14' and I'll stay quiet for two weeks. "
    "Or reply 'keep asking' (or just tell me how your back is) and the daily check-ins start again."
)
PAUSE_OFFER_CHOICES = ("pause 14", "keep asking")


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
