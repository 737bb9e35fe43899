"""The conversation, platform-neutral: onboarding, daily check-ins, commands, settings.

An adapter calls :meth:`Coach.handle` with (user key, text, time) and sends back the returned
messages. What the user is answering lives in the database (``users.conv_state``), never in this
process, so any replica can take any message. One message is one transaction.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot import answers
from bot import messages as M
from bot.chart import DAYS_SHOWN
from bot.config import Settings
from bot.domain import CROSS_TRAINING_KINDS, DAYS, CheckIn, Profile, Recommendation
from bot.parse import MAX_CHARS, parse_checkin
from bot.store import repo
from bot.store.repo import Store
from bot.store.tables import ActivityRow, CheckInRow, User
from bot.tolerance import (
    ToleranceState,
    initial_state,
    profile_changed,
    recommend,
    step,
    tolerance_summary,
)

log = logging.getLogger(__name__)

#: Longest text kept for one inbound message (the parser reads MAX_CHARS of it).
KEEP_CHARS = 50_000
#: The weekly "not medical advice" reminder (domain.md, "What the bot says").
DISCLAIMER_EVERY = timedelta(days=7)
#: Until this local time a reply still counts for the previous day's open check-in.
NIGHT_ENDS = time(4, 0)
#: A safety screen question follows a check-in with pain this high or pain into a leg.
SCREEN_PAIN = 7

ONBOARDING_STEPS = ("experience", "comfortable", "timezone", "checkin_time", "days")


@dataclass(frozen=True)
class Outgoing:
    """One message to the user: text, optional choices (each can also be typed), image, document."""

    text: str
    choices: tuple[str, ...] = ()
    image: bytes | None = None
    document: tuple[str, bytes] | None = None
    recommendation: Recommendation | None = None


@dataclass
class Turn:
    """What handling one inbound message produced."""

    messages: list[Outgoing] = field(default_factory=list)
    #: The check-in recorded by this message, in the export format (with ``date``), if any.
    checkin: dict[str, Any] | None = None
    handled_as: str = ""

    def say(self, text: str, choices: tuple[str, ...] = (), **kw: Any) -> None:
        self.messages.append(Outgoing(text, choices, **kw))


def profile_of(u: User) -> Profile:
    return Profile(
        experience=u.experience,  # type: ignore[arg-type]
        comfortable_run_minutes=u.comfortable_run_minutes,
        timezone=u.timezone,
        checkin_time=u.checkin_time,
        days=tuple(d for d in u.days.split(",") if d),
        reminders=u.reminders,
    )


def local_date(u: User, now: datetime) -> date:
    return now.astimezone(ZoneInfo(u.timezone)).date()


def days_label(days: tuple[str, ...] | list[str]) -> str:
    if tuple(days) == DAYS:
        return "every day"
    if tuple(days) == DAYS[:5]:
        return "weekdays"
    return ", ".join(days)


class Coach:
    """The dialogue. Stateless itself: everything it remembers is in the store."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self._doc_cache: tuple[str, dict[str, Any]] | None = None

    # --- entry points --------------------------------------------------------------------

    async def handle(self, key: str, text: str, now: datetime) -> Turn:
        """Answer one inbound message. Never loses the text: it is stored before anything else."""
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        # Stored as UTC: SQLite keeps no offsets, and every local date is derived per user anyway.
        now = now.astimezone(UTC)
        text = text or ""
        for attempt in (1, 2):
            try:
                async with self.store.session() as s:
                    return await self._handle(s, key, text, now)
            except IntegrityError:
                # Two replicas raced on the same user's first message or check-in row:
                # the second try sees the other's row.
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def checkin_prompt(self, key: str, now: datetime, for_date: date | None = None) -> list[Outgoing]:
        """The daily check-in question; the next reply counts for ``for_date`` (the scheduler's)."""
        async with self.store.session() as s:
            u = await repo.get_user(s, key)
            if u is None:
                return []
            d = for_date or local_date(u, now)
            if u.conv_state is None or u.conv_state in ("checkin", "ask_pain", "confirm_pain", "screen"):
                self._set_state(u, "checkin", {"date": d.isoformat()})
            return [Outgoing(M.CHECKIN_QUESTION, M.CHECKIN_CHOICES)]

    async def ensure_profile(self, key: str, now: datetime, fields: dict[str, Any]) -> None:
        """Set a user up as if onboarding were done (``simulate``'s profile lines, admin tools)."""
        async with self.store.session() as s:
            u = await repo.get_user(s, key)
            if u is None:
                u = await repo.add_user(s, self._new_user(key, now))
            if "timezone" in fields:
                u.timezone = answers.parse_timezone(str(fields["timezone"])) or _bad("timezone", fields)
            if "checkin_time" in fields:
                u.checkin_time = answers.parse_time(str(fields["checkin_time"])) or _bad("checkin_time", fields)
            if "days" in fields:
                days = fields["days"]
                parsed = (answers.parse_days(",".join(days)) if isinstance(days, list)
                          else answers.parse_days(str(days)))
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
            u.onboarded = True
            u.conv_state, u.conv_data = None, None
            today = local_date(u, now)
            state = self._state(u, today)
            self._save_state(u, profile_changed(state, profile_of(u), today))

    # --- the one transaction per message -------------------------------------------------

    async def _handle(self, s: AsyncSession, key: str, raw: str, now: datetime) -> Turn:
        turn = Turn()
        kept = raw[:KEEP_CHARS]
        u = await repo.get_user(s, key)
        if u is None:
            u = await repo.add_user(s, self._new_user(key, now))
            turn.say(M.INTRO)
            if answers.parse_command(raw) is None and raw.strip():
                ci = parse_checkin(raw)
                if ci.understood:
                    await self._record_checkin(s, u, ci, now, turn)
            if turn.checkin is None:
                await self._keep(s, u, now, kept, turn, "onboarding")
            self._set_state(u, "experience", {})
            self._ask_step(u, "experience", turn)
            return turn

        assert u.id is not None
        cmd = answers.parse_command(raw)
        if cmd is not None and not (u.conv_state == "confirm_delete" and cmd.name == "delete"):
            await self._command(s, u, cmd, now, turn)
            if cmd.name != "delete" or u.conv_state == "confirm_delete":
                await self._keep(s, u, now, kept, turn, "command:" + cmd.name)
            return turn

        if not raw.strip():
            await self._keep(s, u, now, kept, turn, "empty")
            turn.say(M.EMPTY)
            return turn

        state = u.conv_state
        if state in ONBOARDING_STEPS or (state or "").startswith("set_"):
            if self._answer_step(u, state or "", raw, now, turn):
                await self._keep(s, u, now, kept, turn, "answer:" + (state or ""))
                if state in ONBOARDING_STEPS:
                    await self._next_onboarding(s, u, state or "", now, turn)
                return turn
            ci = parse_checkin(raw)
            if _clearly_a_checkin(ci):
                await self._record_checkin(s, u, ci, now, turn)
                turn.handled_as = "checkin"
                # Onboarding (or the settings question) goes on after the check-in.
                self._set_state(u, state, {})
                self._ask_step(u, state or "", turn)
                return turn
            await self._keep(s, u, now, kept, turn, "unclear:" + (state or ""))
            turn.say(M.NOT_UNDERSTOOD.get((state or "").removeprefix("set_"), M.ASK_AGAIN))
            self._ask_step(u, state or "", turn, reask=True)
            return turn

        if state == "settings" and self._settings(u, raw, now, turn, menu_only=True):
            await self._keep(s, u, now, kept, turn, "settings")
            return turn

        if state == "confirm_delete":
            yes = answers.parse_yes_no(raw)
            if yes is None and cmd is not None:
                yes = cmd.name == "delete"
            if yes:
                await repo.delete_user(s, u)
                turn.say(M.DELETED)
                turn.handled_as = "deleted"
                return turn
            self._set_state(u, None)
            turn.say(M.DELETE_CANCELLED)
            if yes is False:
                await self._keep(s, u, now, kept, turn, "delete_cancelled")
                return turn
            # Not a yes/no: nothing is deleted and the text is read as an ordinary message.

        if state in ("ask_pain", "confirm_pain") and self._is_bare_number(raw):
            pain = float(raw.strip().rstrip(".").split("/")[0])
            await self._update_pain(s, u, pain, now, turn)
            await self._keep(s, u, now, kept, turn, "pain_answer")
            return turn
        if state == "confirm_pain" and answers.parse_yes_no(raw) is True:
            self._set_state(u, None)
            await self._keep(s, u, now, kept, turn, "pain_confirmed")
            turn.say("Thanks, noted.")
            return turn
        if state == "screen":
            yes = answers.parse_yes_no(raw)
            flags_said = parse_checkin(raw).red_flags
            if yes is not None or flags_said:
                await self._screen_answer(s, u, bool(yes) or bool(flags_said), flags_said, now, turn)
                await self._keep(s, u, now, kept, turn, "screen_answer")
                return turn

        ci = parse_checkin(raw)
        if not ci.understood:
            await self._keep(s, u, now, kept, turn, "unclear")
            turn.say(M.ASK_AGAIN)
            return turn
        await self._record_checkin(s, u, ci, now, turn)
        turn.handled_as = "checkin"
        if len(raw) > MAX_CHARS:
            # The check-in row keeps what the parser read; the whole text is kept here.
            await self._keep(s, u, now, kept, turn, "checkin_full_text")
        return turn

    # --- check-ins -----------------------------------------------------------------------

    def _checkin_date(self, u: User, now: datetime) -> date:
        """Which date a check-in reply counts for (issue 3's answer window).

        A reply counts for the open (asked, unanswered) check-in until the next one is asked: late
        at night, or on a day the user gets no check-in. On a check-in day, a message after the
        night (NIGHT_ENDS) is about this morning, so it counts for today, and today's question is
        then not asked: early reporters are not asked twice.
        """
        local = now.astimezone(ZoneInfo(u.timezone))
        today = local.date()
        if u.conv_state != "checkin" or not u.conv_data:
            return today
        try:
            open_date = date.fromisoformat(json.loads(u.conv_data)["date"])
        except (KeyError, ValueError, TypeError):
            return today
        if open_date >= today:
            return today
        checkin_day = DAYS[today.weekday()] in u.days.split(",")
        if not checkin_day or local.time() < NIGHT_ENDS:
            return open_date
        return today

    async def _record_checkin(self, s: AsyncSession, u: User, ci: CheckIn, now: datetime, turn: Turn) -> None:
        assert u.id is not None
        day = self._checkin_date(u, now)
        # Most replies are the day's first: the user row says so, which saves a query.
        seen = self._state_extra(u).get("last_checkin")
        existing = None if seen is not None and seen < day.isoformat() else await repo.get_checkin(s, u.id, day)
        merged = ci
        if existing is not None:
            acts = (await repo.activities_of(s, [existing.id or 0]))[existing.id or 0]
            merged = merge_checkins(repo.checkin_from_rows(existing, acts), ci)
        await repo.save_checkin(s, u.id, day, merged, now, existing)
        if u.conv_state == "checkin":  # a scheduled question was open: it is answered now
            await repo.mark_prompt_answered(s, u.id, day, now)
        state = self._state(u, day)
        new_state, reco = step(state, profile_of(u), merged, day)
        self._save_state(u, new_state, last_checkin=max(day.isoformat(), seen or ""))
        await repo.save_recommendation(s, u.id, day, reco, now)
        turn.checkin = {"date": day.isoformat(), **merged.to_dict()}
        if ci.truncated:
            turn.say(M.TRUNCATED.format(n=MAX_CHARS))
        if existing is not None and day != local_date(u, now):
            turn.say(M.ADDED_TO_TODAY.format(day=day.strftime("%A")))
        turn.messages.append(self._reco_message(u, reco, day))
        self._set_state(u, None)
        if reco.action == "seek_care":
            return
        if ci.pain_conflict is not None and ci.pain is not None:
            turn.say(M.CONFIRM_PAIN.format(first=_n(ci.pain_conflict), later=_n(ci.pain)), M.YES_NO)
            self._set_state(u, "confirm_pain", {"date": day.isoformat()})
        elif merged.pain is None:
            turn.say(M.ASK_PAIN, M.PAIN_CHOICES)
            self._set_state(u, "ask_pain", {"date": day.isoformat()})
        elif (merged.leg_pain or (merged.pain or 0) >= SCREEN_PAIN) and not self._screened(u, day):
            turn.say(M.SCREEN_QUESTION, M.YES_NO)
            self._set_state(u, "screen", {"date": day.isoformat()})

    def _screened(self, u: User, day: date) -> bool:
        return bool(self._state_extra(u).get("screened_on") == day.isoformat())

    async def _update_pain(self, s: AsyncSession, u: User, pain: float, now: datetime, turn: Turn) -> None:
        assert u.id is not None
        data = json.loads(u.conv_data or "{}")
        day = date.fromisoformat(data.get("date") or local_date(u, now).isoformat())
        existing = await repo.get_checkin(s, u.id, day)
        if existing is None:
            self._set_state(u, None)
            await self._record_checkin(s, u, CheckIn(pain=pain, text=str(_n(pain))), now, turn)
            return
        acts = (await repo.activities_of(s, [existing.id or 0]))[existing.id or 0]
        old = repo.checkin_from_rows(existing, acts)
        self._set_state(u, None)
        turn.say(M.PAIN_UPDATED.format(pain=_n(pain)))
        # Re-record through the normal path so the model and recommendation see the new pain.
        self._set_state(u, "checkin", {"date": day.isoformat()})
        await self._record_checkin(s, u, replace(old, pain=pain, text=""), now, turn)

    async def _screen_answer(
        self, s: AsyncSession, u: User, positive: bool, flags: tuple[str, ...], now: datetime, turn: Turn
    ) -> None:
        data = json.loads(u.conv_data or "{}")
        day = data.get("date") or local_date(u, now).isoformat()
        self._set_state(u, None)
        self._set_extra(u, screened_on=day)
        if not positive:
            turn.say(M.SCREEN_CLEAR)
            return
        said = flags or ("screen_positive",)
        self._set_state(u, "checkin", {"date": day})
        await self._record_checkin(s, u, CheckIn(red_flags=said, text=""), now, turn)

    def _reco_message(self, u: User, reco: Recommendation, day: date) -> Outgoing:
        text = M.recommendation_text(reco)
        if reco.action != "seek_care" and (
            u.disclaimer_on is None or day - u.disclaimer_on >= DISCLAIMER_EVERY or day < u.disclaimer_on
        ):
            text += "\n" + M.DISCLAIMER
            u.disclaimer_on = day
        return Outgoing(text, recommendation=reco)

    # --- model state ---------------------------------------------------------------------

    def _tolerance_doc(self, u: User) -> dict[str, Any]:
        """``users.tolerance`` parsed; the hot path reads it several times per message, so the last
        parse is remembered for as long as the column holds the very same string."""
        raw = u.tolerance
        if not raw:
            return {}
        cached = self._doc_cache
        if cached is not None and cached[0] is raw:
            return cached[1]
        doc: dict[str, Any] = json.loads(raw)
        self._doc_cache = (raw, doc)
        return doc

    def _state(self, u: User, today: date) -> ToleranceState:
        model = self._tolerance_doc(u).get("model")
        if model:
            return ToleranceState.from_dict(model)
        return initial_state(profile_of(u), today)

    def _save_state(self, u: User, st: ToleranceState, **extra_kw: Any) -> None:
        extra = self._state_extra(u)
        extra.update(extra_kw)
        u.tolerance = json.dumps({"model": st.to_dict(), "extra": extra})

    def _state_extra(self, u: User) -> dict[str, Any]:
        return dict(self._tolerance_doc(u).get("extra", {}))

    def _set_extra(self, u: User, **kw: Any) -> None:
        d = {"model": None, "extra": {}, **self._tolerance_doc(u)}
        u.tolerance = json.dumps({**d, "extra": {**d["extra"], **kw}})

    # --- onboarding and settings ---------------------------------------------------------

    def _new_user(self, key: str, now: datetime) -> User:
        return User(
            key=key,
            timezone=self.settings.default_timezone,
            checkin_time=self.settings.default_checkin_time,
            created_at=now,
        )

    def _ask_step(self, u: User, step_: str, turn: Turn, reask: bool = False) -> None:
        name = step_.removeprefix("set_")
        if name == "experience":
            turn.say(M.ASK_EXPERIENCE, M.EXPERIENCE_CHOICES)
        elif name == "comfortable":
            turn.say(M.ASK_COMFORTABLE, M.COMFORTABLE_CHOICES)
        elif name == "timezone":
            default = self.settings.default_timezone
            choices = tuple(dict.fromkeys((default, "Europe/London", "America/New_York", "Europe/Berlin",
                                           "Asia/Tokyo")))
            turn.say(M.ASK_TIMEZONE, choices)
        elif name == "checkin_time":
            turn.say(M.ASK_CHECKIN_TIME, M.CHECKIN_TIME_CHOICES)
        elif name == "days":
            turn.say(M.ASK_DAYS, M.DAYS_CHOICES)
        elif name == "reminders":
            turn.say(M.NOT_UNDERSTOOD["reminders"], ("reminders on", "reminders off"))

    def _answer_step(self, u: User, state: str, raw: str, now: datetime, turn: Turn) -> bool:
        """Apply an answer to the current question; False if the text is not such an answer."""
        name = state.removeprefix("set_")
        settings_change = state.startswith("set_")
        what = ""
        if name == "experience":
            v = answers.parse_experience(raw)
            if v is None:
                return False
            u.experience = v
            what = f"experience: {v}"
        elif name == "comfortable":
            m = answers.parse_minutes_answer(raw)
            if m is None:
                return False
            u.comfortable_run_minutes = m
            what = f"comfortable run: {m} min"
        elif name == "timezone":
            tz = answers.parse_timezone(raw)
            if tz is None:
                return False
            u.timezone = tz
            what = f"time zone {tz}"
        elif name == "checkin_time":
            t = answers.parse_time(raw)
            if t is None:
                return False
            u.checkin_time = t
            what = f"check-in at {t}"
        elif name == "days":
            d = answers.parse_days(raw)
            if d is None:
                return False
            u.days = ",".join(d)
            what = f"days: {days_label(d)}"
        elif name == "reminders":
            yes = answers.parse_yes_no(raw)
            low = raw.strip().lower()
            if "off" in low or yes is False:
                u.reminders = False
            elif "on" in low or yes is True:
                u.reminders = True
            else:
                return False
            what = "reminders " + ("on" if u.reminders else "off")
        else:
            return False
        if name in ("experience", "comfortable"):
            today = local_date(u, now)
            self._save_state(u, profile_changed(self._state(u, today), profile_of(u), today))
        if settings_change:
            self._set_state(u, None)
            turn.say(M.SETTING_SAVED.format(what=what))
        return True

    async def _next_onboarding(self, s: AsyncSession, u: User, done: str, now: datetime, turn: Turn) -> None:
        i = ONBOARDING_STEPS.index(done) + 1
        if done == "experience" and u.experience == "new":
            u.comfortable_run_minutes = None
            i += 1  # a new runner is not asked what they can run
        if i < len(ONBOARDING_STEPS):
            self._set_state(u, ONBOARDING_STEPS[i], {})
            self._ask_step(u, ONBOARDING_STEPS[i], turn)
            return
        u.onboarded = True
        self._set_state(u, None)
        turn.say(M.ONBOARDED.format(checkin_time=u.checkin_time, timezone=u.timezone,
                                    days=days_label(u.days.split(","))))
        today = local_date(u, now)
        assert u.id is not None
        if await repo.get_checkin(s, u.id, today) is None:
            reco = recommend(self._state(u, today), profile_of(u), today)
            turn.messages.append(self._reco_message(u, reco, today))

    def _set_state(self, u: User, state: str | None, data: dict[str, Any] | None = None) -> None:
        u.conv_state = state
        u.conv_data = json.dumps(data) if data else None

    # --- commands --------------------------------------------------------------------------

    async def _command(self, s: AsyncSession, u: User, cmd: answers.Command, now: datetime, turn: Turn) -> None:
        assert u.id is not None
        today = local_date(u, now)
        name = cmd.name
        turn.handled_as = "command:" + name
        if name == "start":
            if u.status == "stopped" or u.status == "blocked":
                u.status = "active"
                turn.say(M.RESTARTED.format(checkin_time=u.checkin_time, timezone=u.timezone))
            if not u.onboarded:
                step_ = u.conv_state if u.conv_state in ONBOARDING_STEPS else "experience"
                if not turn.messages:
                    turn.say(M.INTRO)
                self._set_state(u, step_, {})
                self._ask_step(u, step_, turn)
            elif not turn.messages:
                turn.say(M.HELP)
        elif name == "help":
            turn.say(M.HELP)
        elif name == "checkin":
            self._set_state(u, "checkin", {"date": today.isoformat()})
            turn.say(M.CHECKIN_QUESTION, M.CHECKIN_CHOICES)
        elif name == "today":
            latest = await repo.latest_recommendation(s, u.id)
            if latest and latest[0] == today:
                turn.say(M.recommendation_text(_reco_from_dict(latest[1])),
                         recommendation=_reco_from_dict(latest[1]))
            elif u.tolerance or u.onboarded:
                reco = recommend(self._state(u, today), profile_of(u), today)
                turn.messages.append(self._reco_message(u, reco, today))
            else:
                turn.say(M.NO_SUGGESTION_YET)
        elif name == "progress":
            first = today - timedelta(days=DAYS_SHOWN - 1)
            rows = await repo.checkins_between(s, u.id, first, today)
            text = self._progress_text(u, rows, first, today)
            image: bytes | None = None
            if rows:
                # Imported here: matplotlib loads only when someone asks for a chart.
                import asyncio

                from bot.chart import day_points, progress_png

                recos = await repo.recommendations_between(s, u.id, first, today)
                points = day_points(today, [(r.local_date, r.pain, acts) for r, acts in rows], recos)
                try:
                    # Drawing takes a fraction of a second of CPU: off the event loop.
                    image = await asyncio.to_thread(progress_png, points)
                except Exception:
                    log.exception("progress chart failed; sending the text alone")
            turn.say(text, image=image)
        elif name == "settings":
            self._settings(u, cmd.args, now, turn)
        elif name == "pause":
            n = answers.parse_pause_days(cmd.args)
            if n is None:
                turn.say(M.PAUSE_BAD)
                return
            u.paused_until = today + timedelta(days=n)
            turn.say(M.PAUSED.format(until=u.paused_until.strftime("%a %d %b")))
        elif name == "resume":
            if u.paused_until is None and u.status == "active":
                turn.say(M.NOT_PAUSED)
            else:
                u.paused_until = None
                u.status = "active"
                turn.say(M.RESUMED)
        elif name == "export":
            data = await repo.export_user(s, u, self._summary(u, today))
            blob = json.dumps(data, indent=2, ensure_ascii=False).encode()
            safe = u.key.replace(":", "_")
            turn.say(M.EXPORT, document=(f"backcheck-{safe}.json", blob))
        elif name == "delete":
            self._set_state(u, "confirm_delete", {})
            turn.say(M.CONFIRM_DELETE, M.DELETE_CHOICES)
        elif name == "stop":
            u.status = "stopped"
            self._set_state(u, None)
            turn.say(M.STOPPED)

    def _summary(self, u: User, today: date) -> dict[str, Any]:
        return tolerance_summary(self._state(u, today))

    def _settings(self, u: User, args: str, now: datetime, turn: Turn, menu_only: bool = False) -> bool:
        """Show or change settings. ``menu_only``: only act if ``args`` picks a menu item (the
        typed form of a settings button); returns whether it did."""
        a = " ".join(args.strip().lower().split())
        targets = {
            "time zone": "timezone", "timezone": "timezone", "tz": "timezone", "zone": "timezone",
            "check-in time": "checkin_time", "checkin time": "checkin_time", "time": "checkin_time",
            "days": "days", "day": "days", "experience": "experience", "level": "experience",
            "comfortable minutes": "comfortable", "comfortable": "comfortable", "minutes": "comfortable",
            "reminders": "reminders", "reminder": "reminders",
        }
        if not a and not menu_only:
            self._set_state(u, "settings")
            paused = f", paused until {u.paused_until}" if u.paused_until else ""
            turn.say(M.SETTINGS.format(
                timezone=u.timezone, checkin_time=u.checkin_time, days=days_label(u.days.split(",")),
                experience=u.experience,
                comfortable=f"{u.comfortable_run_minutes} min" if u.comfortable_run_minutes is not None else "not set",
                reminders="on" if u.reminders else "off", paused=paused,
            ), M.SETTINGS_CHOICES)
            return True
        if a in ("reminders on", "reminders off"):
            self._answer_step(u, "set_reminders", a, now, turn)
            return True
        for label in sorted(targets, key=len, reverse=True):
            if a == label or a.startswith(label + " "):
                target = targets[label]
                value = args.strip()[len(label):].strip()
                if value and self._answer_step(u, "set_" + target, value, now, turn):
                    return True
                self._set_state(u, "set_" + target, {})
                self._ask_step(u, target, turn)
                return True
        if menu_only:
            self._set_state(u, None)
            return False
        turn.say(M.SETTINGS_UNKNOWN, M.SETTINGS_CHOICES)
        return True

    def _progress_text(self, u: User, rows: list[tuple[CheckInRow, list[ActivityRow]]], start: date,
                       today: date) -> str:
        """The last DAYS_SHOWN (from ``start``) as four weekly lines; ``rows`` are its check-ins."""
        if not rows:
            return M.NO_HISTORY
        lines = [M.PROGRESS_HEADER]
        for w in range(4):
            w_start = start + timedelta(days=7 * w)
            w_end = w_start + timedelta(days=6)
            week = [(r, a) for r, a in rows if w_start <= r.local_date <= w_end]
            pains = [r.pain for r, _ in week if r.pain is not None]
            run = sum((x.run_minutes if x.run_minutes is not None else (x.minutes or 0)) for _, acts in week
                      for x in acts if x.kind in ("run", "walk_run"))
            cross = sum((x.minutes or 0) for _, acts in week for x in acts if x.kind in CROSS_TRAINING_KINDS)
            strength = sum(1 for _, acts in week for x in acts if x.kind == "strength")
            lines.append(M.PROGRESS_WEEK.format(
                label=f"{w_start:%d %b}-{w_end:%d %b}", n=len(week),
                pain=(f"{sum(pains) / len(pains):.1f}/10 avg" if pains else "-"),
                run=round(run), cross=round(cross), strength=strength,
            ))
        summ = self._summary(u, today)
        lines.append(M.PROGRESS_NOW.format(
            stage=_stage_label(summ.get("stage")), run_minutes=_n(summ.get("run_minutes") or 0),
            baseline=(f"{_n(summ['baseline_pain'])}/10" if summ.get("baseline_pain") is not None else "-"),
        ))
        return "\n".join(lines)

    # --- bookkeeping -----------------------------------------------------------------------

    async def _keep(self, s: AsyncSession, u: User, now: datetime, text: str, turn: Turn, how: str) -> None:
        """Keep a message that is not stored as a check-in, so nothing the user says is lost."""
        if u.id is None:
            await s.flush()
        assert u.id is not None
        turn.handled_as = turn.handled_as or how
        await repo.keep_inbound(s, u.id, now, text, how)

    @staticmethod
    def _is_bare_number(raw: str) -> bool:
        t = raw.strip().rstrip(".").removesuffix("/10").strip()
        try:
            return 0 <= float(t) <= 10
        except ValueError:
            return False


