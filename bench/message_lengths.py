"""Lengths of what the bot says over the persona diaries in docs/examples (issue 8: answers under 500
characters). Replays each diary through the real core and scheduler, as ``backcheck simulate`` does,
and prints the median and longest outgoing message, overall and per diary. Asserts nothing.

    python -m bench.message_lengths [FILES...]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.simulate import read_script
from scheduler.sim import replay

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"


async def lengths_of(path: Path, text: str) -> list[tuple[int, str]]:
    steps = read_script(text.splitlines())
    out: list[tuple[int, str]] = []

    def emit(line: dict[str, Any]) -> None:
        if line.get("dir") == "out":
            out.append((len(line["text"]), line["text"]))

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/lengths.db"
        await replay(Settings(_env_file=None, database_url=url), steps, emit)  # type: ignore[call-arg]
    return out


async def main(paths: list[Path]) -> None:
    everything: list[int] = []
    longest: tuple[int, str, str] = (0, "", "")
    for path in paths:
        got = await lengths_of(path, path.read_text(encoding="utf-8"))
        sizes = [n for n, _ in got]
        everything += sizes
        top = max(got, default=(0, ""))
        if top[0] > longest[0]:
            longest = (top[0], path.name, top[1])
        print(f"{path.name:32} {len(sizes):4} messages, median {statistics.median(sizes) if sizes else 0:5.0f}, "
              f"longest {top[0]:4} characters")
    if everything:
        over = sum(1 for n in everything if n >= 500)
        print(f"all diaries: {len(everything)} messages, median {statistics.median(everything):.0f} characters, "
              f"longest {longest[0]} ({longest[1]}); {over} at or over 500")
        print(f"the longest:\n{longest[2]}")


if __name__ == "__main__":
    args = [Path(a) for a in sys.argv[1:]] or sorted(EXAMPLES.glob("*.jsonl"))
    asyncio.run(main(args))
