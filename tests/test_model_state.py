"""The stored form of the model's state: a round trip is exact, old versions still read, and the
remembered states are bounded and keyed by the exact text."""

from __future__ import annotations

import json
from datetime import date, timedelta

from bot import model_state
from bot.domain import Profile
from bot.model import ToleranceState, initial_state, step
from bot.parse import parse_checkin

PROFILE = Profile(experience="returning", comfortable_run_minutes=20, timezone="UTC", checkin_time="08:00",
                  days=("mon", "wed", "fri"), reminders=True)
REPLIES = ["pain 3, ran 20 min easy, fine during", "back's a 4, walked 30 mins", "rested, back 5/10",
           "2/10, 1 min run 2 min walk x8", "pain 7 after a 40 min run, numb toes"]


def a_state(days: int) -> ToleranceState:
    d0 = date(2026, 1, 1)
    st = initial_state(PROFILE, d0)
    for i in range(days):
        st, _ = step(st, PROFILE, parse_checkin(REPLIES[i % len(REPLIES)]), d0 + timedelta(days=i))
    return st


def test_round_trip_is_exact_and_does_not_depend_on_the_cache() -> None:
    st = a_state(50)
    text = model_state.encode(st)
    model_state._recent.clear()
    assert model_state.decode(text) == st
    assert model_state.decode(text) is model_state.decode(text)  # remembered once decoded


def test_version_2_rows_still_read() -> None:
    st = a_state(20)
    doc = st.to_dict()
    doc["v"] = 2
    doc["records"] = [[r.d.isoformat(), r.p, r.b, r.k, r.m, r.rl, r.rt, int(r.ran), int(r.w20), int(r.act),
                       int(r.st), r.pk, int(r.hard), int(r.leg), list(r.flags), r.pa, r.pr, r.pt, r.pn]
                      for r in st.records]
    back = model_state.decode(json.dumps(doc))
    assert back.prog == st.prog and len(back.records) == len(st.records)
    for old, new in zip(back.records, st.records, strict=True):
        assert old[:15] == new[:15] and (old.pa, old.pr, old.pt, old.pn) == (new.pa, new.pr, new.pt, new.pn)
        assert (old.lp, old.ls, old.pf, old.wo, old.cl, old.ov, old.pm) == (None, (), (), False, False, 0.0, 0)


def test_version_3_rows_still_read() -> None:
    """Version 3 rows (before issue 8's fields) read with the new fields empty, and the model steps on."""
    st = a_state(20)
    doc = st.to_dict()
    doc["v"] = 3
    doc["records"] = [[r.d.toordinal(), *r[1:15], r.pa, r.pr, r.pt, r.pn] for r in st.records]
    back = model_state.decode(json.dumps(doc))
    for old, new in zip(back.records, st.records, strict=True):
        assert old[:15] == new[:15] and (old.pa, old.pr, old.pt, old.pn) == (new.pa, new.pr, new.pt, new.pn)
    assert back.prog == st.prog
    _, r = step(back, PROFILE, parse_checkin("pain 3, ran 20 min easy"), date(2026, 1, 21))
    assert r.reason


def test_version_4_round_trip_keeps_the_new_fields() -> None:
    from bot.domain import Activity, CheckIn

    st = initial_state(PROFILE, date(2026, 1, 1))
    ci = CheckIn(pain=3, leg_pain=6, leg_symptoms=("below_knee",), possible_flags=("minor_fall",), worried=True,
                 activities=(Activity(kind="run", minutes=40, km=8),))
    st, _ = step(st, PROFILE, ci, date(2026, 1, 2))
    model_state._recent.clear()
    back = model_state.decode(model_state.encode(st))
    assert back == st
    r = back.records[-1]
    assert (r.lp, r.ls, r.pf, r.wo, r.km, r.kmm) == (6.0, ("below_knee",), ("minor_fall",), True, 8.0, 40.0)


def test_remembered_states_are_bounded(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(model_state, "CACHED", 3)
    model_state._recent.clear()
    texts = [model_state.encode(a_state(n)) for n in range(1, 7)]
    assert len(model_state._recent) == 3
    assert model_state.decode(texts[0]) == a_state(1)  # forgotten, decoded again
