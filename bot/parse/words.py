"""Words the check-in parser knows: typo fixes, number words, pain words, intensifiers.

Data only, kept apart from the matching code so the vocabulary can be tuned (or translated)
without reading regexes. The parser modules compile regexes from these tables once, at import.

Pain words (morning pain, or pain during a session when the text says so) map onto the 0-10
scale like this (**design**, after domain.md "fine ~1, sore ~4, bad ~6, terrible ~8"):

=====  ==============================================================================
pain   words
=====  ==============================================================================
0      no pain, pain free, zero pain, nothing hurts, didn't hurt, great, perfect, excellent
1      fine, good, ok, alright, all good, not bad, not sore, feels normal, no complaints
2      stiff, niggly, niggle, tight, twingy, not too bad, much better, mild
3      achy, tender, uncomfortable, twinge, a bit sore (sore 4, "a bit" -1), a bit of pain
4      sore, aching, meh, so so, not great, could be better, some pain
5      hurts, hurting, not good, not ok, quite sore (sore 4, "quite" +1)
6      bad, painful, rough, in pain, very sore (sore 4, "very" +2)
7      a lot of pain, hurts a lot, pretty bad (bad 6, "pretty" +1)
8      awful, terrible, horrible, dreadful, killing me, really bad (bad 6, "really" +2)
9      agony, unbearable, excruciating
10     worst ever, worst pain ever, the worst it's been
=====  ==============================================================================

Intensifiers before a discomfort word (value >= 2) move it: really/very/so/super/extremely +2,
quite/pretty/fairly/rather +1, a bit/a little/slightly/mildly/kind of -1 (never below 2, so
"a bit stiff" stays 2). Before a "fine" word (value <= 1) a strong intensifier means no pain at
all ("really good" -> 0). A "not" in front of a discomfort word gives 1 ("not really sore").
The result is capped at 9 so only an explicit "worst ever" reaches 10.
"""

from __future__ import annotations

from typing import Final

