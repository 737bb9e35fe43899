"""The conversation's entry points: what adapters, the scheduler and the CLI call.

One message is one transaction (``Store.run``, which also owns the retry policy). What the user is
answering lives in the users row, never in this process, so any replica can take any message.
The message is read once (:class:`~bot.inbound.Inbound`), then a command goes to its handler and
anything else to the handler of the state the user is in (``HANDLERS``); a handler that does not
take the message leaves it to be read as a check-in.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from bot import answers, metrics, model_state, prompts
from bot import messages as M
from bot.commands import ADMIN as ADMIN_COMMANDS
from bot.config import Settings
from bot.conversation import checkins, commands, groups, onboarding, requests, settings
from bot.conversation import home as home_screen
from bot.conversation.context import Context, local_date, model_of, profile_of
from bot.conversation.groups import GroupMessage
from bot.conversation.state import ONBOARDING, REOPENS_FROM, SETTING_STATES, State
from bot.forms import typed_form
from bot.inbound import Inbound
from bot.model import profile_changed, tolerance_summary
from bot.ports import CheckinForm, Home, Outgoing, Turn, platform_of
from bot.store import repo, users
from bot.store.repo import Store
from bot.store.users import UserRecord
from bot.teams import membership as G

log = logging.getLogger(__name__)

StateHandler = Callable[[Context], Awaitable[bool]]
#: When a turn also carries the home screen (``Turn.home``): after a check-in, or after any message.
HomeWanted = Literal["checkin", "always"] | None

#: Who takes a message (that is not a command) in each state; True: taken, False: read it as a
#: check-in. No entry (no state, or CHECKIN: a check-in question is open): a check-in.
HANDLERS: dict[State, StateHandler] = {
    **{s: onboarding.answer for s in (*ONBOARDING, *SETTING_STATES)},
    State.SETTINGS: settings.menu_answer,
    State.CONFIRM_DELETE: commands.confirm_delete,
    State.ASK_PAIN: checkins.pain_answer,
    State.CONFIRM_PAIN: checkins.pain_answer,
    State.SCREEN: checkins.screen_answer,
    State.TRIAGE: checkins.triage_answer,
    State.CONFIRM_SAME: checkins.confirm_same,
}


def _utc(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    # Stored as UTC: SQLite keeps no offsets, and every local date is derived per user anyway.
    return now.astimezone(UTC)


class Coach:
    """The dialogue. Stateless itself: everything it remembers is in the store."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    # --- a private chat -----------------------------------------------------------------------

    async def handle(self, key: str, text: str, now: datetime, *, event_id: str | None = None,
                     home: HomeWanted = None) -> Turn:
        """Answer one message (typed, or a button's choice). Never loses the text: what is not
        stored as a check-in is kept as an inbound message.

        ``event_id``: the platform's id of the delivery (Slack's ``event_id``). A delivery seen
        before is not answered again (``handled_as == "duplicate"``, no messages): the id is
        claimed in the same transaction as the answer, so a crash before it commits leaves the
        platform's retry to be answered.

        ``home``: also return the home screen as the message left it (``Turn.home``), after a
        check-in (``"checkin"``) or after any message (``"always"``). It is read in the message's
        own transaction from the row, model and suggestion the turn already holds: a second
        transaction would read them all again."""
        t0 = metrics.clock()
        msg, at = Inbound.read(text), _utc(now)
        try:
            if msg.command is not None and msg.command.name in ADMIN_COMMANDS:
                return await commands.admin(self.store, self.settings, key, msg.command, at)
            return await self.store.run(lambda s: self._handle(s, key, msg, at, event_id, home))
        finally:
            metrics.HANDLER.observe(metrics.clock() - t0)

    async def _handle(self, s: AsyncSession, key: str, msg: Inbound, now: datetime,
                      event_id: str | None = None, home: HomeWanted = None) -> Turn:
        if event_id is not None and not await repo.claim_event(s, platform_of(key), event_id, now):
            return Turn(handled_as="duplicate")
        u = await users.load(s, key)
        if u is None:
            u = self._new_user(key, now)
            team = await G.first_team_of(s, key)
            if team is not None:
                # Joined a team before writing here: the team's schedule until they choose their own.
                u.timezone, u.checkin_time, u.days = G.team_schedule(team)
            u = await users.add(s, u)
            before = u.snapshot()
            ctx = Context(s, u, msg, now, self.settings)
            await onboarding.first_message(ctx)
        else:
            before = u.snapshot()
            ctx = Context(s, u, msg, now, self.settings)
            await _dispatch(ctx)
        if not ctx.deleted:
            await _with_home(ctx, home)
            ctx.finish()
            await users.save(s, u, before)
        return ctx.turn

    async def handle_form(self, key: str, form: CheckinForm, now: datetime, *, home: HomeWanted = None) -> Turn:
        """A full check-in from a platform's form: recorded as the typed reply it equals
        (:func:`bot.forms.typed_form`), whatever question is open. Someone not yet set up is
        greeted as their first message would be. ``home``: as for :meth:`handle`."""
        msg, at = Inbound.read(typed_form(form)), _utc(now)

        async def work(s: AsyncSession) -> Turn:
            u = await users.load(s, key)
            if u is None or not u.onboarded:
                return await self._handle(s, key, msg, at, home=home)
            before = u.snapshot()
            ctx = Context(s, u, msg, at, self.settings)
            await checkins.default(ctx)
            await _with_home(ctx, home)
            ctx.finish()
            await users.save(s, u, before)
            return ctx.turn

        return await self.store.run(work)

    async def home(self, key: str, now: datetime) -> Home:
        """What ``key``'s home screen shows now (nothing is stored)."""
        at = _utc(now)

        async def work(s: AsyncSession) -> Home:
            u = await users.load(s, key)
            if u is None:
                return Home(onboarded=False)
            return await home_screen.home(Context(s, u, Inbound.read(""), at, self.settings))

        return await self.store.run(work)

    def _new_user(self, key: str, now: datetime) -> UserRecord:
        return UserRecord(key=key, created_at=now, timezone=self.settings.default_timezone,
                          checkin_time=self.settings.default_checkin_time)

    # --- the scheduler's side -----------------------------------------------------------------

    async def checkin_prompt(self, key: str, now: datetime, for_date: date | None = None) -> list[Outgoing]:
        """The daily check-in question; the next reply counts for ``for_date`` (the scheduler's)."""
        at = _utc(now)

        async def work(s: AsyncSession) -> list[Outgoing]:
            u = await users.load(s, key)
            if u is None:
                return []
            before = u.snapshot()
            if u.conv_state is None or u.conv_state in REOPENS_FROM:
                u.conv_state, u.conv_on = State.CHECKIN.value, for_date or local_date(u, at)
            await users.save(s, u, before)
            return prompts.question()

        return await self.store.run(work)

    async def ensure_profile(self, key: str, now: datetime, fields: dict[str, Any]) -> None:
        """Set a user up as if onboarding were done (``simulate``'s profile lines, admin tools)."""
        at = _utc(now)

        async def work(s: AsyncSession) -> None:
            u = await users.load(s, key) or await users.add(s, self._new_user(key, at))
            before = u.snapshot()
            _apply_profile(u, fields)
            u.onboarded = True
            u.conv_state, u.conv_on = None, None
            today = local_date(u, at)
            u.tolerance = model_state.encode(profile_changed(model_of(u, today), profile_of(u), today))
            await users.save(s, u, before)

        await self.store.run(work)

    # --- group chats --------------------------------------------------------------------------

    async def handle_group(self, gm: GroupMessage, now: datetime) -> Turn:
        """Answer a command sent in a group chat (the answer goes to the group)."""
        at = _utc(now)
        admins = self.settings.admin_keys
        return await self.store.run(lambda s: groups.handle(s, gm, at, admins))

    async def group_added(self, group: str, title: str, now: datetime, *, newly: bool) -> Turn:
        at = _utc(now)
        turn = await self.store.run(lambda s: groups.added(s, group, title, at, newly=newly))
        if newly:
            log.info("added to group %s", group)
        return turn

    async def group_removed(self, group: str) -> None:
        await self.store.run(lambda s: G.deactivate_group(s, group))
        log.info("removed from group %s", group)

    async def group_moved(self, old: str, new: str) -> None:
        await self.store.run(lambda s: groups.moved(s, old, new))

    # --- reachability -------------------------------------------------------------------------

    async def reachable(self, key: str, yes: bool) -> None:
        """The platform says whether the bot can reach ``key`` (a user blocked or unblocked it; a
        group refused a message). Unreachable users get nothing from the scheduler; an unreachable
        group gets no digest."""

        async def work(s: AsyncSession) -> None:
            if not yes and await G.get_group(s, key) is not None:
                await G.deactivate_group(s, key)
                log.info("group %s refused a message; deactivated", key)
                return
            u = await users.load(s, key)
            if u is None:
                return
            before = u.snapshot()
            if not yes and u.status != "blocked":
                u.status = "blocked"
                log.info("%s blocked the bot; marked blocked", key)
            elif yes and u.status == "blocked":
                u.status = "active"
                log.info("%s unblocked the bot; marked active", key)
            await users.save(s, u, before)

        await self.store.run(work)

    # --- the operator's side (CLI) ------------------------------------------------------------

    async def export(self, key: str, now: datetime) -> dict[str, Any] | None:
        """Everything stored about ``key`` (the export format), or None if there is no such user."""
        at = _utc(now)

        async def work(s: AsyncSession) -> dict[str, Any] | None:
            u = await users.load(s, key)
            if u is None:
                return None
            return await repo.export_user(s, u, tolerance_summary(model_of(u, local_date(u, at))))

        return await self.store.run(work)

    async def erase(self, key: str) -> dict[str, int] | None:
        """Delete every row about ``key``; rows deleted per table, or None if there is no such user."""

        async def work(s: AsyncSession) -> dict[str, int] | None:
            u = await users.load(s, key)
            return None if u is None else await repo.delete_user(s, u)

        return await self.store.run(work)

    async def summary(self, key: str) -> dict[str, int] | None:
        """What is stored about ``key``, counted (for a confirmation question), or None."""

        async def work(s: AsyncSession) -> dict[str, int] | None:
            u = await users.load(s, key)
            return None if u is None or u.id is None else await repo.count_user_rows(s, u.id, u.key)

        return await self.store.run(work)


