"""deploy/ (issue 11, item 3): what can be tested without a container engine. Every manifest
parses and names only settings that exist; every setting is in .env.example; the image's command
runs here with the image's environment, and its HEALTHCHECK passes against it; the systemd unit
verifies; replicas that start together migrate one at a time."""

from __future__ import annotations

import asyncio
import configparser
import json
import re
import shlex
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import Settings
from tests.conftest import fresh_pg_database
from tests.fake_telegram import FakeTelegram
from tests.terminal import BACKCHECK, clean_env

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
SETTINGS = {f"BACKCHECK_{name.upper()}" for name in Settings.model_fields}


def yaml_files() -> list[Path]:
    return sorted(DEPLOY.rglob("*.yaml")) + sorted(DEPLOY.rglob("*.yml"))


def docs(path: Path) -> list[Any]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d is not None]


def k8s(kind: str) -> dict[str, Any]:
    found = [d for p in (DEPLOY / "k8s").glob("*.yaml") for d in docs(p) if d.get("kind") == kind]
    assert len(found) == 1, f"one {kind} in deploy/k8s, found {len(found)}"
    return found[0]


# --- manifests ----------------------------------------------------------------------------------


def test_every_manifest_parses() -> None:
    files = yaml_files()
    assert {p.relative_to(DEPLOY).as_posix() for p in files} >= {
        "compose.yaml", "k8s/deployment.yaml", "k8s/service.yaml", "k8s/secret.example.yaml", "k8s/cronjob.yaml"}
    for p in files:
        assert docs(p), f"{p} is empty"


def test_manifests_name_only_settings_that_exist() -> None:
    for p in sorted(q for q in DEPLOY.rglob("*") if q.is_file()):
        named = set(re.findall(r"\bBACKCHECK_[A-Z0-9_]+", p.read_text()))
        assert named <= SETTINGS, f"{p.name} names settings that do not exist: {sorted(named - SETTINGS)}"


def test_env_example_lists_every_setting_with_a_comment() -> None:
    lines = (DEPLOY / ".env.example").read_text().splitlines()
    for name in sorted(SETTINGS):
        at = [i for i, line in enumerate(lines) if re.match(rf"^#?\s*{name}=", line)]
        assert len(at) == 1, f"{name} is not in deploy/.env.example (once)"
        assert lines[at[0] - 1].startswith("#"), f"{name} has no comment above it"


