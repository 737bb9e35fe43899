"""Examples of how people write a morning check-in, and what the parser must read from them."""

from __future__ import annotations

import pytest

from bot.domain import RED_FLAGS, CheckIn
from bot.parse import MAX_CHARS, parse_checkin, parse_unguarded


def parse(text: str) -> CheckIn:
    """The unguarded parser: a bug must fail the test, not hide behind the safety net."""
    ci = parse_unguarded(text)
    assert ci == parse_checkin(text)
    return ci


def kinds(ci: CheckIn) -> list[str]:
    return [a.kind for a in ci.activities]


# --------------------------------------------------------------------------------------------
# Morning pain
# --------------------------------------------------------------------------------------------

MORNING_PAIN = [
    ("3/10", 3),
    ("3 / 10", 3),
    ("3 out of 10", 3),
    ("three out of ten", 3),
    ("pain 3", 3),
    ("Pain: 4", 4),
    ("pain level 2", 2),
    ("back 3", 3),
    ("back's a 4", 4),
    ("backs a 4", 4),
    ("back is a 4 today", 4),
    ("Back is about a 3 today.", 3),
    ("lower back pain 5", 5),
    ("three", 3),
    ("a three", 3),
    ("about a 3", 3),
    ("3 today thanks", 3),
    ("i'm a 3 today", 3),
    ("it's a 4", 4),
    ("2.5", 2.5),
    ("back is 2.5/10", 2.5),
    ("3", 3),
    ("4.", 4),
    ("0", 0),
    ("10/10", 10),
    ("0/10", 0),
    ("3-4", 3.5),
    ("3-4/10 this morning", 3.5),
    ("3 or 4", 3.5),
    ("pain 3 to 4", 3.5),
    ("between 3 and 4", 3.5),
    ("fine", 1),
    ("Fine thanks!", 1),
    ("good", 1),
    ("ok", 1),
    ("all good", 1),
    ("not bad", 1),
    ("great", 0),
    ("no pain", 0),
    ("pain free", 0),
    ("pain-free today", 0),
    ("stiff", 2),
    ("a bit stiff", 2),
    ("niggly", 2),
    ("a bit sore", 3),
    ("a wee bit sore", 3),
    ("achy", 3),
    ("sore", 4),
    ("quite sore", 5),
    ("very sore", 6),
    ("bad", 6),
    ("really bad", 8),
    ("awful", 8),
    ("terrible", 8),
    ("agony", 9),
    ("worst ever", 10),
    ("not great", 4),
    ("isn't sore", 1),
    ("pretty stiff this morning, 4/10. Rest day yesterday.", 4),
    ("sore, 5/10", 5),
    ("Good morning! 2 out of 10. Walked 45 min with the dog.", 2),
    ("3/10ran 20min easy", 3),
    ("rna 20 min, pian 3", 3),
    ("rna 5k, bakc 3", 3),
    ("RAN 20 MINS!!! Back 3/10 :)", 3),
    ("Back... 3?", 3),
    ("back 4!!", 4),
    ("🙂 back 2", 2),
    ("ran 20 min 🏃 back 2 😀", 2),
    ("3, ran 20 min", 3),
    ("ran 20 min, 3", 3),
    ("ran 20 min 4/10", 4),
    ("Ran 5k. Back feels fine.", 1),
    ("knee 5/10, back 2", 2),
    ("my knee hurts, back fine", 1),
    ("legs tired but back fine", 1),
    ("pain 3/10 yesterday, today 2", 2),
    ("back was a 5 yesterday but 3 today", 3),
    ("was 5 last night, 3 this morning", 3),
    ("got back at 7, pain 3", 3),
    ("rested, back 3/10", 3),
    ("Back 3/10\nRan 20 min easy\nFine during", 3),
    ("back 3 this morning and 5 during the run", 3),
    ("Sore today 5/10 after yesterday's run.", 5),
    ("Feeling good, no pain. Ran 8k steady", 0),
    ("2/10 - 45 min spin class", 2),
    ("4 of 10", 4),
    ("3 maybe 4", 3.5),
    ("2ish", 2),
    ("Nil", 0),
    ("pain nil, ran 5k", 0),
    ("0 pain!", 0),
    ("back - 3", 3),
    ("Back 3/10 but sciatica 6/10", 3),
    ("pain 3/10 in my back and 5/10 in my leg", 3),
    ("3/10 back, 5/10 leg", 3),
    ("pain 4 (leg 6)", 4),
    ("legs sore, back fine", 1),
    ("I rested because my back was bad", 6),
    ("pain during the run was about 4, fine now", 1),
]


