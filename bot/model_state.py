"""The tolerance model's state as stored in ``users.tolerance``: one JSON document, written and read
once per check-in.

orjson, because this is the largest value on the reply path (~40 day records): it encodes the
rows' tuples as they are and decodes several times faster than the standard library. The states
last written and read are remembered by their exact text: a user's next message reads back the very
string this process wrote, and comparing two strings costs far less than decoding one (the text is
the key, so a state written by another replica is simply decoded).
"""

from __future__ import annotations

from collections import OrderedDict

import orjson

from bot.model import ToleranceState

#: States remembered (each a few kB): enough for the users active in the last minutes.
CACHED = 4096

_recent: OrderedDict[str, ToleranceState] = OrderedDict()


def encode(state: ToleranceState) -> str:
    text = orjson.dumps(state.to_dict()).decode()
    _remember(text, state)
    return text


def decode(text: str) -> ToleranceState:
    state = _recent.get(text)
    if state is not None:
        _recent.move_to_end(text)
        return state
    state = ToleranceState.from_dict(orjson.loads(text))
    _remember(text, state)
    return state


def _remember(text: str, state: ToleranceState) -> None:
    # ToleranceState is immutable: sharing one between messages is safe.
    _recent[text] = state
    _recent.move_to_end(text)
    if len(_recent) > CACHED:
        _recent.popitem(last=False)
