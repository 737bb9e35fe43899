"""Word-keyed regexes: a pattern tried only where one of its first words starts.

CPython's regex engine runs a pattern such as ``\\b(?:during|while|...)`` by trying the
alternatives at every position of the text; with the parser's long word lists that cost tens of
microseconds per pattern on an 80-character reply. Instead the text is cut into word tokens
once (:class:`Doc`), every distinct word is classified once by which patterns it may start (a
bounded memo, so repeated words cost one dict lookup), and each :class:`Keyed` pattern is only
tried with ``match`` at the starts of those words.

The result equals ``full.finditer`` as long as every match of the full pattern starts at a word
token whose text begins with one of the listed first words; the property tests check this
against plain ``finditer``. Patterns must therefore start with a word (or digit) character.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable

#: Word tokens: letters/digits, with apostrophe parts kept ("back's", "didn't", "i'm").
_TOKEN_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)*")

DIGITS: tuple[str, ...] = tuple("0123456789")

_REGISTRY: list[_Prefixed] = []
_MEMO: dict[str, tuple[int, ...]] = {}
#: The memo is cleared when it grows past this (it only ever holds word -> bits).
_MEMO_LIMIT = 100_000


def _bits_of(word: str) -> tuple[int, ...]:
    bits = tuple(k.bit for k in _REGISTRY if word.startswith(k.prefixes))
    if len(_MEMO) >= _MEMO_LIMIT:
        _MEMO.clear()
    _MEMO[word] = bits
    return bits


class Doc:
    """The word tokens of a normalised text, with the pattern bits each may start."""

    __slots__ = ("_positions",)

    def __init__(self, s: str) -> None:
        positions: dict[int, list[int]] = {}
        memo = _MEMO
        pos = 0
        for w in _TOKEN_RE.findall(s):
            # Tokens come in order and the gaps between them hold no token characters, so the
            # first occurrence from the end of the previous token is this token.
            p = s.find(w, pos)
            pos = p + len(w)
            bits = memo.get(w)
            if bits is None:
                bits = _bits_of(w)
            for b in bits:
                found = positions.get(b)
                if found is None:
                    positions[b] = [p]
                else:
                    found.append(p)
        self._positions = positions

    def positions(self, bit: int) -> list[int]:
        """Start positions of the tokens that may start a pattern with this bit."""
        return self._positions.get(bit, _NONE)

    def present(self) -> int:
        """The bits of every pattern some token may start, OR-ed (each bit is its own power of two)."""
        return sum(self._positions)

    def any_in(self, bit: int, lo: int, hi: int) -> bool:
        ps = self._positions.get(bit)
        if ps is None:
            return False
        i = bisect_left(ps, lo)
        return i < len(ps) and ps[i] < hi


_NONE: list[int] = []


class _Prefixed:
    """Something keyed by the words its matches start with; gets one bit of the word masks."""

    __slots__ = ("bit", "prefixes")

    def __init__(self, firsts: Iterable[str]) -> None:
        self.prefixes = tuple(sorted({w for w in firsts if w}))
        self.bit = 1 << len(_REGISTRY)
        _REGISTRY.append(self)
        _MEMO.clear()


class Keyed(_Prefixed):
    """``full`` tried only at tokens starting with one of ``firsts`` (see the module docstring)."""

    __slots__ = ("full",)

    def __init__(self, full: str | re.Pattern[str], firsts: Iterable[str]) -> None:
        super().__init__(firsts)
        self.full = re.compile(full) if isinstance(full, str) else full

    def finditer(self, doc: Doc, s: str, lo: int = 0, hi: int | None = None) -> list[re.Match[str]]:
        """Like ``list(full.finditer(s, lo, hi))``, trying only the candidate word starts."""
        ps = doc._positions.get(self.bit)
        if not ps:
            return []
        end = len(s) if hi is None else hi
        full = self.full.match
        out: list[re.Match[str]] = []
        pos = lo
        for p in ps if lo == 0 else ps[bisect_left(ps, lo):]:
            if p >= end:
                break
            if p < pos:
                continue
            m = full(s, p, end)
            if m is not None and m.end() > p:
                out.append(m)
                pos = m.end()
        return out



class Trigger(_Prefixed):
    """Whether any token in a range starts with one of some words (gates costly rule sets)."""

    __slots__ = ()

    def found(self, doc: Doc, lo: int = 0, hi: int = 1 << 62) -> bool:
        return doc.any_in(self.bit, lo, hi)


def holds_any(s: str, words: tuple[str, ...]) -> bool:
    """Whether ``s`` contains one of ``words`` (a gate: a regex whose every match holds one is skipped without)."""
    for word in words:
        if word in s:
            return True
    return False


#: Tokens that start with a digit.
DIGIT_TOKENS = Trigger(DIGITS)
