"""Every command the bot knows, in one place: the parser, the conversation and each platform's
command menu read their lists from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Where = Literal["private", "group", "both"]


@dataclass(frozen=True)
class CommandSpec:
    name: str
    #: One line for a platform's command menu.
    summary: str
    #: In a private chat, in a group chat, or both.
    where: Where = "private"
    #: Shown in the private command menu (``stop`` works but is not advertised there).
    menu: bool = True
    #: For the user keys in BACKCHECK_ADMINS only; never in a menu; everyone else gets a refusal.
    admin: bool = False
    #: Its arguments, as a usage hint shows them ("[days]").
    args: str = ""


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("start", "Start, or come back after stopping", "both"),
    CommandSpec("checkin", "Check in now: how is your back?"),
    CommandSpec("today", "Today's suggested session"),
    CommandSpec("progress", "Your last 4 weeks, with a chart"),
    CommandSpec("settings", "Time zone, check-in time, days, reminders"),
    CommandSpec("pause", "Pause check-ins for some days (e.g. /pause 7)", args="[days]"),
    CommandSpec("resume", "Resume check-ins"),
    CommandSpec("export", "All your data as a JSON file"),
    CommandSpec("delete", "Erase everything I store about you"),
    CommandSpec("help", "What I can do", "both"),
    CommandSpec("stop", "Stop check-ins until you send start", menu=False),
    CommandSpec("join", "Take part in this group's weekly digest", "group"),
    CommandSpec("leave", "Stop taking part in this group's digest", "group"),
    CommandSpec("sharepain", "Show your weekly morning pain in the digest", "group"),
    CommandSpec("hidepain", "Hide your pain scores from the digest again", "group"),
    CommandSpec("digest", "This group's week so far", "group"),
    CommandSpec("team", "This team's settings and today; /team setup to make or change it", "group",
                args="[setup TIME DAYS digest DAY]"),
    CommandSpec("stats", "Usage and outcome stats (admins)", menu=False, admin=True, args="[days]"),
)

BY_NAME = {c.name: c for c in COMMANDS}
ALL_NAMES = tuple(BY_NAME)
PRIVATE = tuple(c.name for c in COMMANDS if c.where in ("private", "both"))
GROUP = tuple(c.name for c in COMMANDS if c.where in ("group", "both"))
#: Group commands that mean nothing in a private chat, and private ones that mean nothing in a group.
GROUP_ONLY = tuple(c.name for c in COMMANDS if c.where == "group")
PRIVATE_ONLY = tuple(c.name for c in COMMANDS if c.where == "private")
#: Operator commands: answered without touching the sender's own conversation (bot/conversation/coach.py).
ADMIN = tuple(c.name for c in COMMANDS if c.admin)
#: The private chat's command menu, in the order users see it.
MENU: tuple[tuple[str, str], ...] = tuple((c.name, c.summary) for c in COMMANDS
                                          if c.menu and not c.admin and c.where in ("private", "both"))

#: What a platform with one command and subcommands (Slack's ``/backcheck``) advertises, in
#: this order: every command but the unadvertised ``stop`` and the admins' (which work all the same).
SUBCOMMANDS: tuple[str, ...] = tuple(c.name for c in COMMANDS if c.menu and not c.admin)


def usage(names: tuple[str, ...] = SUBCOMMANDS) -> str:
    """A usage hint: ``start | checkin | ... | pause [days] | ...`` (deploy/slack-manifest.yaml)."""
    return " | ".join(f"{n} {BY_NAME[n].args}".rstrip() for n in names)


#: Typed words that mean a command (a whole message only: "rested today" stays a check-in). Other
#: wordings ("hi", "what's the plan today", "stop the reminders") are requests: bot/intents/.
ALIASES = {
    "check-in": "checkin", "check in": "checkin", "check": "checkin", "menu": "help", "?": "help",
    "setting": "settings", "unpause": "resume", "progres": "progress",
    # The scheduler's pause offer after a silent week (bot/prompts.py): its other choice is "pause 14".
    "keep asking": "resume",
}


def slash_name(text: str) -> str | None:
    """The command of a ``/name args`` message (``/name@bot`` too), lower-cased; None if it is not
    one. Cheap: platforms use it to route group messages before the core reads them."""
    t = text.lstrip()
    if not t.startswith("/") or len(t) < 2:
        return None
    head = t[1:].split(maxsplit=1)
    return head[0].split("@", 1)[0].lower() if head else None
