"""Privacy (issue 11, item 8): ``delete`` erases every row of the user in every table, ``export``
holds every row, and ``BACKCHECK_RETENTION_DAYS`` empties old texts while keeping the numbers.

The delete and export tests walk ALL tables of the schema (SQLModel.metadata): a row belongs to
the user if it names the user's id or key, or refers (by foreign key) to a row that does. A table
added later is covered without touching these tests; if the journey below does not reach it, the
coverage check says so.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Table, select
from sqlmodel import SQLModel

import bot.store.tables  # noqa: F401  (every table on the metadata)
from bot.config import Settings
from bot.conversation import Coach, GroupMessage
from bot.store import outbox, repo
from bot.store.repo import Store
from bot.store.tables import CheckInRow, InboundMessage
from scheduler.passes import run_pass
from tests.conftest import Clock, Person

pytestmark = pytest.mark.asyncio(loop_scope="session")

#: Tables that hold no one user's data: a group's own rows (its members' links are per user), a
#: team's daily post (its counts, not who), the ids of platform deliveries already answered (an id
#: and a time, pruned after a day), and a Slack workspace's install (its bot token and who installed
#: the app: the workspace's data, removed when the workspace uninstalls, not a coached user's).
NOT_PERSONAL = {"running_groups", "group_digests", "team_daily_posts", "platform_events",
                "slack_installations", "slack_bots", "slack_oauth_states"}
#: Where each table's rows appear in an export.
EXPORTED = {"users": "user", "checkins": "checkins", "activities": "checkins[].activities",
            "recommendations": "recommendations", "sent_messages": "messages_sent",
            "inbound_messages": "messages_received", "group_members": "groups", "user_pauses": "pauses"}

WORDS = "my zanzibarine hamstring"


def tables() -> list[Table]:
    return list(SQLModel.metadata.sorted_tables)


async def rows_of_user(store: Store, uid: int, key: str) -> dict[str, list[dict[str, Any]]]:
    """Every row in every table that belongs to the user, found by walking the schema."""
    all_rows: dict[str, list[dict[str, Any]]] = {}
    async with store.session() as s:
        for t in tables():
            all_rows[t.name] = [dict(r) for r in (await s.execute(select(t))).mappings()]
    owned: dict[str, set[Any]] = defaultdict(set)
    changed = True
    while changed:  # to a fixed point: activities belong through checkins, and so on
        changed = False
        for t in tables():
            pk = next(iter(t.primary_key.columns)).name
            for row in all_rows[t.name]:
                if row[pk] in owned[t.name]:
                    continue
                mine = t.name == "users" and row[pk] == uid
                for col in t.columns:
                    value = row[col.name]
                    if value is None:
                        continue
                    for fk in col.foreign_keys:
                        target = fk.column.table.name
                        if (target == "users" and value == uid) or value in owned[target]:
                            mine = True
                    if isinstance(value, str) and value == key:
                        mine = True
                if mine and t.name not in NOT_PERSONAL:
                    owned[t.name].add(row[pk])
                    changed = True
    return {t.name: [r for r in all_rows[t.name]
                     if r[next(iter(t.primary_key.columns)).name] in owned[t.name]] for t in tables()}


def texts_anywhere(rows: dict[str, list[dict[str, Any]]], needle: str) -> list[str]:
    return [f"{t}.{k}" for t, rs in rows.items() for r in rs for k, v in r.items()
            if isinstance(v, str) and needle in v]


async def full_journey(coach: Coach, person: Person, clock: Clock, words: str = WORDS) -> int:
    """A user who leaves data in every table that can hold a user's data."""
    await person.onboard(experience="returning", minutes="20")
    await person.says(f"back 3/10, ran 20 min easy, {words}")
    await person.says("hello there, what is this?")  # not a check-in: kept as an inbound message
    await person.says("pause 3")  # whatever a pause leaves behind is theirs too
    group = f"telegram:-100{uuid.uuid4().int % 10**9}"
    await coach.group_added(group, "Tuesday runners", clock(), newly=True)
    await coach.handle_group(GroupMessage(group=group, title="Tuesday runners", user=person.key, name="Ann",
                                          text="/join"), clock())
    async with coach.store.session() as s:
        u = await repo.get_user(s, person.key)
        assert u is not None and u.id is not None
        now = clock()
        await outbox.claim(s, [outbox.claim_row(u.id, now.date() + timedelta(days=1), "checkin", now, now, "test")])
        return u.id