#: Phone-keyboard typos and spellings people use, fixed word by word before anything else.
TYPOS: Final[dict[str, str]] = {
    # running / walking
    "rna": "ran", "rann": "ran", "raned": "ran", "runned": "ran", "ranned": "ran", "rsn": "ran",
    "runing": "running", "runnign": "running", "runnig": "running", "runninng": "running",
    "runnning": "running", "rnning": "running", "runnin": "running", "runnung": "running",
    "runn": "run", "rnu": "run", "urn": "run",
    "jogd": "jogged", "joged": "jogged", "jogginf": "jogging", "joggin": "jogging", "jogg": "jog",
    "wlaked": "walked", "walekd": "walked", "wlked": "walked", "walkd": "walked", "wakled": "walked",
    "wallked": "walked", "walkde": "walked", "waled": "walked", "walkied": "walked", "wlakde": "walked",
    "wlak": "walk", "wakl": "walk", "walkk": "walk", "wlk": "walk",
    "walkign": "walking", "walikng": "walking", "wlaking": "walking", "walkin": "walking",
    # other activities
    "swum": "swam", "swan": "swam", "swimm": "swim", "swiming": "swimming", "swimmming": "swimming",
    "swimmin": "swimming", "cylced": "cycled", "cyceld": "cycled", "cyled": "cycled", "cycleed": "cycled",
    "cyclign": "cycling", "cyclig": "cycling", "cylcing": "cycling", "bikeing": "biking", "bikinh": "biking",
    "excercise": "exercise", "exercize": "exercise", "excersise": "exercise", "excersize": "exercise",
    "exersise": "exercise", "exercies": "exercises", "excercises": "exercises", "exersises": "exercises",
    "excersises": "exercises", "exercizes": "exercises",
    "streching": "stretching", "strech": "stretch", "streches": "stretches", "stretchs": "stretches",
    "pilate": "pilates", "pilattes": "pilates", "ellipitcal": "elliptical", "eliptical": "elliptical",
    "elliptcal": "elliptical", "xtrainer": "cross trainer", "crosstrainer": "cross trainer",
    "lenghts": "lengths", "legnths": "lengths", "lenths": "lengths", "halfmarathon": "half marathon",
    "planking": "planks", "parkrun's": "parkrun",
    # pain words
    "pian": "pain", "paim": "pain", "apin": "pain", "painn": "pain", "pani": "pain",
    "bakc": "back", "bck": "back", "abck": "back", "bacl": "back", "bavk": "back",
    "soar": "sore", "sroe": "sore", "stif": "stiff", "stiif": "stiff", "niggely": "niggly", "nigly": "niggly",
    "achey": "achy", "akey": "achy", "agonizing": "agonising",
    "gud": "good", "gd": "good", "fien": "fine", "fne": "fine", "okey": "ok", "oki": "ok", "okay": "ok",
    "okie": "ok", "alrite": "alright", "allright": "alright", "aight": "alright",
    "realy": "really", "rly": "really", "v": "very", "vry": "very", "prety": "pretty",
    # units
    "minz": "mins", "mns": "mins", "mnis": "mins", "mims": "mins", "minits": "mins", "min's": "mins",
    "mintues": "minutes", "minuts": "minutes", "mintes": "minutes", "minites": "minutes",
    "minuets": "minutes", "mniutes": "minutes", "miuntes": "minutes", "minuites": "minutes",
    "km's": "km", "kms": "km", "klm": "km", "kilometers": "km", "kilometres": "km", "kilometer": "km",
    "kilometre": "km", "k's": "k", "kays": "k", "mile's": "miles", "mls": "miles",
    "hr's": "hrs", "hour's": "hours",
    # symptoms
    "sciatia": "sciatica", "siatica": "sciatica", "sciattica": "sciatica", "schiatica": "sciatica",
    "sciatca": "sciatica", "sciatcia": "sciatica",
    "tempreture": "temperature", "temprature": "temperature", "temperture": "temperature",
    "tempature": "temperature", "feaver": "fever", "fevre": "fever", "fevor": "fever", "fevah": "fever",
    "numbess": "numbness", "numbnes": "numbness", "numness": "numbness", "numbnesss": "numbness",
    "tinglin": "tingling", "tingleing": "tingling", "incontinance": "incontinence",
    # time words
    "yday": "yesterday", "yest": "yesterday", "ystrdy": "yesterday", "yesterdy": "yesterday",
    "yesteday": "yesterday", "yesturday": "yesterday", "tmrw": "tomorrow", "tmw": "tomorrow",
    "tomoz": "tomorrow", "tommorow": "tomorrow", "tomorow": "tomorrow", "tday": "today", "tdy": "today",
    "todays": "today's", "lastnight": "last night", "morn": "morning", "mornin": "morning",
    "wk": "week", "wks": "weeks",
    # contractions people type without the apostrophe
    "didnt": "didn't", "couldnt": "couldn't", "dont": "don't", "cant": "can't", "wont": "won't",
    "wasnt": "wasn't", "isnt": "isn't", "havent": "haven't", "hasnt": "hasn't", "doesnt": "doesn't",
    "wouldnt": "wouldn't", "shouldnt": "shouldn't", "arent": "aren't", "werent": "weren't",
    "hadnt": "hadn't", "im": "i'm", "ive": "i've", "thats": "that's", "backs": "back's",
    "cannot": "can't",
    # filler
    "abt": "about", "arnd": "around", "aprox": "approx", "thx": "thanks",
    "teh": "the", "bcos": "because", "cos": "because", "coz": "because", "cuz": "because",
}

