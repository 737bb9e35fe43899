"""Every red flag backcheck knows, in one table: its id (stable: ids never change meaning), how
urgent it is, how the bot names it to the user, and the source (domain.md rule 1).

Urgency: ``emergency`` (A&E or the emergency number now), ``same_day`` (a doctor today), ``soon``
(book a GP appointment in the next days). A red flag is a reason to refer, not a diagnosis.

*Possible* flags are mentions with a harmless or low-energy context ("slipped on the stairs, walked
home fine", "numb bum after a 3-hour ride"): the bot asks one yes/no follow-up question, and treats
them as the flag they might be on "yes", or when the next check-in comes without an answer
(domain.md rule 1, **design**, conservative).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Urgency = Literal["emergency", "same_day", "soon"]

NHS = "NHS: back pain, urgent advice"
IFOMPT = "IFOMPT framework, Finucane et al. JOSPT 2020"


@dataclass(frozen=True)
class RedFlag:
    id: str
    urgency: Urgency
    #: How the bot names it in a sentence ("numbness around the groin or buttocks").
    words: str
    source: str


TABLE: tuple[RedFlag, ...] = (
    RedFlag("saddle_numbness", "emergency", "numbness around the groin or buttocks", f"{NHS}; {IFOMPT}"),
    RedFlag("bladder_bowel", "emergency", "new bladder or bowel trouble", f"{NHS}; {IFOMPT}"),
    RedFlag("leg_weakness", "emergency", "weakness or numbness in your legs", f"{NHS}; {IFOMPT}"),
    RedFlag("trauma", "emergency", "back pain after a serious fall or accident", f"{NHS}; {IFOMPT}"),
    RedFlag("fever", "same_day", "a fever or feeling unwell with your back pain", f"{NHS}; {IFOMPT}"),
    RedFlag("night_pain", "same_day", "night pain that rest does not ease", f"{NHS}; {IFOMPT}"),
    RedFlag("weight_loss", "same_day", "weight loss you cannot explain", f"{NHS}; {IFOMPT}"),
    RedFlag("cancer_history", "same_day", "new back pain with a history of cancer", f"{NHS}; {IFOMPT}"),
    RedFlag("steroids", "soon", "new back pain while taking steroid medicine", f"{IFOMPT} (design: GP soon)"),
    RedFlag("osteoporosis", "soon", "new back pain with osteoporosis", f"{IFOMPT} (design: GP soon)"),
)
BY_ID = {f.id: f for f in TABLE}
IDS: tuple[str, ...] = tuple(BY_ID)
URGENCY_ORDER: tuple[Urgency, ...] = ("emergency", "same_day", "soon")

#: Possible flags (a mention in a harmless or low-energy context) -> the flag each might be.
POSSIBLE: dict[str, str] = {
    "minor_fall": "trauma",
    "saddle_numbness_context": "saddle_numbness",
    "tingling_context": "leg_weakness",
}


def urgency_of(flags: tuple[str, ...] | list[str]) -> Urgency | None:
    """The most urgent level among ``flags`` (unknown ids count as same-day, to stay safe)."""
    levels = {BY_ID[f].urgency if f in BY_ID else "same_day" for f in flags}
    return next((u for u in URGENCY_ORDER if u in levels), None)
