"""Every text template in bot/messages.py rendered with 0, 1 and many (issue 12, item 3): plurals
agree with their numbers, "every day" is never "on every day", no sentence says the same twice,
and the session line of a suggestion is not repeated by its reason."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from bot import messages as M
from bot.domain import Activity, CheckIn, Profile
from bot.model import initial_state, step

_NUMERIC = {"n", "mic", "pain", "first", "later", "run", "cross", "strength", "run_minutes", "minutes", "new", "old"}
#: Fields that are filled with a count and its noun (``M.plural``).
_COUNTED = {"checkins": "check-in", "chars": "character", "sessions": "session", "streak": "day"}
_PLURALS = ("check-ins", "minutes", "days", "weeks", "sessions", "runs", "characters", "walks", "times")


def _templates() -> Iterator[tuple[str, str]]:
    for name, value in vars(M).items():
        if name.startswith("_"):
            continue
        if isinstance(value, str):
            yield name, value
        elif isinstance(value, dict):
            for k, v in value.items():
                if isinstance(v, str):
                    yield f"{name}[{k}]", v
                elif isinstance(v, tuple):
                    yield from ((f"{name}[{k}]", x) for x in v if isinstance(x, str))


def _fields(t: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(t) if f}


#: Templates whose number is never 1, and why (checked where they are filled).
_NEVER_ONE = {
    "AGO_DAYS": "today and yesterday have their own words (bot/model/reasons.py)",
    "OFF_RUNS": "said from th.RUNS_PER_WEEK (3) runs up", "OFF_RUNS_ASIDE": "as OFF_RUNS",
    "REASON_RUN_MAX": "the plan's longest run", "REASON_SESSION_RUN": "a suggested run is minutes long",
    "REASON_SESSION_WALK_RUN": "a suggested walk/run session is minutes long",
}


def _render(t: str, n: int) -> str:
    values: dict[str, object] = {}
    for f in _fields(t):
        if f in ("start", "end"):
            values[f] = date(2026, 11, 30) + timedelta(days=6 * (f == "end"))
        elif f in _NUMERIC:
            values[f] = n
        elif f in _COUNTED:
            values[f] = M.plural(n, _COUNTED[f])
        elif f == "days":
            values[f] = M.days_words(("mon", "tue", "wed", "thu", "fri", "sat", "sun")[: max(n, 1)])
        else:
            values[f] = "something"
    return t.format(**values)


TEMPLATES = sorted(_templates())


def test_every_template_is_found() -> None:
    assert len(TEMPLATES) > 80
    assert {"PROGRESS_WEEK", "ONBOARDED", "SETTINGS", "DONE_SCHEDULE", "FALLBACK"} <= {n for n, _ in TEMPLATES}


@pytest.mark.parametrize("n", [0, 1, 7])
@pytest.mark.parametrize(("name", "template"), TEMPLATES, ids=[n for n, _ in TEMPLATES])
def test_template_reads_well(name: str, template: str, n: int) -> None:
    if n == 1 and (name in _NEVER_ONE or name.endswith("_MANY")):  # a _MANY is the plural of its _ONE
        n = 2
    text = _render(template, n)
    assert not re.search(r"(?<![\d.])1 (?:" + "|".join(_PLURALS) + r")\b", text), text
    assert "on every day" not in text and "on on " not in text
    assert not re.search(r"\s[.,]|\.\.(?!\.)|  ", text.replace("\n", " ")), text
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]
    assert len(sentences) == len(set(sentences)), text


@pytest.mark.parametrize(("n", "word", "expected"), [
    (0, "check-in", "0 check-ins"), (1, "check-in", "1 check-in"), (7, "check-in", "7 check-ins"),
    (1.0, "day", "1 day"), (2.5, "minute", "2.5 minutes"),
])
def test_plural(n: float, word: str, expected: str) -> None:
    assert M.plural(n, word) == expected


@pytest.mark.parametrize(("days", "expected"), [
    (("mon", "tue", "wed", "thu", "fri", "sat", "sun"), "every day"),
    (("mon", "tue", "wed", "thu", "fri"), "Monday to Friday"),
    (("sat", "sun"), "at weekends"),
    (("wed",), "on Wednesday"),
    (("fri", "mon", "wed"), "on Monday, Wednesday and Friday"),
])
def test_days_words(days: tuple[str, ...], expected: str) -> None:
    assert M.days_words(days) == expected


def _diaries() -> Iterator[list[CheckIn]]:
    """A few weeks of check-ins that walk the model through its rules: steady, flaring, severe,
    a leg symptom, inactive days."""
    run = Activity("run", minutes=20, run_minutes=20)
    yield [CheckIn(pain=2, activities=(run,)) for _ in range(21)]
    yield [CheckIn(pain=3, activities=(replace_pain(run, 7),)) for _ in range(6)]
    yield [CheckIn(pain=p) for p in (8, 8, 9, 6, 5, 5, 4)]
    yield [CheckIn(pain=3, leg_pain=6, leg_symptoms=("leg_pain",)) for _ in range(5)]
    yield [CheckIn(pain=2, rested=True) for _ in range(5)]


def replace_pain(a: Activity, pain: float) -> Activity:
    from dataclasses import replace

    return replace(a, pain_during=pain)


@pytest.mark.parametrize("experience", ["new", "returning", "regular"])
def test_no_suggestion_repeats_its_session_line_in_its_reason(experience: str) -> None:
    start = date(2026, 1, 5)
    profile = Profile(experience=experience, comfortable_run_minutes=None if experience == "new" else 25)  # type: ignore[arg-type]
    for diary in _diaries():
        state = initial_state(profile, start)
        for i, ci in enumerate(diary):
            state, reco = step(state, profile, ci, start + timedelta(days=i))
            text = M.recommendation_text(reco)
            sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n", text) if s.strip()]
            assert len(sentences) == len(set(sentences)), text
            assert "on every day" not in text


def test_docs_exercises_holds_every_how_to_the_bot_sends(repo_root) -> None:  # type: ignore[no-untyped-def]
    from bot.exercises import EXERCISES, STRENGTH_HOW

    doc = (repo_root / "docs" / "exercises.md").read_text(encoding="utf-8")
    assert all(h.text in doc for h in EXERCISES.values())
    assert STRENGTH_HOW.splitlines()[0] in doc
    assert doc.count("Source:") >= len(EXERCISES)


def test_no_text_is_defined_twice_in_messages() -> None:
    # Two helpers editing messages.py at once once left a second DIGEST_FOOTER silently replacing
    # the first: each name is defined once.
    import ast
    import collections
    from pathlib import Path

    import bot.messages

    tree = ast.parse(Path(bot.messages.__file__).read_text())
    names = [target.id for node in tree.body if isinstance(node, ast.Assign)
             for each in node.targets
             for target in (each.elts if isinstance(each, ast.Tuple) else [each])
             if isinstance(target, ast.Name)]
    assert [n for n, count in collections.Counter(names).items() if count > 1] == []
