"""``progress``: the last four weeks as text, and as a chart where the platform shows images."""

from __future__ import annotations

import asyncio
import logging
from datetime import date, timedelta
from typing import Any

from bot import messages as M
from bot.chart import DAYS_SHOWN
from bot.conversation.checkins import number
from bot.conversation.context import Context
from bot.domain import CROSS_TRAINING_KINDS
from bot.model import tolerance_summary
from bot.store import repo

log = logging.getLogger(__name__)


async def progress(ctx: Context) -> None:
    today = ctx.today
    first = today - timedelta(days=DAYS_SHOWN - 1)
    rows = await repo.checkins_between(ctx.session, ctx.uid, first, today)
    text = progress_text(rows, first, tolerance_summary(ctx.model(today)))
    image: bytes | None = None
    if rows:
        # Imported here: matplotlib loads only when someone asks for a chart.
        from bot.chart import day_points, progress_png

        recos = await repo.recommendations_between(ctx.session, ctx.uid, first, today)
        points = day_points(today, [(r.local_date, r.pain, acts) for r, acts in rows], recos)
        try:
            # Drawing takes a fraction of a second of CPU: off the event loop.
            image = await asyncio.to_thread(progress_png, points)
        except Exception:
            log.exception("progress chart failed; sending the text alone")
    ctx.turn.say(text, image=image)


def progress_text(rows: repo.CheckinRows, start: date, summary: dict[str, Any]) -> str:
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
            label=f"{w_start:%d %b}-{w_end:%d %b}", checkins=M.plural(len(week), "check-in"),
            pain=(f"{sum(pains) / len(pains):.1f}/10 avg" if pains else "-"),
            run=round(run), cross=round(cross), strength=strength,
        ))
    lines.append(M.PROGRESS_NOW.format(
        stage=_stage_label(summary.get("stage")), run_minutes=number(summary.get("run_minutes") or 0),
        baseline=(f"{number(summary['baseline_pain'])}/10" if summary.get("baseline_pain") is not None else "-"),
    ))
    return "\n".join(lines)


def _stage_label(stage: Any) -> str:
    if isinstance(stage, int):
        if stage == 0:
            return M.STAGE_WALKING
        if stage < 10:
            return M.STAGE_WALK_RUN.format(n=stage)
        return M.STAGE_CONTINUOUS
    return str(stage) if stage is not None else "-"
