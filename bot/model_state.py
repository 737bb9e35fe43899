"""The tolerance model's state as stored in ``users.tolerance``: one JSON document, written and read
once per check-in.

orjson, because this is the largest value on the reply path (~40 day records): it encodes the
rows' tuples as they are and decodes several times faster than the standard library.
"""

from __future__ import annotations

import orjson

from bot.tolerance import ToleranceState


def encode(state: ToleranceState) -> str:
    return orjson.dumps(state.to_dict()).decode()


def decode(text: str) -> ToleranceState:
    return ToleranceState.from_dict(orjson.loads(text))
