"""How well ``bot.parse.parse_checkin`` reads real-world check-in replies it was not designed on.

The held-out set (``tests/data/parser_heldout.jsonl``) was written without looking at the parser, so
this measures honest accuracy rather than agreement with the parser's own examples. Each line is
``{"text", "pain", "kinds", "minutes", "km", "red_flags"}`` and optionally ``negated_red_flags``: flags
the message mentions only to deny them, or near-misses that are not red flags (one-sided sciatica,
weight lost on purpose). Those lines measure false alarms.

Five fields are scored per message:

- ``pain``: within 0.5 of the label, or both absent.
- ``kinds``: the same multiset of activity kinds (order is not scored).
- ``minutes`` / ``km``: for every kind, the multiset of values of that kind matches within
  1 minute / 0.1 km, absent matching absent. A wrong or missing activity therefore also costs these two
  fields: an amount attached to the wrong activity is not a right amount.
- ``red_flags``: the same set.

Run ``python -m bench.parser_accuracy [PATH] [--misses]``. It reports and exits 0; gating lives in
``tests/test_parser_accuracy.py``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bot.domain import CheckIn

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "tests" / "data" / "parser_heldout.jsonl"
FIELDS: tuple[str, ...] = ("pain", "kinds", "minutes", "km", "red_flags")
PAIN_TOLERANCE = 0.5
MINUTES_TOLERANCE = 1.0
KM_TOLERANCE = 0.1
# Labels are rounded to 2 decimals, so an exact-boundary comparison must not hinge on float noise.
_EPS = 1e-9

Parser = Callable[[str], CheckIn]


def load(path: str | Path = DEFAULT_PATH) -> list[dict[str, Any]]:
    """The labelled messages, in file order (blank lines skipped)."""
    items: list[dict[str, Any]] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                items.append(json.loads(line))
    return items


def observed(checkin: CheckIn) -> dict[str, Any]:
    """A parser result in the label's shape, so expected and got print side by side."""
    acts = checkin.activities
    return {
        "pain": checkin.pain,
        "kinds": [a.kind for a in acts],
        "minutes": [a.minutes for a in acts],
        "km": [a.km for a in acts],
        "red_flags": sorted(checkin.red_flags),
    }


