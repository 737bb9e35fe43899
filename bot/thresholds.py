"""Every number the coaching rules use, named once so a clinician can find and tune it.

Each constant says where it comes from: a published source (as listed in docs/coaching-model.md) or
**design**, a choice of ours that is safe to tune. The tolerance model (bot/model/) and the
Couch-to-5K table (bot/stages.py) read these names and hard-code no others.
"""

from __future__ import annotations

# --- pain scale and bookkeeping -----------------------------------------------------------------

#: Pain is a 0-10 numeric rating scale (NRS); values outside are clamped.
PAIN_MIN = 0.0
PAIN_MAX = 10.0

#: The model keeps a rolling window of this many days of compact per-day records and nothing
#: older. **design**: 6 weeks is the longest look-back of any rule ("no improvement over 6 weeks").
WINDOW_DAYS = 42

#: Baseline pain = median morning pain of this many most recent check-ins (domain.md state; **design**).
BASELINE_CHECKINS = 7

#: A "week" for weekly running, weekly pain and strength counts, as rolling days.
WEEK_DAYS = 7

#: Sanity bounds on what a check-in reports: minutes of one activity, and the RPE scale.
MAX_ACTIVITY_MINUTES = 24 * 60.0
RPE_MAX = 10.0

# --- rule 1: red flags ----------------------------------------------------------------------------

#: After a red flag, training advice stays at walk level (with advice to be checked) for this many
#: days, since the model cannot know the user has been seen. **design** (conservative).
RED_FLAG_FOLLOWUP_DAYS = 7

# --- rule 2: refer ---------------------------------------------------------------------------------

#: Leg pain (its own 0-10 number, never the back score) at or above this -> no running, see a GP/physio
#: (domain.md rule 2; RunningPhysio; **design**).
REFER_LEG_PAIN_MIN = 5.0
#: Leg symptoms that refer on their own, whatever the number: numbness or weakness in one leg (domain.md rule 2).
LEG_REFER_SYMPTOMS = frozenset({"numb_patch", "one_leg_weakness"})
#: Leg symptoms that refer once they last "more than a few days" (domain.md rule 2) ...
LEG_LASTING_SYMPTOMS = frozenset({"below_knee", "pins_and_needles", "leg_pain"})
#: ... i.e. reported on check-ins spanning at least this many days (first to latest report, **design**) ...
LEG_LASTING_DAYS = 3
#: ... within this look-back (**design**).
LEG_LASTING_WINDOW_DAYS = 7
#: A referral stays in force (refer=True, walk level, no running) until a professional has checked the
#: user, or until its trigger has not been seen for this many days (**design**, conservative; the same
#: week as RED_FLAG_FOLLOWUP_DAYS).
REFER_HOLD_DAYS = 7
#: Morning pain at or above this ...
REFER_HIGH_PAIN = 7.0
#: ... on this many check-ins ...
REFER_HIGH_PAIN_CHECKINS = 3
#: ... of the last this many days -> not improving, refer (domain.md rule 2; **design**).
REFER_HIGH_PAIN_DAYS = 5
#: Morning pain at or above this ...
REFER_PERSISTENT_PAIN = 5.0
#: ... on most (at least this many) ...
REFER_PERSISTENT_MIN_DAYS = 8
#: ... of the last this many days -> not improving, refer (domain.md rule 2; **design**).
REFER_PERSISTENT_DAYS = 14
#: "No improvement over 6 weeks" compares the mean morning pain of the first and the last week of
#: this span (RunningPhysio; **design**).
REFER_NO_IMPROVEMENT_DAYS = 42
#: Improvement smaller than this (points, 0-10) counts as none: the minimal important change in back
#: pain (Ostelo 2008).
REFER_MIN_IMPROVEMENT = 2.0
#: ... but only while the last week's mean pain is still at least this (above the 0-3 "safe" band of
#: the pain-monitoring model, Silbernagel 2007). **design**
REFER_NO_IMPROVEMENT_MIN_PAIN = 3.0
#: Each week needs at least this many pain scores for a weekly mean to count. **design**
WEEK_MIN_CHECKINS = 2
#: A referral's full advice is given when it starts and then at most this often; in between the answer
#: keeps refer=True and a one-line reminder (domain.md rule 2: "repeated at most weekly"; **design**).
REFER_REPEAT_DAYS = 7
#: Length of the walk offered with a referral (table stage 0: 20-30 min brisk walk; easy here). **design**
REFER_WALK_MINUTES = 20

# --- pain-monitoring model (Silbernagel 2007; Ostelo 2008) -------------------------------------------

#: Peak pain 0-3 during a session is "safe" (Silbernagel 2007).
PAIN_SAFE_MAX = 3.0
#: Peak pain 4-5 is "acceptable"; above this is "too much" (Silbernagel 2007).
PAIN_ACCEPTABLE_MAX = 5.0
#: A session "settled" when the next morning's pain is at most baseline + this (Silbernagel 2007:
#: pain must settle by the next morning; 1 point = below the minimal important change).
SETTLED_RISE = 1.0

