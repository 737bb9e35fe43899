"""The layout's rules, checked on the source: the core knows no platform, adapters only translate,
the scheduler names no platform and builds no SQL."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLATFORM_SDKS = ("telegram", "slack_sdk", "slack_bolt", "adapters")


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def sources(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("path", sources("bot"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_core_imports_no_adapter_or_platform_sdk(path: Path) -> None:
    bad = {m for m in imports_of(path) if m.split(".")[0] in PLATFORM_SDKS}
    assert not bad, f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", [p for p in sources("adapters") if p.name != "cli.py"],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_adapters_translate_and_touch_no_store_or_sql(path: Path) -> None:
    # cli.py is the composition root: it opens the store to hand it to the core.
    bad = {m for m in imports_of(path) if m.startswith(("bot.store", "sqlalchemy", "sqlmodel", "bot.conversation."))
           and m != "bot.conversation"}
    assert not bad, f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", sources("scheduler"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_scheduler_names_no_platform_and_builds_no_sql(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"\b(telegram|slack|console)\b", text, re.IGNORECASE), path.name
    bad = {m for m in imports_of(path) if m.startswith(("sqlalchemy", "sqlmodel", "bot.store.tables"))
           and m != "sqlalchemy.ext.asyncio"}
    assert not bad, f"{path.name} imports {bad}"


def test_nothing_imports_the_dialogue_to_get_a_type() -> None:
    """Types live in bot.ports; modules that only need a type must not load the conversation."""
    for folder in ("bot", "scheduler", "adapters"):
        for path in sources(folder):
            if "conversation" in path.parts:
                continue
            for m in imports_of(path):
                assert not m.startswith("bot.conversation.") or m == "bot.conversation.state", (path, m)


def test_the_slack_adapter_is_small_modules_that_only_translate() -> None:
    """adapters/slack/: no store session or transaction of its own, no SQL text, and modules
    small enough to read (the core's calls are Coach's and the ports')."""
    paths = sources("adapters/slack")
    assert {p.name for p in paths} >= {"app.py", "blocks.py", "sender.py", "oauth.py"}
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\.session\(|\.run\(|\bSELECT\b|\bINSERT\b|\bUPDATE\b", text), path.name
        assert len(text.splitlines()) <= 500, f"{path.name}: split it"
        assert not any(m.startswith("bot.conversation.") for m in imports_of(path)), path.name