def _clearly_a_checkin(ci: CheckIn) -> bool:
    """While a question is open, a check-in must say something about the back or a named activity:
    a bare duration (``25:00``) is more likely a wrong answer to the question than a check-in."""
    return bool(ci.pain is not None or ci.red_flags or ci.rested or ci.leg_pain
                or any(a.kind != "other" for a in ci.activities))


def merge_checkins(old: CheckIn, new: CheckIn) -> CheckIn:
    """A second message on the same date adds to the check-in: a new pain score replaces the old,
    activities of a kind the new message names replace that kind's (a correction), others add."""
    new_kinds = {a.kind for a in new.activities}
    acts = tuple(a for a in old.activities if a.kind not in new_kinds) + new.activities
    text = "\n".join(t for t in (old.text, new.text) if t)[:MAX_CHARS]
    return CheckIn(
        pain=new.pain if new.pain is not None else old.pain,
        rested=(old.rested or new.rested) and not acts,
        activities=acts,
        red_flags=tuple(dict.fromkeys(old.red_flags + new.red_flags)),
        leg_pain=old.leg_pain or new.leg_pain,
        text=text,
        pain_conflict=new.pain_conflict,
        truncated=new.truncated,
    )


def _reco_from_dict(d: dict[str, Any]) -> Recommendation:
    from bot.domain import Intervals

    iv = d.get("intervals")
    return Recommendation(
        action=d["action"], minutes=d.get("minutes", 0), run_minutes=d.get("run_minutes", 0),
        intervals=Intervals(**iv) if iv else None, effort=d.get("effort"),
        nudges=tuple(d.get("nudges", ())), reason=d.get("reason", ""), rule=d.get("rule", ""),
        refer=bool(d.get("refer")), urgency=d.get("urgency"), red_flags=tuple(d.get("red_flags", ())),
    )


def _stage_label(stage: Any) -> str:
    if isinstance(stage, int):
        if stage == 0:
            return "walking stage"
        if stage < 10:
            return f"walk/run stage {stage}"
        return "continuous running"
    return str(stage) if stage is not None else "-"


def _n(x: float | int) -> float | int:
    return int(x) if float(x).is_integer() else round(float(x), 1)


def _bad(name: str, fields: dict[str, Any]) -> Any:
    raise ValueError(f"profile field {name!r} has a bad value: {fields[name]!r}")
