"""Words the request reader knows: the keywords typos are corrected towards (place names are
bot/answers.py's, shared with onboarding). Data only; bot/intents/read.py compiles it once, at import."""

from __future__ import annotations

from typing import Final

#: Request keywords. A word of the message that is none of these but one typo away from one
#: (rapidfuzz, Damerau-Levenshtein) is read as it: "remnders" -> reminders, "holliday" -> holiday.
KEYWORDS: Final[frozenset[str]] = frozenset("""
reminder reminders remind notifications notification holiday holidays vacation settings timezone weekdays
weekends weekday weekend progress export delete resume pause paused unpause exercise exercises bridge
bridges glute glutes abduction intervals interval training effort monday tuesday wednesday thursday
friday saturday sunday mondays tuesdays wednesdays thursdays fridays saturdays sundays tomorrow earlier
later instead morning explain travelling traveling until fortnight thanks hello undo please unsubscribe
download erase schedule suggestion suggested session checkins week weeks month months everyday
curlup plank birddog thank reminded reminding clamshell lying crosstraining sydney toronto london
""".split())
