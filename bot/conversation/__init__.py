"""The conversation, platform-neutral: a table of small handlers, one per state.

- ``coach.py``: the entry points (:class:`Coach`) and the ``{State: handler}`` table
- ``state.py``: the states; ``context.py``: one message being handled
- ``onboarding.py``, ``questions.py``, ``settings.py``: the profile questions
- ``checkins.py``: recording a check-in and its follow-up questions
- ``commands.py``, ``progress.py``: commands in the private chat
- ``requests.py``: requests in plain words (bot/intents), ``undo.py``: putting the last change back
- ``groups.py``: commands in group chats and the bot's group membership
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.conversation.coach import Coach
    from bot.conversation.groups import GroupMessage

__all__ = ["Coach", "GroupMessage"]


def __getattr__(name: str) -> Any:
    # Lazy, so that importing the states (bot.conversation.state, used by the scheduler's SQL)
    # does not load the whole dialogue.
    if name == "Coach":
        from bot.conversation.coach import Coach

        return Coach
    if name == "GroupMessage":
        from bot.conversation.groups import GroupMessage

        return GroupMessage
    raise AttributeError(name)
