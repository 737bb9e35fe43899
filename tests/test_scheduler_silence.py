"""The silence rules (issue 8 item 11): a user who stops answering is not asked twice a day forever.

- no reminder once two check-in questions in a row went unanswered (the question still goes out);
- after a week with nothing from the user, no daily question: a pause offer on Mondays and
  Thursdays at their check-in time instead;
- anything the user sends (a message, a check-in, an answer) brings the normal schedule back.

SQLite and PostgreSQL (``sched_store``), with the scheduler test helpers.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from sqlalchemy import insert, select, update

from bot import prompts
from bot.store.outbox import CHECKIN_T, SENT_T, USER_T
from bot.store.repo import Store
from tests.test_scheduler_helpers import FakeSender, add_users, say, sent_rows, tick, user, user_row, utc

# 2026-12-01 is a Tuesday.
TUE = date(2026, 12, 1)


def kind_of(text: str) -> str:
    if text == prompts.REMINDER:
        return "reminder"
    if text == prompts.PAUSE_OFFER:
        return "offer"
    assert prompts.question()[0].text in text, text
    return "checkin"


async def run_days(store: Store, first: date, n: int, fake: FakeSender,
                   said: dict[date, str] | None = None) -> dict[date, list[str]]:
    """Passes at the check-in time (07:30 UTC) and the reminder time (10:30) of ``n`` days; on the
    days in ``said`` the user writes that at 12:00. Returns what was sent each day, by kind."""
    out: dict[date, list[str]] = {}
    for i in range(n):
        day = first + timedelta(days=i)
        before = len(fake.sent)
        for h in (7, 10):
            await tick(store, fake, utc(day.year, day.month, day.day, h, 30))
        if said and day in said:
            await say(store, "console:quiet", utc(day.year, day.month, day.day, 12, 0), said[day])
        out[day] = [kind_of(t) for _, t in fake.sent[before:]]
    return out


async def test_two_unanswered_days_in_a_row_mean_no_reminder_but_the_question_still_goes(
        sched_store: Store) -> None:
    await add_users(sched_store, [user_row("console:quiet")])
    fake = FakeSender()
    got = await run_days(sched_store, TUE, 5, fake, said={date(2026, 12, 3): "sorry, busy"})
    assert got == {
        TUE: ["checkin", "reminder"],             # the first unanswered day: one reminder
        date(2026, 12, 2): ["checkin"],           # the second in a row: the question only
        date(2026, 12, 3): ["checkin"],           # still silent at 10:30 (the reply comes at 12:00)
        date(2026, 12, 4): ["checkin", "reminder"],  # they said something since yesterday's question
        date(2026, 12, 5): ["checkin"],
    }


async def test_a_week_of_silence_stops_the_daily_question_and_offers_a_pause_twice_a_week(
        sched_store: Store) -> None:
    await add_users(sched_store, [user_row("console:quiet")])
    fake = FakeSender()
    got = await run_days(sched_store, TUE, 21, fake)
    per_day = {d: len(k) for d, k in got.items()}
    # Tue 1 .. Mon 7: seven questions (one reminder on the first day only).
    assert [per_day[TUE + timedelta(days=i)] for i in range(7)] == [2, 1, 1, 1, 1, 1, 1]
    # From Tue 8: nothing but a pause offer on Thursdays and Mondays.
    later = {d: k for d, k in got.items() if d >= date(2026, 12, 8)}
    offers = sorted(d for d, k in later.items() if k)
    assert offers == [date(2026, 12, 10), date(2026, 12, 14), date(2026, 12, 17), date(2026, 12, 21)]
    assert all(later[d] == ["offer"] for d in offers)
    assert sum(per_day.values()) == 8 + 4
    rows = await sent_rows(sched_store, "pause_offer")
    assert [r["local_date"] for r in rows] == offers and all(r["status"] == "sent" for r in rows)
    assert fake.texts("console:quiet")[-1] == prompts.PAUSE_OFFER
    # The offer does not open a check-in: a reply to it is an ordinary message.
    assert (await user(sched_store, "console:quiet"))["conv_on"] == date(2026, 12, 7)


async def test_any_reply_brings_the_daily_question_back(sched_store: Store) -> None:
    await add_users(sched_store, [user_row("console:quiet")])
    fake = FakeSender()
    await run_days(sched_store, TUE, 10, fake)  # silent since Tue 1: offer on Thu 10
    got = await run_days(sched_store, date(2026, 12, 11), 10, fake, said={date(2026, 12, 11): "keep asking"})
    assert got[date(2026, 12, 11)] == []  # Friday, silent until the reply at noon
    assert got[date(2026, 12, 12)] == ["checkin", "reminder"]  # back to normal, reminder included
    assert got[date(2026, 12, 13)] == ["checkin"]  # two unanswered in a row again: no reminder
    # Seven days of questions after the reply, then silence rules again (Sat 19 is day 8).
    assert [len(got[date(2026, 12, d)]) for d in range(12, 21)] == [2, 1, 1, 1, 1, 1, 1, 0, 0]


async def test_a_checkin_or_an_answer_also_counts_as_being_there(sched_store: Store) -> None:
    """Silence is measured over inbound messages, check-ins and answered prompts alike."""
    await add_users(sched_store, [user_row("console:a"), user_row("console:b"), user_row("console:c")])
    fake = FakeSender()
    for i in range(7):
        await tick(sched_store, fake, utc(2026, 12, 1 + i, 7, 30))
    # a: checked in for an earlier day on Sunday (a late entry); b: a prompt marked answered.
    async with sched_store.session() as s:
        ids = dict((await s.execute(select(USER_T.c.key, USER_T.c.id))).all())
        late = utc(2026, 12, 6, 19, 0)
        await s.execute(insert(CHECKIN_T).values(user_id=ids["console:a"], local_date=date(2026, 12, 2), pain=2,
                                                 created_at=late, updated_at=late))
        await s.execute(update(SENT_T).where(SENT_T.c.user_id == ids["console:b"],
                                             SENT_T.c.local_date == date(2026, 12, 5), SENT_T.c.kind == "checkin")
                        .values(answered_at=utc(2026, 12, 5, 8, 0)))
    tue = FakeSender()
    await tick(sched_store, tue, utc(2026, 12, 8, 7, 30))
    thu = FakeSender()
    await tick(sched_store, thu, utc(2026, 12, 10, 7, 30))
    assert sorted(tue.keys()) == ["console:a", "console:b"]  # c is silent: nothing on a Tuesday
    assert Counter(kind_of(t) for _, t in thu.sent) == Counter(checkin=2, offer=1)
    assert [k for k, t in thu.sent if t == prompts.PAUSE_OFFER] == ["console:c"]


async def test_a_pause_is_not_silence_and_the_welcome_back_still_goes(sched_store: Store) -> None:
    await add_users(sched_store, [user_row("console:quiet")])
    fake = FakeSender()
    await run_days(sched_store, TUE, 2, fake)
    # "pause 14" on Wed 2 (the command is an inbound message); paused until Wed 16.
    await say(sched_store, "console:quiet", utc(2026, 12, 2, 12, 0), "pause 14")
    async with sched_store.session() as s:
        await s.execute(update(USER_T).values(paused_until=date(2026, 12, 16)))
    got = await run_days(sched_store, date(2026, 12, 3), 14, fake)
    assert all(not k for d, k in got.items() if d < date(2026, 12, 16))
    assert got[date(2026, 12, 16)] == ["checkin", "reminder"]
    assert prompts.WELCOME_BACK in fake.texts("console:quiet")[-2]


async def test_silence_rules_hold_for_many_users_in_one_pass(sched_store: Store) -> None:
    """Set-based: 600 users, a third silent for a week, a third answered yesterday, a third with
    two unanswered days; one pass on a Thursday and one at reminder time."""
    n = 200
    await add_users(sched_store, [user_row(f"console:{kind}{i}") for kind in ("silent", "ok", "two")
                                  for i in range(n)])
    async with sched_store.session() as s:
        ids = dict((await s.execute(select(USER_T.c.key, USER_T.c.id))).all())
        rows = []
        for key, uid in ids.items():
            first = 1 if key.startswith("console:silent") else 8
            for d in range(first, 10):  # Dec 1 (or 8) .. Dec 9, check-ins at 07:30
                sent = utc(2026, 12, d, 7, 30)
                answered = sent + timedelta(hours=1) if key.startswith("console:ok") and d == 9 else None
                rows.append({"user_id": uid, "local_date": date(2026, 12, d), "kind": "checkin", "status": "sent",
                             "due_at": sent, "claimed_at": sent, "sent_at": sent, "answered_at": answered,
                             "attempts": 1})
        await s.execute(insert(SENT_T), rows)
    fake = FakeSender()
    await tick(sched_store, fake, utc(2026, 12, 10, 7, 30))
    kinds = Counter((k.split(":")[1].rstrip("0123456789"), kind_of(t)) for k, t in fake.sent)
    assert kinds == {("silent", "offer"): n, ("ok", "checkin"): n, ("two", "checkin"): n}
    later = FakeSender()
    await tick(sched_store, later, utc(2026, 12, 10, 10, 30))
    # Reminders only for those who answered yesterday; "two" have Dec 9 and 10 unanswered.
    assert Counter(k.split(":")[1].rstrip("0123456789") for k in later.keys()) == {"ok": n}
