"""Requests in plain words (issue 12): settings, commands, questions about the exercises, small
talk. ``read_intent(text, today)`` is pure, like the check-in parser beside it (bot/parse/), and
the conversation asks it only about messages that are not plain check-ins or commands
(bot/conversation/requests.py).

- ``intent.py``: :class:`Intent` and its kinds
- ``read.py``: the reader (segments, typo fixes, readers in order)
- ``when.py``: times of day and dates; ``vocab.py``: the keywords typos are matched against (place names: bot/answers.py)
"""

from __future__ import annotations

from bot.intents.intent import CHANGE_KINDS, COMMAND_KINDS, Intent, Kind
from bot.intents.read import might_be_request, read_intent

__all__ = ["CHANGE_KINDS", "COMMAND_KINDS", "Intent", "Kind", "might_be_request", "read_intent"]
