"""The /progress chart: morning pain as a line, daily running and cross-training minutes as bars,
the day's suggestion marked, over the last 28 days. Pure: data in, PNG bytes out.

matplotlib with the Agg renderer through its object API (``Figure``, no pyplot): no global figure
state, so charts can be drawn in worker threads without a display. A lighter library (a hand-made
SVG, or pillow drawing) would save the import time, but users get a familiar, legible chart with
real axes and a legend, and the import is paid once per process, lazily, on the first /progress.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bot.domain import CROSS_TRAINING_KINDS

#: Days shown.
DAYS_SHOWN = 28

#: Short marks for suggestions that are not a run; run and walk/run show their running minutes.
ACTION_MARKS = {"walk": "W", "cross_train": "X", "strength": "S", "rest": "R", "seek_care": "!"}


@dataclass(frozen=True)
class DayPoint:
    day: date
    pain: float | None = None
    run_minutes: float = 0.0
    cross_minutes: float = 0.0
    #: The suggestion given for this day (Recommendation.action), if any.
    suggested: str | None = None
    suggested_run_minutes: float = 0.0


def day_points(
    end: date,
    checkins: Iterable[tuple[date, float | None, Sequence[Any]]],
    suggestions: Mapping[date, Mapping[str, Any]] | None = None,
    days: int = DAYS_SHOWN,
) -> list[DayPoint]:
    """One point per day from ``end - days + 1`` to ``end``. ``checkins`` are (date, morning pain,
    activities with ``kind``, ``minutes``, ``run_minutes``); ``suggestions`` maps a date to a
    Recommendation dict (``action``, ``run_minutes``)."""
    start = end - timedelta(days=days - 1)
    by_day: dict[date, tuple[float | None, Sequence[Any]]] = {
        d: (p, acts) for d, p, acts in checkins if start <= d <= end
    }
    sugg = suggestions or {}
    out = []
    for i in range(days):
        d = start + timedelta(days=i)
        pain, acts = by_day.get(d, (None, ()))
        run = sum((a.run_minutes if a.run_minutes is not None else (a.minutes or 0))
                  for a in acts if a.kind in ("run", "walk_run"))
        cross = sum((a.minutes or 0) for a in acts if a.kind in CROSS_TRAINING_KINDS)
        r = sugg.get(d)
        out.append(DayPoint(
            day=d, pain=pain, run_minutes=float(run), cross_minutes=float(cross),
            suggested=str(r["action"]) if r else None,
            suggested_run_minutes=float(r.get("run_minutes") or 0) if r else 0.0,
        ))
    return out


def progress_png(points: Sequence[DayPoint], title: str = "Last 4 weeks") -> bytes:
    """Render the chart; deterministic for the same input (no timestamps in the PNG)."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    fig = Figure(figsize=(8, 4.5), dpi=100)
    ax = fig.add_subplot()
    x = list(range(len(points)))
    run = [p.run_minutes for p in points]
    cross = [p.cross_minutes for p in points]
    ax.bar(x, run, color="#3b7dd8", width=0.7, label="running min")
    ax.bar(x, cross, bottom=run, color="#7cc47f", width=0.7, label="cross-training min")
    top = max([r + c for r, c in zip(run, cross, strict=True)] +
              [p.suggested_run_minutes for p in points] + [30.0])
    ax.set_ylim(0, top * 1.25)
    ax.set_ylabel("minutes")

    # Suggested running minutes as hollow diamonds; other suggestions as a letter near the top.
    sx = [i for i, p in enumerate(points) if p.suggested in ("run", "walk_run")]
    ax.scatter(sx, [points[i].suggested_run_minutes for i in sx], marker="D", facecolors="none",
               edgecolors="#222222", zorder=3, s=28)
    for i, p in enumerate(points):
        mark = ACTION_MARKS.get(p.suggested or "")
        if mark:
            ax.text(i, top * 1.15, mark, ha="center", va="center", fontsize=8,
                    color="#b00020" if mark == "!" else "#444444")

    pax = ax.twinx()
    pain_x = [i for i, p in enumerate(points) if p.pain is not None]
    pain_y = [p.pain for p in points if p.pain is not None]
    pax.plot(pain_x, pain_y, color="#d9534f", marker="o", markersize=4, linewidth=2)
    pax.set_ylim(0, 10.5)
    pax.set_ylabel("morning pain (0-10)")

    step = 7 if len(points) > 10 else 1
    ax.set_xticks(x[::step], [f"{p.day:%d %b}" for p in points][::step])
    ax.set_xlim(-0.6, len(points) - 0.4)
    ax.set_title(title)
    handles = [
        Patch(color="#3b7dd8", label="running"), Patch(color="#7cc47f", label="cross-training"),
        Line2D([], [], color="#d9534f", marker="o", label="morning pain"),
        Line2D([], [], color="#222222", marker="D", markerfacecolor="none", linestyle="none",
               label="suggested running"),
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=4, fontsize=7,
              frameon=False)
    fig.text(0.01, 0.01, "suggestions: W walk, X cross-train, S strength, R rest, ! see a professional",
             fontsize=7, color="#444444")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()