async def test_delete_erases_every_row_of_the_user_in_every_table(coach: Coach, people: Any, clock: Clock) -> None:
    ann, bob = people("ann"), people("bob")
    words = f"my zanzibarine hamstring {uuid.uuid4().hex[:8]}"
    uid = await full_journey(coach, ann, clock, words)
    await full_journey(coach, bob, clock, words="my left calf")
    bob_before = await rows_of_user(coach.store, (await bob.user()).id, bob.key)

    before = await rows_of_user(coach.store, uid, ann.key)
    personal = {t.name for t in tables()} - NOT_PERSONAL
    missing = sorted(n for n in personal if not before[n])
    assert not missing, (f"the journey leaves nothing in {missing}: extend full_journey so delete and export "
                         "are tested on every table that can hold a user's data")
    assert texts_anywhere(before, words)

    counts = await coach.erase(ann.key)
    assert counts is not None
    after = await rows_of_user(coach.store, uid, ann.key)
    assert {t: rs for t, rs in after.items() if rs} == {}
    # Nothing else anywhere still holds their words or their key.
    async with coach.store.session() as s:
        everything = {t.name: [dict(r) for r in (await s.execute(select(t))).mappings()] for t in tables()}
    assert not texts_anywhere(everything, words)
    assert not texts_anywhere(everything, ann.key)
    # Another user's rows are untouched, and the counts said what went.
    assert await rows_of_user(coach.store, (await bob.user()).id, bob.key) == bob_before
    assert sum(counts.values()) == sum(len(rs) for rs in before.values())


async def test_export_holds_every_row_of_the_user(coach: Coach, people: Any, clock: Clock) -> None:
    cat = people("cat")
    uid = await full_journey(coach, cat, clock)
    rows = await rows_of_user(coach.store, uid, cat.key)
    data = await coach.export(cat.key, clock())
    assert data is not None
    unexported = sorted(t for t, rs in rows.items() if rs and t not in EXPORTED)
    assert not unexported, f"export does not cover {unexported}"
    seen = {"users": 1, "checkins": len(data["checkins"]),
            "activities": sum(len(c["activities"]) for c in data["checkins"]),
            "recommendations": len(data["recommendations"]), "sent_messages": len(data["messages_sent"]),
            "inbound_messages": len(data["messages_received"]), "group_members": len(data["groups"]),
            "user_pauses": len(data.get("pauses", []))}
    assert {t: len(rs) for t, rs in rows.items() if rs} == {t: n for t, n in seen.items() if n}
    assert any(WORDS in c["text"] for c in data["checkins"])
    assert any("what is this" in m["text"] for m in data["messages_received"])


# --- retention ---------------------------------------------------------------------------------------


async def test_retention_empties_old_texts_and_keeps_the_numbers(sched_store: Store) -> None:
    coach_clock = Clock(datetime(2026, 12, 1, 7, 30, tzinfo=UTC))
    settings = Settings(_env_file=None, database_url="sqlite:///unused.db", retention_days=30)  # type: ignore[call-arg]
    coach = Coach(sched_store, settings)
    old = Person(coach, f"console:old-{uuid.uuid4().hex[:6]}", coach_clock)
    await old.onboard()
    await old.says(f"back 4/10, walked 30 min, {WORDS}")
    coach_clock.advance(days=40)
    await old.says(f"back 2/10, ran 10 min easy, {WORDS} again")

    async def texts() -> tuple[list[str], list[str]]:
        async with sched_store.session() as s:
            c = [r.text for r in (await s.execute(select(CheckInRow).order_by(CheckInRow.local_date))).scalars()]
            i = [r.text for r in (await s.execute(select(InboundMessage).order_by(InboundMessage.at))).scalars()]
        return c, i

    checkins_before, inbound_before = await texts()
    assert all(WORDS in t for t in checkins_before) and any(inbound_before)

    # Not on the hour: the pass leaves texts alone (the rule runs hourly).
    now = coach_clock.now.replace(minute=5)
    report = await run_pass(sched_store, {}, settings, now)
    assert not report.forgotten and await texts() == (checkins_before, inbound_before)

    report = await run_pass(sched_store, {}, settings, now.replace(minute=0) + timedelta(hours=1))
    # Everything from 40 days ago (the onboarding answers, the first check-in) is emptied; today's is not.
    assert report.forgotten == {"checkins": 1, "inbound_messages": len(inbound_before)}
    checkins_after, inbound_after = await texts()
    assert checkins_after[0] == "" and WORDS in checkins_after[1]
    assert inbound_after == [""] * len(inbound_before)
    # The numbers stay: the old day's pain and walk are still there for the model and /progress.
    recorded = await old.checkins()
    assert [c["pain"] for c in recorded] == [4, 2]
    assert recorded[0]["activities"][0]["kind"] == "walk" and recorded[0]["activities"][0]["minutes"] == 30

    # Unset keeps everything.
    keep = Settings(_env_file=None, database_url="sqlite:///unused.db")  # type: ignore[call-arg]
    assert not (await run_pass(sched_store, {}, keep, now.replace(minute=0) + timedelta(days=400))).forgotten
    assert (await texts())[0][1] != ""
