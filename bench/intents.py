"""What the request reader (bot/intents) costs: per plain check-in (the one-regex test that keeps
the reader out of the way) and per request read. Prints figures; asserts nothing.

    python -m bench.intents [--n 20000]
"""

from __future__ import annotations

import argparse
import time
from datetime import date

from bench.replies import REPLIES
from bot.intents import might_be_request, read_intent
from bot.parse import parse_checkin

REQUESTS = [
    "remind me at 6:30 instead", "not on Sundays", "I'm in Sydney this month", "off for two weeks", "why?",
    "how do I do a bird dog?", "what's the plan today", "pain 3, ran 20. can we move to 8am?", "thanks", "undo",
]


def per_call(fn: object, texts: list[str], n: int) -> float:
    """Median-free simple mean: microseconds per call over ``n`` calls cycling through ``texts``."""
    f = fn  # type: ignore[assignment]
    t0 = time.process_time()
    for i in range(n):
        f(texts[i % len(texts)])  # type: ignore[operator]
    return (time.process_time() - t0) / n * 1e6


def main(n: int) -> None:
    today = date(2026, 12, 1)
    print(f"check-in parser, per plain check-in: {per_call(parse_checkin, REPLIES, n):.1f} µs CPU")
    print(f"request test (might_be_request), per plain check-in: {per_call(might_be_request, REPLIES, n):.2f} µs CPU"
          f"  (plain check-ins that reach the reader: {sum(might_be_request(r) for r in REPLIES)}/{len(REPLIES)})")
    print(f"request reader (read_intent), per request: "
          f"{per_call(lambda t: read_intent(t, today), REQUESTS, n // 4):.1f} µs CPU")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=20000)
    main(ap.parse_args().n)
