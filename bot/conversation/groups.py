"""The group chat's side of the conversation: join, leave, share or hide pain, the digest so far,
and the bot being added to or removed from a group. Platform-neutral: an adapter passes what the
platform said (who, which group, the command) and sends back the answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot import commands
from bot import groups as G
from bot import messages as M
from bot.ports import Turn
from bot.store import repo


@dataclass(frozen=True)
class GroupMessage:
    """A command sent in a group chat."""

    #: The group's key (``telegram:-100123``) and its title as the platform shows it.
    group: str
    title: str
    #: The sender's user key and the name the group knows them by.
    user: str
    name: str
    text: str
    #: Where a member starts a private chat with the bot (a platform link), for pointers.
    private_link: str = ""


async def handle(s: AsyncSession, gm: GroupMessage, now: datetime) -> Turn:
    turn = Turn()
    name = commands.slash_name(gm.text) or "help"
    turn.handled_as = "group:" + name
    who = gm.name or "someone"
    if name in commands.PRIVATE_ONLY:
        turn.say(M.PRIVATE_IN_GROUP.format(link=gm.private_link))
    elif name == "digest":
        g = await G.register_group(s, gm.group, gm.title, now)
        turn.say(await G.digest_preview(s, gm.group, now.astimezone(ZoneInfo(g.timezone)).date()))
    elif name == "join":
        new = await G.join_group(s, gm.group, gm.user, who, now, title=gm.title)
        reply = (G.JOINED if new else G.ALREADY_MEMBER).format(name=who)
        u = await repo.get_user(s, gm.user)
        if u is None or not u.onboarded:
            reply += "\n" + G.START_PRIVATE.format(link=gm.private_link)
        turn.say(reply)
    elif name == "leave":
        ok = await G.leave_group(s, gm.group, gm.user)
        turn.say((G.LEFT if ok else G.NOT_MEMBER).format(name=who))
    elif name in ("sharepain", "hidepain"):
        show = name == "sharepain"
        if await G.set_show_pain(s, gm.group, gm.user, show):
            turn.say((G.PAIN_SHOWN if show else G.PAIN_HIDDEN).format(name=who))
        else:
            turn.say(G.NOT_MEMBER.format(name=who))
    else:  # start, help, and anything else addressed to the bot in a group
        turn.say(G.GROUP_HELP)
    return turn


async def added(s: AsyncSession, group: str, title: str, now: datetime, *, newly: bool) -> Turn:
    """The bot is in the group (added, or promoted): register it; a newcomer introduces itself."""
    await G.register_group(s, group, title, now)
    turn = Turn(handled_as="group:added")
    if newly:
        turn.say(G.GROUP_HELP)
    return turn


async def moved(s: AsyncSession, old: str, new: str) -> None:
    """A group got a new key (a Telegram group became a supergroup): its row follows it."""
    g = await G.get_group(s, old)
    if g is not None and await G.get_group(s, new) is None:
        g.key = new
