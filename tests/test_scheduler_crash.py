"""Crash safety: ``backcheck tick`` killed with SIGKILL in the middle of a fan-out, then restarted.

What is guaranteed (scheduler/dispatch.py): nothing is ever sent twice; every due check-in that
was not in flight at the moment of the kill is sent exactly once by the restarted process; the
ones in flight (claimed, outcome not yet recorded: at most the lane's max_in_flight) may or may
not have reached the user, are never resent, and are marked unknown once their lease expires.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from adapters.printer import PrintSender
from bot.store.outbox import SENT_T, USER_T
from bot.store.repo import Store
from scheduler.passes import CLAIM_LEASE, LEASE
from tests.conftest import wipe
from tests.test_scheduler_helpers import add_users, user_row, utc

N = 10_000
NOW = utc(2026, 12, 1, 7, 30)


def _tick(db_url: str, tmp_path: Path, now: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCHECK_")}
    env["BACKCHECK_DATABASE_URL"] = db_url
    # stderr to a file: stdout is read line by line, and only through its own buffer.
    with (tmp_path / f"tick-{now}.err").open("w") as err:
        return subprocess.Popen([sys.executable, "-m", "adapters.cli", "tick", "--now", now], cwd=tmp_path,
                                env=env, stdout=subprocess.PIPE, stderr=err, text=True)


def _keys(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        if line.strip():
            try:
                out.append(json.loads(line)["key"])
            except ValueError:
                raise AssertionError(f"not a delivery line: {line!r}") from None
    return out


async def _rows(store: Store) -> dict[str, str]:
    async with store.session() as s:
        q = (select(USER_T.c.key, SENT_T.c.status)
             .select_from(SENT_T.join(USER_T, USER_T.c.id == SENT_T.c.user_id)).where(SENT_T.c.kind == "checkin"))
        rows = (await s.execute(q)).all()
    statuses = {k: st for k, st in rows}
    assert len(statuses) == len(rows)  # one claim row per user and date, whatever happened
    return statuses


async def test_sigkill_mid_fanout_then_restart_sends_the_rest_exactly_once(sched_pg_url: str, tmp_path: Path) -> None:
    store = Store(sched_pg_url)
    await store.migrate()
    await wipe(store)
    await add_users(store, [user_row(f"console:c{i}", "Europe/London") for i in range(N)])
    try:
        first = _tick(sched_pg_url, tmp_path, NOW.isoformat())
        assert first.stdout is not None
        seen: list[str] = []
        deadline = time.monotonic() + 120
        kill_after = random.randrange(500, 6_000)  # somewhere in the middle of the fan-out
        while len(seen) < kill_after:
            line = first.stdout.readline()
            assert line, f"tick ended before the kill (exit {first.wait()}): see {tmp_path}"
            seen.append(line)
            assert time.monotonic() < deadline
        os.kill(first.pid, signal.SIGKILL)
        assert first.wait(timeout=30) == -signal.SIGKILL
        rest = first.stdout.read()  # what it wrote before dying, through the same buffer
        killed = _keys(seen + rest.splitlines())
        assert len(killed) < N, "the kill came too late to test anything"

        after_kill = await _rows(store)
        in_doubt = {k for k, st in after_kill.items() if st == "sending"}
        claimed = {k for k, st in after_kill.items() if st == "claimed"}
        assert len(in_doubt) + len(claimed) <= PrintSender.limits.max_in_flight
        # Every row recorded as sent really was delivered; nothing claimed but not handed off was.
        assert {k for k, st in after_kill.items() if st == "sent"} <= set(killed)
        assert not (claimed & set(killed))

        # Restarted once the claims of the dead process have expired (a restart sooner leaves
        # them to a pass two minutes after the kill).
        second = _tick(sched_pg_url, tmp_path, (NOW + CLAIM_LEASE + timedelta(seconds=30)).isoformat())
        out, _ = second.communicate(timeout=240)
        assert second.returncode == 0, (tmp_path / "tick-*.err")
        restarted = _keys(out.splitlines())

        delivered = Counter(killed + restarted)
        assert max(delivered.values()) == 1, "a check-in was sent twice"
        # Everything that was not in flight at the kill is delivered, by one of the two runs.
        everyone = {f"console:c{i}" for i in range(N)}
        assert everyone - in_doubt <= set(delivered)
        # In-doubt ones are never resent (some reached the user before the kill, some did not).
        assert not (in_doubt & set(restarted))
        final = await _rows(store)
        assert set(final) == everyone
        assert {k for k, st in final.items() if st == "sent"} == everyone - in_doubt

        # Once the lease is over, a pass marks them unknown, and still sends nothing.
        third = _tick(sched_pg_url, tmp_path, (NOW + LEASE + timedelta(minutes=1)).isoformat())
        out3, _ = third.communicate(timeout=120)
        assert third.returncode == 0 and out3.strip() == ""
        final = await _rows(store)
        assert {k for k, st in final.items() if st == "unknown"} == in_doubt
        print(f"killed after {len(killed)} deliveries; {len(claimed)} claimed, not handed off (sent after "
              f"the restart); {len(in_doubt)} in doubt ({len(in_doubt & set(killed))} of them had reached the "
              f"platform); restart sent {len(restarted)}; delivered in all {len(delivered)} of {N}")
    finally:
        await store.close()