#: Number words -> digits ("a three" -> "a 3", "twenty five" -> "25").
UNIT_WORDS: Final[dict[str, int]] = {
    "zero": 0, "nil": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS_WORDS: Final[dict[str, int]] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
#: Vague amounts read as a number: "a couple of km" -> 2 km. **design**: "a few" = 3.
AMOUNT_WORDS: Final[dict[str, int]] = {
    "a couple of": 2, "a couple": 2, "couple of": 2, "a few": 3, "a dozen": 12, "half a dozen": 6,
}

#: Pain words -> (0-10 value, takes an intensifier). See the module docstring for the table.
PAIN_WORDS: Final[dict[str, tuple[float, bool]]] = {
    # 0
    "no pain": (0, False), "pain free": (0, False), "painfree": (0, False), "zero pain": (0, False),
    "nothing hurts": (0, False), "didn't hurt": (0, False), "doesn't hurt": (0, False),
    "not hurting": (0, False), "no soreness": (0, False), "no pain at all": (0, False),
    "great": (0, False), "perfect": (0, False), "excellent": (0, False), "brilliant": (0, False),
    "amazing": (0, False), "fantastic": (0, False), "awesome": (0, False), "superb": (0, False),
    "pain gone": (0, False), "completely fine": (0, False), "totally fine": (0, False),
    # 1
    "fine": (1, True), "good": (1, True), "ok": (1, True), "alright": (1, True), "all right": (1, True),
    "all good": (1, False), "grand": (1, False), "decent": (1, False), "not bad": (1, False),
    "not sore": (1, False), "not stiff": (1, False), "not painful": (1, False), "no complaints": (1, False),
    "feels normal": (1, False), "feel normal": (1, False), "feeling normal": (1, False),
    "back to normal": (1, False), "doing well": (1, False), "feeling well": (1, False),
    "no stiffness": (1, False), "comfortable": (1, False),
    # 2
    "stiff": (2, True), "niggly": (2, True), "niggle": (2, False), "niggles": (2, False),
    "niggling": (2, True), "tight": (2, True), "twingy": (2, True), "not too bad": (2, False),
    "not that bad": (2, False), "not so bad": (2, False), "much better": (2, False), "mild": (2, False),
    "mild pain": (2, False), "not too sore": (2, False),
    # 3
    "achy": (3, True), "tender": (3, True), "uncomfortable": (3, True), "twinge": (3, False),
    "twinges": (3, False), "a bit of pain": (3, False), "a little pain": (3, False),
    "a bit of a twinge": (3, False), "not as bad": (3, False), "hurts a bit": (3, False),
    "hurt a bit": (3, False), "hurting a bit": (3, False), "a bit of discomfort": (3, False),
    "discomfort": (3, False),
    # 4
    "sore": (4, True), "aching": (4, True), "meh": (4, False), "so so": (4, False),
    "not great": (4, False), "could be better": (4, False), "some pain": (4, False), "ache": (4, False),
    "aches": (4, False), "not so good": (5, False), "not too good": (4, False),
    # 5
    "hurts": (5, True), "hurting": (5, True), "hurt": (5, False), "not good": (5, False),
    "not ok": (5, False), "not fine": (5, False), "not alright": (5, False),
    # 6
    "bad": (6, True), "painful": (6, True), "rough": (6, True), "in pain": (6, False),
    "not good at all": (6, False),
    # 7
    "a lot of pain": (7, False), "lots of pain": (7, False), "hurts a lot": (7, False),
    "hurt a lot": (7, False), "in a lot of pain": (7, False),
    # 8
    "awful": (8, False), "terrible": (8, False), "horrible": (8, False), "dreadful": (8, False),
    "horrendous": (8, False), "killing me": (8, False), "miserable": (8, False),
    # 9
    "agony": (9, False), "in agony": (9, False), "agonising": (9, False), "unbearable": (9, False),
    "excruciating": (9, False),
    # 10
    "worst ever": (10, False), "worst pain ever": (10, False), "worst it's ever been": (10, False),
    "worst it has ever been": (10, False), "the worst it's been": (10, False), "worst ever pain": (10, False),
}

#: Intensifier -> step on the pain scale (see the module docstring).
INTENSIFIERS: Final[dict[str, int]] = {
    "really": 2, "very": 2, "so": 2, "super": 2, "extremely": 2, "incredibly": 2, "seriously": 2,
    "properly": 2, "terribly": 2, "awfully": 2, "massively": 2,
    "quite": 1, "pretty": 1, "fairly": 1, "rather": 1,
    "a bit": -1, "a little": -1, "slightly": -1, "mildly": -1, "bit": -1, "little": -1,
    "kind of": -1, "kinda": -1, "somewhat": -1, "a tad": -1, "a touch": -1, "abit": -1,
    "a wee bit": -1, "wee bit": -1,
}

#: Nouns that, right after a pain word, show it describes something else ("good run", "bad fall").
NOT_PAIN_AFTER: Final[tuple[str, ...]] = (
    "run", "runs", "walk", "walks", "swim", "ride", "session", "workout", "morning", "night", "nights",
    "news", "day", "days", "sleep", "one", "time", "week", "weekend", "pace", "stretch", "job", "effort",
    "weather", "luck", "idea", "amount", "distance", "to", "with", "of", "about", "that",
    "thing", "things", "result", "start", "jog", "spin", "class", "game", "match", "habit", "fall",
    "crash", "cold", "flu", "throat", "headache", "enough", "bike", "cycle", "route", "hill", "hills",
    "form", "shape", "fun", "weights", "gym", "lengths", "intervals", "go", "tempo", "question",
)
