"""What was done: activity mentions, their minutes/distance/effort, rest and negation.

Kinds (**design** where marked):

- run: ran, jog, parkrun (5 km unless said), treadmill, tempo, intervals, race, strides...
- walk, walk_run (``run/walk``, ``walk run``, Couch to 5K, interval patterns), cycle (bike,
  spin, peloton, rode, turbo, zwift), swim (pool, lengths, swam, aqua jogging),
  cross_trainer (elliptical, cross trainer, x-trainer).
- strength: gym, weights, core, pilates, planks, bird dogs, glute bridges, squats, physio or
  rehab exercises, kettlebells, body pump, core class, circuits, reformer, dumbbells, boot camp. **design**: pilates is strength (it trains the trunk muscles the strength
  nudge is about); yoga, stretching and mobility are ``other`` (they do not count as strength).
- other: yoga, stretching, mobility, team and racket sports, rowing, HIIT, a generic "workout";
  also a duration nobody named ("3/10, 20 mins easy") and a session only known from "pain
  during" (**design**: we record that something was done rather than guess what).
- A bare distance with no activity word (``did a 5k``) is a run.

Effort: easy (easy, gentle, slow, recovery, relaxed, light, zone 1-2), steady (steady, moderate,
zone 3, "not too hard"), hard (hard, fast, tempo, threshold, intervals, race, hills, sprints,
fartlek, zone 4-5). **design**: tempo is hard. Several effort words -> the hardest. ``RPE 7``
sets ``rpe`` and wins over words: <5 easy, 5-6 steady, >=7 hard.

Numbers go to the activity word in their part of the clause ("ran 20 min then 15 min of core",
"20 min run, 15 min core", "walked 30, swam 1km"); a bare number right after an activity word
is minutes when 10-300 ("walked 30"). Mentions of the same kind merge into one activity unless
their numbers differ; a bare "run"/"walk" next to a walk/run session is part of it.

Someone else's activity (``my husband did parkrun``, ``she swam 2k``; not ``my husband and I
ran``) is not recorded, nor is a duration in a clause about driving, commuting, sitting,
standing or work (``3 hours in the car``, ``sat at my desk 8 hours``). A ``0`` right after a
pain word is a score, not "no" (``back 0 ran 90`` is a run).
Negated (``didn't run``, ``skipped my run``, ``no run today``, ``couldn't run``, ``too sore to
run``, ``instead of running``), planned (``will run tomorrow``, ``going for a run later``) and
asked-about (``can I run?``) activities are not recorded; a negated one counts as a rest cue.
Rest (``rested`` is set only when no activity was recorded): rested, rest day, day off, nothing,
did nothing, no exercise, lazy day, sofa, stayed in bed, took it easy, didn't get out, or only
negated activities.
``run_minutes`` equals ``minutes`` for a run, comes from the intervals for walk/run, and is None
for other kinds.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from bot.domain import Activity, Intervals
from bot.parse.patterns import DIGIT_TOKENS, Doc, Keyed, Trigger
from bot.parse.quantity import Qty, Scan
from bot.parse.text import Clause, ClauseIndex

#: At most this many activities are read from one reply (a check-in is a day, not a diary).
MAX_ACTIVITIES = 20
#: A number right after an activity word with no unit ("walked 30") is minutes in this range.
BARE_MINUTES = (10.0, 300.0)

_MENTION_RE = Keyed(
    r"\b(?:(?P<walk_run>(?:run|ran|jog|jogged|running|jogging)\s*(?:/|&|\+|\band\b|-)?\s*(?:walk|walked|walking)"
    r"(?:\s+intervals?)?|(?:walk|walked|walking)\s*(?:/|&|\+|\band\b|-)?\s*(?:run|ran|jog|jogged|running|jogging)"
    r"(?:\s+intervals?)?|couchtofivek|jeffing|galloway)"
    r"|(?P<cross_trainer>cross\s*trainer|x\s*trainer|elliptical|elliptic)"
    r"|(?P<swim>aqua\s*jog\w*|pool\s+run\w*|deep\s+water\s+run\w*|swim|swims|swam|swimming|lengths"
    r"|aqua\s*aerobics|aqua\w*)"
    r"|(?P<weak_swim>pool)"
    r"|(?P<cycle>exercise\s+bike|stationary\s+bike|spin\s+bike|spin\s+class|spinning|spin|peloton|turbo"
    r"|zwift|bike|bikes|biked|biking|cycle|cycles|cycled|cycling|rode|ride|rides|mtb)"
    r"|(?P<strength>weights|weight\s+training|lifting|lifted|strength(?:\s+training|\s+work|\s+session)?"
    r"|core(?:\s+work|\s+session|\s+exercises)?|pilates|side\s+planks?|planks?|bird\s*dogs?|dead\s*bugs?"
    r"|glute\s+bridges?|bridges|clam\s*shells?|clams|squats?|lunges?|deadlifts?|kettlebells?"
    r"|resistance\s+bands?|band\s+work|bodyweight|circuits?|crossfit|mcgill(?:\s+big\s+3)?|curl\s+ups?"
    r"|sit\s+ups?|press\s+ups?|push\s+ups?|rehab(?:\s+exercises)?|physio\s+(?:exercises|routine|work|stuff)"
    r"|exercises|calf\s+raises|body\s*pump|les\s+mills|pump\s+class|core\s+class|barre|trx|strength\s+class"
    r"|weights?\s+session|free\s+weights|dumbbells?|barbells?|leg\s+day|upper\s+body|boot\s*camp|reformer"
    r"|gym\s+(?:session|workout|class))"
    r"|(?P<weak_strength>gym)"
    r"|(?P<other>yoga|stretch|stretches|stretched|stretching|mobility|foam\s+roll\w*|tennis|football|soccer"
    r"|climbing|bouldering|rowing|rowed|rower|erg|dance|danced|dancing|hiit|golf|squash|badminton|boxing"
    r"|kayak\w*|paddle\s*board\w*|skiing|skied|skating|netball|rugby|hockey|basketball|volleyball"
    r"|cross\s+training|workout|exercise|exercised)"
    r"|(?P<walk>walk|walks|walked|walking|hike|hikes|hiked|hiking|stroll|strolls|strolled|ramble|rambled"
    r"|rambling|wander|wandered)"
    r"|(?P<run>parkrun|tempo|fartlek|intervals|hill\s+reps|hill\s+sprints|sprints|strides|track\s+session"
    r"|race|raced|long\s+run|trail\s+run|run|runs|ran|running|jog|jogs|jogged|jogging)"
    r"|(?P<weak_run>treadmill))\b",
    ["run", "ran", "jog", "walk", "couchtofivek", "jeffing", "galloway", "cross", "x", "elliptic", "aqua", "pool",
     "deep", "swim", "swam", "lengths", "exercis", "stationary", "spin", "peloton", "turbo", "zwift", "bik",
     "cycl", "rode", "rid", "mtb", "weight", "lift", "strength", "core", "pilates", "side", "plank", "bird",
     "dead", "glute", "bridge", "clam", "squat", "lunge", "deadlift", "kettlebell", "resistance", "band",
     "bodyweight", "circuit", "crossfit", "mcgill", "curl", "sit", "press", "push", "rehab", "physio", "calf",
     "gym", "body", "les", "pump", "barre", "trx", "dumbbell", "barbell", "leg", "upper", "boot", "reformer",
     "free", "yoga", "stretch", "mobility", "foam", "tennis", "football", "soccer", "climbing", "bouldering",
     "row", "erg", "danc", "hiit", "golf", "squash", "badminton", "boxing", "kayak", "paddle", "ski", "skat",
     "netball", "rugby", "hockey", "basketball", "volleyball", "workout", "hik", "stroll", "rambl", "wander",
     "parkrun", "tempo", "fartlek", "intervals", "hill", "sprints", "strides", "track", "rac", "long", "trail",
     "treadmill"],
)
_RUN_WORDS = frozenset({"run", "runs", "ran", "running"})
_DEFAULT_KM = {"parkrun": 5.0}

_EXCLUDE_BEFORE_RE = re.compile(
    r"(?:(?P<school>\bschool\s+)|(?P<car>\b(?:car|bus|train|taxi|tube|lift)\s+)"
    r"|(?P<off>\boff\s+(?:of\s+)?(?:my|the|a|his|her)\s+)|(?P<inthe>\bin\s+the\s+)"
    r"|(?P<habit>\b(?:started|start|starting|began|took\s+up|taking\s+up|love|like|enjoy|miss|missing|hate|keen\s+on"
    r"|fancy|face|scared\s+of|afraid\s+of|nervous\s+about|wary\s+of)\s+(?:my\s+|the\s+)?)"
    # "it slaps when I walk", "hurts whenever I run": the present tense is a habit, not a session.
    r"|(?P<when>\b(?:when|whenever|every\s+time|each\s+time|if)\s+i\s+))\Z"
)
#: Present forms after "when I": "when I walk" is a habit, "when I ran 20 min" a session.
_HABIT_FORMS = frozenset({"walk", "run", "jog", "cycle", "swim", "bike", "ride", "sit", "row"})
#: Lifting things in everyday life is not a strength session: "hurt it lifting boxes", "lifted the kids".
_LIFT_THINGS_AFTER_RE = re.compile(
    r"\s+(?:\w+\s+){0,2}?(?:box|boxes|furniture|shopping|bags?|suitcases?|kids?|child|son|daughter|baby|toddler"
    r"|grandchild\w*|sofa|couch|bed|table|wardrobe|fridge|washing|something|stuff|things|heavy)\b"
)
_RUN_EXCLUDE_AFTER_RE = re.compile(
    r"\s+(?:out\b|errands|late\b|in\s+(?:the|my|our)\s+family|a\s+(?:temperature|temp|fever|bath|business|meeting)|into\b|down\b|by\b"
    r"|over\b|through\s+(?:my|the)\s+head|past\b)"
)
_NEG_BEFORE_RE = re.compile(
    r"\b(?:didn't|don't|couldn't|can't|won't|wasn't|weren't|haven't|hasn't|hadn't|isn't|no|not|never|without"
    r"|skipped|skip|skipping|missed|miss|cancelled|canceled|avoided|avoiding|instead\s+of|rather\s+than"
    r"|unable\s+to|too\s+\w+\s+to|gave\s+up(?:\s+on)?|bailed(?:\s+on)?|postponed|(?<!back\s)(?<!pain\s)(?<!is\s)(?<!at\s)(?<!was\s)(?<!level\s)(?<!score\s)0|hurts\s+to|painful\s+to"
    r"|struggled\s+to|struggling\s+to|(?:could|can)\s+(?:barely|hardly))\s+"
    r"(?:(?:go|going|get|got|do|doing|did|manage|managed|to|my|the|a|an|any|for|out|on|even|bother|feel|like"
    r"|up|able|be|been|with|today's|this|morning|morning's|usual|planned|scheduled|proper|much|really|i"
    r"|have|had|me|our|some|time|chance|it|in|yet|make|made|gym|pool)\s+){0,4}\Z"
)
#: The first words of ``_NEG_BEFORE_RE`` and ``_EXCLUDE_BEFORE_RE``: without one nearby, neither can match.
_NEG_WORDS = Trigger([
    "didn't", "don't", "couldn't", "can't", "won't", "wasn't", "weren't", "haven't", "hasn't", "hadn't", "isn't",
    "no", "not", "never", "without", "skip", "miss", "cancel", "avoid", "instead", "rather", "unable", "too",
    "gave", "bailed", "postponed", "0", "hurts", "painful", "struggl", "could", "can"])
_EXCLUDE_WORDS = Trigger([
    "school", "car", "bus", "train", "taxi", "tube", "lift", "off", "in", "start", "began", "took", "taking",
    "love", "like", "enjoy", "miss", "hate", "keen", "fancy", "face", "scared", "afraid", "nervous", "wary",
    "when", "whenever", "every", "each", "if"])
_NEG_AFTER_RE = re.compile(
    r"\s*(?:was\s+|got\s+)?(?:cancelled|canceled|skipped|didn't\s+happen|not\s+happening|was\s+a\s+no\s+go"
    r"|called\s+off|postponed)\b"
)
_NOT_NEGATED_AFTER_RE = re.compile(r"\s+(?:as|that|so|very)\s+(?:far|long|much|fast|well|hard)\b")
_SEGMENT_RE = re.compile(r"\band\b|&|\+")
_BARE_AFTER_RE = re.compile(
    r"\s*(?:for\s+|about\s+|around\s+|approx\s+|like\s+|roughly\s+|~\s*){0,2}(?P<n>[0-9]+(?:\.[0-9]+)?)"
    r"(?![0-9.:/])(?!\s*(?:/|out\s+of|outta|or\s+[0-9]|-\s*[0-9]|to\s+[0-9]))"
)
_BARE_BEFORE_RE = re.compile(
    r"(?<![0-9./])(?<!of\s)(?<!outta\s)(?P<n>[0-9]+(?:\.[0-9]+)?)\s+(?:(?:on|of|in)\s+(?:the\s+|my\s+)?)?\Z"
)
_EFFORT_RE = Keyed(
    r"\b(?:(?P<hard>not\s+easy|hard(?!\s+(?:to|time|day|night|work|going\s+to))|harder|fast|faster|tempo"
    r"|threshold|speed\s*work|speed\s+session|sprints?|sprinted|sprinting|race|raced|racing|hills|hill\s+reps"
    r"|hilly|fartlek|pushed(?:\s+it)?|tough|intense|all\s+out|flat\s+out|max(?:imum)?\s+effort|pb|pr|brutal"
    r"|strenuous|vigorous|track\s+session|time\s+trial|zone\s*[45]|z\s*[45])"
    r"|(?P<ivl>intervals?)"
    r"|(?P<steady>steady|moderate|moderately|medium|normal\s+pace|usual\s+pace|comfortably\s+hard"
    r"|marathon\s+pace|zone\s*3|z\s*3|not\s+(?:too\s+|that\s+|very\s+|so\s+)?(?:hard|fast))"
    r"|(?P<easy>took\s+it\s+easy|nice\s+and\s+easy|easy|easily|gentle|gently|slow|slowly|recovery|relaxed"
    r"|light|lightly|conversational|conversation\s+pace|zone\s*[12]|z\s*[12]|plod|plodded|plodding|leisurely"
    r"|chilled|comfortable|comfortably))\b",
    ["not", "hard", "fast", "tempo", "threshold", "speed", "sprint", "rac", "hill", "fartlek", "push", "tough",
     "intense", "all", "flat", "max", "pb", "pr", "brutal", "strenuous", "vigorous", "track", "time", "zone", "z",
     "interval", "steady", "moderate", "medium", "normal", "usual", "comfort", "marathon", "took", "nice", "eas",
     "gentl", "slow", "recovery", "relaxed", "light", "conversation", "plod", "leisurely", "chilled"],
)
_EFFORT_RANK = {"easy": 1, "steady": 2, "hard": 3, "ivl": 3}
_EFFORT_NAME = {1: "easy", 2: "steady", 3: "hard"}
_REST_RE = Keyed(
    r"\b(?:(?<!well\s)rested|resting|rest\s+day|(?<!the\s)rest(?!\s+of\b)|days?\s+off|off\s+day|did\s+nothing"
    r"|done\s+nothing|didn't\s+do\s+(?:anything|much|any\s+exercise|a\s+thing)"
    r"|nothing\s+(?:today|yesterday|at\s+all|much|really|done|since)|(?:no|0)\s+(?:exercise|activity|training"
    r"|workout|sport|running|movement)|didn't\s+(?:exercise|train|work\s+out|move)"
    r"|didn't\s+(?:get|go|make\s+it)\s+out|lazy\s+day|sofa|couch"
    r"|settee|stayed\s+in\s+bed|bed\s+rest|recovery\s+day|took\s+(?:the\s+day|it|a\s+day)\s+off"
    r"|took\s+it\s+easy|took\s+a\s+break|having\s+a\s+break)\b",
    ["rest", "day", "off", "did", "done", "nothing", "no", "lazy", "sofa", "couch", "settee", "stayed", "bed",
     "recovery", "took", "having", "0", "didn't"],
)
_REST_ALONE = frozenset({"nothing", "none", "nada", "zilch", "nothing really", "nothing much", "not much",
                         "nothing yet", "nothing else"})
#: Clauses about pain, sitting or sleeping: their durations are not a session ("stiff for 20 min").
_NOT_SESSION_RE = re.compile(
    r"\b(?:stiff\w*|sore\w*|pain\w*|hurt\w*|ache\w*|aching|achy|sat|sit|sitting|drove|drive|driving|desk"
    r"|car|cars|train|trains|bus|coach|plane|commut\w*|travel\w*|journey|office|shift|on\s+my\s+feet|queue\w*"
    r"|shopping|housework|cleaning|diy|work|worked|working|computer|laptop|screen|zoom|calls?|tv"
    r"|sofa|couch|settee|watching|reading|napp\w*|nap"
    r"|flight|flew|slept|sleep\w*|lying|lay|bed|meeting|standing|stood|woke|waking|numb\w*|tingl\w*"
    r"|fever|temperature|twinge\w*|niggl\w*)\b"
)
_LETTER_RE = re.compile(r"[a-z]")
_KM_KINDS = frozenset({"run", "walk", "walk_run", "cycle", "swim", "cross_trainer", "other"})


@dataclass(slots=True)
class Builder:
    """An activity being assembled from one mention (merged with its repeats later)."""

    kind: str
    pos: int
    clause: int
    minutes: float | None = None
    km: float | None = None
    lengths: float | None = None
    effort: int = 0
    intervals_word: bool = False
    rpe: float | None = None
    pain_during: float | None = None
    pain_numeric: bool = False
    intervals: Intervals | None = None
    run_minutes: float | None = None
    default_km: float | None = None
    miles: bool = False

    def take(self, q: Qty) -> bool:
        """Take a quantity if its slot is empty and it fits this kind."""
        if q.kind == "min" and self.minutes is None:
            self.minutes = q.value
        elif q.kind == "km" and self.km is None and self.kind in _KM_KINDS:
            self.km = q.value
            self.miles = q.miles
        elif q.kind == "len" and self.lengths is None and self.kind == "swim":
            self.lengths = q.value
        else:
            return False
        return True

    def add_pain(self, value: float, numeric: bool) -> None:
        """Peak pain during: numbers beat words, otherwise the highest wins."""
        if self.pain_during is None or (numeric and not self.pain_numeric):
            self.pain_during, self.pain_numeric = value, numeric
        elif numeric == self.pain_numeric:
            self.pain_during = max(self.pain_during, value)


@dataclass(slots=True)
class _Mention:
    start: int
    end: int
    kind: str
    clause: int
    seg: int
    weak: bool
    builder: Builder | None = None


@dataclass(slots=True)
class ActivityScan:
    builders: list[Builder]
    rest_cue: bool
    #: Per clause, the start positions of the activities mentioned in it.
    mentions_by_clause: list[list[int]] = field(default_factory=list)


def _segments(m: str, c: Clause) -> list[int]:
    """Start positions of the and/&/+ segments of a clause."""
    return [c.start] + [x.end() for x in _SEGMENT_RE.finditer(m, c.start, c.end)]


def _irrealis(c: Clause, seg_start: int, seg_end: int, pos: int) -> bool:
    """Planned, wished or asked about: a marker in the segment, or earlier in the clause."""
    if c.question:
        return True
    for kind in ("irr", "cond"):
        for p in c.positions(kind):
            if seg_start <= p < seg_end or p < pos:
                return True
    return False


def _neg_before(m: str, doc: Doc, lo: int, pos: int) -> bool:
    lo = max(lo, pos - 50)
    return _NEG_WORDS.found(doc, lo, pos) and _NEG_BEFORE_RE.search(m, lo, pos) is not None


def _negated(m: str, doc: Doc, c: Clause, start: int, end: int) -> bool:
    if _NEG_AFTER_RE.match(m, end):
        return True
    if _neg_before(m, doc, c.start, start):
        return not _NOT_NEGATED_AFTER_RE.match(m, end)
    return False


def _excluded(m: str, doc: Doc, kind: str, start: int, end: int) -> bool:
    """Not a session: "school run", "car ride", "fell off my bike", "since I started running"..."""
    word = m[start:end]
    lo = max(0, start - 16)
    before = _EXCLUDE_BEFORE_RE.search(m, lo, start) if _EXCLUDE_WORDS.found(doc, lo, start) else None
    if before is not None:
        g = before.lastgroup
        if (g in ("off", "habit") or (g == "school" and word in _RUN_WORDS) or (g == "car" and word.startswith("ride"))
                or (g == "inthe" and word == "long run") or (g == "when" and word in _HABIT_FORMS)):
            return True
    if kind == "strength" and word.startswith("lift") and _LIFT_THINGS_AFTER_RE.match(m, end):
        return True
    if kind == "run" and word in _RUN_WORDS:
        return _RUN_EXCLUDE_AFTER_RE.match(m, end) is not None
    return False


#: Someone else did it: "my husband did parkrun", "my friend ran a marathon", "she swam 2k".
_OTHER_SUBJECT_RE = re.compile(
    r"\b(?:(?:my|our|his|her|their)\s+(?:\w+\s+)?(?:husband|wife|partner|friend|friends|mate|mates|son|daughter|kids?"
    r"|children|boy|girl|boyfriend|girlfriend|bf|gf|fiance|fiancee|mum|mom|mother|dad|father|sister|brother|sibling"
    r"|colleague|colleagues|boss|neighbour|neighbor|cousin|club|team|family|other\s+half|oh|hubby|missus|coach"
    r"|parents?|dog)|(?:the\s+)?(?:husband|hubby|wife|wifey|partner|boyfriend|girlfriend|kids|son|daughter"
    r"|friends?|mates|other\s+half)|(?:he|she|they|everyone|everybody|someone|somebody|nobody)(?:'s|'d)?)\b"
)
_SELF_AFTER_RE = re.compile(r"\b(?:i|i'm|i've|i'd|me|we|we've|myself|us)\b")


def _someone_else(m: str, lo: int, pos: int) -> bool:
    """The clause's subject before the activity is someone else, and not "my husband and I"."""
    last: re.Match[str] | None = None
    for o in _OTHER_SUBJECT_RE.finditer(m, max(lo, pos - 60), pos):
        last = o
    if last is None:
        return False
    between = m[last.end():pos]
    return _SELF_AFTER_RE.search(between) is None and not re.match(r"\s*(?:and|&|\+)\s*(?:i|me)\b", between)