def test_compose_runs_backcheck_beside_postgresql_with_a_volume() -> None:
    (c,) = docs(DEPLOY / "compose.yaml")
    app, db = c["services"]["backcheck"], c["services"]["postgres"]
    assert app["env_file"] == ".env" and app["restart"] and db["restart"]
    assert app["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "postgresql://" in app["environment"]["BACKCHECK_DATABASE_URL"]
    assert db["volumes"][0].split(":")[0] in c["volumes"]
    assert (DEPLOY / app["build"]["context"] / app["build"]["dockerfile"]).resolve() == DEPLOY / "Dockerfile"


def test_kubernetes_deployment_probes_and_cronjob() -> None:
    dep = k8s("Deployment")
    assert dep["spec"]["replicas"] == 2
    (ctr,) = dep["spec"]["template"]["spec"]["containers"]
    assert ctr["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert ctr["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert ctr["args"] == ["run"]
    assert dep["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True
    refs = {r.get("secretRef", {}).get("name") for r in ctr["envFrom"]}
    secret = k8s("Secret")
    assert secret["metadata"]["name"] in refs
    assert set(secret["stringData"]) <= SETTINGS
    job = k8s("CronJob")["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert job["containers"][0]["args"] == ["tick"] and job["restartPolicy"] == "Never"
    assert k8s("CronJob")["spec"]["concurrencyPolicy"] == "Forbid"
    svc = k8s("Service")
    assert svc["spec"]["selector"] == dep["spec"]["selector"]["matchLabels"]


# --- the image ----------------------------------------------------------------------------------


class Dockerfile:
    """The final stage of deploy/Dockerfile, read the way docker reads the instructions we use."""

    def __init__(self, path: Path) -> None:
        text = re.sub(r"\\\n", " ", path.read_text())
        self.stages = 0
        self.env: dict[str, str] = {}
        self.user = self.entrypoint = self.cmd = self.healthcheck = None  # type: ignore[assignment]
        for line in text.splitlines():
            word, _, rest = line.strip().partition(" ")
            word = word.upper()
            if word == "FROM":
                self.stages += 1
                self.env, self.user = {}, None
            elif word == "ENV":
                for part in shlex.split(rest):
                    k, _, v = part.partition("=")
                    self.env[k] = v
            elif word == "USER":
                self.user = rest.strip()
            elif word == "ENTRYPOINT":
                self.entrypoint = json.loads(rest)
            elif word == "CMD":
                self.cmd = json.loads(rest)
            elif word == "HEALTHCHECK":
                self.healthcheck = json.loads(rest[rest.index("CMD") + 3:])


def image() -> Dockerfile:
    return Dockerfile(DEPLOY / "Dockerfile")


def test_the_image_is_multi_stage_and_not_root() -> None:
    d = image()
    assert d.stages >= 2
    assert d.user not in (None, "root", "0")
    assert d.entrypoint == ["backcheck"] and d.cmd == ["run"]
    assert any("/healthz" in part for part in d.healthcheck)
    assert set(re.findall(r"BACKCHECK_\w+", " ".join(d.env))) <= SETTINGS


def image_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The image's ENV on this machine: its PATH entries do not exist here, the rest is as is."""
    env = clean_env(tmp_path)
    env.pop("BACKCHECK_DATABASE_URL")
    env.update({k: v for k, v in image().env.items() if k != "PATH"})
    env.update(extra)
    return env


def entrypoint(*args: str) -> list[str]:
    """The image's ENTRYPOINT, ``backcheck``, as it runs here."""
    assert image().entrypoint == ["backcheck"]
    return [*BACKCHECK, *args]


def test_the_entrypoint_runs_with_the_image_environment(tmp_path: Path) -> None:
    p = subprocess.run(entrypoint("--help"), capture_output=True, text=True, env=image_env(tmp_path), cwd=tmp_path,
                       timeout=60)
    assert p.returncode == 0 and "run" in p.stdout
    # The image's database folder (its volume) does not exist here: one line saying so, exit 2.
    p = subprocess.run(entrypoint("db", "upgrade"), capture_output=True, text=True, env=image_env(tmp_path),
                       cwd=tmp_path, timeout=60)
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and "/var/lib/backcheck" in p.stderr
    url = image().env["BACKCHECK_DATABASE_URL"].replace("/var/lib/backcheck", str(tmp_path))
    p = subprocess.run(entrypoint("db", "upgrade"), capture_output=True, text=True,
                       env=image_env(tmp_path, BACKCHECK_DATABASE_URL=url), cwd=tmp_path, timeout=60)
    assert p.returncode == 0, p.stderr


@pytest.mark.asyncio(loop_scope="session")
async def test_the_image_command_serves_and_its_healthcheck_passes(tmp_path: Path, fake_telegram: FakeTelegram) -> None:
    d = image()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = str(s.getsockname()[1])
    url = d.env["BACKCHECK_DATABASE_URL"].replace("/var/lib/backcheck", str(tmp_path))
    env = image_env(tmp_path, BACKCHECK_DATABASE_URL=url, BACKCHECK_PORT=port,
                    BACKCHECK_TELEGRAM_TOKEN="42:image-test", BACKCHECK_TELEGRAM_API_URL=fake_telegram.base_url)
    assert env["BACKCHECK_HOST"] == "0.0.0.0"
    server = await asyncio.create_subprocess_exec(*entrypoint(*d.cmd), env=env, cwd=tmp_path,
                                                  stdin=asyncio.subprocess.DEVNULL,
                                                  stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    check = [part.replace("8080", port) for part in d.healthcheck]
    assert check[0] == "python"
    try:
        for _ in range(300):
            probe = await asyncio.create_subprocess_exec(shutil.which("python3") or "python3", *check[1:],
                                                         stderr=asyncio.subprocess.DEVNULL)
            if await probe.wait() == 0:
                break
            assert server.returncode is None, "backcheck run exited"
            await asyncio.sleep(0.2)
        else:
            raise AssertionError("the HEALTHCHECK never passed")
    finally:
        server.terminate()
        await server.wait()


# --- systemd ------------------------------------------------------------------------------------


def test_the_systemd_unit_is_hardened_and_verifies(tmp_path: Path) -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(DEPLOY / "backcheck.service")
    svc = unit["Service"]
    assert svc["ExecStart"].endswith("backcheck run")
    assert svc["DynamicUser"] == "yes" and svc["NoNewPrivileges"] == "yes" and svc["ProtectSystem"] == "strict"
    assert svc["RestartPreventExitStatus"] == "2"  # a wrong setting is not restarted in a loop
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        return
    # verify needs ExecStart to exist: the shared venv's backcheck stands in for /opt/backcheck's.
    here = Path(shutil.which("backcheck") or sys.executable)  # any executable will do for verify
    copy = tmp_path / "backcheck.service"
    copy.write_text((DEPLOY / "backcheck.service").read_text().replace("/opt/backcheck/bin/backcheck", str(here)))
    p = subprocess.run([analyze, "verify", str(copy)], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0 and not p.stderr.strip(), p.stderr


# --- replicas starting together -----------------------------------------------------------------


def test_replicas_starting_together_migrate_one_at_a_time(tmp_path: Path) -> None:
    with fresh_pg_database("backcheck_migrate") as url:
        procs = [subprocess.Popen(entrypoint("db", "upgrade"), env=clean_env(tmp_path, BACKCHECK_DATABASE_URL=url),
                                  cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(3)]
        results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in procs]
    assert all(code == 0 for code, _ in results), results
