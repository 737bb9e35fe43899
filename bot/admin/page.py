"""The dashboard's HTML: the login form and the stats page (figures, five charts, the range form).

Server-rendered, no script: the range picker is a GET form, downloads are plain links. Every
figure cell carries ``data-figure="<section>.<name>"`` (the JSON path), which the browser test
compares with ``/admin/api/stats``.
"""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import urlencode

from bot.admin import svg
from bot.stats import Report, pct
from bot.stats.privacy import shown
from bot.stats.queries import RETENTION_WEEKS

STYLE = """
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:12px 20px;color:#222}
header{display:flex;justify-content:space-between;align-items:center}
h1{font-size:1.4em} h2{font-size:1.1em;margin:0 0 6px}
form.range{display:flex;gap:10px;align-items:end;flex-wrap:wrap;margin:8px 0 14px}
form.range label{display:flex;flex-direction:column;font-size:.85em}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:12px}
table{border-collapse:collapse;font-size:.92em;width:100%} td,th{padding:2px 6px;text-align:left}
td.v{text-align:right;font-variant-numeric:tabular-nums} tr:nth-child(even){background:#f6f6f6}
.card{border:1px solid #ddd;border-radius:6px;padding:10px}
figure{margin:14px 0;border:1px solid #ddd;border-radius:6px;padding:8px}
figcaption{font-weight:600;margin-bottom:4px}
.note{color:#666;font-size:.85em} .err{color:#b00020}
"""

RATES = ("response_rate", "answered_after_reminder_share", "improved_share", "participation")


def _doc(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width, initial-scale=1"><title>{escape(title)}</title>'
            f"<style>{STYLE}</style></head><body>{body}</body></html>")


def login(error: str = "", disabled: bool = False) -> str:
    if disabled:
        body = ("<h1>backcheck admin</h1><p>The admin pages are switched off: set BACKCHECK_ADMIN_TOKEN "
                "to use them.</p>")
    else:
        err = f'<p class="err" role="alert">{escape(error)}</p>' if error else ""
        body = ("<h1>backcheck admin</h1>" + err +
                '<form method="post" action="/admin/login"><label>Admin token '
                '<input type="password" name="token" autocomplete="current-password" required autofocus></label> '
                '<button type="submit">Log in</button></form>')
    return _doc("backcheck admin: log in", body)


def _val(name: str, v: Any) -> str:
    return pct(v) if name in RATES else shown(v)


def _figures(title: str, section: str, items: list[tuple[str, str, Any]]) -> str:
    rows = "".join(f'<tr><td>{escape(label)}</td><td class="v" data-figure="{section}.{escape(key)}">'
                   f"{escape(_val(key.rsplit('.', 1)[-1], v))}</td></tr>" for label, key, v in items)
    return f'<div class="card"><h2>{escape(title)}</h2><table>{rows}</table></div>'


