"""The command line as users run it: real processes, real files, real HTTP."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest
import typer

from adapters.cli import app
from tests.terminal import BACKCHECK, CTRL_C, Terminal, clean_env, first_answer

REPO = Path(__file__).resolve().parent.parent


def run(args: list[str], tmp_path: Path, stdin: str = "", env: dict[str, str] | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*BACKCHECK, *args], input=stdin, capture_output=True, text=True, cwd=tmp_path,
                          env=clean_env(tmp_path, **(env or {})), timeout=timeout)


def test_chat_works_piped(tmp_path: Path) -> None:
    script = "/start\nreturning\n20\nEurope/London\n07:30\nevery day\npain 3, ran 20 min easy\nexport\n"
    p = run(["chat", "--user", "ann"], tmp_path, script)
    assert p.returncode == 0, p.stderr
    assert "not medical advice" in p.stdout
    assert "All set" in p.stdout
    assert "Today:" in p.stdout
    # Piped, the greeting is one line on stderr: stdout stays the transcript.
    assert "console:ann" in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr
    assert p.stdout.startswith("bot> ") and "you> " not in p.stdout
    export = json.loads((tmp_path / "backcheck-console_ann.json").read_text())
    assert export["user"]["key"] == "console:ann"
    assert export["checkins"][0]["pain"] == 3


@pytest.mark.parametrize(
    ("name", "value"),
    [("BACKCHECK_DEFAULT_CHECKIN_TIME", "25:00"), ("BACKCHECK_DEFAULT_TIMEZONE", "Mars/Olympus"),
     ("BACKCHECK_TELEGRAM_API_URL", "not a url"), ("BACKCHECK_DATABASE_URL", "mysql://x/y"),
     ("BACKCHECK_PORT", "99999"), ("BACKCHECK_REMINDER_AFTER_MINUTES", "-5")],
)
def test_a_wrong_setting_stops_start_up_with_one_line_naming_it(tmp_path: Path, name: str, value: str) -> None:
    p = run(["chat"], tmp_path, "", env={name: value})
    assert p.returncode == 2
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0], p.stderr


def test_settings_come_from_a_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("BACKCHECK_DEFAULT_CHECKIN_TIME=31:00\n")
    p = run(["chat"], tmp_path, "")
    assert p.returncode == 2 and "BACKCHECK_DEFAULT_CHECKIN_TIME" in p.stderr


def test_simulate_prints_the_transcript(tmp_path: Path) -> None:
    script = tmp_path / "diary.jsonl"
    script.write_text("\n".join(json.dumps(x) for x in [
        {"at": "2026-12-01T07:00:00+00:00", "user": "alice",
         "profile": {"timezone": "Europe/London", "checkin_time": "07:30", "experience": "returning",
                     "comfortable_run_minutes": 20}},
        {"at": "2026-12-02T08:10:00+00:00", "user": "alice", "text": "back 3/10, ran 20 min easy, fine during"},
        {"at": "2026-12-03T08:10:00+00:00", "user": "alice", "text": "hmm"},
    ]) + "\n")
    p = run(["simulate", str(script)], tmp_path)
    assert p.returncode == 0, p.stderr
    lines = [json.loads(x) for x in p.stdout.splitlines()]
    first_in = next(x for x in lines if x["dir"] == "in")
    assert first_in["dir"] == "in" and first_in["user"] == "alice"
    assert first_in["checkin"]["pain"] == 3 and first_in["checkin"]["activities"][0]["kind"] == "run"
    reco = next(x["recommendation"] for x in lines if x["dir"] == "out" and x["recommendation"])
    assert set(reco) >= {"action", "minutes", "run_minutes", "intervals", "effort", "nudges", "reason"}
    unclear_in = next(x for x in lines if x["dir"] == "in" and x["text"] == "hmm")
    assert "checkin" not in unclear_in
    assert not (tmp_path / "cli.db").exists()  # a fresh temporary database unless --db


@pytest.mark.parametrize(
    ("content", "needle"),
    [("not json\n", "line 1"), ('{"at": "2026-12-01T07:00:00", "user": "a", "text": "x"}\n', "offset"),
     ('{"at": "2026-12-02T07:00:00+00:00", "user": "a", "text": "x"}\n'
      '{"at": "2026-12-01T07:00:00+00:00", "user": "a", "text": "x"}\n', "time order"),
     ('{"at": "2026-12-01T07:00:00+00:00", "user": "a", "profile": {"shoe": 42}}\n', "shoe"),
     ('{"at": "2026-12-01T07:00:00+00:00", "user": "a", "profile": {"timezone": "Nowhere/Land"}}\n', "timezone")],
)
def test_simulate_rejects_bad_scripts_with_exit_2(tmp_path: Path, content: str, needle: str) -> None:
    f = tmp_path / "bad.jsonl"
    f.write_text(content)
    p = run(["simulate", str(f)], tmp_path)
    assert p.returncode == 2 and needle in p.stderr, p.stderr
    assert len(p.stderr.strip().splitlines()) == 1


def test_user_export_and_delete(tmp_path: Path) -> None:
    run(["chat", "--user", "bea"], tmp_path, "/start\nnew\nUTC\n08:00\nevery day\npain 2, walked 30 min\n")
    p = run(["user", "export", "console:bea"], tmp_path)
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data["checkins"][0]["activities"][0] == {**data["checkins"][0]["activities"][0], "kind": "walk", "minutes": 30}
    p = run(["user", "delete", "--yes", "console:bea"], tmp_path)
    assert p.returncode == 0 and json.loads(p.stdout)["rows"]["users"] == 1
    p = run(["user", "export", "console:bea"], tmp_path)
    assert p.returncode == 2 and "no user" in p.stderr


def _a_user(tmp_path: Path, name: str) -> str:
    p = run(["chat", "--user", name], tmp_path, "/start\nnew\nUTC\n08:00\nevery day\npain 2, walked 30 min\n")
    assert p.returncode == 0, p.stderr
    return f"console:{name}"


def _exists(tmp_path: Path, key: str) -> bool:
    return run(["user", "export", key], tmp_path).returncode == 0


def test_user_delete_without_a_terminal_refuses_unless_yes(tmp_path: Path) -> None:
    key = _a_user(tmp_path, "cy")
    p = run(["user", "delete", key], tmp_path, "y\n")  # a piped "y" is not an answer
    assert p.returncode == 2 and p.stdout == ""
    assert len(p.stderr.strip().splitlines()) == 1 and "--yes" in p.stderr, p.stderr
    assert _exists(tmp_path, key)
    p = run(["user", "delete", "-y", key], tmp_path)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout) == {**json.loads(p.stdout), "deleted": key}
    assert not _exists(tmp_path, key)


@pytest.mark.parametrize(("answer", "erased"), [(b"n\r", False), (b"\r", False), (b"y\r", True)])
def test_user_delete_on_a_terminal_asks_first(tmp_path: Path, answer: bytes, erased: bool) -> None:
    key = _a_user(tmp_path, "dee")
    t = Terminal(["user", "delete", key], tmp_path)
    try:
        t.expect("[y/N]")
        assert f"Erase everything stored about {key} (1 check-in," in t.text, t.text
        t.type(answer)
        assert t.wait() == (0 if erased else 1)
    finally:
        t.close()
    assert ('"deleted"' in t.text) is erased and ("nothing erased" in t.text) is not erased
    assert _exists(tmp_path, key) is not erased


def _command_paths() -> list[list[str]]:
    """Every command and group, walked from the CLI itself so a new command is checked too."""
    paths: list[list[str]] = []

    def walk(cmd: object, path: list[str]) -> None:
        paths.append(path)
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return paths


@pytest.mark.parametrize("path", _command_paths(), ids=lambda p: " ".join(p) or "backcheck")
def test_every_help_reads_cleanly(tmp_path: Path, path: list[str]) -> None:
    p = run([*path, "--help"], tmp_path)
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith(f"Usage: {' '.join(['backcheck', *path])} "), p.stdout
    assert "<bool>" not in p.stdout
    assert not re.search(r"<\w+>|\{\w+\}", p.stdout), p.stdout  # no <str>, <path>, {key}
    assert "architecture.md" not in p.stdout
    assert not re.search(r"[╭│╰]", p.stdout)  # no box drawing: it is grep-able and pipes cleanly


def test_the_docs_the_help_and_readme_point_to_are_in_the_repository(tmp_path: Path) -> None:
    helps = [run([*path, "--help"], tmp_path).stdout for path in (["simulate"], [])]
    named = {doc for text in helps for doc in re.findall(r"docs/[\w-]+\.md", text)}
    assert named == {"docs/contracts.md"}, helps
    assert all((REPO / doc).is_file() for doc in named)
    for doc in [REPO / "README.md", *(REPO / "docs").glob("*.md")]:
        text = doc.read_text()
        assert "architecture.md" not in text, doc
        for target in re.findall(r"\]\(([^)#:]+\.md)(?:#[^)]*)?\)", text):  # relative Markdown links
            assert (doc.parent / target).is_file(), (doc, target)


def test_library_log_lines_stay_out_of_the_chat(tmp_path: Path) -> None:
    # A config folder matplotlib cannot create makes it warn (twice) when the chart is drawn.
    (tmp_path / "a-file").write_text("")
    env = {"MPLCONFIGDIR": str(tmp_path / "a-file" / "mpl")}
    script = "/start\nnew\nUTC\n08:00\nevery day\npain 2, walked 30 min\nprogress\n"
    quiet = run(["chat"], tmp_path, script, env=env)
    assert quiet.returncode == 0, quiet.stderr
    assert "chart saved" in quiet.stdout
    assert "atplotlib" not in quiet.stdout + quiet.stderr, quiet.stderr
    assert len(quiet.stderr.strip().splitlines()) == 1  # the piped greeting, nothing else
    verbose = run(["-v", "chat", "--user", "vee"], tmp_path, script, env=env)
    assert verbose.returncode == 0, verbose.stderr
    assert "WARNING matplotlib" in verbose.stderr  # the same lines are there with -v
    assert "atplotlib" not in verbose.stdout
    assert "walked" not in verbose.stderr and "pain 2" not in verbose.stderr  # health data stays out of logs


def test_db_upgrade_and_bad_usage(tmp_path: Path) -> None:
    assert run(["db", "upgrade"], tmp_path).returncode == 0
    assert run(["no-such-command"], tmp_path).returncode == 2
    assert run(["simulate", str(tmp_path / "missing.jsonl")], tmp_path).returncode == 2


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_run_serves_health_and_the_console_chat(tmp_path: Path) -> None:
    port = _free_port()
    e = clean_env(tmp_path, BACKCHECK_PORT=str(port))
    proc = subprocess.Popen([*BACKCHECK, "run"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=e)
    try:
        deadline = time.monotonic() + 60
        r = first_answer(proc, f"http://127.0.0.1:{port}/healthz", deadline)
        assert r.status_code == 200 and r.text == "ok"
        # /readyz says "starting" until the database is migrated, then ready.
        while (r := httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5)).status_code == 503:
            assert r.json()["status"] == "starting" and time.monotonic() < deadline, r.text
            time.sleep(0.2)
        assert r.status_code == 200 and r.json()["database"] == "ok"
        assert httpx.get(f"http://127.0.0.1:{port}/nope", timeout=5).status_code == 404
        out, err = proc.communicate("/start\n", timeout=60)  # end of input ends the chat and the server
        assert proc.returncode == 0, err
        assert "not medical advice" in out
    finally:
        if proc.poll() is None:
            proc.kill()


def test_ctrl_c_stops_run_at_once_in_a_terminal(tmp_path: Path) -> None:
    t = Terminal(["run"], tmp_path, clean_env(tmp_path, BACKCHECK_PORT=str(_free_port())))
    try:
        t.expect("you> ")
        assert "You are console:me" in t.text
        t.type(CTRL_C)
        assert t.wait(timeout=30) == 130
    finally:
        t.close()
    assert "Traceback" not in t.text and "KeyboardInterrupt" not in t.text
    assert "\n" in t.text.rsplit("you> ", 1)[1], t.text
