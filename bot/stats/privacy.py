"""The one small-numbers rule: a figure that describes fewer than :data:`MIN_USERS` people is shown
as ``"<5"``, whatever shows it (CLI, chat, dashboard, JSON, CSV).

Every figure leaves :mod:`bot.stats` through :func:`cell`, so no caller can show a raw small count:
the report is built suppressed, and everything that renders it renders the suppressed values.
"""

from __future__ import annotations

from typing import TypeVar

#: Fewer people than this behind a figure and it is hidden: one person's health must not be read off
#: a dashboard ("the one member with a red flag this week").
MIN_USERS = 5
SMALL = f"<{MIN_USERS}"

N = TypeVar("N", int, float)


def cell(value: N | None, users: int) -> N | str | None:
    """``value`` as shown: ``"<5"`` when 1 to 4 people are behind it. No people at all reveals no
    one (a 0 stays 0; a rate or median of nobody is None, shown as "-")."""
    if 0 < users < MIN_USERS:
        return SMALL
    return value


def shown(value: object) -> str:
    """A cell as text: "-" for nothing, percentages are the caller's business."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