def _mentions(m: str, doc: Doc, clauses: list[Clause],
              index: ClauseIndex) -> tuple[list[_Mention], set[tuple[int, int]], bool]:
    """Valid mentions; (clause, segment) pairs whose quantities are void; whether a negation was seen."""
    valid: list[_Mention] = []
    void: set[tuple[int, int]] = set()
    negated_any = False
    seg_cache: dict[int, list[int]] = {}
    for x in _MENTION_RE.finditer(doc, m):
        ci = index.find(x.start())
        if ci < 0:
            continue
        c = clauses[ci]
        kind = x.lastgroup or "other"
        weak = kind.startswith("weak_")
        kind = kind.removeprefix("weak_")
        if _excluded(m, doc, kind, x.start(), x.end()):
            continue
        segs = seg_cache.get(ci)
        if segs is None:
            segs = seg_cache[ci] = _segments(m, c)
        si = bisect_right(segs, x.start()) - 1
        seg_end = segs[si + 1] if si + 1 < len(segs) else c.end
        if _irrealis(c, segs[si], seg_end, x.start()):
            void.add((ci, si))
            continue
        if _someone_else(m, c.start, x.start()):
            void.add((ci, si))
            continue
        if _negated(m, doc, c, x.start(), x.end()):
            void.add((ci, si))
            negated_any = True
            continue
        valid.append(_Mention(x.start(), x.end(), kind, ci, si, weak))
    strong_clauses = {v.clause for v in valid if not v.weak}
    valid = [v for v in valid if not (v.weak and v.clause in strong_clauses)]
    return valid, void, negated_any


