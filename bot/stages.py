"""The walk/run stages: stage 0 walking, 1-9 the NHS Couch to 5K weeks, 10 continuous running.

Pure data. A stage holds one or more sessions; where the NHS week has different runs (weeks 5 and 6)
they are done in order, one more each time the previous one went well (see bot/model/).

How a session maps onto :class:`bot.domain.Recommendation`:
- ``minutes`` is the whole session *including* the 5-minute brisk warm-up walk the plan starts
  every run with; ``run_minutes`` is the running inside it.
- ``intervals`` is the session's main repeated block; for weeks 3-6, whose blocks differ, it is the
  longest repeated run/walk pair, and ``description`` (which the reason quotes) gives the whole sequence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from bot.domain import Intervals
from bot.thresholds import (
    C25K_FINAL_RUN_MINUTES,
    CONTINUOUS_MIN_RUN_MINUTES,
    CONTINUOUS_STAGE,
    STAGE0_WALK_MINUTES,
    WARMUP_WALK_MINUTES,
)

SessionAction = Literal["walk", "walk_run", "run"]


@dataclass(frozen=True)
class Session:
    action: SessionAction
    minutes: int
    run_minutes: int
    intervals: Intervals | None
    description: str


@dataclass(frozen=True)
class Stage:
    number: int
    label: str
    sessions: tuple[Session, ...]


def seconds_text(s: int) -> str:
    """Interval lengths as a runner reads them: 90 s, 2 min, 2.5 min."""
    if s < 120:
        return f"{s} s"
    if s % 60 == 0:
        return f"{s // 60} min"
    return f"{s / 60:g} min"


def _walk_run(blocks: list[tuple[str, int]], main: Intervals, text: str) -> Session:
    """A walk/run session from its (``run``|``walk``, seconds) blocks, after the warm-up walk."""
    total_s = sum(s for _, s in blocks)
    run_s = sum(s for k, s in blocks if k == "run")
    return Session(
        action="walk_run",
        minutes=math.ceil(WARMUP_WALK_MINUTES + total_s / 60),
        run_minutes=round(run_s / 60),
        intervals=main,
        description=f"a {WARMUP_WALK_MINUTES}-minute brisk walk, then {text}",
    )


def _repeat(run_s: int, walk_s: int, n: int) -> Session:
    blocks = [("run", run_s), ("walk", walk_s)] * n
    return _walk_run(blocks, Intervals(run_s, walk_s, n), f"{n} × (run {seconds_text(run_s)}, walk {seconds_text(walk_s)})")


def _seq(minutes: list[float], main: Intervals) -> Session:
    """Alternating run/walk minutes starting with a run: 5-3-5-3-5 and the like."""
    blocks = [("run" if i % 2 == 0 else "walk", round(m * 60)) for i, m in enumerate(minutes)]
    parts = [f"{'run' if k == 'run' else 'walk'} {seconds_text(s)}" for k, s in blocks]
    return _walk_run(blocks, main, ", ".join(parts))


@lru_cache(maxsize=256)
def continuous(run_minutes: int) -> Session:
    """A continuous easy run after the warm-up walk (stages 5-9 final runs and stage 10).

    Cached: sessions are immutable and a step asks for one or two."""
    run_minutes = max(1, int(run_minutes))
    return Session(
        action="run",
        minutes=WARMUP_WALK_MINUTES + run_minutes,
        run_minutes=run_minutes,
        intervals=None,
        description=f"a {WARMUP_WALK_MINUTES}-minute brisk walk, then {run_minutes} minutes of easy running",
    )


def _walk(minutes: int) -> Session:
    return Session("walk", minutes, 0, None, f"a {minutes}-minute brisk walk")


# NHS Couch to 5K, one row per week (domain.md's stage table).
STAGES: tuple[Stage, ...] = (
    Stage(0, "walking", tuple(_walk(m) for m in STAGE0_WALK_MINUTES)),
    Stage(1, "Couch to 5K week 1", (_repeat(60, 90, 8),)),
    Stage(2, "Couch to 5K week 2", (_repeat(90, 120, 6),)),
    Stage(3, "Couch to 5K week 3", (
        _walk_run([("run", 90), ("walk", 90), ("run", 180), ("walk", 180)] * 2, Intervals(180, 180, 2),
                  "2 × (run 90 s, walk 90 s, run 3 min, walk 3 min)"),
    )),
    Stage(4, "Couch to 5K week 4", (_seq([3, 1.5, 5, 2.5, 3, 1.5, 5], Intervals(300, 150, 2)),)),
    Stage(5, "Couch to 5K week 5", (
        _seq([5, 3, 5, 3, 5], Intervals(300, 180, 3)),
        _seq([8, 5, 8], Intervals(480, 300, 2)),
        continuous(20),
    )),
    Stage(6, "Couch to 5K week 6", (
        _seq([5, 3, 8, 3, 5], Intervals(480, 180, 1)),
        _seq([10, 3, 10], Intervals(600, 180, 2)),
        continuous(25),
    )),
    Stage(7, "Couch to 5K week 7", (continuous(25),)),
    Stage(8, "Couch to 5K week 8", (continuous(28),)),
    Stage(9, "Couch to 5K week 9", (continuous(C25K_FINAL_RUN_MINUTES),)),
)
assert len(STAGES) == CONTINUOUS_STAGE


def stage_label(stage: int, run_minutes: int = 0) -> str:
    if stage >= CONTINUOUS_STAGE:
        return f"continuous running ({run_minutes} min)" if run_minutes else "continuous running"
    return STAGES[max(0, stage)].label


def stage_for_minutes(minutes: float) -> tuple[int, int]:
    """(stage, continuous run minutes) for someone who can run ``minutes`` comfortably now.

    At least CONTINUOUS_MIN_RUN_MINUTES: short continuous runs of that length (stage 10). Less: the
    walk/run week whose running bouts are no longer than that (week 3's longest bout is 3 min,
    week 2's 90 s, week 1's 60 s). **design**
    """
    if minutes >= CONTINUOUS_MIN_RUN_MINUTES:
        return CONTINUOUS_STAGE, int(minutes)
    if minutes >= 3:
        return 3, 0
    if minutes >= 1.5:
        return 2, 0
    return 1, 0