@pytest.mark.parametrize(("text", "pain"), MORNING_PAIN)
def test_morning_pain(text: str, pain: float) -> None:
    assert parse(text).pain == pain


NOT_PAIN = [
    "11/10",
    "-2",
    "pain -1",
    "ran at 7:30",
    "7:30",
    "20 min",
    "ran 20 min",
    "1 min run 2 min walk x8",
    "x8",
    "ran 5k in 28:30",
    "RPE 7",
    "effort 6/10",
    "walked 10k steps",
    "came back 5",
    "pain for 3 days",
    "did 3 sets of 10",
    "ran 20 min, is that ok?",
    "good run",
    "good morning",
]


@pytest.mark.parametrize("text", NOT_PAIN)
def test_not_pain(text: str) -> None:
    assert parse(text).pain is None


CONFLICT = [
    ("pain 2/10... actually 8/10", 8, 2),
    ("3/10, no wait 5", 5, 3),
    ("back 2/10, actually 8/10", 8, 2),
    ("4/10 sorry I mean 6/10", 6, 4),
    ("pain 3. no, 4", 4, 3),
]


@pytest.mark.parametrize(("text", "pain", "conflict"), CONFLICT)
def test_pain_conflict(text: str, pain: float, conflict: float) -> None:
    ci = parse(text)
    assert (ci.pain, ci.pain_conflict) == (pain, conflict)


@pytest.mark.parametrize("text", ["pain 3, 3/10", "3/10 yesterday, 2 today", "back 2, 5 during the run"])
def test_no_conflict_when_scores_agree_or_differ_in_kind(text: str) -> None:
    assert parse(text).pain_conflict is None


# --------------------------------------------------------------------------------------------
# Pain during a session
# --------------------------------------------------------------------------------------------

DURING = [
    # text, morning pain, kind holding pain_during, pain_during
    ("back 3/10, ran 20 min easy, fine during", 3, "run", 1),
    ("hurt during, 6/10", None, "other", 6),
    ("pain during run 5", None, "run", 5),
    ("fine while running", None, "run", 1),
    ("sore at the end 4/10", None, "other", 4),
    ("twinge at 3k, about 5/10", None, "other", 5),
    ("ran 4 miles, twinge at 3 miles about 5/10", None, "run", 5),
    ("back's ok, ran 30 min steady, hurt a bit during - 4/10", 1, "run", 4),
    ("Back 2/10. Ran 5k easy, felt fine. Bit of a twinge at the end, maybe 3/10.", 2, "run", 3),
    ("swim 1km easy, back 4/10, no pain during", 4, "swim", 0),
    ("ran 5k pain free", None, "run", 0),
    ("walked 30, all good", None, "walk", 1),
    ("Ran 5k. Back felt fine.", None, "run", 1),
    ("back 3 this morning and 5 during the run", 3, "run", 5),
    ("1 min run 2 min walk x8, fine during, back 2/10", 2, "walk_run", 1),
    ("ran 20 min, after 15 min my back started hurting, 5/10", None, "run", 5),
    ("pain free run 30 min", None, "run", 0),
    ("run was painful, 6/10", None, "run", 6),
    ("it hurt a bit on the run, maybe 4", None, "run", 4),
    ("ran 4 miles, back didn't hurt at all", None, "run", 0),
    ("Pain 3/10 this morning. Yesterday ran 25 mins at easy pace, pain during was 2/10.", 3, "run", 2),
    ("Ran 6km easy, pain 2 during, 1 this morning", 1, "run", 2),
    ("About 4 today. Tried a run but stopped after 10 mins, pain went up to 6", 4, "run", 6),
    ("ran 5k, knee 3/10 during", None, "run", 3),
]


@pytest.mark.parametrize(("text", "pain", "kind", "during"), DURING)
def test_pain_during(text: str, pain: float | None, kind: str, during: float) -> None:
    ci = parse(text)
    assert ci.pain == pain
    holder = [a for a in ci.activities if a.pain_during is not None]
    assert [(a.kind, a.pain_during) for a in holder] == [(kind, during)]


