"""The stats report as the admin chat command's short summary."""

from __future__ import annotations

from bot import messages as M
from bot.stats.privacy import shown
from bot.stats.report import Report, pct


def summary(rep: Report) -> str:
    u, c, k, o = rep["users"], rep["checkins"], rep["coaching"], rep["outcomes"]

    def mix(d: dict[str, object]) -> str:
        return ", ".join(f"{name.replace('_', ' ')} {shown(v)}" for name, v in d.items()) or "none"

    return M.STATS_SUMMARY.format(
        start=rep["range"]["start"], end=rep["range"]["end"], total=shown(u["total"]),
        active_7d=shown(u["active_7d"]), active_30d=shown(u["active_30d"]), sent=shown(c["sent"]),
        answered=shown(c["answered"]), response_rate=pct(c["response_rate"]),
        median=shown(c["median_minutes_to_answer"]), reminders=shown(c["reminders_sent"]),
        after_reminder=pct(c["answered_after_reminder_share"]), suggestions=mix(k["suggestions"]),
        referrals=mix(k["referrals"]), red_flags=shown(k["red_flag_answers"]),
        pain_change=shown(o["median_pain_change"]), outcome_users=shown(o["users"]),
        improved=pct(o["improved_share"]), mic=o["improved_by"],
    )