# --- rule 3: regress -------------------------------------------------------------------------------

#: Regress when peak pain during the last session was above this (Silbernagel 2007: > 5 is too much).
REGRESS_PEAK_ABOVE = PAIN_ACCEPTABLE_MAX
#: Regress when morning pain is >= baseline + this ... (2 points = minimal important change, Ostelo 2008)
REGRESS_MORNING_RISE = 2.0
#: ... on this many mornings ...
REGRESS_MORNINGS = 2
#: ... within this many days (today included). **design**
REGRESS_MORNINGS_DAYS = 7
#: Regress when the weekly mean morning pain rose this many weeks running (domain.md) ...
TREND_RISING_WEEKS = 2
#: ... each rise at least this many points, so day-to-day noise does not count. **design**
TREND_MIN_RISE = 0.5
#: Running is cut to this fraction of the run that flared (the logged run; else the planned one)
#: ("cut running ~30%", domain.md; **design**).
REGRESS_RUN_FACTOR = 0.7
#: Within this many days of a cut, only a new flare (peak pain > 5 in a newly reported session) cuts
#: again (domain.md rule 10: "a second cut within 4 days needs a new flare").
CUT_MIN_GAP_DAYS = 4

# --- rule 4: cross-train ---------------------------------------------------------------------------

#: Cross-train when morning pain is at least this ... (domain.md; **design**)
CROSS_TRAIN_PAIN = 6.0
#: ... or at least baseline + this (domain.md; **design**).
CROSS_TRAIN_RISE = 3.0
#: Shortest cross-training session offered; otherwise it lasts as long as the planned session. **design**
CROSS_TRAIN_MIN_MINUTES = 20
#: Longest cross-training session offered. **design**
CROSS_TRAIN_MAX_MINUTES = 60
#: Severe pain: morning pain at or above this -> gentle movement only (domain.md rule 4; the seed
#: article; NICE NG59: stay active within limits) ...
SEVERE_PAIN = 8.0
#: ... a short easy walk and mobility, this many minutes at most in all (domain.md rule 4).
SEVERE_MAX_MINUTES = 20

# --- rule 5: hold ----------------------------------------------------------------------------------

#: A session "felt hard" when its effort was "hard" or its RPE (0-10) at least this. **design**
HARD_RPE = 7.0

# --- rule 6: progress ------------------------------------------------------------------------------

#: Progress at most once every this many days (domain.md; ASTEROID, Neason 2024; return-to-run protocols).
PROGRESS_MIN_DAYS = 7
#: Progress only after this many settled sessions with peak pain <= PAIN_SAFE_MAX (Neason 2024).
PROGRESS_SETTLED_SESSIONS = 2
#: A continuous run may be at most this multiple of the longest run in the last LONGEST_RUN_DAYS
#: (Frandsen 2025: single sessions > 10% longer than the 30-day longest raised injury risk).
SESSION_CAP_FACTOR = 1.10
#: The look-back for "longest run" (Frandsen 2025).
LONGEST_RUN_DAYS = 30
#: Running in a week may rise at most this factor (**design**, below the > 30% Nielsen 2014 linked to injury).
WEEKLY_CAP_FACTOR = 1.20
#: One progress step on continuous running adds this fraction of the run ... (**design**, matches the 10% cap)
PROGRESS_STEP_FRACTION = 0.10
#: ... and at least this many minutes, since 10% of a short run is under a minute. **design**
MIN_STEP_MINUTES = 1
#: The model never builds a single run beyond this. **design**
RUN_MINUTES_MAX = 90
#: Shortest continuous run the model prescribes; below it, the walk/run stages are used. **design**
CONTINUOUS_MIN_RUN_MINUTES = 5
#: A returning/regular runner's "comfortable minutes" are believed up to this; more must be logged. **design**
SEED_MAX_RUN_MINUTES = 60
#: Rules 5/6/10: while morning pain is above the baseline + SETTLED_RISE, or above the baseline with the
#: weekly mean pain rising, a hold or step suggests no more running than the user logged lately: the latest run (or the longest settled one,
#: if shorter) in this many days. **design**
RECENT_RUN_DAYS = 14
#: Rule 10 after a break from running (**design**, a clinician may tune): a user who ran before and then
#: logged no run for this many days starts back at RETURN_FRACTION of the planned run (at least
#: RETURN_MIN_MINUTES), and for RECENT_RUN_DAYS after the first run back at most one rule-6 step above
#: the longest run since the break (deconditioning after 2+ weeks off; the plan follows what they do).
RETURN_GAP_DAYS = 14
RETURN_FRACTION = 0.5
RETURN_MIN_MINUTES = 10

# --- rule 10: what was done, not what was planned ---------------------------------------------------