# --------------------------------------------------------------------------------------------
# Activities, minutes and distance
# --------------------------------------------------------------------------------------------

ACTIVITIES = [
    # text, [(kind, minutes, km)]
    ("ran 20 min", [("run", 20, None)]),
    ("Ran 20 mins", [("run", 20, None)]),
    ("ran 20min", [("run", 20, None)]),
    ("rna 20 minz", [("run", 20, None)]),
    ("jogged for 25 minutes", [("run", 25, None)]),
    ("ran 20m", [("run", 20, None)]),
    ("ran 90 mins", [("run", 90, None)]),
    ("ran an hour", [("run", 60, None)]),
    ("ran 1 hour 15 mins", [("run", 75, None)]),
    ("ran 1h15", [("run", 75, None)]),
    ("ran 1:15", [("run", 75, None)]),
    ("ran 5k", [("run", None, 5)]),
    ("ran 10K easy", [("run", None, 10)]),
    ("ran 6kms", [("run", None, 6)]),
    ("ran 5 km's", [("run", None, 5)]),
    ("ran 3 miles", [("run", None, 4.827)]),
    ("ran a mile", [("run", None, 1.609)]),
    ("ran 2.5 miles", [("run", None, 4.022)]),
    ("did a half marathon", [("run", None, 21.098)]),
    ("ran 5k in 28:30", [("run", 28.5, 5)]),
    ("ran at 7:30", [("run", None, None)]),
    ("easy 5k", [("run", None, 5)]),
    ("parkrun", [("run", None, 5)]),
    ("did 8 x 400m", [("run", None, 3.2)]),
    ("walked 45 mins", [("walk", 45, None)]),
    ("wlaked 30 minz", [("walk", 30, None)]),
    ("walked 30", [("walk", 30, None)]),
    ("walked the dog for half an hour", [("walk", 30, None)]),
    ("half hour walk", [("walk", 30, None)]),
    ("hike 2 hours", [("walk", 120, None)]),
    ("1.5 hours walk", [("walk", 90, None)]),
    ("cycled 1h15", [("cycle", 75, None)]),
    ("bike 1 hour", [("cycle", 60, None)]),
    ("spin class 45 mins", [("cycle", 45, None)]),
    ("peloton 30", [("cycle", 30, None)]),
    ("rode 20km", [("cycle", None, 20)]),
    ("an hour and a half bike ride", [("cycle", 90, None)]),
    ("quarter of an hour on the bike", [("cycle", 15, None)]),
    ("cycled 40km in 1:30", [("cycle", 90, 40)]),
    ("swam 1500m", [("swim", None, 1.5)]),
    ("swam 1,500m", [("swim", None, 1.5)]),
    ("swan 1km", [("swim", None, 1)]),
    ("swam 40 lengths", [("swim", None, None)]),
    ("pool 30 min", [("swim", 30, None)]),
    ("swam 30 lengths in 25 mins", [("swim", 25, None)]),
    ("aqua jogging 30 min", [("swim", 30, None)]),
    ("elliptical 25 min", [("cross_trainer", 25, None)]),
    ("cross trainer 20 minutes", [("cross_trainer", 20, None)]),
    ("x-trainer 30", [("cross_trainer", 30, None)]),
    ("gym", [("strength", None, None)]),
    ("weights 40 min", [("strength", 40, None)]),
    ("core 15 min", [("strength", 15, None)]),
    ("pilates", [("strength", None, None)]),
    ("planks and bird dogs", [("strength", None, None)]),
    ("glute bridges", [("strength", None, None)]),
    ("physio exercises 15 mins, back 3", [("strength", 15, None)]),
    ("yoga 30 min", [("other", 30, None)]),
    ("stretching", [("other", None, None)]),
    ("mobility 10 min", [("other", 10, None)]),
    ("ran 20 min then 15 min of core", [("run", 20, None), ("strength", 15, None)]),
    ("ran 20 min and did 10 min core", [("run", 20, None), ("strength", 10, None)]),
    ("20 min run, 15 min core", [("run", 20, None), ("strength", 15, None)]),
    ("walked 30, swam 1km", [("walk", 30, None), ("swim", None, 1)]),
    ("did pilates 45mins and a 20 min walk", [("strength", 45, None), ("walk", 20, None)]),
    ("20 min walk and 30 min yoga", [("walk", 20, None), ("other", 30, None)]),
    ("3/10 - cycled 1h, swam 30 mins", [("cycle", 60, None), ("swim", 30, None)]),
    ("🚴 1h, 🏊 1km", [("cycle", 60, None), ("swim", None, 1)]),
    ("walked 20 then ran 10", [("walk", 20, None), ("run", 10, None)]),
    ("went for a run, ran 5k", [("run", None, 5)]),
    ("didn't run but walked 30 min", [("walk", 30, None)]),
    ("didn't run, walked instead", [("walk", None, None)]),
    ("skipped my run, did 20 min on the bike", [("cycle", 20, None)]),
    ("no run today, back 4/10", []),
    ("going for a run later", []),
    ("will run tomorrow", []),
    ("should I run today?", []),
    ("can I go for a run?", []),
    ("did the school run, back 3", []),
    ("lost 3kg since I started running", []),
    ("hour long walk", [("walk", 60, None)]),
    ("Dog walk 40 mins", [("walk", 40, None)]),
    ("Easy 3 miler", [("run", None, 4.827)]),
    ("Did 3 x 1 mile", [("run", None, 4.827)]),
    ("jogged 2 miles then walked 1 mile", [("run", None, 3.218), ("walk", None, 1.609)]),
    ("went to the gym, did 20 min on the bike and some core", [("strength", None, None), ("cycle", 20, None)]),
    ("Gym session - weights and 20 min treadmill walk", [("strength", None, None), ("walk", 20, None)]),
    ("Pain is 2. I did a 10 mile bike ride and a 2 mile walk", [("cycle", None, 16.09), ("walk", None, 3.218)]),
    ("Did a parkrun in 27:30! Back 2/10", [("run", 27.5, 5)]),
    ("3/10 easy 20 min", [("other", 20, None)]),
    ("4/10 and 5k", [("run", None, 5)]),
    ("I got up at 6:45 and ran 30", [("run", 30, None)]),
    ("Was going to run but back too sore, 6/10", []),
    ("🏃 30 min", [("run", 30, None)]),
]