def dashboard(rep: Report, query: dict[str, str]) -> str:
    r, u, c, k, o = rep["range"], rep["users"], rep["checkins"], rep["coaching"], rep["outcomes"]
    qs = urlencode({k_: v for k_, v in query.items() if v})
    cards = [
        _figures("Users", "users", [
            ("total", "total", u["total"]), ("active, last 7 days", "active_7d", u["active_7d"]),
            ("active, last 30 days", "active_30d", u["active_30d"]), ("paused", "paused", u["paused"]),
            ("blocked the bot", "blocked", u["blocked"]), ("stopped", "stopped", u["stopped"]),
            *[(f"on {p}", f"by_platform.{p}", n) for p, n in u["by_platform"].items()],
        ]),
        _figures("Check-ins", "checkins", [
            ("asked", "sent", c["sent"]), ("answered", "answered", c["answered"]),
            ("response rate", "response_rate", c["response_rate"]),
            ("median minutes to answer", "median_minutes_to_answer", c["median_minutes_to_answer"]),
            ("reminders sent", "reminders_sent", c["reminders_sent"]),
            ("answered after a reminder", "answered_after_reminder_share", c["answered_after_reminder_share"]),
        ]),
        _figures("Coaching", "coaching", [
            *[(f"suggested: {a.replace('_', ' ')}", f"suggestions.{a}", n) for a, n in k["suggestions"].items()],
            *[(f"nudge: {a.replace('_', ' ')}", f"nudges.{a}", n) for a, n in k["nudges"].items()],
            *[(f"referral: {a.replace('_', ' ')}", f"referrals.{a}", n) for a, n in k["referrals"].items()],
            ("red-flag answers", "red_flag_answers", k["red_flag_answers"]),
        ]),
        _figures("Outcomes", "outcomes", [
            ("people with 4+ weeks", "users", o["users"]),
            ("median change in morning pain", "median_pain_change", o["median_pain_change"]),
            (f"improved by {o['improved_by']:g}+ points", "improved_share", o["improved_share"]),
        ]),
    ]
    teams = "".join(
        f'<tr><td>{escape(t["team"])}</td>' + "".join(
            f'<td class="v" data-figure="teams.{i}.{f}">{escape(_val(f, t[f]))}</td>'
            for f in ("members", "active_7d", "participation", "on_streak", "mean_streak_days"))
        + "</tr>" for i, t in enumerate(rep["teams"]))
    team_table = ('<div class="card"><h2>Teams</h2><table><tr><th>team</th><th>members</th><th>active 7d</th>'
                  f"<th>participation</th><th>on a streak</th><th>mean streak (days)</th></tr>{teams}</table></div>"
                  if teams else "")
    minutes: dict[str, float] = {}
    for row in o["weekly_minutes"]:
        if isinstance(row["minutes"], int | float):
            minutes[row["kind"]] = minutes.get(row["kind"], 0) + row["minutes"]
    charts = [
        ("chart-daily", "Daily check-ins: asked and answered", svg.lines(
            "Daily check-ins asked and answered", [d["date"][5:] for d in c["daily"]],
            [("asked", [d["sent"] for d in c["daily"]]), ("answered", [d["answered"] for d in c["daily"]])])),
        ("chart-active", "Active users per day (checked in)", svg.bars(
            "Active users per day", [d["date"][5:] for d in c["active_daily"]],
            [d["users"] for d in c["active_daily"]], svg.COLOURS[1])),
        ("chart-suggestions", "Suggestion mix", svg.bars(
            "Suggestions by action", [a.replace("_", " ") for a in k["suggestions"]],
            list(k["suggestions"].values()), svg.COLOURS[2], show_values=True)),
        ("chart-retention", "Retention: share of each weekly signup cohort checking in, weeks 1-8", svg.heatmap(
            "Retention by weekly signup cohort",
            [(f"{row['cohort']} ({shown(row['users'])})", row["weeks"]) for row in rep["retention"]],
            [f"week {i}" for i in range(1, RETENTION_WEEKS + 1)])),
        ("chart-outcomes", "Change in morning pain, first two weeks to latest two (people)", svg.bars(
            "People by change in morning pain", [f"{row['change']:+d}" for row in o["distribution"]],
            [row["users"] for row in o["distribution"]], svg.COLOURS[4], show_values=True)),
    ]
    figs = "".join(f'<figure id="{i}"><figcaption>{escape(cap)}</figcaption>{chart}</figure>'
                   for i, cap, chart in charts)
    team = r["team"] or ""
    body = (
        '<header><h1>backcheck stats</h1><form method="post" action="/admin/logout">'
        '<button type="submit">Log out</button></form></header>'
        '<form class="range" method="get" action="/admin">'
        f'<label>From <input type="date" name="start" value="{r["start"]}" required></label>'
        f'<label>To <input type="date" name="end" value="{r["end"]}" required></label>'
        f'<label>Team (title) <input type="text" name="team" value="{escape(team)}" maxlength="200"></label>'
        '<button type="submit">Show</button></form>'
        f'<p class="note">{r["start"]} to {r["end"]}{" for " + escape(team) if team else ""}. '
        'Any figure about fewer than 5 people is shown as &lt;5. '
        f'Download: <a href="/admin/api/stats?{escape(qs)}">JSON</a> · '
        f'<a href="/admin/stats.csv?{escape(qs)}" download>CSV</a></p>'
        f'<div class="grid">{"".join(cards)}</div>{team_table}{figs}'
    )
    return _doc("backcheck stats", body)
