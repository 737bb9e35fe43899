"""``backcheck simulate``: replay a timestamped diary through the real core on a simulated clock.

Input and output are the JSON Lines formats of docs/contracts.md. Scheduled messages (check-ins,
reminders) come from a *ticker*: anything with ``run_until(instant)`` that sends what fell due up
to that instant through the sender it was built with. The scheduler provides one; the clock is
the ticker's argument, so the same scheduler code runs on real and simulated time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from bot.conversation import Coach
from bot.ports import Outgoing, PlatformLimits, UserKey


class SimulationError(ValueError):
    """Bad input: the message names the line."""


class Ticker(Protocol):
    async def run_until(self, instant: datetime) -> None: ...


@dataclass(frozen=True)
class Step:
    line: int
    at: datetime
    user: str
    text: str | None = None
    profile: dict[str, Any] | None = None


PROFILE_FIELDS = {"timezone", "checkin_time", "days", "experience", "comfortable_run_minutes", "reminders"}


def read_script(lines: Iterable[str]) -> list[Step]:
    """Validate the whole script first, so bad input fails before anything runs."""
    steps: list[Step] = []
    last: datetime | None = None
    for n, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise SimulationError(f"line {n}: not JSON ({exc.msg})") from None
        if not isinstance(obj, dict):
            raise SimulationError(f"line {n}: expected a JSON object")
        try:
            at = datetime.fromisoformat(str(obj.get("at", "")))
        except ValueError:
            raise SimulationError(f"line {n}: 'at' must be an ISO 8601 time with offset") from None
        if at.tzinfo is None:
            raise SimulationError(f"line {n}: 'at' needs a UTC offset, e.g. 2026-12-01T07:00:00+00:00")
        if last is not None and at < last:
            raise SimulationError(f"line {n}: lines must be in time order")
        last = at
        user = obj.get("user")
        if not isinstance(user, str) or not user.strip() or ":" in user:
            raise SimulationError(f"line {n}: 'user' must be a plain name like \"alice\"")
        has_text, has_profile = "text" in obj, "profile" in obj
        if has_text == has_profile:
            raise SimulationError(f"line {n}: give exactly one of 'text' or 'profile'")
        if has_text:
            if not isinstance(obj["text"], str):
                raise SimulationError(f"line {n}: 'text' must be a string")
            steps.append(Step(n, at, user, text=obj["text"]))
        else:
            prof = obj["profile"]
            if not isinstance(prof, dict):
                raise SimulationError(f"line {n}: 'profile' must be an object")
            unknown = set(prof) - PROFILE_FIELDS
            if unknown:
                raise SimulationError(f"line {n}: unknown profile field(s): {', '.join(sorted(unknown))}")
            steps.append(Step(n, at, user, profile=prof))
    return steps


def out_line(at: datetime, user: str, m: Outgoing) -> dict[str, Any]:
    return {
        "at": at.isoformat(),
        "user": user,
        "dir": "out",
        "text": m.text,
        "choices": list(m.choices),
        "recommendation": m.recommendation.to_dict() if m.recommendation else None,
    }


class RecordingSender:
    """The simulated platform: what the scheduler sends becomes output lines at the sim time."""

    platform = "console"
    #: Simulated time: no pacing, large chunks.
    limits = PlatformLimits(max_in_flight=1000, chunk=200)

    def __init__(self, emit: Callable[[dict[str, Any]], None], now: Callable[[], datetime]) -> None:
        self.emit = emit
        self.now = now

    async def send(self, key: str, messages: Sequence[Outgoing]) -> None:
        user = UserKey.parse(key).id
        for m in messages:
            self.emit(out_line(self.now(), user, m))


async def run_script(
    coach: Coach, steps: list[Step], emit: Callable[[dict[str, Any]], None], ticker: Ticker | None = None
) -> None:
    for st in steps:
        if ticker is not None:
            await ticker.run_until(st.at)
        key = str(UserKey.of(RecordingSender.platform, st.user))
        if st.profile is not None:
            try:
                await coach.ensure_profile(key, st.at, st.profile)
            except ValueError as exc:
                raise SimulationError(f"line {st.line}: {exc}") from None
            continue
        assert st.text is not None
        turn = await coach.handle(key, st.text, st.at)
        line: dict[str, Any] = {
            "at": st.at.isoformat(), "user": st.user, "dir": "in", "text": st.text,
            "choices": [], "recommendation": None,
        }
        if turn.checkin is not None:
            line["checkin"] = turn.checkin
        emit(line)
        for m in turn.messages:
            emit(out_line(st.at, st.user, m))


# --- the day-by-day table (``backcheck simulate --table``) ----------------------------------------


@dataclass
class DayRow:
    """One user's local day in the clinician's table: what they wrote, what was recorded, what was
    advised, and what the scheduler sent when they wrote nothing."""

    user: str
    day: date
    wrote: list[str] = field(default_factory=list)
    recorded: str = ""
    action: str = ""
    minutes: str = ""
    nudge: str = ""
    reason: str = ""
    #: Scheduled messages of that day, by kind (check-in, reminder, pause offer, welcome back).
    sent: list[str] = field(default_factory=list)


def _num(x: Any) -> str:
    return f"{x:g}" if isinstance(x, int | float) else str(x)


def describe_checkin(ci: Mapping[str, Any]) -> str:
    """What was recorded, in words: pain, leg pain, sessions, red flags."""
    parts: list[str] = []
    if ci.get("pain") is not None:
        parts.append(f"back {_num(ci['pain'])}/10")
    leg = ci.get("leg_pain")
    legs = [s for s in ci.get("leg_symptoms") or [] if s != "leg_pain"]
    if isinstance(leg, bool):
        leg = "yes" if leg else None
    if leg is not None and leg is not False:
        parts.append(f"leg {_num(leg)}/10" if isinstance(leg, int | float) else "leg pain")
    elif ci.get("leg_symptoms"):
        parts.append("leg pain" + (" (" + ", ".join(s.replace("_", " ") for s in legs) + ")" if legs else ""))
    if legs and leg is not None:
        parts.append("(" + ", ".join(s.replace("_", " ") for s in legs) + ")")
    for a in ci.get("activities") or []:
        bits = [str(a.get("kind", "?")).replace("_", "-")]
        if a.get("minutes") is not None:
            bits.append(f"{_num(a['minutes'])} min")
        if a.get("km") is not None:
            bits.append(f"{_num(a['km'])} km")
        if a.get("effort"):
            bits.append(str(a["effort"]))
        if a.get("pain_during") is not None:
            bits.append(f"pain {_num(a['pain_during'])} during")
        parts.append(" ".join(bits))
    if ci.get("rested"):
        parts.append("rested")
    if ci.get("red_flags"):
        parts.append("RED FLAG: " + ", ".join(ci["red_flags"]))
    if ci.get("possible_flags"):
        parts.append("possible flag: " + ", ".join(ci["possible_flags"]))
    return "; ".join(parts) or "(nothing)"


def _sent_kind(text: str) -> str:
    from bot import prompts

    if text.startswith(prompts.REMINDER):
        return "reminder"
    if text.startswith(prompts.PAUSE_OFFER):
        return "pause offer"
    if text.startswith(prompts.WELCOME_BACK):
        return "welcome back + check-in"
    return "check-in"


def day_rows(lines: Sequence[Mapping[str, Any]], zones: Mapping[str, str] | None = None) -> list[DayRow]:
    """The transcript (output lines, in order) as one row per user and local day, every day from
    the user's first line to their last, silent days included. ``zones`` maps user -> IANA zone
    (from the script's profiles; UTC otherwise) to date the scheduler's messages."""
    from zoneinfo import ZoneInfo

    zones = zones or {}
    rows: dict[tuple[str, date], DayRow] = {}
    last_in: dict[str, DayRow] = {}

    def row(user: str, day: date) -> DayRow:
        return rows.setdefault((user, day), DayRow(user, day))

    for ln in lines:
        user = str(ln["user"])
        at = datetime.fromisoformat(str(ln["at"])).astimezone(ZoneInfo(zones.get(user, "UTC")))
        if ln["dir"] == "in":
            ci = ln.get("checkin")
            r = row(user, date.fromisoformat(ci["date"]) if ci else at.date())
            r.wrote.append(str(ln["text"]))
            if ci:
                r.recorded = describe_checkin(ci)
            elif not r.recorded:
                r.recorded = "(not a check-in)"
            last_in[user] = r
            continue
        reco = ln.get("recommendation")
        if reco:
            r = last_in.get(user) or row(user, at.date())
            r.action = str(reco.get("action", ""))
            if reco.get("urgency"):
                r.action += f" ({reco['urgency'].replace('_', '-')})"
            elif reco.get("refer"):
                r.action += " + see GP/physio"
            minutes, run = reco.get("minutes"), reco.get("run_minutes")
            r.minutes = "" if minutes is None else _num(minutes)
            if run and run != minutes:
                r.minutes += f" (run {_num(run)})"
            r.nudge = ", ".join(str(n).replace("_", " ") for n in reco.get("nudges") or [])
            r.reason = str(reco.get("reason") or "")
    return _fill(rows, lines, zones)


def _fill(rows: dict[tuple[str, date], DayRow], lines: Sequence[Mapping[str, Any]],
          zones: Mapping[str, str]) -> list[DayRow]:
    """Add the scheduler's messages (out lines not at the instant of one of the user's own lines)
    and the days on which nothing happened at all."""
    from zoneinfo import ZoneInfo

    replies: set[tuple[str, str]] = set()
    for ln in lines:
        if ln["dir"] == "in":
            replies.add((str(ln["user"]), str(ln["at"])))
    for ln in lines:
        user = str(ln["user"])
        if ln["dir"] != "out" or (user, str(ln["at"])) in replies:
            continue
        day = datetime.fromisoformat(str(ln["at"])).astimezone(ZoneInfo(zones.get(user, "UTC"))).date()
        rows.setdefault((user, day), DayRow(user, day)).sent.append(_sent_kind(str(ln["text"])))
    by_user: dict[str, list[date]] = {}
    for user, day in rows:
        by_user.setdefault(user, []).append(day)
    for user, ds in by_user.items():
        d, end = min(ds), max(ds)
        while d <= end:
            rows.setdefault((user, d), DayRow(user, d))
            d += timedelta(days=1)
    return [rows[k] for k in sorted(rows)]
