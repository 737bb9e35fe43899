"""A small club with known numbers, for the stats tests (tests/test_stats.py, the dashboard's).

Range 2026-11-02 (Mon) .. 2026-12-01. Eight Telegram users A0-A7 sign up on 2 Nov, three console
users C0-C2 on 10 Nov, one old Telegram user on 1 Oct (blocked). A0-A5 check in every day; A0-A4
go from pain 6 (first two weeks) to 3 (latest two) and run 30 minutes a day, A5 stays at 5. A6
checks in on 2 and 3 Nov only; C0-C2 on 10-12 Nov. Every expected figure is in EXPECTED.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert

from bot.stats import Range
from bot.store.repo import Store
from bot.store.tables import (
    ActivityRow,
    CheckInRow,
    GroupMember,
    RecommendationRow,
    RunningGroup,
    SentMessage,
    User,
)

START, END = date(2026, 11, 2), date(2026, 12, 1)
RANGE = Range(START, END)
DAYS = [START + timedelta(days=i) for i in range(30)]


def at(d: date, h: int, m: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, h, m, tzinfo=UTC)


async def seed(store: Store) -> None:
    users: list[dict] = []
    for i in range(8):
        users.append({"id": 1 + i, "key": f"telegram:{100 + i}", "created_at": at(START, 8), "onboarded": True,
                      "status": "active", "paused_until": date(2026, 12, 5) if i == 7 else None})
    for i in range(3):
        users.append({"id": 11 + i, "key": f"console:c{i}", "created_at": at(date(2026, 11, 10), 9),
                      "onboarded": True, "status": "stopped" if i == 0 else "active", "paused_until": None})
    users.append({"id": 20, "key": "telegram:1", "created_at": at(date(2026, 10, 1), 9), "onboarded": True,
                  "status": "blocked", "paused_until": None})
    checkins: list[dict] = []
    acts: list[dict] = []
    recos: list[dict] = []
    sent: list[dict] = []
    cid = 0

    def checkin(uid: int, d: date, pain: float, flags: list[str] | None = None) -> int:
        nonlocal cid
        cid += 1
        checkins.append({"id": cid, "user_id": uid, "local_date": d, "pain": pain, "rested": False,
                         "leg_pain": False, "leg_score": None, "leg_symptoms": "[]",
                         "red_flags": json.dumps(flags or []), "text": "", "created_at": at(d, 8, 30),
                         "updated_at": at(d, 8, 30)})
        return cid

    for n, d in enumerate(DAYS):
        for uid in range(1, 7):  # A0-A5
            if uid == 6:
                pain = 5.0
            else:
                pain = 6.0 if n < 14 else 3.0 if n >= 16 else 4.0
            c = checkin(uid, d, pain, ["saddle_numbness"] if uid == 6 and n == 20 else None)
            if uid <= 5:
                acts.append({"checkin_id": c, "position": 0, "kind": "run", "minutes": 30.0, "run_minutes": 30.0})
            reco: dict = {"action": "run" if uid <= 5 else "rest", "nudges": [], "refer": False, "urgency": None}
            if uid <= 5 and d == date(2026, 11, 20):
                reco["nudges"] = ["keep_moving"]
            if uid == 6 and d == date(2026, 11, 30):
                reco.update(refer=True, urgency="soon")
            recos.append({"user_id": uid, "local_date": d, "action": reco["action"], "payload": json.dumps(reco),
                          "created_at": at(d, 8, 30)})
        for uid in range(1, 8):  # A0-A6 are asked every day; A0-A5 answer after 30 minutes
            sent.append({"user_id": uid, "local_date": d, "kind": "checkin", "status": "sent", "due_at": at(d, 8),
                         "claimed_at": at(d, 8), "sent_at": at(d, 8),
                         "answered_at": at(d, 8, 30) if uid <= 6 else None})
        sent.append({"user_id": 7, "local_date": d, "kind": "reminder", "status": "sent", "due_at": at(d, 11),
                     "claimed_at": at(d, 11), "sent_at": at(d, 11), "answered_at": None})
    for d in DAYS[:2]:
        checkin(7, d, 4.0)  # A6
    for uid in (11, 12, 13):
        for d in (date(2026, 11, 10), date(2026, 11, 11), date(2026, 11, 12)):
            checkin(uid, d, 2.0)
    groups = [{"id": 1, "key": "telegram:-100", "title": "Harriers", "created_at": at(START, 7), "active": True},
              {"id": 2, "key": "telegram:-200", "title": "Joggers", "created_at": at(START, 7), "active": True}]
    members = [{"group_id": 1, "user_key": f"telegram:{100 + i}", "joined_at": at(START, 9)} for i in range(6)]
    members.append({"group_id": 1, "user_key": "telegram:999", "joined_at": at(START, 9)})
    members += [{"group_id": 2, "user_key": k, "joined_at": at(START, 9)} for k in ("telegram:106", "console:c0")]
    async with store.session() as s:
        for table, rows in ((User, users), (CheckInRow, checkins), (ActivityRow, acts), (RecommendationRow, recos),
                            (SentMessage, sent), (RunningGroup, groups), (GroupMember, members)):
            await s.execute(insert(table.__table__), rows)  # type: ignore[attr-defined]
    if store.engine.dialect.name == "postgresql":
        async with store.session() as s:  # explicit ids above: move the sequences past them
            from sqlalchemy import text

            for t in ("users", "checkins", "running_groups"):
                await s.execute(text(f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), 1000)"))


S = "<5"
EXPECTED = {
    "range": {"start": "2026-11-02", "end": "2026-12-01", "team": None},
    "users": {
        "total": 12, "active_7d": 6, "active_30d": 10, "paused": S, "blocked": S, "stopped": S,
        "new_per_week": [{"week": "2026-11-02", "users": 8}, {"week": "2026-11-09", "users": S}],
        "by_platform": {"console": S, "telegram": 9},
    },
    "checkins": {
        "sent": 210, "answered": 180, "response_rate": 0.857, "median_minutes_to_answer": 30.0,
        "reminders_sent": S, "answered_after_reminder_share": S,
    },
    "coaching": {
        "suggestions": {"rest": S, "run": 150},
        "nudges": {"keep_moving": 5, "add_strength": 0},
        "referrals": {"soon": S},
        "red_flag_answers": S,
    },
    "retention": [
        # The last twelve weekly cohorts at least: the old user's (no check-ins) is one.
        {"cohort": "2026-09-28", "users": S, "weeks": [S] * 8},
        {"cohort": "2026-11-02", "users": 8, "weeks": [0.875, 0.75, 0.75, 0.75, None, None, None, None]},
        {"cohort": "2026-11-09", "users": S, "weeks": [S, S, S, None, None, None, None, None]},
    ],
    "outcomes": {
        "users": 6, "median_pain_change": -3.0, "improved_share": 0.833, "improved_by": 2.0,
        "distribution": [{"change": b, "users": 5 if b == -3 else S if b == 0 else 0} for b in range(-5, 6)],
        "weekly_minutes": [{"week": w, "kind": "run", "minutes": m, "users": 5} for w, m in (
            ("2026-11-02", 1050), ("2026-11-09", 1050), ("2026-11-16", 1050), ("2026-11-23", 1050),
            ("2026-11-30", 300))],
    },
    "teams": [
        {"team": "Harriers", "members": 7, "participation": 0.857, "active_7d": 6, "on_streak": 6,
         "mean_streak_days": 30.0},
        {"team": "Joggers", "members": S, "participation": S, "active_7d": 0, "on_streak": 0,
         "mean_streak_days": S},
    ],
}