@pytest.mark.parametrize(("text", "expected"), ACTIVITIES)
def test_activities(text: str, expected: list[tuple[str, float | None, float | None]]) -> None:
    ci = parse(text)
    got = [(a.kind, a.minutes, a.km) for a in ci.activities]
    assert [k for k, _, _ in got] == [k for k, _, _ in expected]
    for (_, minutes, km), (_, want_minutes, want_km) in zip(got, expected, strict=True):
        assert minutes == (pytest.approx(want_minutes) if want_minutes is not None else None)
        assert km == (pytest.approx(want_km, abs=0.001) if want_km is not None else None)


@pytest.mark.parametrize(("text", "run_minutes"), [
    ("ran 20 min", 20), ("ran 1:15", 75), ("couch to 5k week 5 day 3", 20), ("walked 30 min", None),
    ("cycled 45 min", None),
])
def test_run_minutes(text: str, run_minutes: float | None) -> None:
    assert parse(text).activities[0].run_minutes == run_minutes


INTERVALS = [
    # text, kind, minutes, run_minutes, (run_s, walk_s, repeats)
    ("1 min run 2 min walk x8", "walk_run", 24, 8, (60, 120, 8)),
    ("1 min run, 2 min walk x 8", "walk_run", 24, 8, (60, 120, 8)),
    ("run 60s walk 90s x 8", "walk_run", 20, 8, (60, 90, 8)),
    ("8 x 1min run/2min walk", "walk_run", 24, 8, (60, 120, 8)),
    ("run 1 min walk 2 min x 8 easy", "walk_run", 24, 8, (60, 120, 8)),
    ("walk 2 min run 1 min for 24 min", "walk_run", 24, 8, (60, 120, 8)),
    ("run 1 min walk 1 min for 30 min", "walk_run", 30, 15, (60, 60, 15)),
    ("jogged for 60 seconds, walked for 90 seconds, 8 times", "walk_run", 20, 8, (60, 90, 8)),
    ("c25k week 1", "walk_run", 20, 8, (60, 90, 8)),
    ("C25K W1D2", "walk_run", 20, 8, (60, 90, 8)),
    ("c25k week 2", "walk_run", 21, 9, (90, 120, 6)),
    ("c25k week 3", "walk_run", 18, 9, (135, 135, 4)),
    ("c25k w3d1 done! back 2", "walk_run", 18, 9, (135, 135, 4)),
    ("week 4 of couch to 5k, back 3/10", "walk_run", 21.5, 16, (240, 82, 4)),
    ("couch to 5k week 8", "run", 28, 28, None),
    ("did c25k today", "walk_run", None, None, None),
    ("run/walk 30 min", "walk_run", 30, None, None),
    ("walk/run 30 min", "walk_run", 30, None, None),
    ("jog/walk 30 mins", "walk_run", 30, None, None),
    ("run/walk intervals 25 mins", "walk_run", 25, None, None),
]


