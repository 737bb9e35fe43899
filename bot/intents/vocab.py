"""Words the request reader knows: the keywords typos are corrected towards, and place names that
are not an IANA zone's city. Data only; bot/intents/read.py compiles it once, at import."""

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

#: Countries and regions -> the zone most of their people use (bot/answers.py knows more aliases;
#: a country with several zones gets its most populous one, and the confirmation names it).
PLACES: Final[dict[str, str]] = {
    "austria": "Europe/Vienna", "belgium": "Europe/Brussels", "switzerland": "Europe/Zurich",
    "portugal": "Europe/Lisbon", "greece": "Europe/Athens", "poland": "Europe/Warsaw",
    "sweden": "Europe/Stockholm", "norway": "Europe/Oslo", "denmark": "Europe/Copenhagen",
    "finland": "Europe/Helsinki", "czechia": "Europe/Prague", "czech republic": "Europe/Prague",
    "hungary": "Europe/Budapest", "romania": "Europe/Bucharest", "turkey": "Europe/Istanbul",
    "ukraine": "Europe/Kyiv", "russia": "Europe/Moscow", "iceland": "Atlantic/Reykjavik",
    "northern ireland": "Europe/London", "holland": "Europe/Amsterdam", "the netherlands": "Europe/Amsterdam",
    "the uk": "Europe/London", "the us": "America/New_York", "the usa": "America/New_York",
    "the states": "America/New_York", "united states": "America/New_York", "america": "America/New_York",
    "united kingdom": "Europe/London", "britain": "Europe/London", "great britain": "Europe/London",
    "mexico": "America/Mexico_City", "argentina": "America/Argentina/Buenos_Aires", "chile": "America/Santiago",
    "colombia": "America/Bogota", "peru": "America/Lima", "egypt": "Africa/Cairo", "kenya": "Africa/Nairobi",
    "nigeria": "Africa/Lagos", "morocco": "Africa/Casablanca", "israel": "Asia/Jerusalem",
    "uae": "Asia/Dubai", "dubai": "Asia/Dubai", "abu dhabi": "Asia/Dubai", "qatar": "Asia/Qatar",
    "saudi arabia": "Asia/Riyadh", "pakistan": "Asia/Karachi", "bangladesh": "Asia/Dhaka",
    "thailand": "Asia/Bangkok", "vietnam": "Asia/Ho_Chi_Minh", "indonesia": "Asia/Jakarta", "bali": "Asia/Makassar",
    "malaysia": "Asia/Kuala_Lumpur", "philippines": "Asia/Manila", "singapore": "Asia/Singapore",
    "south korea": "Asia/Seoul", "korea": "Asia/Seoul", "taiwan": "Asia/Taipei", "hong kong": "Asia/Hong_Kong",
    "new york city": "America/New_York", "montreal": "America/Toronto", "ottawa": "America/Toronto",
    "quebec": "America/Toronto", "ontario": "America/Toronto", "british columbia": "America/Vancouver",
    "alberta": "America/Edmonton", "calgary": "America/Edmonton", "california": "America/Los_Angeles",
    "texas": "America/Chicago", "florida": "America/New_York", "miami": "America/New_York",
    "atlanta": "America/New_York", "dallas": "America/Chicago", "houston": "America/Chicago",
    "austin": "America/Chicago", "san diego": "America/Los_Angeles", "portland": "America/Los_Angeles",
    "las vegas": "America/Los_Angeles", "hawaii": "Pacific/Honolulu", "alaska": "America/Anchorage",
    "manchester": "Europe/London", "edinburgh": "Europe/London", "glasgow": "Europe/London",
    "cardiff": "Europe/London", "belfast": "Europe/London", "bristol": "Europe/London", "leeds": "Europe/London",
    "liverpool": "Europe/London", "birmingham": "Europe/London", "cornwall": "Europe/London",
    "munich": "Europe/Berlin", "hamburg": "Europe/Berlin", "frankfurt": "Europe/Berlin",
    "barcelona": "Europe/Madrid", "milan": "Europe/Rome", "florence": "Europe/Rome", "venice": "Europe/Rome",
    "geneva": "Europe/Zurich", "lyon": "Europe/Paris", "nice": "Europe/Paris", "porto": "Europe/Lisbon",
    "mallorca": "Europe/Madrid", "majorca": "Europe/Madrid", "ibiza": "Europe/Madrid", "tenerife": "Atlantic/Canary",
    "crete": "Europe/Athens", "cyprus": "Asia/Nicosia", "malta": "Europe/Malta",
    "kyoto": "Asia/Tokyo", "osaka": "Asia/Tokyo", "queensland": "Australia/Brisbane",
    "victoria": "Australia/Melbourne", "new south wales": "Australia/Sydney", "wellington": "Pacific/Auckland",
    "christchurch": "Pacific/Auckland",
}