def _assign_segment(ms: list[_Mention], qs: list[Qty]) -> None:
    """Quantities of one segment with several mentions: "20 min run, 15 min core" or "ran 20, swam 1k"."""
    prefix_style = qs[0].start < ms[0].start
    for q in qs:
        if prefix_style:
            target = next((x for x in ms if x.start > q.start), ms[-1])
        else:
            target = next((x for x in reversed(ms) if x.start < q.start), ms[0])
        assert target.builder is not None
        target.builder.take(q)


def _nearest(ms: list[_Mention], pos: int) -> _Mention:
    return min(ms, key=lambda x: abs(x.start - pos))


def _bare_minutes(m: str, c: Clause, x: _Mention) -> float | None:
    after = _BARE_AFTER_RE.match(m, x.end, c.end)
    if after:
        n = float(after.group("n"))
        if BARE_MINUTES[0] <= n <= BARE_MINUTES[1]:
            return n
    before = _BARE_BEFORE_RE.search(m, max(c.start, x.start - 20), x.start)
    if before:
        n = float(before.group("n"))
        if BARE_MINUTES[0] <= n <= BARE_MINUTES[1]:
            return n
    return None


def _previous(builders: list[Builder], pos: int) -> Builder | None:
    before = [b for b in builders if b.pos <= pos]
    if before:
        return max(before, key=lambda b: b.pos)
    after = [b for b in builders if b.pos > pos]
    return min(after, key=lambda b: b.pos) if after else None