@pytest.mark.parametrize(("text", "kind", "minutes", "run_minutes", "intervals"), INTERVALS)
def test_walk_run(text: str, kind: str, minutes: float | None, run_minutes: float | None,
                  intervals: tuple[int, int, int] | None) -> None:
    ci = parse(text)
    assert len(ci.activities) == 1
    a = ci.activities[0]
    assert (a.kind, a.minutes, a.run_minutes) == (kind, minutes, run_minutes)
    got = (a.intervals.run_s, a.intervals.walk_s, a.intervals.repeats) if a.intervals else None
    assert got == intervals


EFFORT = [
    # text, effort, rpe
    ("ran 20 min easy", "easy", None),
    ("ran 25 min gentle", "easy", None),
    ("slow 20 min jog", "easy", None),
    ("recovery run 30 min", "easy", None),
    ("ran 30 min steady", "steady", None),
    ("moderate bike 40 min", "steady", None),
    ("ran 20 mins tempo", "hard", None),
    ("intervals session 40 min", "hard", None),
    ("hill reps", "hard", None),
    ("ran 5k hard", "hard", None),
    ("ran 5k RPE 7", "hard", 7),
    ("ran 5k, RPE 4", "easy", 4),
    ("bike 40 mins RPE 6", "steady", 6),
    ("ran 20 mins, effort 8/10, pain 2/10", "hard", 8),
    ("RPE 7 run 30 min, back 3/10", "hard", 7),
    ("easy run but rpe 6", "steady", 6),
    ("ran 20 min", None, None),
    ("ran 20 min, easy", "easy", None),
]


@pytest.mark.parametrize(("text", "effort", "rpe"), EFFORT)
def test_effort(text: str, effort: str | None, rpe: float | None) -> None:
    a = parse(text).activities[0]
    assert (a.effort, a.rpe) == (effort, rpe)


def test_walk_run_intervals_are_not_hard_effort() -> None:
    assert parse("run/walk intervals 25 mins").activities[0].effort is None


# --------------------------------------------------------------------------------------------
# Rest and negation
# --------------------------------------------------------------------------------------------

REST = [
    # text, rested, activity kinds
    ("rested", True, []),
    ("Rested 😣 back 6/10", True, []),
    ("rest day", True, []),
    ("day off", True, []),
    ("nothing", True, []),
    ("did nothing", True, []),
    ("nothing today, pain 2", True, []),
    ("no exercise", True, []),
    ("took it easy on the sofa", True, []),
    ("sat on the sofa all day, 4/10", True, []),
    ("back 7/10 😭 didn't do anything", True, []),
    ("didn't run", True, []),
    ("did not run", True, []),
    ("skipped my run", True, []),
    ("no run today", True, []),
    ("couldn't run", True, []),
    ("too sore to run", True, []),
    ("didn't run but walked 30 min", False, ["walk"]),
    ("rest day, just a 20 min walk", False, ["walk"]),
    ("ran 20 min, rest of the day on my feet", False, ["run"]),
    ("felt well rested, ran 5k", False, ["run"]),
    ("should I rest?", False, []),
    ("back 3", False, []),
    ("Didn't get out yesterday, back's 4", True, []),
    ("zero exercise", True, []),
    ("No exercise today, pain 5/10", True, []),
    ("pain: 6/10. Stayed in bed mostly.", True, []),
]


