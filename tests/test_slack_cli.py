"""Slack as a new user meets it, on this machine: ``backcheck run`` with Slack settings (a real
process) answering signed requests, the fake Slack Web API standing in for slack.com, a DM
onboarding, a scheduled check-in from ``backcheck tick`` (through conversations.open), a reply."""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
from pathlib import Path

import httpx
import pytest

from bot import messages as M
from tests.fake_slack import FakeSlack, Posted, block_action, dm_event
from tests.slack_bot import SECRET
from tests.terminal import BACKCHECK, clean_env

pytestmark = pytest.mark.asyncio(loop_scope="session")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_backcheck_run_answers_slack_and_tick_sends_the_checkin(fake_slack: FakeSlack, tmp_path: Path) -> None:
    w = fake_slack.workspace()
    port = _free_port()
    env = clean_env(tmp_path, BACKCHECK_PORT=str(port), BACKCHECK_SLACK_BOT_TOKEN=w.token,
                    BACKCHECK_SLACK_SIGNING_SECRET=SECRET, BACKCHECK_SLACK_API_URL=fake_slack.base_url)
    proc = await asyncio.create_subprocess_exec(*BACKCHECK, "run", cwd=tmp_path, env=env,
                                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                                stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/slack/events"
    user, dm = "UNEWUSER1", FakeSlack.dm_of("UNEWUSER1")
    try:
        async with httpx.AsyncClient() as web:
            for _ in range(300):
                try:
                    if (await web.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    assert proc.returncode is None, "backcheck run exited"
                    await asyncio.sleep(0.2)

        async def says(text: str) -> list[Posted]:
            before = len(fake_slack.in_channel(dm))
            status, _ = await fake_slack.deliver(url, SECRET, dm_event(w, user, text))
            assert status == 200
            return fake_slack.in_channel(dm)[before:]

        async def presses(choice: str) -> None:
            q = [p for p in fake_slack.in_channel(dm) if p.choices][-1]
            button = next(b for b in q.buttons if b["value"] == choice)
            before = len(fake_slack.in_channel(dm))
            status, _ = await fake_slack.deliver(url, SECRET, block_action(w, user, q, button), form=True)
            assert status == 200
            # The press is acknowledged at once; its answer follows.
            await fake_slack.wait_for(lambda: len(fake_slack.in_channel(dm)) > before)

        said = await says("hi")
        assert said[-1].choices == M.EXPERIENCE_CHOICES, [p.text for p in said]
        await presses("New to running")
        await says("UTC")
        await presses("07:30")
        await presses("every day")
        # A scheduled check-in from cron's `backcheck tick`, tomorrow at 07:30 UTC.
        tomorrow = (await asyncio.to_thread(_utc_date_tomorrow))
        before = len(fake_slack.in_channel(dm))
        opens = len(fake_slack.calls_of("conversations.open", w.token))
        tick = await asyncio.create_subprocess_exec(*BACKCHECK, "tick", "--now", f"{tomorrow}T07:31:00+00:00",
                                                    cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                                                    stderr=subprocess.PIPE)
        _, err = await tick.communicate()
        assert tick.returncode == 0, err.decode()
        assert len(fake_slack.calls_of("conversations.open", w.token)) == opens + 1
        [question] = [p for p in fake_slack.in_channel(dm)[before:] if p.choices == M.CHECKIN_CHOICES]
        assert question.plain.endswith(M.CHECKIN_QUESTION)
        reply = await says("back 2/10, walked 25 min")
        assert any("Got it" in p.plain for p in reply)
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(proc.wait(), 30)
            except TimeoutError:
                proc.kill()
        err = (await proc.stderr.read()).decode() if proc.stderr else ""
        assert "Traceback" not in err, err


def _utc_date_tomorrow() -> str:
    from datetime import UTC, datetime, timedelta

    return (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
