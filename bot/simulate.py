"""``backcheck simulate``: replay a timestamped diary through the real core on a simulated clock.

Input and output are the JSON Lines formats of docs/contracts.md. Scheduled messages (check-ins,
reminders) come from a *ticker*: anything with ``run_until(instant)`` that sends what fell due up
to that instant through the sender it was built with. The scheduler provides one; the clock is
the ticker's argument, so the same scheduler code runs on real and simulated time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
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
