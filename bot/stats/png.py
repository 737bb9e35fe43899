"""The dashboard's main chart (daily check-ins asked and answered) as a PNG, for the admin chat
command. Pure: report in, bytes out; matplotlib's object API, as bot/chart.py."""

from __future__ import annotations

import io
import math

from bot import messages as M
from bot.stats.report import Report


def _num(v: object) -> float:
    # A hidden figure ("<5") is a gap in the line, not a zero.
    return float(v) if isinstance(v, int | float) else math.nan


def daily_png(rep: Report) -> bytes:
    from matplotlib.figure import Figure

    daily = rep["checkins"]["daily"]
    fig = Figure(figsize=(8, 4), dpi=100)
    ax = fig.add_subplot()
    x = list(range(len(daily)))
    ax.plot(x, [_num(d["sent"]) for d in daily], color="#3b7dd8", marker="o", markersize=3, label="asked")
    ax.plot(x, [_num(d["answered"]) for d in daily], color="#2e9e5b", marker="o", markersize=3, label="answered")
    step = max(1, len(daily) // 8)
    ax.set_xticks(x[::step], [d["date"][5:] for d in daily][::step])
    ax.set_ylim(bottom=0)
    ax.set_ylabel("check-ins")
    ax.set_title(f"{M.STATS_CHART_TITLE}, {rep['range']['start']} to {rep['range']['end']}")
    ax.legend(loc="lower left", fontsize=8, frameon=False)
    fig.text(0.01, 0.01, "gaps: fewer than 5 people that day", fontsize=7, color="#444444")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()
