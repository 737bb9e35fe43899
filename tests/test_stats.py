"""Usage and outcome stats on a seeded club (tests/stats_seed.py), on SQLite and PostgreSQL: exact
figures, and every figure about fewer than five people shown as "<5" in every form."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import date

import pytest
import pytest_asyncio

from bot.stats import Range, csv_text, stats_report
from bot.store.repo import Store
from tests.conftest import fresh_pg_database, migrated_store
from tests.stats_seed import EXPECTED, RANGE, seed


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def seeded_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('stats') / 'stats.db'}"
    else:
        with fresh_pg_database("backcheck_stats") as url:
            yield url


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def club(seeded_url: str) -> AsyncIterator[Store]:
    async with migrated_store(seeded_url) as store:
        await seed(store)
        yield store


async def test_every_figure_of_the_seeded_club(club: Store) -> None:
    rep = await stats_report(club, RANGE)
    for section, want in EXPECTED.items():
        if isinstance(want, dict):
            got = {k: v for k, v in rep[section].items() if k in want}
            assert got == want, section
        else:
            assert rep[section] == want, section


async def test_daily_series(club: Store) -> None:
    rep = await stats_report(club, RANGE)
    daily = rep["checkins"]["daily"]
    assert len(daily) == 30 and {(d["sent"], d["answered"]) for d in daily} == {(7, 6)}
    active = {d["date"]: d["users"] for d in rep["checkins"]["active_daily"]}
    assert active["2026-11-02"] == active["2026-11-03"] == 7
    assert active["2026-11-10"] == active["2026-11-12"] == 9
    assert active["2026-11-20"] == 6 and len(active) == 30


async def test_a_team_narrows_every_figure(club: Store) -> None:
    rep = await stats_report(club, Range(RANGE.start, RANGE.end, "Harriers"))
    assert rep["users"]["total"] == 6  # telegram:999 never talked to the bot
    assert rep["checkins"]["sent"] == 180 and rep["checkins"]["answered"] == 180
    assert rep["outcomes"]["users"] == 6
    assert [t["team"] for t in rep["teams"]] == ["Harriers"]
    small = await stats_report(club, Range(RANGE.start, RANGE.end, "Joggers"))
    assert small["users"]["total"] == "<5" and small["checkins"]["sent"] == "<5"
    assert small["outcomes"]["median_pain_change"] is None  # nobody with four weeks: nothing to hide


async def test_small_numbers_hidden_in_the_csv_too(club: Store) -> None:
    rep = await stats_report(club, RANGE)
    rows = list(csv.DictReader(io.StringIO(csv_text(rep))))
    by = {(r["section"], r["figure"], r["detail"]): r["value"] for r in rows}
    assert by[("users", "total", "")] == "12"
    assert by[("users", "blocked", "")] == "<5"
    assert by[("coaching", "referrals", "soon")] == "<5"
    assert by[("retention", "week_1", "2026-11-02")] == "0.875"
    assert by[("retention", "week_1", "2026-11-09")] == "<5"
    assert by[("teams", "members", "Joggers")] == "<5"
    # No raw count of 1 to 4 people anywhere.
    assert not [r for r in rows if r["value"] in ("1", "2", "3", "4") and r["figure"] not in ("improved_by",)]


async def test_an_empty_range(club: Store) -> None:
    rep = await stats_report(club, Range(date(2020, 1, 1), date(2020, 1, 7)))
    assert rep["users"]["total"] == 0 and rep["checkins"]["response_rate"] is None
    assert rep["retention"] == [] and rep["outcomes"]["median_pain_change"] is None


def test_csv_cells_are_not_formulas() -> None:
    rep = {"range": {}, "users": {"total": 0, "active_7d": 0, "active_30d": 0, "paused": 0, "blocked": 0,
                                  "stopped": 0, "by_platform": {}, "new_per_week": []},
           "checkins": {k: None for k in ("sent", "answered", "response_rate", "median_minutes_to_answer",
                                          "reminders_sent", "answered_after_reminder_share")} | {"daily": [],
                                                                                               "active_daily": []},
           "coaching": {"suggestions": {}, "nudges": {}, "referrals": {}, "red_flag_answers": 0}, "retention": [],
           "outcomes": {"users": 0, "median_pain_change": -3.0, "improved_share": None, "distribution": [],
                        "weekly_minutes": []},
           "teams": [{"team": "=HYPERLINK(\"http://x\")", "members": 5, "participation": 1.0, "active_7d": 5,
                      "on_streak": 0, "mean_streak_days": 1.0}]}
    rows = list(csv.reader(io.StringIO(csv_text(rep))))
    assert ["teams", "members", "'=HYPERLINK(\"http://x\")", "5"] in rows
    assert ["outcomes", "median_pain_change", "", "-3.0"] in rows