#: A run logged by distance only counts as distance x pace running minutes; the pace is the user's own
#: (minutes / km of their runs logged with both, in the window), this default until then (**design**:
#: an easy pace for recreational runners).
DEFAULT_PACE_MIN_PER_KM = 6.5
#: A user's own pace is believed within these bounds (min/km), else the default stands (**design**).
PACE_BOUNDS = (3.0, 12.0)
#: A walk logged by distance only: minutes = km x this (**design**: brisk walking, ~5 km/h).
WALK_PACE_MIN_PER_KM = 12.0
#: A logged run longer than SESSION_CAP_FACTOR x the longest run of the previous LONGEST_RUN_DAYS is
#: named to the user, and no step up follows for this many days (Frandsen 2025; domain.md rule 10).
OVERREACH_HOLD_DAYS = 7
#: A logged run counts as demonstrated tolerance (the level follows it) when it settled by the next
#: morning and its peak pain was at most this (Silbernagel 2007: 4-5 acceptable).
DEMONSTRATED_PEAK_MAX = PAIN_ACCEPTABLE_MAX
#: "Keeps doing something else": at least DIVERGE_MIN of the last DIVERGE_CHECKINS check-ins reported
#: something other than the session suggested the day before (**design**) ...
DIVERGE_CHECKINS = 4
DIVERGE_MIN = 3
#: ... a logged run differs when its running minutes are off by more than this fraction (**design**) ...
DIVERGE_RUN_FRACTION = 0.25
#: ... and the user is told so once, then not again for this many days (**design**).
DIVERGE_TELL_DAYS = 28

# --- Couch to 5K (NHS) -----------------------------------------------------------------------------

#: Every run and walk/run session starts with a brisk walk of this length (NHS Couch to 5K).
WARMUP_WALK_MINUTES = 5
#: Stage 0 walks: first session and later sessions (table: "20-30 min brisk walk").
STAGE0_WALK_MINUTES = (20, 30)
#: A walk counts as a stage-0 session when it lasted at least this (table: 20-30 min). **design**
STAGE0_MIN_WALK_MINUTES = 20
#: First continuous-running stage after the plan (stage 10: "10+ continuous running", domain.md).
CONTINUOUS_STAGE = 10
#: Last Couch-to-5K stage's run (stage 9: 30 min continuous, NHS Couch to 5K).
C25K_FINAL_RUN_MINUTES = 30

#: A walk/run logged without its running minutes or intervals is taken to be this share running
#: (Couch to 5K weeks 1-6 run 30-70% of the session). **design**
WALK_RUN_UNKNOWN_RUN_FRACTION = 0.5

# --- rule 7: keep moving ---------------------------------------------------------------------------

#: A day with less activity than this counts as inactive (domain.md).
INACTIVE_MINUTES = 10.0
#: An activity reported without minutes is taken to be this long (it was worth mentioning). **design**
UNKNOWN_ACTIVITY_MINUTES = 10.0
#: Nudge after this many inactive days (domain.md; NICE NG59, Dahm 2010: staying active beats rest).
KEEP_MOVING_DAYS = 2
#: Firmer nudge, with the reason, after this many (domain.md).
KEEP_MOVING_FIRM_DAYS = 3
#: Days without any check-in after which the days before no longer count as inactive: silence is
#: unknown, not rest (**design**; the scheduler's silence rules handle the silence itself).
SILENT_GAP_DAYS = 3
#: With the firm nudge, refer when morning pain is at least this ("referral if pain is why"). **design**
KEEP_MOVING_REFER_PAIN = 5.0
#: The walk suggested (domain.md: a 10-20 minute walk) ...
KEEP_MOVING_WALK_RANGE = (10, 20)
#: ... and its length when it is the day's session: the middle of the range.
KEEP_MOVING_WALK_MINUTES = sum(KEEP_MOVING_WALK_RANGE) // 2

# --- rule 8: add strength --------------------------------------------------------------------------

#: Aim for this many strength sessions a week (WHO 2020 physical activity guidelines).
STRENGTH_SESSIONS_PER_WEEK = 2
#: Prompt when the last strength session was reported this many days ago or more (domain.md: 3-4 days).
STRENGTH_GAP_DAYS = 4
#: With no strength session seen yet, prompt once the user has been with us this many days. **design**
STRENGTH_FIRST_PROMPT_DAYS = 3
#: The strength nudge is not repeated within this many days. **design**
STRENGTH_NUDGE_REPEAT_DAYS = 3
#: Length of the strength session (domain.md: a 10-15 minute routine; Owen 2020, McGill).
STRENGTH_MINUTES = 15

# --- rule 9: week shape ----------------------------------------------------------------------------

#: About this many runs a week, with other days between (NHS Couch to 5K; ASTEROID, Neason 2024).
RUNS_PER_WEEK = 3
#: Rule 10 over rule 9: a user who logged at least this many runs in the last 6 days runs more often than
#: the week shape; while pain is settled the plan follows them (an easy run on a day after a non-run day),
#: and the week-shape advice is said once. **design**
OWN_WEEK_RUNS = 4