def _place_orphans(s: str, m: str, doc: Doc, clauses: list[Clause], orphans: list[tuple[int, Qty]],
                   builders: list[Builder]) -> None:
    """Quantities with no activity word near them: fill a gap in an activity, or stand alone."""
    skip: dict[int, bool] = {}
    for ci, q in orphans[: MAX_ACTIVITIES * 4]:
        c = clauses[ci]
        no = skip.get(ci)
        if no is None:
            no = skip[ci] = bool(c.question or c.has("irr") or c.has("cond")
                                 or _NOT_SESSION_RE.search(s, c.start, c.end)
                                 or (ci > 0 and clauses[ci - 1].sent == c.sent and not _LETTER_RE.search(m, c.start, c.end)
                                     and _NOT_SESSION_RE.search(s, clauses[ci - 1].start, clauses[ci - 1].end)))
        if no:
            continue
        if _neg_before(m, doc, c.start, q.start):
            continue
        ordered = sorted(builders, key=lambda b: (b.pos > q.start, abs(b.pos - q.start)))
        if any(b.take(q) for b in ordered):
            continue
        if len(builders) < MAX_ACTIVITIES:
            kind = {"km": "run", "len": "swim"}.get(q.kind, "other")
            b = Builder(kind, q.start, ci)
            b.take(q)
            builders.append(b)


