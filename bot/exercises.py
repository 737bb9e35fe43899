"""How to do what the bot suggests: each strength exercise of the routine (domain.md rule 8) and
the session words it uses (walk/run intervals, cross-training, easy effort). A few lines each,
second person, no jargon. The same texts, with their sources, are in docs/exercises.md.

User-facing texts, kept together in this one module (bot/messages.py points here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class HowTo:
    name: str
    text: str


EXERCISES: Final[dict[str, HowTo]] = {h.name: h for h in (
    HowTo("curl-up", (
        "Curl-up: lie on your back, one knee bent, the other leg straight, hands under the small of your back. "
        "Keep your back still and lift just your head and shoulders a few centimetres, hold 8-10 seconds, "
        "breathe, lower. Swap legs halfway. Your lower back should not flatten or round."
    )),
    HowTo("side bridge", (
        "Side bridge: lie on your side, propped on your elbow (under your shoulder), knees bent. Lift your hips "
        "so you are straight from knees to head, hold 8-10 seconds, lower. Do both sides. Harder: straight "
        "legs, on your feet."
    )),
    HowTo("bird dog", (
        "Bird dog: on hands and knees, back flat. Reach one arm forward and the opposite leg back until both "
        "are level with your body, hold 8-10 seconds without your back sagging or twisting, then swap sides."
    )),
    HowTo("glute bridge", (
        "Glute bridge: lie on your back, knees bent, feet flat. Squeeze your buttocks and lift your hips until "
        "you are straight from knees to shoulders, hold 2-3 seconds, lower slowly. Push through your heels, "
        "not your lower back."
    )),
    HowTo("side-lying hip abduction", (
        "Side-lying hip abduction (leg raise): lie on your side, bottom knee bent, top leg straight in line "
        "with your body. Lift the top leg to about 30-40 degrees with the toes pointing forward, lower "
        "slowly. 10 each side; it works the side of your hip."
    )),
    HowTo("walk/run intervals", (
        "Walk/run intervals: after a 5-minute brisk walk to warm up, you swap short runs and walks, e.g. "
        "'60 s run, 90 s walk x8'. Run easily, walk briskly. Each stage (from the NHS Couch to 5K plan) "
        "runs a bit more; you move up only when your back has settled after two sessions."
    )),
    HowTo("cross-training", (
        "Cross-training: exercise that keeps your fitness without running's impact: cycling (outdoors or a "
        "static bike), swimming or aqua jogging, the cross trainer (elliptical), or a brisk walk. Same time "
        "as the run would take, at easy effort."
    )),
    HowTo("easy effort", (
        "Easy effort: the talk test. You can talk in full sentences while you move; if you can only say a few "
        "words, slow down. On the 0-10 effort scale (RPE) that is about 3-4; steady is 5-6, hard is 7 or more."
    )),
)}

#: The routine in the order the suggestion names it (bot/messages.py STRENGTH_ROUTINE).
STRENGTH: Final[tuple[str, ...]] = ("curl-up", "side bridge", "bird dog", "glute bridge", "side-lying hip abduction")

STRENGTH_HOW = (
    "The strength routine: 2-3 slow sets of 8-10 of each, resting between sets. Stop any exercise that "
    "makes your back pain worse than 3/10.\n" + "\n".join(EXERCISES[n].text for n in STRENGTH)
)


def how_to(name: str) -> str:
    """The how-to for an exercise or session word, or the whole strength routine (``strength``)."""
    return STRENGTH_HOW if name == "strength" else EXERCISES[name].text
