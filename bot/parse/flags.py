"""Red flags and leg pain in plain words.

Red flags (ids from :mod:`bot.domain`) are read per sentence from the normalised text. Each rule
matches a symptom phrase; the match does not count when

- a negation governs it: "no numbness", "haven't lost weight", "nearly fell", "didn't wet myself"
  (a negator up to 6 words before, with no "but", "now", ", I"... in between), or a "no" /
  "none" / "gone" / "fine" after it ("numbness: none", "fever - no");
- it is hypothetical: "what if I get numbness?", "in case", "signs of", "should I worry about",
  or "if" / "any" in a question.

Otherwise it counts. **design**: when in doubt about a real symptom report, flag it (a false
alarm costs less than a miss). Tiredness words ("legs tired", "heavy legs", "legs felt weak on
the hills") are not leg weakness when the sentence is about a session. History, medicines and
accidents told of someone else ("my mum had breast cancer", "family history of", "my husband
fell off his bike") are not the user's.

Graded triage (domain.md rule 1): a fall counts as ``trauma`` at once when the sentence names a
high-energy cause (vehicle, crash, ladder or height, down the stairs, off a bike or horse, at
speed) or a blow to the spine itself ("landed on my back"); a low-energy slip, trip or fall
("tripped on the kerb, landed on my bum", "fell over on the stairs") is the *possible* flag
``minor_fall``. Saddle numbness with a real ride or sit as its cause ("numb bum after a 3-hour
ride", "from the bike seat"; not a simile, "like I'd been sitting on a saddle", and not with
bladder or both-leg symptoms) is ``saddle_numbness_context``; tingling or numb toes or feet with
tight shoes, laces or the cold is ``tingling_context``. Possible flags get one yes/no question.

Leg symptoms (domain.md rule 2, ids from ``bot.domain.LEG_SYMPTOMS``): ``leg_pain`` (pain
spreading into a leg: "sciatica", "pain down my leg", "shooting pain into my left leg");
``below_knee`` (those symptoms in the calf, shin, foot, ankle or toes, or "below the knee");
``pins_and_needles`` and ``numb_patch`` (in one leg or foot; both legs is the red flag
``leg_weakness``); ``one_leg_weakness`` ("my left leg feels weak"; both legs, or a leg "getting
weaker", stays ``leg_weakness``). Not "legs tired" or "sore legs".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.domain import LEG_SYMPTOMS
from bot.parse.patterns import Doc, Trigger
from bot.red_flags import IDS as RED_FLAG_IDS
from bot.red_flags import POSSIBLE

#: How far past its sentence a rule's supporting words may stand (characters).
NEEDS_REACH = 100

_NEGATOR_RE = re.compile(
    r"\b(?:no|not|never|without|none|nor|neither|nothing|nope|zero|0|deny|denies|nearly|almost|free\s+of"
    r"|absence\s+of|lack\s+of|negative\s+for|haven't|hasn't|hadn't|don't|didn't|doesn't|isn't|wasn't"
    r"|aren't|weren't|won't)\b"
)
_BREAKER_RE = re.compile(
    r"\b(?:but|however|though|although|except|apart\s+from|yet|now|and\s+i|then|whereas|also|still)\b"
    r"|[,;:]\s*i\b|[.;!?\n]"
)
_COMMA_END_RE = re.compile(r"[,;:]\s*$")
_NEW_VERB_RE = re.compile(r"(?:came|fell|had|got|went|crashed|slipped|tripped|was|been|took|landed)\b")
_POST_NEG_RE = re.compile(
    r"(?:'s|\s+is|\s+has|\s+have|\s+was|\s+are|\s+has\s+been)?\s*(?:[:\-=?]\s*)*(?:none\b|no\b(?!\s+(?:idea|matter|reason))"
    r"|nope|nil\b|gone\b|resolved|cleared|disappeared|settled|fine\b|ok\b|normal\b|all\s+good"
    r"|not\s+an?\s+(?:issue|problem)|negative\b|0\b|n/a)"
)
_HYPO_RE = re.compile(
    r"\b(?:what\s+if|in\s+case|incase|should\s+i\s+(?:worry|be\s+worried)|worr(?:y|ied)\s+about"
    r"|look\s+out\s+for|watch\s+(?:out\s+)?for|keep\s+an\s+eye\s+(?:out\s+)?for|signs?\s+of"
    r"|symptoms?\s+(?:of|like|such\s+as)|red\s+flags?|what\s+about|what\s+does|what\s+do\s+i\s+do\s+if"
    r"|if\s+(?:i|you)\s+(?:ever\s+)?(?:get|got|have|had|start|develop|notice|feel|experience|lose)"
    r"|told\s+(?:me\s+)?to|asked\s+(?:me\s+)?(?:about|if)|would\s+it\s+be)\b"
)
_QUESTION_HYPO_RE = re.compile(r"\b(?:if|any(?!\s+time)|could\s+it|could\s+this|might)\b")

_NUMB = (r"(?:numb\w*|tingl\w*|pins\s+and\s+needles|no\s+feeling|lost\s+(?:all\s+|the\s+|some\s+)?"
         r"(?:feeling|sensation)|loss\s+of\s+(?:feeling|sensation)|reduced\s+(?:feeling|sensation)"
         r"|altered\s+(?:feeling|sensation)|(?:can't|couldn't|unable\s+to)\s+(?:really\s+|properly\s+)?feel"
         r"|(?:weird|strange|funny|odd)\s+(?:feeling|sensation))")
_REGION = (r"(?:bum|bums|butt|butts|buttocks?|bottom(?!\s+of)|backside|arse|ass|groin|genitals?|genital\s+area"
           r"|privates|private\s+parts|crotch|perineum|perineal|taint|saddle|between\s+(?:my|the)\s+legs"
           r"|back\s+passage|anus|inner\s+thighs?|down\s+below|down\s+there|when\s+i\s+wipe|downstairs|nether\s+regions|vagina|vulva|penis"
           r"|scrotum|testicles|balls(?!\s+of)|sit\s+bones|undercarriage)")
_PEE = (r"(?:pee|peeing|pees|peed|wee|weeing|urinate|urinating|urination|pass(?:ing)?\s+urine"
        r"|pass(?:ing)?\s+water|empty(?:ing)?\s+(?:my\s+)?bladder|go(?:ing)?\s+(?:to\s+the\s+)?(?:toilet|loo"
        r"|bathroom)|poo|pooing|open(?:ing)?\s+my\s+bowels)")
_PEE_NOUN = (r"(?:peeing|weeing|urinating|urination|(?<!a\s)pee|(?<!a\s)wee|passing\s+urine|passing\s+water"
             r"|(?:my\s+)?bladder|bowels?|going\s+to\s+the\s+(?:toilet|loo)|pooing)(?!\s+bit)")
_LEGS = r"(?:legs|feet|thighs|calves)"
_LEG_SYMPTOM = (r"(?:numb\w*|weak\w*|tingl\w*|pins\s+and\s+needles|dead|floppy|giving\s+way|gave\s+way"
                r"|give\s+way|giving\s+out|gave\s+out|buckl\w*|collaps\w*)")
_PERSIST = (r"(?:(?:doesn't|don't|didn't|won't|wouldn't|isn't|not|never|nothing)\s+(?:\w+\s+){0,2}?"
            r"(?:ease|eases|easing|eased|help|helps|helped|helping|settle|settles|settling|settled|go\s+away"
            r"|goes\s+away|improve|improves|improving|improved|get\s+better|budge|shift|stop|stops|relieve"
            r"|relieves|change)|no\s+matter|whatever\s+(?:position|way)|any\s+position|however\s+i\s+(?:lie|sleep)"
            r"|every\s+position|constant|constantly|unrelenting|relentless|non\s+stop|all\s+night|every\s+night"
            r"|keeps?\s+waking|kept\s+waking|keeps?\s+me\s+(?:up|awake)|kept\s+me\s+(?:up|awake)"
            r"|makes?\s+no\s+difference|(?:doesn't|don't|didn't)\s+make\s+(?:a|any)\s+difference)")
_UNEXPLAINED = (r"(?:without\s+(?:trying|meaning\s+to|dieting|changing)|not\s+(?:trying|dieting|on\s+a\s+diet)"
                r"|(?:wasn't|weren't|haven't\s+been|am\s+not|i'm\s+not|not\s+been)\s+(?:trying|dieting)|no\s+diet"
                r"|for\s+no\s+(?:apparent\s+)?reason|no\s+idea\s+why|(?:don't|do\s+not)\s+know\s+why|not\s+sure\s+why"
                r"|unexplained|unintentional\w*|unintended|unexpected\w*|mysterious\w*|can't\s+explain"
                r"|eating\s+(?:normally|the\s+same|as\s+usual|loads|more|plenty)|even\s+though\s+i'm\s+eating"
                r"|randomly)")


@dataclass(frozen=True, slots=True)
class _Rule:
    flag: str
    pattern: re.Pattern[str]
    #: Patterns that must also occur in the same sentence.
    needs: tuple[re.Pattern[str], ...] = ()
    #: Weakness words that mean tiredness when the sentence is about a session.
    fatigue: bool = False
    #: A temperature reading in group ``t`` that must be a fever.
    temp: bool = False
    #: Whether ``needs`` may be met in the next sentence (else only in its own).
    reach: bool = True


def _r(flag: str, pattern: str, *needs: str, fatigue: bool = False, temp: bool = False,
       reach: bool = True) -> _Rule:
    return _Rule(flag, re.compile(pattern), tuple(re.compile(n) for n in needs), fatigue, temp, reach)


_RULES: tuple[_Rule, ...] = (
    # saddle numbness
    _r("saddle_numbness", rf"(?P<s>\b{_NUMB})(?:\W+\w+){{0,5}}?\W+{_REGION}\b"),
    _r("saddle_numbness", rf"\b{_REGION}(?:\W+\w+){{0,4}}?\W+(?P<s>{_NUMB})"),
    _r("saddle_numbness", r"\bsaddle\s+(?:area\s+|region\s+)?(?P<s>an?aesthesia)"),
    # bladder and bowel
    _r("bladder_bowel", r"(?P<s>\b(?:trouble|difficulty|difficulties|problems?|issues?|struggl\w*|hard|harder"
                        r"|difficult|tricky|strain\w*|unable|can't|couldn't|not\s+able|painful|burning|slow)\b)"
                        r"\s+(?:(?:to|with|when|while|at|in)\s+)?(?:(?:start|starting|get|getting)\s+(?:to\s+)?)?"
                        rf"{_PEE}\b"),
    _r("bladder_bowel", rf"\b(?P<s>{_PEE_NOUN})\s+(?:is|was|has\s+been|been|feels|felt|seems|getting|got|became"
                        r"|becoming)?\s*(?:(?:a\s+bit|quite|really|very|so|more|a\s+little|kind\s+of|kinda|weirdly"
                        r"|bit)\s+)?(?P<neg>not\s+)?(?:hard|difficult|tricky|a\s+struggle|struggle|strange|weird"
                        r"|different|slow|painful|a\s+problem|an\s+issue|problematic|not\s+working|not\s+right|off"
                        r"|funny|odd|harder|dribbl\w*)\b"),
    _r("bladder_bowel", r"\b(?P<s>(?:wet|peed|pee'd|pissed|wee'd|weed|pooed|pooped|soiled|shat|shit|messed|leaked)\s+"
                        r"(?:myself|my\s+(?:pants|trousers|shorts|knickers|underwear|bed)|the\s+bed))"),
    _r("bladder_bowel", r"\b(?P<s>(?:lost|lose|losing|loss\s+of)\s+(?:all\s+|the\s+|some\s+)?(?:control\s+(?:of|over)"
                        r"\s+(?:my\s+)?)?(?:bladder|bowels?|continence))"),
    _r("bladder_bowel", r"\b(?P<s>no\s+(?:bladder|bowel)\s+control|no\s+control\s+(?:of|over)\s+(?:my\s+)?"
                        r"(?:bladder|bowels?))"),
    _r("bladder_bowel", r"\b(?P<s>(?:bladder|bowel|urinary|faecal|fecal)\s+(?:control\s+(?:problems?|issues?|loss)"
                        r"|incontinence|accidents?|leak\w*|weakness|problems?|issues?|trouble|dysfunction"
                        r"|retention|changes?|symptoms?))"),
    _r("bladder_bowel", r"\b(?P<s>incontinen\w*|(?:urinary\s+)?retention|leak(?:ing|ed|s)?\s+(?:urine|pee|wee)"
                        r"|(?:can't|couldn't|unable\s+to|not\s+able\s+to)\s+(?:control|hold)\s+(?:my\s+)?"
                        r"(?:bladder|bowels?|pee|wee|urine|it\s+in)"
                        r"|(?:can't|couldn't|didn't|don't)\s+(?:feel|tell|know|notice)\s+(?:when\s+)?(?:i\s+)?"
                        r"(?:need(?:ed)?\s+to\s+|am\s+|was\s+|'m\s+)?(?:pee|wee|peeing|weeing|go\s+to\s+the\s+toilet)"
                        r"|accident\s+in\s+my\s+(?:pants|trousers|underwear|shorts))"),
    # leg weakness
    _r("leg_weakness", rf"\bboth\s+(?:of\s+)?(?:my\s+)?{_LEGS}\s+(?:(?:are|feel|felt|went|have|gone|going|getting"
                       rf"|keep|kept|were|seem|been|a\s+bit|quite|really|very)\s+){{0,4}}(?P<s>{_LEG_SYMPTOM})"),
    _r("leg_weakness", r"(?P<s>\b(?:numb\w*|tingl\w*|pins\s+and\s+needles|no\s+feeling|(?:can't|couldn't)\s+feel)\b)"
                       r"\s+(?:(?!between\b)\w+\s+){0,2}?(?:both\s+(?:of\s+)?(?:my\s+)?(?:legs|feet)|my\s+legs"
                       r"|my\s+feet|(?:the|his|her)\s+legs|legs|feet)\b"),
    _r("leg_weakness", r"(?P<s>\b(?:weak\w*)\b)\s+(?:\w+\s+){0,2}?(?:both\s+(?:of\s+)?(?:my\s+)?(?:legs|feet)"
                       r"|my\s+legs|my\s+feet|legs)\b", fatigue=True),
    _r("leg_weakness", r"\b(?:my\s+)?legs\s+(?:(?:are|feel|felt|went|have|gone|going|getting|keep|kept|were|seem"
                       r"|been|a\s+bit|quite|really|very|both|all)\s+){0,4}(?P<s>numb\w*|tingl\w*|pins\s+and\s+needles"
                       r"|floppy|giving\s+way|gave\s+way|give\s+way|giving\s+out|gave\s+out|buckl\w*|collaps\w*)"),
    _r("leg_weakness", r"\b(?:my\s+)?legs\s+(?:(?:are|feel|felt|went|have|gone|going|getting|keep|kept|were|seem"
                       r"|been|a\s+bit|quite|really|very|both|all|so)\s+){0,4}(?P<s>weak\w*)", fatigue=True),
    _r("leg_weakness", r"\b(?:leg|knee|knees)\s+(?:(?:keeps?|kept|is|was|has|have|been|just|suddenly|keep)\s+){0,3}"
                       r"(?P<s>giving\s+way|gave\s+way|give\s+way|giving\s+out|gave\s+out|buckl\w*|collaps\w*)"),
    _r("leg_weakness", r"(?P<s>\b(?:foot|feet)\s*drop|\bdrop(?:ped)?\s*foot|\bfoot\s+(?:is\s+|keeps\s+)?(?:slapping|slaps"
                       r"|dragging|drags|flopping|flops)|\b(?:dragging|drag|drags)\s+my\s+(?:left\s+|right\s+)?(?:foot|leg)"
                       r"|\btripping\s+over\s+my\s+(?:own\s+)?(?:foot|feet|toes))"),
    _r("leg_weakness", r"(?P<s>\b(?:can't|couldn't|unable\s+to|not\s+able\s+to|struggling\s+to|struggle\s+to"
                       r"|hard\s+to|difficult\s+to)\s+(?:lift|raise|pick\s+up|move|flex|point|stand\s+on|push\s+off"
                       r"\s+(?:on|with))\s+(?:my\s+|the\s+)?(?:front\s+of\s+(?:my\s+)?)?(?:left\s+|right\s+)?"
                       r"(?:foot|feet|toes?|ankle|leg|legs|big\s+toe))"),
    _r("leg_weakness", r"(?P<s>\b(?:can't|couldn't|unable\s+to)\s+(?:walk|stand)\s+on\s+(?:my\s+)?(?:heels|toes"
                       r"|tiptoes?|tip\s+toes))"),
    _r("leg_weakness", r"\b(?:leg|legs|foot|feet)\s+(?:(?:is|are|has|have|been|seems?|feels?|keeps?)\s+){0,2}"
                       r"(?P<s>(?:getting|got|becoming|going|gone)\s+(?:weaker|weak|numb|number|floppy)|weaker)"),
    # fever
    _r("fever", r"(?P<s>\b(?:fever\w*|febrile|pyrexi\w*|high\s+temp\w*|chills|rigou?rs|night\s+sweats|cold\s+sweats"
                r"|shivery|(?:shivers?|shivering)\s+and\s+(?:sweats?|sweating|hot)|(?:sweats?|sweating)\s+and"
                r"\s+(?:shivers?|shivering|chills)|hot\s+and\s+cold|burning\s+up)\b)"),
    _r("fever", r"\b(?P<s>(?:(?:got|have|had|has|with|running|run|ran|developed|a\s+bit\s+of)\s+(?:a\s+)?|a\s+)"
                r"(?:(?:slight|bit\s+of\s+a|high|mild|raised|little)\s+)?temp(?:erature)?"
                r"|(?:slight|mild|raised)\s+temp(?:erature)?)\b"
                r"(?!\s*(?:of|is|was|at|:)?\s*(?:3[0-7](?:\.[0-7])?|9[0-9])\b)"),
    _r("fever", r"\b(?P<s>temp(?:erature)?)\s*(?:of|is|was|at|:|=|reading|up\s+to|hit|reached)?\s*"
                r"(?:about\s+|around\s+|~\s*)?(?P<t>[0-9]{2,3}(?:\.[0-9]+)?)", temp=True),
    _r("fever", r"(?P<s>\b(?P<t>3[89](?:\.[0-9]+)?|4[01](?:\.[0-9]+)?)\s*(?:degrees|°\s*c?|c)\b)", temp=True),
    # trauma
    _r("trauma", r"\b(?P<s>fell|fallen|falling)\s+(?:(?:really|quite|pretty|so|very)\s+)?(?:off|over|down|from|onto"
                 r"|on|hard|heavily|badly|awkwardly|backwards|forwards|flat|and|out\s+of|in|into|while|when|during"
                 r"|through|off\s+of|at)\b"),
    _r("trauma", r"\b(?P<s>(?:a|bad|nasty|big|heavy|serious|hard|awkward|major|horrible|terrible|really\s+bad)\s+"
                 r"(?:fall|tumble|spill|crash|accident|collision|smash|wipe\s*out|stack))\b"),
    _r("trauma", r"\b(?P<s>(?:had|took|taken|have\s+had|taking)\s+a\s+(?:\w+\s+)?(?:fall|tumble|spill|crash|knock"
                 r"|wipe\s*out))\b"),
    _r("trauma", r"\b(?P<s>(?:car|road|traffic|bike|cycling|skiing|ski|motorbike|motorcycle|work|sports?|riding"
                 r"|horse|running)\s+(?:accident|crash|collision|smash|incident))\b"),
    _r("trauma", r"(?P<s>\bwhiplash\b|\brta\b|\brear\s+ended\b)"),
    _r("trauma", r"\b(?P<s>(?:hit|knocked|struck|run)\s+(?:over\s+|down\s+|off\s+(?:my|the)\s+bike\s+)?by\s+"
                 r"(?:a|an|the)\s+(?:car|van|bus|lorry|truck|cyclist|bike|vehicle|motorbike|motorcycle|taxi))\b"),
    _r("trauma", r"\b(?P<s>(?:knocked|thrown|came|come|flew|went|fell|tumbled)\s+off\s+(?:of\s+)?(?:my|the|a|his"
                 r"|her)\s+(?:bike|bicycle|motorbike|motorcycle|horse|ladder|roof|wall|chair|bed|scooter|board"
                 r"|skateboard))\b"),
    _r("trauma", r"\b(?P<s>(?:crashed|crash|came\s+off)\s+(?:on\s+)?(?:my|the|a)?\s*(?:bike|car|motorbike"
                 r"|scooter))\b"),
    _r("trauma", r"\b(?P<s>slipped|tripped|skidded|stumbled|slid)\b(?:\W+\w+){0,6}?\W+(?:landed|fell|hit|smacked"
                 r"|banged|went\s+down|on\s+my\s+(?:back|bum|bottom|coccyx|tailbone|spine|butt|backside|side))"),
    _r("trauma", r"\b(?P<s>landed\s+(?:hard\s+|heavily\s+|badly\s+|awkwardly\s+|flat\s+|right\s+)?on\s+my\s+"
                 r"(?:back|bum|bottom|coccyx|tailbone|spine|side|butt|backside|head))"),
    _r("trauma", r"\b(?P<s>(?:had|was\s+in|been\s+in|involved\s+in|got\s+in(?:to)?)\s+(?:an?\s+)?(?:\w+\s+)?"
                 r"accident)\b"),
    # night pain
    _r("night_pain", r"\b(?P<s>night\s+pain|pain\s+at\s+night|night\s+time\s+pain)\b"),
    _r("night_pain", r"\b(?P<s>(?:worse|worst|bad|terrible|awful|unbearable|agony|excruciating)\s+(?:at|in\s+the"
                     r"|during\s+the|through\s+the|every)\s+night)\b"),
    _r("night_pain", r"(?P<s>(?:can't|couldn't|unable\s+to)\s+(?:get\s+to\s+)?sleep\s+(?:\w+\s+){0,3}?(?:for|because"
                     r"\s+of|with|due\s+to|from)\s+(?:the\s+)?(?:pain|it|my\s+back))"),
    _r("night_pain", r"(?P<s>\b(?:wakes?\s+me|woke\s+me|waking\s+me|keeps?\s+(?:waking\s+)?me\s+(?:up|awake)"
                     r"|kept\s+(?:waking\s+)?me\s+(?:up|awake)|keeps?\s+waking|kept\s+waking|(?:can't|couldn't"
                     r"|unable\s+to)\s+(?:get\s+to\s+)?sleep|no\s+sleep|awake\s+all\s+night|up\s+all\s+night"
                     r"|at\s+night|in\s+the\s+night|during\s+the\s+night|through\s+the\s+night|overnight"
                     r"|every\s+night|all\s+night|nightly|night\s*time|in\s+bed|lying\s+(?:down|in\s+bed)"
                     r"|lie\s+down|when\s+i\s+lie)\b)",
       rf"\b{_PERSIST}\b", r"\b(?:pain|hurts?|hurting|ache\w*|aching|sore|back|agony|it)\b"),
    # weight loss
    _r("weight_loss", r"\b(?P<s>(?:unexplained|unintentional|unintended|unexpected|sudden|rapid|significant)\s+"
                      r"weight\s+loss)\b"),
    _r("weight_loss", r"\b(?P<s>(?:lost|losing|lose|dropped|dropping|shed|shedding|down)\s+(?:(?:a\s+lot\s+of"
                      r"|a\s+bit\s+of|some|loads\s+of|lots\s+of|a\s+load\s+of|about|around|nearly|almost|over)\s+)?"
                      r"(?:(?:[0-9]+(?:\.[0-9]+)?|a|half\s+a|a\s+couple\s+of)\s*(?:kg|kgs|kilos?|lbs?|pounds?|stones?|st)\b|weight)"
                      r"|weight\s+loss|weight\s+(?:is\s+|has\s+been\s+)?(?:falling|dropping|coming)\s+off"
                      r"|weight\s+(?:keeps?|kept|is|has\s+been)\s+(?:falling|dropping|going\s+down|coming\s+off))",
       rf"\b{_UNEXPLAINED}\b"),
)

_CANCER = (r"(?:cancer|lymphoma|leuka?emia|myeloma|melanoma|sarcoma|carcinoma|malignan\w*|tumou?rs?"
           r"|metasta\w*|secondaries)")
_RULES += (
    # history of cancer (the user's own; "my mum had breast cancer" is someone else's)
    _r("cancer_history", rf"\b(?P<s>(?:history\s+of|hx\s+of|had|have|has|having|got|treated\s+for|treatment\s+for"
                         rf"|survivor\s+of|survived|recovered\s+from|remission\s+(?:from|of)|diagnosed\s+with|beat"
                         rf"|beaten|previous|past|chemo\s+for|surgery\s+for|radiotherapy\s+for|mastectomy\s+for)\s+"
                         rf"(?:\w+\s+){{0,3}}?{_CANCER})\b"),
    _r("cancer_history", rf"\b(?P<s>{_CANCER}\s+(?:survivor|patient|history|in\s+remission|treatment|years?\s+ago"
                         r"|(?:[0-9]+\s+)?(?:years?|months?)\s+ago))\b"),
    _r("cancer_history", r"\b(?P<s>in\s+remission|mastectomy|chemotherapy|chemo|radiotherapy|oncologist)\b"),
    # long-term steroids
    _r("steroids", r"\b(?P<s>(?:on|taking|take|takes|taken|been\s+on|using|prescribed|courses?\s+of)\s+(?:\w+\s+){0,3}?"
                   r"(?:oral\s+)?(?:steroids?|prednisolone|prednisone|pred|dexamethasone|hydrocortisone"
                   r"|corticosteroids?|methylprednisolone))\b(?!\s+(?:injection|jab|shot|cream|inhaler|spray))"),
    _r("steroids", r"\b(?P<s>(?:steroids?|prednisolone|prednisone|dexamethasone|corticosteroids?)\s+(?:\w+\s+){0,3}?"
                   r"(?:for\s+(?:years|months|ages|a\s+long\s+time|[0-9]+\s+(?:years?|months?))|long\s+term"
                   r"|daily|every\s+day))"),
    _r("steroids", r"\b(?P<s>long\s+term\s+(?:\w+\s+)?(?:steroids?|prednisolone|prednisone|corticosteroids?))"),
    # osteoporosis
    _r("osteoporosis", r"\b(?P<s>osteoporo\w*|osteopenia|thin(?:ning)?\s+bones|brittle\s+bones|weak\s+bones"
                       r"|low\s+bone\s+(?:density|mass)|bone\s+density\s+(?:is\s+)?low|fragility\s+fractures?)\b"),
)

#: Someone else's history or accident: "my mum had breast cancer", "my husband fell off his bike".
_OTHER_PERSON_RE = re.compile(
    r"\b(?:(?:my|our|his|her|their|a)\s+(?:mum|mom|mother|dad|father|sister|brother|wife|husband|partner|friend"
    r"|son|daughter|aunt|auntie|uncle|gran|granny|grandma|grandad|grandpa|grandmother|grandfather|family"
    r"|colleague|boss|neighbour|neighbor|cousin|niece|nephew|kid|kids|child|children|mate|bf|gf|boyfriend"
    r"|girlfriend|fiance|fiancee|dog|parents?|relatives?)|family|runs\s+in\s+(?:the|my|our)\s+family"
    r"|(?:mum|mom|dad|mother|father|husband|hubby|wife|sister|brother|son|daughter|partner)(?:'s)?|runs\s+in\s+(?:the|my)\s+family"
    r"|(?:he|she|they)\s+(?:has|had|have|was|were|is|fell|came|got))\b"
)
#: History and medicines: a question about them ("is osteoporosis a risk?") is not having them.
_HISTORY_FLAGS = frozenset({"cancer_history", "steroids", "osteoporosis"})
_FAMILY_AFTER_RE = re.compile(r"\b(?:runs\s+in\s+(?:the|my|our)\s+family|in\s+(?:the|my|our)\s+family)\b")
_ASKED_RE = re.compile(
    r"\b(?:is|are|does|do|can|could|would|will|what|how|should|risk\s+of|chance\s+of|causes?|mean)\s+(?:\w+\s+){0,2}\Z"
)
_OTHER_FLAGS = frozenset({"cancer_history", "steroids", "osteoporosis", "trauma", "weight_loss", "fever"})

_LEG_RULES: tuple[_Rule, ...] = (
    _r("leg_pain", r"(?P<s>\b(?:pain|pains|ache|aching|burning|shooting|tingl\w*|pins\s+and\s+needles|numb\w*"
                   r"|nerve\s+pain|it|sciatica)\b)(?:\s+\w+){0,3}?\s+(?:below|past|beyond|under)\s+(?:the|my)"
                   r"\s+(?:left\s+|right\s+)?knees?\b"),
    _r("leg_pain", r"(?P<s>\bsciatic\w*)"),
    _r("leg_pain", r"(?P<s>\b(?:pain|pains|ache|aching|burning|shooting|tingl\w*|pins\s+and\s+needles|numb\w*"
                   r"|electric\w*|zings?|zinging|zapping|nerve\s+pain|throbbing)\b)(?:\s+\w+){0,3}?\s+(?:down|into"
                   r"|radiating\s+(?:down|into|to)|going\s+(?:down|into)|spreading\s+(?:down|into|to)|shooting"
                   r"\s+(?:down|into)|running\s+down|travell?ing\s+down|through)\s+(?:the\s+back\s+of\s+)?"
                   r"(?:my\s+|the\s+|his\s+|her\s+)?(?:left\s+|right\s+|l\s+|r\s+|one\s+|both\s+)?(?:legs?|thighs?"
                   r"|calf|calves|foot|feet|buttocks?\s+and\s+legs?|hamstrings?|shins?|toes?|knees?)\b"),
    _r("leg_pain", r"(?P<s>\b(?:pain|pains|ache|aching|burning|tingl\w*|pins\s+and\s+needles|numb\w*|nerve\s+pain"
                   r"|shooting\s+pains?)\b)\s+in\s+(?:my\s+|the\s+)?(?:left\s+|right\s+|one\s+)?(?:leg|thigh|foot"
                   r"|toes)\b"),
    _r("leg_pain", r"(?P<s>\b(?:leg|legs|buttock\s+and\s+leg|bum\s+and\s+leg|butt\s+and\s+leg|hip\s+and\s+leg)\s+"
                   r"(?:pain|pains|symptoms|tingling|numbness)\b)"),
    _r("leg_pain", r"(?P<s>\bradiat\w*\s+(?:pain\s+)?(?:down|into|to)\b|\breferred\s+(?:pain\s+)?(?:down|into|to)"
                   r"\s+(?:my\s+)?(?:leg|thigh|calf|foot))"),
    _r("leg_pain", r"(?P<s>\bshooting\s+(?:pains?\s+)?(?:down|into|through)\s+(?:my\s+)?(?:left\s+|right\s+)?"
                   r"(?:leg|thigh|calf|foot|buttock|bum))"),
    _r("leg_pain", r"(?P<s>\b(?:left|right)\s+(?:leg|foot)\s+(?:is\s+|feels\s+|has\s+been\s+)?(?:numb|tingl\w*))"),
)


def _negated(s: str, lo: int, sym: int, end: int) -> bool:
    last: re.Match[str] | None = None
    for n in _NEGATOR_RE.finditer(s, max(lo, sym - 60), sym):
        last = n
    if last is not None and not _BREAKER_RE.search(s, last.end(), sym) and len(s[last.end():sym].split()) <= 6:
        # "no run, came off my bike": a comma before a new verb starts a new statement, while
        # "no numbness, tingling" goes on listing what is denied.
        return not (_COMMA_END_RE.search(s, last.end(), sym) and _NEW_VERB_RE.match(s, sym))
    return _POST_NEG_RE.match(s, end) is not None


def _hypothetical(s: str, lo: int, sym: int, question: bool) -> bool:
    for pattern in (_HYPO_RE, _QUESTION_HYPO_RE) if question else (_HYPO_RE,):
        last: re.Match[str] | None = None
        for h in pattern.finditer(s, max(lo, sym - 80), sym):
            last = h
        if last is not None and not _BREAKER_RE.search(s, last.end(), sym):
            return True
    return False


def _fever_reading(t: str) -> bool:
    v = float(t)
    return 37.8 <= v <= 43 or 100 <= v <= 108


def _matches(rule: _Rule, s: str, lo: int, hi: int, question: bool, active: bool) -> bool:
    if rule.fatigue and active:
        return False
    # What a symptom needs (the pain persists, the loss is unexplained) may come in the next
    # sentence: "Lost 5 kg. Not dieting."
    reach = min(len(s), hi + NEEDS_REACH) if rule.reach else hi
    if not all(n.search(s, lo, reach) for n in rule.needs):
        return False
    for x in rule.pattern.finditer(s, lo, hi):
        sym = x.start("s") if "s" in rule.pattern.groupindex else x.start()
        if "neg" in rule.pattern.groupindex and x.group("neg"):
            continue
        if rule.temp and not _fever_reading(x.group("t")):
            continue
        if rule.flag in _OTHER_FLAGS and _someone_else(s, lo, sym):
            continue
        if rule.flag in _HISTORY_FLAGS and (_FAMILY_AFTER_RE.search(s, sym, hi)
                                            or (question and _ASKED_RE.search(s, max(lo, sym - 30), sym))):
            continue
        if not (_negated(s, lo, sym, x.end()) or _hypothetical(s, lo, sym, question)):
            return True
    return False


def _someone_else(s: str, lo: int, sym: int) -> bool:
    """A symptom told of someone else: "my mum had breast cancer", "my son tripped on the stairs".

    The other person must be the subject (a verb or the symptom follows them), so "visited my
    mum and fell down the stairs" stays the user's fall; no "but", "and I"... may stand between.
    """
    last: re.Match[str] | None = None
    for o in _OTHER_PERSON_RE.finditer(s, max(lo, sym - 60), sym + 1):
        last = o
    if last is None or _BREAKER_RE.search(s, last.end(), sym):
        return False
    return "family" in last.group() or last.end() >= sym - 1 or _SUBJECT_VERB_RE.match(s, last.end()) is not None


_SUBJECT_VERB_RE = re.compile(
    r"(?:'s)?\s+(?:(?:(?!and\b|then\b|but\b|so\b)\w+\s+)?(?:has|had|have|is|was|were|got|gets|fell|falls|fallen|came|took|takes|tripped"
    r"|slipped|crashed|lost|loses|on|been|'s|did|does|used|survived|beat|went|broke|being|needs|needed"
    r"|stumbled|hit)\b|(?:\w+\s+)?(?:diagnosed|treated))"
)


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    question: bool
    #: The sentence mentions a session (so "legs weak" is tiredness).
    active: bool


#: Word lists a flag's rules need in their sentence, one word of each list (a body part and a
#: symptom, say): the rules only run when every list has a word there.
_TRIGGERS: dict[str, tuple[Trigger, ...]] = {
    "saddle_numbness": (Trigger([
        "bum", "butt", "bottom", "backside", "arse", "ass", "groin", "genital", "privates", "private", "crotch",
        "perine", "taint", "saddle", "between", "passage", "anus", "thigh", "below", "downstairs", "nether",
        "vagina", "vulva", "penis", "scrotum", "testicle", "balls", "bones", "undercarriage", "there", "wipe"]),
        Trigger(["numb", "tingl", "pins", "feel", "sensation", "anaesth", "anesth", "dead"])),
    "bladder_bowel": (Trigger([
        "pee", "wee", "urin", "water", "bladder", "bowel", "poo", "incontin", "contin", "wet", "piss", "soil",
        "shat", "shit", "mess", "leak", "toilet", "loo", "bathroom", "retention", "accident", "faecal", "fecal",
        "hold"]),),
    "leg_weakness": (
        Trigger(["leg", "feet", "foot", "thigh", "calves", "knee", "heel", "toe", "tip", "ankle", "drop"]),
        Trigger(["numb", "weak", "tingl", "pins", "dead", "flop", "giv", "gave", "buckl", "collaps", "feel", "drop", "footdrop", "feetdrop",
                 "slap", "drag", "trip", "lift", "raise", "pick", "move", "flex", "point", "stand", "push",
                 "walk"])),
    "fever": (Trigger(["fever", "febrile", "pyrexi", "temp", "chill", "shiver", "sweat", "rigor", "rigour", "hot",
                       "burning", "degree", "38", "39", "40", "41"]),),
    "trauma": (Trigger(["fell", "fall", "tumbl", "spill", "crash", "accident", "collision", "smash", "wipe",
                        "stack", "whiplash", "rta", "rear", "hit", "knock", "struck", "off", "slip", "trip",
                        "skid", "stumbl", "slid", "land", "thrown", "incident"]),),
    "night_pain": (Trigger(["night", "wak", "woke", "sleep", "awake", "bed", "lying", "lie", "overnight", "kept",
                            "keep"]),),
    "weight_loss": (Trigger(["weight", "kg", "kilo", "lb", "pound", "stone", "st"]),),
    "cancer_history": (Trigger(["cancer", "lymphoma", "leuk", "myeloma", "melanoma", "sarcoma", "carcinoma",
                                "malignan", "tumor", "tumour", "metasta", "secondaries", "remission", "mastectomy",
                                "chemo", "radiotherapy", "oncolog"]),),
    "steroids": (Trigger(["steroid", "prednis", "pred", "dexameth", "hydrocort", "corticoster", "methylpred"]),),
    "osteoporosis": (Trigger(["osteopo", "osteopen", "thin", "brittle", "weak", "bone", "fragility"]),),
    "leg_pain": (
        Trigger(["sciatic", "leg", "thigh", "calf", "calves", "foot", "feet", "toe", "radiat", "referr",
                 "shooting", "hamstring", "shin", "knee", "buttock", "ankle", "heel", "sole"]),
        Trigger(["sciatic", "pain", "ache", "aching", "burning", "shooting", "tingl", "pins", "numb", "electric",
                 "zing", "zap", "nerve", "throb", "radiat", "referr", "symptom", "prickl", "buzz", "fizz", "no",
                 "can't", "couldn't", "dead", "weak", "floppy"])),
}


@dataclass(slots=True)
class FlagReading:
    """What :func:`read` found: red flags, possible flags and leg symptoms (ids, in table order)."""

    flags: list[str]
    possible: list[str]
    leg: list[str]


_BELOW_KNEE_RE = re.compile(
    r"\b(?:calf|calves|shins?|foot|feet|ankles?|toes?|heels?|soles?|instep|below\s+(?:the|my)\s+knee"
    r"|past\s+(?:the|my)\s+knee|under\s+(?:the|my)\s+knee)\b"
)
_ONE_LEG_PART = r"\b(?:leg|foot|toes?|calf|shin|ankle|thigh|heel|sole|hamstring)\b"
_LEG_SYMPTOM_RULES: tuple[_Rule, ...] = (
    _r("pins_and_needles", r"(?P<s>\b(?:tingl\w*|pins\s+and\s+needles|prickl\w*|buzzing|fizzing)\b)", _ONE_LEG_PART,
       reach=False),
    _r("numb_patch", r"(?P<s>\b(?:numb\w*|no\s+feeling|(?:can't|couldn't)\s+(?:really\s+)?feel|dead\s+feeling)\b)",
       _ONE_LEG_PART, reach=False),
    _r("one_leg_weakness", r"(?P<s>\bweakness\s+in\s+(?:my\s+|the\s+)?(?:left\s+|right\s+|one\s+)?(?:leg|foot|ankle))",
       fatigue=True),
    _r("one_leg_weakness", r"\b(?:my\s+|the\s+)(?:leg|foot|ankle)\s+(?:(?:is|feels?|felt|went"
                           r"|has\s+gone|seems|a\s+bit|quite|really|very|so)\s+){1,3}(?P<s>weak|floppy)\b", fatigue=True),
    # One named side ("my left foot is weak") is not tiredness after a session, even in a sentence
    # that mentions walking: weakness on one side is a nerve sign (domain.md rule 2).
    _r("one_leg_weakness", r"\b(?:left|right|one)\s+(?:leg|foot|ankle)\s+(?:(?:is|feels|has\s+gone|has\s+been|seems"
                           r"|a\s+bit|quite|really|very|so|getting|gone|still)\s+){1,3}(?P<s>weak\w*|floppy)\b"
                           r"(?![^.;!?]{0,40}\b(?:during|on\s+the\s+(?:run|hills?|last|way|track|treadmill|climb)|at\s+the"
                           r"\s+end|after\s+(?:the|my|a)\s+(?:run|race|session|walk|ride|long|[0-9])|by\s+the\s+end|towards))"),
)

#: A low-energy slip, trip or fall: one yes/no question first (domain.md rule 1, graded triage).
_LOW_ENERGY_RE = re.compile(
    # "trip" and "slip" as verbs ("trip over", "slip on"); "my trip", "a great trip" are journeys.
    r"\b(?:slipped|slip(?=\s+(?:on|over|up|and|down)\b)|tripped|trip(?=\s+(?:on|over|up|and)\b)|stumbled|stumble"
    r"|toppled(?:\s+over)?|fell\s+over|fallen\s+over|fall\s+over|went\s+over"
    r"|lost\s+my\s+footing|took\s+a\s+tumble|had\s+a\s+(?:little\s+|small\s+|minor\s+|silly\s+)?(?:fall|tumble|trip)"
    r"|(?:little|small|minor|silly|slight)\s+(?:fall|tumble|slip|trip)|fell\s+on\s+(?:the\s+)?(?:ice|stairs|kerb"
    r"|curb|pavement|grass|mud|floor|path|trail))\b"
)
#: What makes a fall high-energy, or a blow to the spine itself: an emergency at once.
_HIGH_ENERGY_RE = re.compile(
    r"\b(?:car|cars|van|bus|lorry|truck|vehicle|motorbike|motorcycle|motor\s+bike|scooter|horse|crash\w*|collision"
    r"|collided|accident|rta|whiplash|rear\s+ended|hit\s+by|knocked\s+(?:over|down|off|out)|run\s+over|thrown"
    r"|ladder|roof|scaffold\w*|height|from\s+(?:a|the)\s+(?:wall|tree|window|balcony|top)|off\s+(?:a|the|my)\s+"
    r"(?:wall|tree|bike|bicycle|horse|ladder|roof)|down\s+(?:the|a|some)\s+(?:stairs|flight|steps|staircase|cliff"
    r"|bank|slope)|flight\s+of\s+stairs|at\s+speed|high\s+speed|fast|landed\s+(?:\w+\s+)?on\s+my\s+(?:back|spine"
    r"|head|neck|coccyx|tailbone)|(?:hard|heavily|badly)\s+on\s+my\s+back|on\s+my\s+(?:back|spine)\s+(?:hard|heavily)"
    r"|hit\s+my\s+head|knocked\s+myself|blacked\s+out|unconscious|(?:bad|nasty|big|heavy|serious|hard|major"
    r"|horrible|terrible)\s+(?:fall|tumble|spill|crash))\b"
)
_LOW_SPEED_RE = re.compile(
    r"\b(?:(?:low|slow|walking)\s+speed|slowly|barely\s+moving|stationary|standing\s+still|track\s+stand"
    r"|clipped\s+in|unclip\w*|at\s+the\s+lights|toppled|just\s+a\s+(?:graze|scrape|bruise))\b"
)
_BIKE_RE = re.compile(r"\b(?:bike|bicycle|crash\w*)\b")
_NO_FALL_RE = re.compile(
    r"\b(?:didn't|did\s+not|without|never|nearly|almost|managed\s+not\s+to|but\s+not)\s+(?:\w+\s+)?(?:fall|fell|falling"
    r"|go\s+down|hit\s+the\s+ground)|caught\s+myself|stayed\s+(?:up|upright|on\s+my\s+feet)|kept\s+my\s+(?:feet"
    r"|balance)"
)
#: An obvious harmless cause of a numb bottom: a long ride, a bike seat (not "like sitting on a saddle").
_SADDLE_CONTEXT_RE = re.compile(
    r"\b(?:after|from|during|on|with)\s+(?:the\s+|a\s+|my\s+|that\s+)?"
    r"(?:(?:long|[0-9.]+[\s-]*(?:hour|hr|h|mile|km|k)s?|big|hilly|\w+)\s+)?(?:ride|rides|riding|cycle|cycling|bike"
    r"|bike\s+ride|spin|spin\s+class|turbo|sportive|saddle|bike\s+seat|seat|sit|sitting|drive|flight|trip|zwift"
    r"|peloton)\b(?!\s+(?:area|region))|\b(?:saddle|bike\s+seat|seat)\s+(?:sore|soreness|is\s+(?:too\s+)?(?:hard|narrow|new))"
    r"|\bnew\s+(?:saddle|bike\s+seat)\b|\b(?:cycling|riding|cycled|rode)\s+(?:for\s+)?[0-9.]+\s*(?:hours?|hrs?|h)\b"
)
#: Tingling or numb toes with an obvious harmless cause: tight shoes or laces, the cold.
_TINGLE_SUBJECT_RE = re.compile(r"\b(?:toes?|foot|feet|forefoot|sole)\b")
_TINGLE_CONTEXT_RE = re.compile(
    r"\b(?:tight|tighter|tightly|too\s+tight|new)\s+(?:shoes?|trainers?|laces?|lacing|boots?|socks?|runners)"
    r"|\b(?:shoes?|trainers?|laces?|boots?|socks?)\s+(?:were\s+|was\s+|are\s+|is\s+)?(?:too\s+|a\s+bit\s+|really\s+)?"
    r"(?:tight|small|narrow|new)\b|\blaced\s+(?:\w+\s+)?(?:too\s+)?tight|\btied\s+(?:\w+\s+)?(?:too\s+)?tight"
    r"|\b(?:cold|freezing|icy)\s+(?:weather|morning|run|feet|toes|out|day)|\bit\s+was\s+(?:freezing|so\s+cold|cold)"
)
_TINGLE_WORDS_RE = re.compile(r"\b(?:tingl\w*|pins\s+and\s+needles|numb\w*|prickl\w*)")


def _found_unnegated(pattern: re.Pattern[str], s: str, lo: int, hi: int, question: bool) -> bool:
    for x in pattern.finditer(s, lo, hi):
        if not (_negated(s, lo, x.start(), x.end()) or _hypothetical(s, lo, x.start(), question)):
            return True
    return False


_SIMILE_RE = re.compile(r"\b(?:like|as\s+if|as\s+though|feels?\s+as)\b")


def _harmless_saddle(s: str, lo: int, hi: int) -> bool:
    """A real ride or sit as the cause, not a simile ("like I've been sitting on a saddle")."""
    for x in _SADDLE_CONTEXT_RE.finditer(s, lo, hi):
        if not _SIMILE_RE.search(s, max(lo, x.start() - 30), x.start()):
            return True
    return False


def _grade(here: set[str], s: str, sent: Sentence) -> set[str]:
    """Possible flags of one sentence; flags given a harmless or low-energy context leave ``here``."""
    lo, hi = sent.start, sent.end
    possible: set[str] = set()
    low = _LOW_ENERGY_RE.search(s, lo, hi)
    if "trauma" in here and _LOW_SPEED_RE.search(s, lo, hi) and all(
            _BIKE_RE.search(h.group()) for h in _HIGH_ENERGY_RE.finditer(s, lo, hi)):
        # "came off my bike at low speed", "toppled over at the lights still clipped in"
        here.discard("trauma")
        possible.add("minor_fall")
    elif low and not _HIGH_ENERGY_RE.search(s, lo, hi):
        if "trauma" in here:
            here.discard("trauma")
            possible.add("minor_fall")
        elif not _NO_FALL_RE.search(s, lo, hi) and not _negated(s, lo, low.start(), low.end()) \
                and not _hypothetical(s, lo, low.start(), sent.question) and not _someone_else(s, lo, low.start()):
            possible.add("minor_fall")
    if "saddle_numbness" in here and not here & {"bladder_bowel", "leg_weakness"} and _harmless_saddle(s, lo, hi):
        here.discard("saddle_numbness")
        possible.add("saddle_numbness_context")
    if _TINGLE_CONTEXT_RE.search(s, lo, hi) and _TINGLE_SUBJECT_RE.search(s, lo, hi) \
            and _found_unnegated(_TINGLE_WORDS_RE, s, lo, hi, sent.question):
        here.discard("leg_weakness")
        possible.add("tingling_context")
    return possible


_FALL_TRIGGER = Trigger(["slip", "trip", "stumbl", "toppl", "fell", "fall", "went", "lost", "took", "had", "little", "small",
                         "minor", "silly", "slight"])
_TINGLE_TRIGGER = Trigger(["tight", "new", "shoe", "trainer", "lace", "boot", "sock", "cold", "freezing", "icy",
                           "it", "laced", "tied"])


#: Each flag's trigger bits OR-ed: the flag is possible only when the text has a word of every list.
_TRIGGER_MASKS: tuple[tuple[str, int], ...] = tuple(
    (flag, sum(t.bit for t in triggers)) for flag, triggers in _TRIGGERS.items())


def read(s: str, doc: Doc, sentences: Callable[[], list[Sentence]]) -> FlagReading:
    """Red flags, possible flags and leg symptoms, read sentence by sentence (built only when needed)."""
    present = doc.present()
    live = {flag for flag, need in _TRIGGER_MASKS if present & need == need}
    fall_words = bool(present & _FALL_TRIGGER.bit)
    if not live and not fall_words:
        return FlagReading([], [], [])
    flags: set[str] = set()
    possible: set[str] = set()
    leg: set[str] = set()
    for sent in sentences():
        here = {flag for flag in live if all(t.found(doc, sent.start, sent.end) for t in _TRIGGERS[flag])}
        if not here and not (fall_words and _FALL_TRIGGER.found(doc, sent.start, sent.end)):
            continue
        found = {rule.flag for rule in _RULES
                 if rule.flag in here and _matches(rule, s, sent.start, sent.end, sent.question, sent.active)}
        leg_here: set[str] = set()
        if "leg_pain" in here:
            if any(_matches(r, s, sent.start, sent.end, sent.question, sent.active) for r in _LEG_RULES):
                leg_here.add("leg_pain")
            for r in _LEG_SYMPTOM_RULES:
                if r.flag not in leg_here and _matches(r, s, sent.start, sent.end, sent.question, sent.active):
                    leg_here.add(r.flag)
        if "leg_weakness" in here and "one_leg_weakness" not in leg_here:
            if any(_matches(r, s, sent.start, sent.end, sent.question, sent.active)
                   for r in _LEG_SYMPTOM_RULES if r.flag == "one_leg_weakness"):
                leg_here.add("one_leg_weakness")
        had_tingle_context = False
        if found or fall_words or leg_here:
            graded = _grade(found, s, sent) if (found or _FALL_TRIGGER.found(doc, sent.start, sent.end)
                                                or _TINGLE_TRIGGER.found(doc, sent.start, sent.end)) else set()
            had_tingle_context = "tingling_context" in graded
            possible |= graded
        if found & {"saddle_numbness", "leg_weakness"} or had_tingle_context:
            # Both legs or the saddle: the red flag says it; a harmless cause: the question says it.
            leg_here -= {"pins_and_needles", "numb_patch"}
            if had_tingle_context:
                leg_here -= {"leg_pain", "below_knee"}
        if leg_here & {"leg_pain", "pins_and_needles", "numb_patch"} \
                and _found_unnegated(_BELOW_KNEE_RE, s, sent.start, sent.end, sent.question):
            leg_here.add("below_knee")
        flags |= found
        leg |= leg_here
    possible = {p for p in possible if POSSIBLE[p] not in flags}
    return FlagReading(
        [f for f in RED_FLAG_IDS if f in flags],
        [p for p in POSSIBLE if p in possible],
        [x for x in LEG_SYMPTOMS if x in leg],
    )
