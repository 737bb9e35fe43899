"""bot.intents.read_intent: requests in plain words -> intent and arguments (issue 12).

Phrasings are our own, with typos and odd casing; each names the intent and, where it has one,
the argument. Dates are relative to TODAY, a Tuesday."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.parser_accuracy import load
from bot.intents import Intent, read_intent
from bot.parse import parse_checkin

TODAY = date(2026, 12, 1)  # a Tuesday
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def d(days: int) -> date:
    return TODAY + timedelta(days=days)


SETTINGS: list[tuple[str, str, Any]] = [
    # check-in time
    ("remind me at 6:30 instead", "set_time", "06:30"),
    ("make it 7:15", "set_time", "07:15"),
    ("can you ask me at 8 instead", "set_time", "08:00"),
    ("Can You Ask Me At 8 Instead?", "set_time", "08:00"),
    ("could you message me at half past six", "set_time", "06:30"),
    ("7am please", "set_time", "07:00"),
    ("check in at 9.15 from now on", "set_time", "09:15"),
    ("move my check-in to 5:45am", "set_time", "05:45"),
    ("can we move to 8am?", "set_time", "08:00"),
    ("pls remnd me at 7", "set_time", "07:00"),
    ("I'd rather you asked at 10", "set_time", "10:00"),
    ("change the time to 06:00", "set_time", "06:00"),
    ("ping me at quarter to 7", "set_time", "06:45"),
    ("set it for 7 o'clock", "set_time", "07:00"),
    ("message me at 6 in the evening", "set_time", "18:00"),
    ("switch to 8:30 please", "set_time", "08:30"),
    ("ask me at noon", "set_time", "12:00"),
    ("send the check in at 7:45 instead", "set_time", "07:45"),
    ("an hour later please", "shift_time", 60),
    ("30 mins earlier", "shift_time", -30),
    ("can you ask me half an hour later", "shift_time", 30),
    ("move it 2 hours earlier", "shift_time", -120),
    ("earlier please", "ask_time", None),
    ("a bit later please", "ask_time", None),
    ("too early for me", "ask_time", None),
    ("can I change the check-in time", "ask_time", None),
    # days
    ("weekdays only", "set_days", ("set", WEEKDAYS)),
    ("only weekdays from now on", "set_days", ("set", WEEKDAYS)),
    ("WEEKDAYS ONLY PLEASE", "set_days", ("set", WEEKDAYS)),
    ("not on Sundays", "set_days", ("drop", ("sun",))),
    # Habitual days are a schedule, not a break; a dated weekend is a break.
    ("no check-ins at the weekend please", "set_days", ("drop", ("sat", "sun"))),
    ("Pause on weekends", "set_days", ("drop", ("sat", "sun"))),
    ("no check ins on fridays thx", "set_days", ("drop", ("fri",))),
    ("no sundays please", "set_days", ("drop", ("sun",))),
    ("not at weekends please", "set_days", ("drop", ("sat", "sun"))),
    ("just mon wed fri", "set_days", ("set", ("mon", "wed", "fri"))),
    ("only on monday, wednesday and friday", "set_days", ("set", ("mon", "wed", "fri"))),
    ("mon-fri please", "set_days", ("set", WEEKDAYS)),
    ("check in monday to thursday", "set_days", ("set", ("mon", "tue", "wed", "thu"))),
    ("every day except sunday", "set_days", ("set", ("mon", "tue", "wed", "thu", "fri", "sat"))),
    ("every day please", "set_days", ("set", ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))),
    ("add saturday", "set_days", ("add", ("sat",))),
    ("add saturdays too", "set_days", ("add", ("sat",))),
    ("skip fridays", "set_days", ("drop", ("fri",))),
    ("weekends only", "set_days", ("set", ("sat", "sun"))),
    ("just tuesdays and thursdays", "set_days", ("set", ("tue", "thu"))),
    ("don't ask me on saturdays", "set_days", ("drop", ("sat",))),
    ("can you check in daily", "set_days", ("set", ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))),
    # reminders
    ("can you stop the reminders", "reminders", False),
    ("no more reminders", "reminders", False),
    ("turn off reminders", "reminders", False),
    ("reminders off", "reminders", False),
    ("stop reminding me", "reminders", False),
    ("I don't want reminders", "reminders", False),
    ("turn reminders back on", "reminders", True),
    ("reminders on please", "reminders", True),
    ("remind me if I forget", "reminders", True),
    ("switch the remnders on", "reminders", True),
    ("please enable reminders", "reminders", True),
    # time zone
    ("I'm in Sydney this month", "set_timezone", "Australia/Sydney"),
    ("moved to Toronto", "set_timezone", "America/Toronto"),
    ("I live in Berlin now", "set_timezone", "Europe/Berlin"),
    ("im in tokyo", "set_timezone", "Asia/Tokyo"),
    ("I'm in the US now", "set_timezone", "America/New_York"),
    ("set my timezone to new york", "set_timezone", "America/New_York"),
    ("time zone Europe/Berlin", "set_timezone", "Europe/Berlin"),
    ("I'm travelling to Sydeny next week", "set_timezone", "Australia/Sydney"),
    ("we're staying in Lisbon for a while", "set_timezone", "Europe/Lisbon"),
    ("I've moved to Paris", "set_timezone", "Europe/Paris"),
    ("I'm based in Chicago", "set_timezone", "America/Chicago"),
    ("currently in Dubai", "set_timezone", "Asia/Dubai"),
    ("change my time zone to UK", "set_timezone", "Europe/London"),
    ("I'm in Spain till christmas", "set_timezone", "Europe/Madrid"),
    ("I'm living in Torronto", "set_timezone", "America/Toronto"),
    ("we moved to new zealand", "set_timezone", "Pacific/Auckland"),
    ("I'm in Japan for work", "set_timezone", "Asia/Tokyo"),
    # pause
    ("off for two weeks", "pause", d(14)),
    ("on holiday till the 3rd", "pause", date(2026, 12, 4)),
    ("back on Monday", "pause", d(6)),
    ("I am going on holiday until the 12th", "pause", date(2026, 12, 13)),
    ("pause for a week please", "pause", d(7)),
    ("stop the check-ins for a week", "pause", d(7)),
    ("leave me alone for a fortnight", "pause", d(14)),
    ("away for 10 days", "pause", d(10)),
    ("on vacation until the 20th of december", "pause", date(2026, 12, 21)),
    ("I'm away till Friday", "pause", d(4)),
    ("no check-ins this weekend", "pause", d(6)),
    ("on holiday, back on the 15th", "pause", date(2026, 12, 15)),
    ("taking a break for 3 weeks", "pause", d(21)),
    ("I'm on holiday", "pause", None),
    ("Holliday for a week", "pause", d(7)),
    ("off till tomorrow", "pause", d(2)),
    ("back next week", "pause", d(6)),
    ("away until jan 5", "pause", date(2027, 1, 6)),
    ("can you pause until the end of the month", "pause", date(2027, 1, 1)),
    ("I'm off for a month", "pause", d(30)),
    # resume, undo
    ("I'm back", "resume", None),
    ("resume please", "resume", None),
    ("back from holiday", "resume", None),
    ("back from my trip", "resume", None),  # a journey, not a fall: no safety question
    ("Back home from the work trip", "resume", None),
    ("start the check-ins again", "resume", None),
    ("you can start asking me again", "resume", None),
    ("undo", "undo", None),
    ("Undo that", "undo", None),
    ("change it back", "undo", None),
    ("put it back please", "undo", None),
    ("revert", "undo", None),
]

COMMANDS: list[tuple[str, str, Any]] = [
    ("what's the plan today", "today", None),
    ("what should I do", "today", None),
    ("What should I do today?", "today", None),
    ("whats the plan", "today", None),
    ("what's today's session", "today", None),
    ("can I run today?", "today", None),
    ("is it ok to run?", "today", None),
    ("should I go for a run", "today", None),
    ("what do you suggest", "today", None),
    ("give me today's session", "today", None),
    ("how am I getting on", "progress", None),
    ("show my week", "progress", None),
    ("what does my week look like?", "progress", None),
    ("how many check-ins have I done", "progress", None),
    ("how am i doing?", "progress", None),
    ("show me my progress", "progress", None),
    ("am I improving?", "progress", None),
    ("my stats please", "progress", None),
    ("how many runs this month", "progress", None),
    ("why?", "why", None),
    ("Why", "why", None),
    ("why not a run today?", "why", "run"),
    ("why walk today?", "why", "walk"),
    ("how come no running?", "why", "run"),
    ("explain the plan", "why", None),
    ("what is this based on?", "why", None),
    ("why so short?", "why", None),
    ("why cycling again", "why", "cross_train"),
    ("help", "help", None),
    ("what can you do?", "help", None),
    ("how does this work", "help", None),
    ("what are the commands", "help", None),
    ("who are you", "help", None),
    ("export my data", "export", None),
    ("can I download my data", "export", None),
    ("send me all my data", "export", None),
    ("what data do you store about me", "export", None),
    ("delete my data", "delete", None),
    ("please delete all my data", "delete", None),
    ("erase everything", "delete", None),
    ("forget me", "delete", None),
    ("delete my account", "delete", None),
    ("stop", "stop", None),
    ("stop messaging me", "stop", None),
    ("unsubscribe", "stop", None),
    ("I want to quit", "stop", None),
    ("please stop all of this", "stop", None),
    ("show my settings", "settings", None),
    ("what are my settings", "settings", None),
    ("can I check in now", "checkin", None),
    ("let me check in", "checkin", None),
]

OTHER: list[tuple[str, str, Any]] = [
    # corrections
    ("I meant 4 not 7", "correction", (4.0, 7.0)),
    ("sorry, it was 5 not 3", "correction", (5.0, 3.0)),
    ("should be 4 not 7", "correction", (4.0, 7.0)),
    ("oops 3 not 8", "correction", (3.0, 8.0)),
    ("typo, it was 40 not 30", "correction", (40.0, 30.0)),
    ("Actually it was 2 not 5", "correction", (2.0, 5.0)),
    # exercises
    ("how do I do a bird dog?", "exercise", "bird dog"),
    ("what is a side bridge", "exercise", "side bridge"),
    ("How do I do these?", "exercise", "strength"),
    ("what counts as cross-training?", "exercise", "cross-training"),
    ("what is the talk test", "exercise", "easy effort"),
    ("what's an interval?", "exercise", "walk/run intervals"),
    ("what is rpe", "exercise", "easy effort"),
    ("how do i do a clam", "exercise", "side-lying hip abduction"),
    ("how should I do glute bridges", "exercise", "glute bridge"),
    ("what's a curl-up?", "exercise", "curl-up"),
    ("explain curl ups", "exercise", "curl-up"),
    ("how do you do side planks", "exercise", "side bridge"),
    ("what are bird-dogs", "exercise", "bird dog"),
    ("birddog how?", "exercise", "bird dog"),
    ("how to do the side lying leg raise", "exercise", "side-lying hip abduction"),
    ("what's hip abduction", "exercise", "side-lying hip abduction"),
    ("what does walk/run mean", "exercise", "walk/run intervals"),
    ("what does easy effort mean?", "exercise", "easy effort"),
    ("how easy is easy?", "exercise", "easy effort"),
    ("what is cross training", "exercise", "cross-training"),
    ("how do I do the exercises", "exercise", "strength"),
    ("show me the strength routine", "exercise", "strength"),
    ("how do i do a glute brigde?", "exercise", "glute bridge"),
    ("what are the intervals", "exercise", "walk/run intervals"),
    # small talk
    ("hi", "smalltalk", "hello"),
    ("Hello!", "smalltalk", "hello"),
    ("hey there", "smalltalk", "hello"),
    ("good morning", "smalltalk", "hello"),
    ("thanks", "smalltalk", "thanks"),
    ("Thank you!", "smalltalk", "thanks"),
    ("thx", "smalltalk", "thanks"),
    ("cheers", "smalltalk", "thanks"),
    ("ok", "smalltalk", "ok"),
    ("OK!", "smalltalk", "ok"),
    ("👍", "smalltalk", "ok"),
    ("cool", "smalltalk", "ok"),
    ("sounds good", "smalltalk", "ok"),
    ("got it", "smalltalk", "ok"),
    ("ta", "smalltalk", "thanks"),
    ("many thanks", "smalltalk", "thanks"),
    ("morning!", "smalltalk", "hello"),
    ("hiya", "smalltalk", "hello"),
    # warning signs asked about
    ("if I get numbness in my groin what do I do", "safety", None),
    ("what are the red flags?", "safety", None),
    ("when should I go to A&E?", "safety", None),
    # anything else asked
    ("what's the weather like?", "unknown", None),
    ("can you order me pizza", "unknown", None),
    ("who won the match?", "unknown", None),
    ("tell me a joke", "unknown", None),
]

#: More wordings, written after the readers (a second pass over what people say).
MORE: list[tuple[str, str, Any]] = [
 ("could you check in with me at 6:15 instead?", "set_time", "06:15"),
 ("i'd prefer 9am", "set_time", "09:00"),
 ("Can the check-in be at 7.30", "set_time", "07:30"),
 ("make the reminder 8 o'clock", "set_time", "08:00"),
 ("please message me at 5:30 am", "set_time", "05:30"),
 ("set the time to 10:00", "set_time", "10:00"),
 ("move it to 6", "set_time", "06:00"),
 ("could we do 7:45?", "set_time", "07:45"),
 ("can you check in later", "ask_time", None),
 ("it's a bit early for me", "ask_time", None),
 ("ask me an hour earlier", "shift_time", -60),
 ("only weekdays please", "set_days", ("set", WEEKDAYS)),
 ("no check-ins on saturdays", "set_days", ("drop", ("sat",))),
 ("can you skip weekends", "set_days", ("drop", ("sat","sun"))),
 ("just tuesdays, thursdays and saturdays", "set_days", ("set", ("tue","thu","sat"))),
 ("only monday and friday", "set_days", ("set", ("mon","fri"))),
 ("please don't message me on sundays", "set_days", ("drop", ("sun",))),
 ("also check in on sundays", "set_days", ("add", ("sun",))),
 ("turn the reminders off", "reminders", False),
 ("i don't need reminders", "reminders", False),
 ("please no reminders", "reminders", False),
 ("can I have reminders again", "reminders", True),
 ("I'm in Melbourne now", "set_timezone", "Australia/Melbourne"),
 ("just moved to Vancouver", "set_timezone", "America/Vancouver"),
 ("I'm currently in Madrid", "set_timezone", "Europe/Madrid"),
 ("we relocated to Singapore", "set_timezone", "Asia/Singapore"),
 ("I'm spending the month in Lisbon", "set_timezone", "Europe/Lisbon"),
 ("my time zone is EST", "set_timezone", "America/New_York"),
 ("I'm in Los Angeles for work", "set_timezone", "America/Los_Angeles"),
 ("I'm in Germany this week", "set_timezone", "Europe/Berlin"),
 ("away for a week", "pause", d(7)),
 ("going on holiday for 10 days", "pause", d(10)),
 ("please pause until next monday", "pause", date(2026,12,8)),
 ("I'm away until the 20th", "pause", date(2026,12,21)),
 ("off for 3 weeks", "pause", d(21)),
 ("no check-ins till the 10th please", "pause", date(2026,12,11)),
 ("I'll be back on the 9th", "pause", date(2026,12,9)),
 ("on holiday, back on thursday", "pause", date(2026,12,3)),
 ("pause for two weeks please", "pause", d(14)),
 ("I'm back now", "resume", None),
 ("please resume the check-ins", "resume", None),
 ("what's on today?", "today", None),
 ("what session today?", "today", None),
 ("what should I do today", "today", None),
 ("am I allowed to run today?", "today", None),
 ("how's my progress", "progress", None),
 ("show me how I'm doing", "progress", None),
 ("how many check-ins so far", "progress", None),
 ("why that?", "why", None),
 ("why not running?", "why", "run"),
 ("why only a walk?", "why", "walk"),
 ("how do I use this", "help", None),
 ("what can I ask you", "help", None),
 ("get my data", "export", None),
 ("delete everything about me", "delete", None),
 ("stop messaging me please", "stop", None),
 ("I meant 3 not 5", "correction", (3.0, 5.0)),
 ("sorry it was 25 not 35", "correction", (25.0, 35.0)),
 ("how do I do a side plank?", "exercise", "side bridge"),
 ("what's a bird dog", "exercise", "bird dog"),
 ("how do glute bridges work", "exercise", "glute bridge"),
 ("what's a curl up", "exercise", "curl-up"),
 ("explain the side lying hip abduction", "exercise", "side-lying hip abduction"),
 ("what does easy pace mean", "exercise", "easy effort"),
 ("what's walk/run?", "exercise", "walk/run intervals"),
 ("does swimming count as cross training?", "exercise", "cross-training"),
 ("hey", "smalltalk", "hello"),
 ("thanks a lot", "smalltalk", "thanks"),
 ("okay", "smalltalk", "ok"),
 ("thank you so much", "smalltalk", "thanks"),
 ("undo please", "undo", None),
 ("undo the last change", "undo", None),
]

ALL = SETTINGS + COMMANDS + OTHER + MORE


def test_there_are_at_least_200_phrasings() -> None:
    assert len(ALL) >= 200
    assert len({t for t, _, _ in ALL}) == len(ALL)


@pytest.mark.parametrize(("text", "kind", "value"), ALL, ids=[t for t, _, _ in ALL])
def test_phrasing(text: str, kind: str, value: Any) -> None:
    got = read_intent(text, TODAY)
    assert got is not None, text
    assert (got.kind, got.value) == (kind, value)


@pytest.mark.parametrize("text", [
    "pain 3, ran 20 min easy, fine during", "back's a 4 today. walked 30 mins", "rested, back 5/10",
    "ran on sunday for 20 min", "did bird dogs and side bridges 15 min", "I'm in pain", "took a week off, back 3",
    "back 2, swam 1500m, then 10 min of side planks", "pain 6, didn't run", "asdf qwerty zxcv", "hmm", "",
    "back 4. walked the dog at 7 this morning", "pain 3 ran 20",
    # corrections the parser reads itself (a pain score, merged into the day's check-in as a correction)
    "not 7, 4", "I meant 4", "make that 6", "I mean 3",
    # what happened, not a request
    "sorry, been away over christmas!", "had a lovely holiday", "was away last week",
    "woke up at 3am with pain, moved around and it eased", "returning after a break",
])
def test_check_ins_and_nonsense_are_no_requests(text: str) -> None:
    got = read_intent(text, TODAY)
    assert got is None, got


def test_a_check_in_and_a_request_split_where_the_request_starts() -> None:
    text = "pain 3, ran 20. can we move to 8am?"
    got = read_intent(text, TODAY)
    assert got is not None and (got.kind, got.value) == ("set_time", "08:00")
    a, b = got.span
    rest = parse_checkin(text[:a] + text[b:])
    assert rest.pain == 3 and [x.kind for x in rest.activities] == ["run"]


def test_no_check_in_of_the_parser_corpus_is_taken_for_a_request() -> None:
    """Every held-out check-in keeps everything the parser reads in it: either no request is found,
    or the request's segment holds nothing the parser records."""
    misread: list[tuple[str, Intent]] = []
    for item in load():
        text = item["text"]
        got = read_intent(text, TODAY)
        if got is None or got.kind in ("smalltalk", "unknown"):
            continue
        a, b = got.span
        whole, rest = parse_checkin(text), parse_checkin(text[:a] + " " + text[b:])
        if (whole.pain, [x.kind for x in whole.activities], whole.red_flags) != (
                rest.pain, [x.kind for x in rest.activities], rest.red_flags):
            misread.append((text, got))
    assert misread == []


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_any_text_gives_an_intent_or_none_and_never_raises(text: str) -> None:
    got = read_intent(text, TODAY)
    assert got is None or isinstance(got, Intent)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["remind", "me", "at", "7:15", "not", "on", "sundays", "off", "for", "2", "weeks",
                                 "till", "the", "3rd", "why", "?", "how", "bird", "dog", "i'm", "in", "sydney",
                                 "undo", "pain", "3", "ran", "20", ",", ".", "thanks", "meant", "4"]), max_size=12))
def test_word_salad_never_raises(words: list[str]) -> None:
    got = read_intent(" ".join(words), TODAY)
    assert got is None or isinstance(got, Intent)


def test_the_reader_is_pure_by_its_imports() -> None:
    """No store, no network, no clock of its own: only the parser, the answer readers and rapidfuzz."""
    from tests.test_architecture import imports_of, sources

    allowed = ("__future__", "re", "dataclasses", "datetime", "typing", "collections", "functools", "itertools",
               "rapidfuzz", "bot.intents", "bot.parse", "bot.answers", "bot.domain")
    for path in sources("bot/intents"):
        bad = {m for m in imports_of(path) if not m.startswith(allowed)}
        assert not bad, (path.name, bad)


def test_the_same_text_gives_the_same_intent() -> None:
    for text, _, _ in ALL[:50]:
        assert read_intent(text, TODAY) == read_intent(text, TODAY)