def _attach_efforts(s: str, doc: Doc, clauses: list[Clause], index: ClauseIndex,
                    by_clause: dict[int, list[_Mention]], builders: list[Builder], scan: Scan) -> bool:
    """Efforts and RPE onto activities; returns whether "took it easy" was said."""
    took_it_easy = False
    for e in _EFFORT_RE.finditer(doc, s):
        ci = index.find(e.start())
        if ci < 0 or _irrealis(clauses[ci], clauses[ci].start, clauses[ci].start, clauses[ci].end):
            continue
        if e.group().startswith("took"):
            took_it_easy = True
        target = _effort_target(s, clauses[ci], by_clause.get(ci), builders, e.start())
        if target is None:
            continue
        group = e.lastgroup or "easy"
        if group == "ivl":
            target.intervals_word = True
        else:
            target.effort = max(target.effort, _EFFORT_RANK[group])
    for r in scan.rpes:
        ci = index.find(r.start)
        if r.value is None or ci < 0:
            continue
        target = _effort_target(s, clauses[ci], by_clause.get(ci), builders, r.start)
        if target is not None and target.rpe is None:
            target.rpe = r.value
    return took_it_easy


def _effort_target(s: str, c: Clause, ms: list[_Mention] | None, builders: list[Builder],
                   pos: int) -> Builder | None:
    if ms:
        return _nearest(ms, pos).builder
    if _NOT_SESSION_RE.search(s, c.start, c.end):
        return None
    return _previous(builders, pos)


