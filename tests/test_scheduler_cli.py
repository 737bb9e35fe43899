"""``backcheck tick`` and ``backcheck simulate`` as users run them: real processes, a real database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bot import prompts
from bot.store.repo import Store
from tests.test_scheduler_helpers import add_users, user_row

BACKCHECK = [sys.executable, "-m", "adapters.cli"]


def run(args: list[str], tmp_path: Path, db: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCHECK_")}
    env["BACKCHECK_DATABASE_URL"] = db
    return subprocess.run([*BACKCHECK, *args], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)


def keys(p: subprocess.CompletedProcess[str]) -> list[str]:
    return [json.loads(line)["key"] for line in p.stdout.splitlines() if line.strip()]


async def test_tick_sends_each_zones_0730_checkins_once_and_nothing_hours_late(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'tick.db'}"
    store = Store(db)
    await store.migrate()
    await add_users(store, [
        user_row("console:tokyo", "Asia/Tokyo"), user_row("console:tokyo-2", "Asia/Tokyo"),
        user_row("console:newyork", "America/New_York"), user_row("console:london", "Europe/London"),
        user_row("console:london-9", "Europe/London", "09:00"),
    ])
    await store.close()
    for at, expected in [("2026-11-30T22:30:00+00:00", ["console:tokyo", "console:tokyo-2"]),
                         ("2026-12-01T12:30:00Z", ["console:newyork"]),
                         ("2026-12-01T07:30:00+00:00", ["console:london"])]:
        p = run(["tick", "--now", at], tmp_path, db)
        assert p.returncode == 0, p.stderr
        assert sorted(keys(p)) == expected
        line = json.loads(p.stdout.splitlines()[0])
        assert prompts.question()[0].text in line["text"] and line["choices"]
        assert "checkin.sent=" in p.stderr
        again = run(["tick", "--now", at], tmp_path, db)
        assert again.returncode == 0 and again.stdout == ""
    # London's 09:00, four hours late: nothing (and no reminders: those are unanswered 07:30s
    # only after three hours, so use a tick before them).
    late = run(["tick", "--now", "2026-12-01T13:00:00+00:00"], tmp_path, db)
    assert late.returncode == 0 and "console:london-9" not in keys(late)


def test_tick_with_a_bad_now_exits_2_with_one_line(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'bad.db'}"
    for bad in ("yesterday", "2026-12-01T07:30:00", "2026-13-01T07:30:00Z"):
        p = run(["tick", "--now", bad], tmp_path, db)
        assert p.returncode == 2, p.stderr
        assert len(p.stderr.strip().splitlines()) == 1 and "--now" in p.stderr


def test_simulate_shows_scheduled_checkins_in_the_transcript(tmp_path: Path) -> None:
    script = tmp_path / "diary.jsonl"
    script.write_text("\n".join(json.dumps(x) for x in [
        {"at": "2026-12-01T07:00:00+00:00", "user": "alice",
         "profile": {"timezone": "Europe/London", "checkin_time": "07:30"}},
        {"at": "2026-12-02T08:10:00+00:00", "user": "alice", "text": "back 3/10, ran 20 min easy, fine during"},
    ]) + "\n")
    p = run(["simulate", str(script)], tmp_path, f"sqlite:///{tmp_path / 'unused.db'}")
    assert p.returncode == 0, p.stderr
    lines = [json.loads(x) for x in p.stdout.splitlines()]
    sched = [(x["at"], x["text"] == prompts.REMINDER) for x in lines
             if x["dir"] == "out" and (prompts.question()[0].text in x["text"] or x["text"] == prompts.REMINDER)]
    assert sched == [("2026-12-01T07:30:00+00:00", False), ("2026-12-01T10:30:00+00:00", True),
                     ("2026-12-02T07:30:00+00:00", False)]
    reply = next(x for x in lines if x["dir"] == "in")
    assert reply["checkin"]["date"] == "2026-12-02"
