"""The group chat's side of the conversation: join, leave, share or hide pain, the digest so far,
a team's settings (``/team``, ``/team setup``), and the bot being added to or removed from a
group. Platform-neutral: an adapter passes what the platform said (who, which group, the command
or a pressed choice) and sends back the answer."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot import commands
from bot import messages as M
from bot.domain import DAYS
from bot.ports import Turn
from bot.store import repo
from bot.store.tables import RunningGroup
from bot.teams import daily, digest, membership

#: Choices a member may press (or type) in the group, and the command each stands for.
GROUP_WORDS = {daily.JOIN.lower(): "join"}


@dataclass(frozen=True)
class GroupMessage:
    """A command sent in a group chat (or a choice pressed there)."""

    #: The group's key (``telegram:-100123``, ``slack:T0TEAM:C0CHANNEL``) and its title as the
    #: platform shows it.
    group: str
    title: str
    #: The sender's user key and the name the group knows them by.
    user: str
    name: str
    text: str
    #: Where a member starts a private chat with the bot (a platform link), for pointers.
    private_link: str = ""


def command_of(text: str) -> tuple[str, str]:
    """(command, its arguments) of a group message: ``/team setup 07:30`` -> ("team", "setup 07:30");
    a pressed choice (``Join``) is its command; anything else is ("help", "")."""
    name = commands.slash_name(text)
    if name is None:
        return GROUP_WORDS.get(text.strip().lower(), "help"), ""
    parts = text.strip().split(maxsplit=1)
    return name, parts[1] if len(parts) > 1 else ""


async def handle(s: AsyncSession, gm: GroupMessage, now: datetime, admins: frozenset[str] = frozenset()) -> Turn:
    turn = Turn()
    name, args = command_of(gm.text)
    turn.handled_as = "group:" + name
    who = gm.name or "someone"
    if name in commands.PRIVATE_ONLY:
        turn.say(M.PRIVATE_IN_GROUP.format(link=gm.private_link))
    elif name == "digest":
        g = await membership.register_group(s, gm.group, gm.title, now)
        turn.say(await digest.digest_preview(s, gm.group, daily.local_now(now, g).date()))
    elif name == "team":
        await _team(s, gm, now, args, admins, turn)
    elif name == "join":
        await _join(s, gm, now, turn)
    elif name == "leave":
        ok = await membership.leave_group(s, gm.group, gm.user)
        turn.say((M.LEFT if ok else M.NOT_MEMBER).format(name=who))
    elif name in ("sharepain", "hidepain"):
        show = name == "sharepain"
        if await membership.set_show_pain(s, gm.group, gm.user, show):
            turn.say((M.PAIN_SHOWN if show else M.PAIN_HIDDEN).format(name=who))
        else:
            turn.say(M.NOT_MEMBER.format(name=who))
    else:  # start, help, and anything else addressed to the bot in a group
        turn.say(M.GROUP_HELP)
    return turn


async def _join(s: AsyncSession, gm: GroupMessage, now: datetime, turn: Turn) -> None:
    who = gm.name or "someone"
    new = await membership.join_group(s, gm.group, gm.user, who, now, title=gm.title)
    reply = (M.JOINED if new else M.ALREADY_MEMBER).format(name=who)
    g = await membership.get_group(s, gm.group)
    if g is not None and g.is_team:
        reply += M.TEAM_JOINED.format(**_settings_words(g))
        if new and await membership.give_defaults(s, gm.user, g):
            reply += M.TEAM_DEFAULTS_GIVEN
    u = await repo.get_user(s, gm.user)
    if u is None or not u.onboarded:
        reply += "\n" + M.START_PRIVATE.format(link=gm.private_link)
    turn.say(reply)


async def _team(s: AsyncSession, gm: GroupMessage, now: datetime, args: str, admins: frozenset[str],
                turn: Turn) -> None:
    who = gm.name or "someone"
    sub, _, rest = args.strip().partition(" ")
    g = await membership.get_group(s, gm.group)
    if sub.lower() != "setup":
        if g is None or not g.is_team:
            turn.say(M.TEAM_NOT_SET_UP)
            return
        assert g.id is not None
        checked, members = await daily.day_figures(s, g.id, daily.local_now(now, g).date())
        turn.say(M.TEAM_SETTINGS.format(title=g.title or M.TEAM_NAMELESS, checked=checked, members=members,
                                        **_settings_words(g)))
        return
    if g is not None and g.is_team and not membership.may_change(g, gm.user, admins):
        turn.say(M.TEAM_NOT_OWNER.format(name=who))
        return
    setup = membership.parse_setup(rest)
    if setup is None:
        turn.say(M.TEAM_SETUP_BAD)
        return
    new = g is None or not g.is_team
    g = await membership.setup_team(s, gm.group, gm.title, gm.user, setup, now)
    if new:
        # Whoever sets the team up takes part in it.
        await membership.join_group(s, gm.group, gm.user, who, now, title=gm.title)
        await membership.give_defaults(s, gm.user, g)
        turn.say(M.TEAM_SET_UP.format(name=who, **_settings_words(g)))
        u = await repo.get_user(s, gm.user)
        if u is None or not u.onboarded:
            turn.say(M.START_PRIVATE.format(link=gm.private_link))
    else:
        turn.say(M.TEAM_UPDATED.format(**_settings_words(g)))
    turn.handled_as = "group:team_setup"


def _settings_words(g: RunningGroup) -> dict[str, str]:
    digest_day = calendar.day_name[DAYS.index(g.digest_day)] if g.digest_day in DAYS else g.digest_day
    return {"time": g.checkin_time, "timezone": g.timezone, "days": M.days_words(g.days.split(",")),
            "digest": digest_day}


async def added(s: AsyncSession, group: str, title: str, now: datetime, *, newly: bool) -> Turn:
    """The bot is in the group (added, or promoted): register it; a newcomer introduces itself."""
    await membership.register_group(s, group, title, now)
    turn = Turn(handled_as="group:added")
    if newly:
        turn.say(M.GROUP_HELP)
    return turn


async def moved(s: AsyncSession, old: str, new: str) -> None:
    """A group got a new key (a Telegram group became a supergroup): its row follows it."""
    g = await membership.get_group(s, old)
    if g is not None and await membership.get_group(s, new) is None:
        g.key = new