def _rest_said(m: str, doc: Doc, clauses: list[Clause], index: ClauseIndex) -> bool:
    for x in _REST_RE.finditer(doc, m):
        ci = index.find(x.start())
        if ci >= 0 and not clauses[ci].question and not clauses[ci].has("irr"):
            return True
    for c in clauses:
        # Every phrase of _REST_ALONE starts with "n" or "z" (and a clause with its first word).
        if c.end - c.start <= 16 and not c.question and m[c.start] in "nz" \
                and " ".join(m[c.start:c.end].split()) in _REST_ALONE:
            return True
    return False


def extract(s: str, doc: Doc, scan: Scan, clauses: list[Clause], index: ClauseIndex) -> ActivityScan:
    """Read activities (not yet merged) and rest cues from a normalised, scanned check-in."""
    m = scan.masked
    builders: list[Builder] = []
    for h in scan.intervals:
        ci = index.find(h.start)
        if ci >= 0 and not _irrealis(clauses[ci], h.start, h.end, h.start) \
                and not _neg_before(m, doc, clauses[ci].start, h.start):
            builders.append(Builder(h.kind, h.start, ci, minutes=h.minutes, intervals=h.intervals,
                                    run_minutes=h.run_minutes))
    valid, void, negated_any = _mentions(m, doc, clauses, index)
    by_clause: dict[int, list[_Mention]] = {}
    for x in valid[: MAX_ACTIVITIES * 4]:
        x.builder = Builder(x.kind, x.start, x.clause, default_km=_DEFAULT_KM.get(m[x.start:x.end]))
        builders.append(x.builder)
        by_clause.setdefault(x.clause, []).append(x)

    orphans: list[tuple[int, Qty]] = []
    by_seg: dict[tuple[int, int], list[Qty]] = {}
    seg_cache: dict[int, list[int]] = {}
    for q in scan.qtys:
        ci = index.find(q.start)
        if ci < 0 or q.positional:
            continue
        segs = seg_cache.get(ci)
        if segs is None:
            segs = seg_cache[ci] = _segments(m, clauses[ci])
        si = bisect_right(segs, q.start) - 1
        if (ci, si) not in void:
            by_seg.setdefault((ci, si), []).append(q)
    for (ci, si), qs in by_seg.items():
        ms = [x for x in by_clause.get(ci, []) if x.seg == si]
        if len(ms) == 1:
            for q in qs:
                assert ms[0].builder is not None
                ms[0].builder.take(q)
        elif ms:
            _assign_segment(ms, qs)
        elif by_clause.get(ci):
            for q in qs:
                target = _nearest(by_clause[ci], q.start).builder
                assert target is not None
                target.take(q)
        else:
            orphans.extend((ci, q) for q in qs)
    for x in valid:
        if x.builder is not None and x.builder.minutes is None:
            c = clauses[x.clause]
            if DIGIT_TOKENS.found(doc, max(c.start, x.start - 20), min(c.end, x.end + 30)):
                x.builder.minutes = _bare_minutes(m, c, x)
    _place_orphans(s, m, doc, clauses, sorted(orphans, key=lambda o: o[1].start), builders)
    took_it_easy = _attach_efforts(s, doc, clauses, index, by_clause, builders, scan)
    mentions_by_clause: list[list[int]] = [[] for _ in clauses]
    for b in builders:
        mentions_by_clause[b.clause].append(b.pos)
    rest = negated_any or took_it_easy or _rest_said(m, doc, clauses, index)
    return ActivityScan(builders, rest, mentions_by_clause)


