"""What Slack's payloads say, read the same way by every listener: a slash command's subcommand,
a channel's name as a team's title, the link that opens the bot's DM."""

from __future__ import annotations

from typing import Any


def sub(command: dict[str, Any]) -> str:
    """``/backcheck pause 7`` -> ``pause`` (no words: ``help``)."""
    words = str(command.get("text", "")).strip().split(maxsplit=1)
    return words[0].lower().lstrip("/") if words else "help"


#: What Slack sends as the name of a conversation it does not name to apps: no title.
_NO_TITLE = frozenset({"directmessage", "privategroup"})


def title(payload: dict[str, Any]) -> str:
    """The channel's name, as a team's title (empty: the title stays as it was)."""
    name = str(payload.get("channel_name") or (payload.get("channel") or {}).get("name") or "")
    return "" if name in _NO_TITLE or name.startswith("mpdm-") else name


def dm_link(payload: dict[str, Any], team: str) -> str:
    """Where a member opens a DM with the app (pointers in channel answers)."""
    app_id = payload.get("api_app_id")
    return f"https://slack.com/app_redirect?app={app_id}&team={team}" if app_id else ""