@pytest.mark.parametrize(("text", "rested", "expected_kinds"), REST)
def test_rest(text: str, rested: bool, expected_kinds: list[str]) -> None:
    ci = parse(text)
    assert (ci.rested, kinds(ci)) == (rested, expected_kinds)


# --------------------------------------------------------------------------------------------
# Red flags and leg pain
# --------------------------------------------------------------------------------------------

RED_FLAG_CASES = [
    # saddle
    ("numb around my bum", ("saddle_numbness",)),
    ("can't feel my bum", ("saddle_numbness",)),
    ("cant feel my groin", ("saddle_numbness",)),
    ("numbness between my legs", ("saddle_numbness",)),
    ("tingling in my groin", ("saddle_numbness",)),
    ("saddle area numb", ("saddle_numbness",)),
    ("I've got numbness around my bum, is that bad?", ("saddle_numbness",)),
    # bladder and bowel
    ("peeing is hard", ("bladder_bowel",)),
    ("can't pee", ("bladder_bowel",)),
    ("trouble passing urine", ("bladder_bowel",)),
    ("wet myself", ("bladder_bowel",)),
    ("lost control of my bladder", ("bladder_bowel",)),
    ("lost control of my bowels", ("bladder_bowel",)),
    ("pooed myself", ("bladder_bowel",)),
    ("incontinence", ("bladder_bowel",)),
    ("no numbness but I can't pee", ("bladder_bowel",)),
    # leg weakness
    ("both legs numb", ("leg_weakness",)),
    ("both legs weak", ("leg_weakness",)),
    ("legs giving way", ("leg_weakness",)),
    ("foot drop", ("leg_weakness",)),
    ("my leg is getting weaker", ("leg_weakness",)),
    ("can't lift my foot", ("leg_weakness",)),
    ("numbness in both feet", ("leg_weakness",)),
    # fever
    ("fever", ("fever",)),
    ("temperature of 38.5", ("fever",)),
    ("feverish", ("fever",)),
    ("chills and sweats", ("fever",)),
    ("running a temperature", ("fever",)),
    ("had a fever last week", ("fever",)),
    # trauma
    ("fell off my bike and now my back hurts", ("trauma",)),
    ("car accident yesterday", ("trauma",)),
    ("bad fall on the stairs", ("trauma",)),
    ("hit by a car", ("trauma",)),
    ("slipped on ice and landed on my back", ("trauma",)),
    ("I fell over on my run yesterday and landed on my back", ("trauma",)),
    # night pain
    ("pain wakes me at night and doesn't ease", ("night_pain",)),
    ("can't sleep for the pain, lying down doesn't help", ("night_pain",)),
    ("worse at night no matter how I lie", ("night_pain",)),
    ("back wakes me every night", ("night_pain",)),
    # weight loss
    ("lost weight without trying", ("weight_loss",)),
    ("unexplained weight loss", ("weight_loss",)),
    ("dropped 5 kg not dieting", ("weight_loss",)),
    ("lost 2 kg, no idea why", ("weight_loss",)),
    # several
    ("fever and I can't pee", ("bladder_bowel", "fever")),
    ("peeing is a bit weird since yesterday", ("bladder_bowel",)),
    ("I have a temperature and my back hurts", ("fever",)),
    ("Fell down the stairs yesterday, back 8/10", ("trauma",)),
    ("Lost about 6kg in the last month without trying", ("weight_loss",)),
    ("my legs feel numb", ("leg_weakness",)),
    ("There's some numbness in my bum when I sit", ("saddle_numbness",)),
    ("couldn't sleep last night because of my back, 7/10", ("night_pain",)),
    ("pain keeps me up at night", ("night_pain",)),
    ("my back pain is worse at night and nothing helps", ("night_pain",)),
    ("numb down below", ("saddle_numbness",)),
    ("no feeling in my bum", ("saddle_numbness",)),
    ("night sweats and fever", ("fever",)),
    ("pee'd myself laughing", ("bladder_bowel",)),
    ("slight temperature", ("fever",)),
    # negated, hypothetical or not a red flag
    ("no numbness", ()),
    ("no numbness or tingling", ()),
    ("No numbness, no bladder or bowel problems, no fever", ()),
    ("no fever, no numbness, bladder fine", ()),
    ("bladder fine", ()),
    ("bladder and bowels fine, legs ok", ()),
    ("no problems peeing", ()),
    ("can feel everything", ()),
    ("what if I get numbness?", ()),
    ("if I get numbness in my groin what do I do", ()),
    ("I'm worried about numbness, what should I look out for?", ()),
    ("Any numbness? No", ()),
    ("numbness: none", ()),
    ("fever - no", ()),
    ("haven't lost any weight", ()),
    ("lost 3kg since I started running", ()),
    ("no falls", ()),
    ("tripped on a root but didn't fall", ()),
    ("nearly fell but caught myself", ()),
    ("fell asleep on the sofa", ()),
    ("my temp is 36.8", ()),
    ("temperature normal", ()),
    ("legs tired", ()),
    ("heavy legs", ()),
    ("legs felt weak on the hills during my run", ()),
    ("I wake up at night to pee", ()),
    ("woke up at 3am with pain, moved around and it eased", ()),
    ("a wee bit sore", ()),
    ("been sweating a lot on runs", ()),
    ("back 3/10, ran 20 min easy, fine during", ()),
]