async def _with_home(ctx: Context, home: HomeWanted) -> None:
    if home == "always" or (home == "checkin" and ctx.turn.checkin is not None):
        await ctx.session.flush()  # rows added as objects (a pause) are read back by the home screen
        ctx.turn.home = await home_screen.home(ctx)


async def _dispatch(ctx: Context) -> None:
    command = ctx.msg.command
    state = ctx.state
    # "delete" while asked to confirm a delete is the confirmation, not a new request.
    if command is not None and not (state is State.CONFIRM_DELETE and command.name == "delete"):
        await commands.run(ctx, command)
        return
    if ctx.msg.blank:
        await ctx.keep("empty")
        ctx.turn.say(M.EMPTY)
        return
    handler = HANDLERS.get(state) if state is not None else None
    if handler is not None and await handler(ctx):
        return
    # A request in plain words ("remind me at 6:30 instead"), alone or beside a check-in.
    if await requests.handle(ctx):
        return
    await checkins.default(ctx)


def _apply_profile(u: UserRecord, fields: dict[str, Any]) -> None:
    if "timezone" in fields:
        u.timezone = answers.parse_timezone(str(fields["timezone"])) or _bad("timezone", fields)
    if "checkin_time" in fields:
        u.checkin_time = answers.parse_time(str(fields["checkin_time"])) or _bad("checkin_time", fields)
    if "days" in fields:
        days = fields["days"]
        parsed = answers.parse_days(",".join(days)) if isinstance(days, list) else answers.parse_days(str(days))
        u.days = ",".join(parsed or _bad("days", fields))
    if "experience" in fields:
        if fields["experience"] not in ("new", "returning", "regular"):
            _bad("experience", fields)
        u.experience = fields["experience"]
    if "comfortable_run_minutes" in fields:
        v = fields["comfortable_run_minutes"]
        if v is not None and (not isinstance(v, int | float) or not 0 <= v <= 240):
            _bad("comfortable_run_minutes", fields)
        u.comfortable_run_minutes = None if v is None else int(v)
    if "reminders" in fields:
        u.reminders = bool(fields["reminders"])


def _bad(name: str, fields: dict[str, Any]) -> Any:
    raise ValueError(f"profile field {name!r} has a bad value: {fields[name]!r}")
