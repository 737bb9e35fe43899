"""``backcheck stats``: the same report as the core's, as a table, JSON or CSV."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from bot.stats import default_range, stats_report
from tests.conftest import migrated_store
from tests.stats_seed import seed
from tests.terminal import BACKCHECK, clean_env


def backcheck(args: list[str], tmp_path: Path, url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*BACKCHECK, *args], capture_output=True, text=True, cwd=tmp_path, timeout=120,
                          env=clean_env(tmp_path, BACKCHECK_DATABASE_URL=url))


def test_stats_json_csv_and_table(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'club.db'}"

    async def prepare() -> dict:  # type: ignore[type-arg]
        async with migrated_store(url) as store:
            await seed(store)
            return await stats_report(store, default_range(datetime.now(UTC).date(), 3000))

    want = asyncio.run(prepare())
    assert want["users"]["total"] == 12
    got = backcheck(["stats", "--days", "3000", "--json"], tmp_path, url)
    assert got.returncode == 0, got.stderr
    assert json.loads(got.stdout) == want

    got = backcheck(["stats", "--days", "3000", "--csv"], tmp_path, url)
    rows = {(r["section"], r["figure"], r["detail"]): r["value"] for r in csv.DictReader(io.StringIO(got.stdout))}
    assert rows[("users", "total", "")] == "12" and rows[("users", "blocked", "")] == "<5"

    got = backcheck(["stats", "--days", "3000", "--team", "Joggers"], tmp_path, url)
    assert got.returncode == 0, got.stderr
    assert "team Joggers" in got.stdout and "<5" in got.stdout

    bad = backcheck(["stats", "--days", "0"], tmp_path, url)
    assert bad.returncode == 2 and "--days" in bad.stderr
    both = backcheck(["stats", "--json", "--csv"], tmp_path, url)
    assert both.returncode == 2 and "choose one" in both.stderr