@pytest.mark.parametrize(("text", "flags"), RED_FLAG_CASES)
def test_red_flags(text: str, flags: tuple[str, ...]) -> None:
    assert parse(text).red_flags == flags


LEG_PAIN = [
    ("pain down my leg", True),
    ("sciatica", True),
    ("shooting pain into my left leg", True),
    ("buttock and leg pain", True),
    ("tingling down my right leg", True),
    ("pins and needles in my left foot", True),
    ("pain radiates into my buttock", True),
    ("leg pain 6/10", True),
    ("legs tired", False),
    ("sore legs after the run", False),
    ("no leg pain", False),
    ("no sciatica today", False),
    ("sciatica is gone", False),
    ("no sciatica, no pain down the leg", False),
    ("buttock pain", False),
]


@pytest.mark.parametrize(("text", "leg_pain"), LEG_PAIN)
def test_leg_pain(text: str, leg_pain: bool) -> None:
    assert parse(text).has_leg_symptoms is leg_pain


# --------------------------------------------------------------------------------------------
# Not understood, text and truncation
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["", "   ", "\n", "😀", "👍", "🙂🙂", "🏃", "😣 😭 🔥", "?!", "...", "asdfgh",
                                  "hello", "thanks", "no numbness", "blah blah", "\x00\x01"])
def test_not_understood(text: str) -> None:
    ci = parse(text)
    assert not ci.understood
    assert ci.text == text


@pytest.mark.parametrize("text", ["fine", "rested", "ran 5k", "back 3", "fever", "sciatica"])
def test_understood(text: str) -> None:
    assert parse(text).understood


def test_text_is_kept_raw() -> None:
    raw = "  Back 3/10 😀\nRan 20 MIN  "
    assert parse(raw).text == raw


def test_long_text_is_truncated() -> None:
    raw = "back 3/10, ran 20 min. " * 1000
    ci = parse_checkin(raw)
    assert ci.truncated
    assert ci.text == raw[:MAX_CHARS]
    assert ci.pain == 3
    assert not parse_checkin(raw[:MAX_CHARS]).truncated


def test_fifty_thousand_characters() -> None:
    raw = ("ran 20 min, pain 3/10, numb bum? fell off my bike 1 min run 2 min walk x8 " * 700)[:50_000]
    ci = parse_checkin(raw)
    assert ci.truncated
    assert len(ci.text) == MAX_CHARS
    assert set(ci.red_flags) <= set(RED_FLAGS)


@pytest.mark.parametrize(("text", "pain"), [
    ("\ud800back 3", 3), ("ＢＡＣＫ ３/１０", 3), ("ß 3/10", 3), ("back 3\u2029ran 5k", 3), ("back\r\n3", 3),
])
def test_odd_unicode(text: str, pain: float) -> None:
    assert parse(text).pain == pain


def test_fullwidth_digits_are_read() -> None:
    assert parse("ran ２０ min").activities[0].minutes == 20


def test_non_string_never_raises() -> None:
    assert not parse_checkin(None).understood  # type: ignore[arg-type]
    assert parse_checkin(3).pain == 3  # type: ignore[arg-type]

    class Broken:
        def __str__(self) -> str:
            raise ValueError

    assert parse_checkin(Broken()).text == ""  # type: ignore[arg-type]