def _close(a: float | None, b: float | None, tol: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= tol + _EPS


def pain_ok(expected: float | None, got: float | None) -> bool:
    return _close(expected, got, PAIN_TOLERANCE)


def kinds_ok(expected: Sequence[str], got: Sequence[str]) -> bool:
    return Counter(expected) == Counter(got)


def _by_kind(kinds: Sequence[str], values: Sequence[float | None]) -> dict[str, list[float | None]]:
    groups: dict[str, list[float | None]] = defaultdict(list)
    for kind, value in zip(kinds, values, strict=True):
        groups[kind].append(value)
    return groups


def _multiset_close(a: list[float | None], b: list[float | None], tol: float) -> bool:
    if len(a) != len(b) or sum(v is None for v in a) != sum(v is None for v in b):
        return False
    # In one dimension, pairing both sides in sorted order finds a within-tolerance matching whenever
    # any exists, so no search over pairings is needed.
    xs = sorted(v for v in a if v is not None)
    ys = sorted(v for v in b if v is not None)
    return all(_close(x, y, tol) for x, y in zip(xs, ys, strict=True))


def amounts_ok(
    expected_kinds: Sequence[str],
    expected: Sequence[float | None],
    got_kinds: Sequence[str],
    got: Sequence[float | None],
    tol: float,
) -> bool:
    """Per kind, the values of that kind match as multisets within ``tol``."""
    e = _by_kind(expected_kinds, expected)
    g = _by_kind(got_kinds, got)
    return all(_multiset_close(e.get(k, []), g.get(k, []), tol) for k in set(e) | set(g))


def field_results(expected: dict[str, Any], got: dict[str, Any]) -> dict[str, bool]:
    """Which of the five fields the parser got right for one message."""
    return {
        "pain": pain_ok(expected["pain"], got["pain"]),
        "kinds": kinds_ok(expected["kinds"], got["kinds"]),
        "minutes": amounts_ok(
            expected["kinds"], expected["minutes"], got["kinds"], got["minutes"], MINUTES_TOLERANCE
        ),
        "km": amounts_ok(expected["kinds"], expected["km"], got["kinds"], got["km"], KM_TOLERANCE),
        "red_flags": set(expected["red_flags"]) == set(got["red_flags"]),
    }


def _default_parser() -> Parser:
    # Imported late so the set and the scorer's own tests do not need the parser to exist.
    from bot.parse import parse_checkin

    return parse_checkin


def _expected(item: dict[str, Any]) -> dict[str, Any]:
    return {f: item[f] for f in FIELDS}


def score(path: str | Path = DEFAULT_PATH, parse: Parser | None = None) -> dict[str, Any]:
    """Score ``parse`` (default ``bot.parse.parse_checkin``) on the set at ``path``.

    A parser exception counts as every field wrong for that message and is listed under ``errors``.
    """
    parser = parse if parse is not None else _default_parser()
    items = load(path)
    correct = dict.fromkeys(FIELDS, 0)
    misses: list[dict[str, Any]] = []
    errors: list[dict[str, str]] = []
    flags_expected = flags_found = flag_messages = negated_messages = 0
    missed_flags: list[dict[str, Any]] = []
    false_alarms: list[dict[str, Any]] = []
    negated_false_positives: list[dict[str, Any]] = []

    for item in items:
        text = item["text"]
        expected = _expected(item)
        try:
            got = observed(parser(text))
        except Exception as exc:  # a crash on one message must not hide the other 199 results
            errors.append({"text": text, "error": f"{type(exc).__name__}: {exc}"})
            results = dict.fromkeys(FIELDS, False)
            got = {"error": f"{type(exc).__name__}: {exc}"}
            got_flags: set[str] = set()
        else:
            results = field_results(expected, got)
            got_flags = set(got["red_flags"])
        for f in FIELDS:
            correct[f] += results[f]
        if not all(results.values()):
            wrong = [f for f in FIELDS if not results[f]]
            misses.append({"text": text, "wrong": wrong, "expected": expected, "got": got})

        want = set(item["red_flags"])
        if want:
            flag_messages += 1
            flags_expected += len(want)
            flags_found += len(want & got_flags)
            if want - got_flags:
                missed_flags.append({"text": text, "missed": sorted(want - got_flags), "got": sorted(got_flags)})
        spurious = got_flags - want
        if spurious:
            alarm = {"text": text, "spurious": sorted(spurious), "got": sorted(got_flags)}
            false_alarms.append(alarm)
            if item.get("negated_red_flags"):
                negated_false_positives.append(alarm)
        if item.get("negated_red_flags"):
            negated_messages += 1

    n = len(items)
    total_right = sum(correct.values())
    return {
        "n": n,
        "correct": correct,
        "fields": {f: (correct[f] / n if n else 0.0) for f in FIELDS},
        "overall": total_right / (n * len(FIELDS)) if n else 0.0,
        "red_flag_messages": flag_messages,
        "red_flags_expected": flags_expected,
        "red_flags_found": flags_found,
        "red_flag_recall": flags_found / flags_expected if flags_expected else 1.0,
        "red_flag_missed": missed_flags,
        "negated_messages": negated_messages,
        "negated_false_positives": negated_false_positives,
        "red_flag_false_alarms": false_alarms,
        "errors": errors,
        "misses": misses,
    }


def _dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def report(result: dict[str, Any], show_misses: bool = False) -> str:
    """The human-readable summary ``main`` prints."""
    n = result["n"]
    lines = [f"parser accuracy on {n} held-out messages"]
    for f in FIELDS:
        lines.append(f"  {f:<10} {result['fields'][f]:6.1%}  ({result['correct'][f]}/{n})")
    lines.append(f"  {'overall':<10} {result['overall']:6.1%}  ({sum(result['correct'].values())}/{n * len(FIELDS)} fields)")
    lines.append(
        f"red-flag recall {result['red_flag_recall']:.1%} "
        f"({result['red_flags_found']}/{result['red_flags_expected']} flags in {result['red_flag_messages']} messages); "
        f"missed in {len(result['red_flag_missed'])} messages"
    )
    lines.append(
        f"false alarms: {len(result['negated_false_positives'])} of {result['negated_messages']} negated/near-miss "
        f"messages, {len(result['red_flag_false_alarms'])} messages in all"
    )
    lines.append(f"parser errors: {len(result['errors'])}")
    if show_misses:
        for miss in result["misses"]:
            lines.append("")
            lines.append(f"- {_dump(miss['text'])}")
            lines.append(f"  wrong:    {', '.join(miss['wrong'])}")
            lines.append(f"  expected: {_dump(miss['expected'])}")
            lines.append(f"  got:      {_dump(miss['got'])}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.parser_accuracy", description="Score the check-in parser on the held-out set.")
    ap.add_argument("path", nargs="?", default=str(DEFAULT_PATH), help="held-out JSON Lines file")
    ap.add_argument("--misses", action="store_true", help="list every message with a wrong field")
    args = ap.parse_args(argv)
    try:
        parser = _default_parser()
    except ImportError as exc:
        print(f"cannot import bot.parse.parse_checkin: {exc}", file=sys.stderr)
        return 1
    print(report(score(args.path, parser), show_misses=args.misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