# --------------------------------------------------------------------------------------------
# Merging and output
# --------------------------------------------------------------------------------------------

def _compatible(a: Builder, b: Builder) -> bool:
    return not ((a.minutes is not None and b.minutes is not None and a.minutes != b.minutes)
                or (a.km is not None and b.km is not None and a.km != b.km)
                or (a.intervals is not None and b.intervals is not None and a.intervals != b.intervals))


def _fill(into: Builder, b: Builder) -> None:
    for name in ("minutes", "km", "lengths", "rpe", "intervals", "run_minutes", "default_km"):
        if getattr(into, name) is None:
            setattr(into, name, getattr(b, name))
    if into.km == b.km:
        into.miles = into.miles or b.miles
    into.effort = max(into.effort, b.effort)
    into.intervals_word = into.intervals_word or b.intervals_word
    if b.pain_during is not None:
        into.add_pain(b.pain_during, b.pain_numeric)


def _bare(b: Builder) -> bool:
    return b.minutes is None and b.km is None and b.intervals is None


def merge(builders: list[Builder]) -> list[Builder]:
    """One activity per thing done: repeated mentions of the same kind become one."""
    out: list[Builder] = []
    for b in sorted(builders, key=lambda x: x.pos):
        target = next((o for o in out if o.kind == b.kind and _compatible(o, b)), None)
        if target is None and _bare(b) and b.kind in ("run", "walk"):
            target = next((o for o in out if o.kind == "walk_run"), None)
        if target is not None:
            _fill(target, b)
        else:
            out.append(b)
    walk_run = next((o for o in out if o.kind == "walk_run"), None)
    if walk_run is not None:
        for o in [o for o in out if o.kind in ("run", "walk") and _bare(o)]:
            _fill(walk_run, o)
            out.remove(o)
    return out[:MAX_ACTIVITIES]


def _effort_from_rpe(rpe: float) -> str:
    if rpe < 5:
        return "easy"
    return "steady" if rpe < 7 else "hard"


def to_activity(b: Builder) -> Activity:
    rank = b.effort
    if b.intervals_word and b.kind != "walk_run":
        rank = max(rank, 3)
    effort = _effort_from_rpe(b.rpe) if b.rpe is not None else _EFFORT_NAME.get(rank)
    km = b.km if b.km is not None else b.default_km
    minutes = round(b.minutes, 2) if b.minutes is not None else None
    run_minutes = minutes if b.kind == "run" else b.run_minutes
    return Activity(
        kind=b.kind,  # type: ignore[arg-type]
        minutes=minutes,
        km=round(km, 3) if km is not None else None,
        effort=effort,  # type: ignore[arg-type]
        pain_during=b.pain_during,
        run_minutes=run_minutes,
        intervals=b.intervals,
        rpe=b.rpe,
        miles=b.miles and b.km is not None,
    )
