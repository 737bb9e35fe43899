"""Every text the bot says, in one place (a later translation swaps this module's strings).

Texts are plain: adapters add platform formatting (Telegram HTML escaping, Slack mrkdwn).
"""

from __future__ import annotations

from bot.domain import Recommendation

INTRO = (
    "Hi, I'm backcheck: a daily coach for running with common back pain. Each morning I'll ask how "
    "your back is and what you did, and suggest one session that keeps you moving within what your "
    "back tolerates.\n"
    "I'm not a doctor and this is not medical advice. If you ever have numbness around your bottom or "
    "genitals, trouble peeing or controlling your bladder or bowels, weakness in your legs, a fever, or "
    "back pain after a fall or accident, see a professional straight away."
)

ASK_EXPERIENCE = "First: where are you with running?"
EXPERIENCE_CHOICES = ("New to running", "Returning after a break", "Regular runner")
ASK_COMFORTABLE = (
    "How many minutes can you run comfortably right now, without your back complaining? "
    "(a number, or 'none')"
)
COMFORTABLE_CHOICES = ("none", "10", "20", "30", "45", "60")
ASK_TIMEZONE = "Which time zone are you in? Send a city or a zone name like Europe/London."
ASK_CHECKIN_TIME = "What time should I check in each morning? (e.g. 07:30)"
CHECKIN_TIME_CHOICES = ("06:30", "07:00", "07:30", "08:00", "09:00")
ASK_DAYS = "Which days? (every day, weekdays, or list them like mon, wed, fri)"
DAYS_CHOICES = ("every day", "weekdays", "mon, wed, fri, sun")

NOT_UNDERSTOOD = {
    "experience": "Sorry, I didn't get that. Are you new to running, returning after a break, or a regular runner?",
    "comfortable": "Sorry, I need a number of minutes (like 20), or 'none'.",
    "timezone": "I don't know that time zone. Try a big city near you (Berlin, Chicago) or a zone like Europe/London.",
    "checkin_time": "I need a time of day like 07:30 or 7am.",
    "days": "I need days like 'every day', 'weekdays' or 'mon, wed, fri'.",
    "reminders": "Reminders on or off?",
}

CHECKIN_QUESTION = (
    "Good morning! How's your back today (0-10), and what did you do since last time?\n"
    "e.g. 'back 3/10, ran 20 min easy, fine during' or 'rested'"
)
CHECKIN_CHOICES = ("Feeling fine, rested", "Pain 3/10, ran 20 min easy", "Sore, did nothing")
ASK_AGAIN = (
    "I couldn't read a check-in in that. How's your back this morning, 0 (no pain) to 10 (worst), "
    "and what did you do? For example: 'pain 3, ran 20 min easy' or 'back's a 5, rested'."
)
EMPTY = "That message was empty. How's your back this morning, 0-10, and what did you do?"
TRUNCATED = "That was a long message: I read the first {chars} and kept all of it."
ASK_PAIN = "And how's your back this morning, from 0 (no pain) to 10 (worst)?"
PAIN_CHOICES = ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10")
CONFIRM_PAIN = (
    "You wrote {first}/10 and then {later}/10, so I've recorded {later}/10. "
    "If that's wrong, send the right number."
)
PAIN_UPDATED = "Updated: your back is {pain}/10 this morning."
ADDED_TO_TODAY = "Added to your check-in for {day}."
#: The first line of every answer to a check-in: what was understood (issue 8).
GOT_IT = "Got it: {what}."
ADDED = "Added to today's check-in: {what}."
CORRECTED = "Corrected today's check-in: {what}."
#: Said to a message that only shows a check-in was understood without new facts.
NOTHING_NEW = "Got it."
#: The button on every referral and care message; the same in words clears the referral.
BEEN_CHECKED = "I've been checked"
CLEARED = "Thanks for letting me know you've been checked. We'll build up again from a safe level."
#: Graded triage (domain.md rule 1): one yes/no question about a possible red flag.
TRIAGE_QUESTION = {
    "minor_fall": (
        "You mentioned a fall. Since then, have you had numbness around your bottom or groin, trouble "
        "peeing, weakness in your legs, or pain that is getting much worse?"
    ),
    "saddle_numbness_context": (
        "You mentioned numbness after sitting or riding. Is it still there now that you're off the "
        "saddle, or do you have any new trouble peeing or controlling your bowels?"
    ),
    "tingling_context": (
        "You mentioned tingling. Is there weakness or numbness in both legs, or is it still there "
        "away from what caused it (shoes, sitting)?"
    ),
}
TRIAGE_CLEAR = "Thanks, that's reassuring. If anything like that appears, tell me or see a doctor straight away."
TRIAGE_UNANSWERED = (
    "You didn't answer my safety question from last time, so to be on the safe side I'm treating it "
    "as a yes."
)
#: "same as yesterday" / "did what you said"
CONFIRM_SAME = "Shall I log {session} for {day}?"
SAME_NOTHING = "I don't have a session to copy yet: tell me what you did, e.g. 'walked 20 min'."
SAME_DECLINED = "OK, nothing logged. What did you do? e.g. 'walked 20 min, back 3/10'."
SCREEN_QUESTION = (
    "One safety check: do you have any numbness around your bottom or genitals, new trouble peeing or "
    "controlling your bladder or bowels, or weakness or numbness in both legs?"
)
YES_NO = ("yes", "no")
SCREEN_CLEAR = "Thanks, good to know. Stick with today's plan and tell me tomorrow how it went."

DISCLAIMER = (
    "Reminder: I'm a self-help coach, not medical advice. If you're unsure or getting worse, ask a GP "
    "or physio."
)

HELP = (
    "Tell me each morning how your back is (0-10) and what you did, in your own words.\n"
    "Commands: checkin (answer now), today (today's suggestion), progress (last 4 weeks), settings, "
    "pause [days], resume, export (all your data), delete (erase everything), stop, help."
)

SETTINGS = (
    "Your settings: time zone {timezone}, check-in at {checkin_time} {days}, experience: {experience}, "
    "comfortable run: {comfortable}, reminders {reminders}{paused}.\nWhat would you like to change?"
)
SETTINGS_CHOICES = (
    "time zone", "check-in time", "days", "experience", "comfortable minutes", "reminders on", "reminders off",
)
SETTING_SAVED = "Saved: {what}."
SETTINGS_UNKNOWN = "I can change: " + ", ".join(SETTINGS_CHOICES) + "."

PAUSED = "Paused until {until}: no check-ins until then. Send 'resume' to come back earlier."
PAUSE_BAD = "How many days should I pause for? Send e.g. 'pause 7' (1 to 365 days)."
RESUMED = "Welcome back! Check-ins are on again."
NOT_PAUSED = "You're not paused: check-ins are on."
STOPPED = (
    "OK, I'll stop sending you messages. Your data stays until you send 'delete'. Send /start to come back."
)
RESTARTED = "Welcome back! Check-ins are on again at {checkin_time} ({timezone})."
CONFIRM_DELETE = (
    "This erases everything I have stored about you: check-ins, suggestions, settings and messages. "
    "It can't be undone. Delete everything?"
)
DELETE_CHOICES = ("yes, delete everything", "no, keep my data")
DELETED = "Done: everything I had stored about you is erased. Send a message any time to start afresh."
DELETE_CANCELLED = "Nothing was deleted."
GROUP_ONLY_IN_PRIVATE = "That works in your running group's chat: add me there and send /join."
PRIVATE_IN_GROUP = "Let's keep that private: {link}"
#: A button whose question is gone (an old message) or was answered already (a double tap).
EXPIRED_BUTTON = "This question has expired: please type your answer instead."
ALREADY_ANSWERED = "Already answered."
EXPORT = "Here is everything I have stored about you, as JSON."
ONBOARDED = (
    "All set: I'll check in at {checkin_time} ({timezone}), {days}. You can tell me how your back is "
    "any time, and change this with 'settings'."
)
NO_SUGGESTION_YET = "I don't have a suggestion yet: tell me how your back is this morning (0-10) and what you did."
NO_HISTORY = "No check-ins in the last 4 weeks yet. Tell me how your back is, and progress will build up here."
PROGRESS_HEADER = "Your last 4 weeks:"
PROGRESS_WEEK = (
    "{label}: {checkins}, morning pain {pain}, running {run} min, cross-training {cross} min, "
    "strength {strength}x"
)
PROGRESS_NOW = "Now: {stage}, running tolerance about {run_minutes} min, typical morning pain {baseline}."
SORRY = "Sorry, something went wrong on my side and I couldn't save that. Please send it again in a minute."

STRENGTH_ROUTINE = (
    "curl-ups, side bridges, bird dogs, glute bridges and side-lying leg raises, 2-3 slow sets of 8-10."
)
NUDGE_TEXT = {
    "keep_moving": "Moving helps a sore back more than rest: even a 10-20 minute walk today counts.",
    "add_strength": "Add 10-15 min of strength this week: " + STRENGTH_ROUTINE,
}

SEEK_CARE = {
    "emergency": (
        "This can be a sign of a serious problem: please go to A&E or call your emergency number now "
        "(999 UK, 911 US, 112 EU). No training until a professional has seen you."
    ),
    "same_day": (
        "Please contact your GP or an urgent care service today. No training advice until a professional "
        "has seen you."
    ),
}
#: The nudges in a few words, when the whole text would pass MAX_RECOMMENDATION_CHARS.
NUDGE_SHORT = {
    "keep_moving": "Even a 10-20 minute walk today counts.",
    "add_strength": "Add a 10-15 minute strength session this week.",
}
#: A referral's full advice (rule 2): when it starts, when a new trigger fires, and at most weekly.
REFER = "Please book a GP or physio appointment in the next few days; until then, gentle walking only."
#: On the days in between, one line: the referral is still in force.
REFER_REMINDER = "Still worth seeing a GP or physio; tell me once someone has checked you."
#: The longest recommendation message (issue 8).
MAX_RECOMMENDATION_CHARS = 500


# --- scheduled prompts (bot/prompts.py) ----------------------------------------------------------

REMINDER = (
    "Just checking in: how's your back today (0-10), and what did you do? "
    "One line is plenty, e.g. 'back 3/10, walked 20 min'."
)

WELCOME_BACK = "Welcome back! Your pause is over, so check-ins are on again."

SAFETY = (
    "Weekly safety note: if you get numbness around your bottom or genitals, new trouble peeing or "
    "controlling your bladder or bowels, or weakness or numbness in both legs, get urgent medical help. "
    "I'm a coach, not medical advice."
)

#: Instead of the daily question, twice a week, to a user who has said nothing for a week. Every
#: choice is typed-answerable: "pause 14" is the pause command; any other reply is an ordinary
#: message, and any message at all brings the daily question back.
PAUSE_OFFER = (
    "I haven't heard from you for a week, so I've stopped the daily check-in question. "
    "Want a break? Reply 'pause 14' and I'll stay quiet for two weeks. "
    "Or reply 'keep asking' (or just tell me how your back is) and the daily check-ins start again."
)
PAUSE_OFFER_CHOICES = ("pause 14", "keep asking")

# --- running groups and teams (bot/teams/) ---------------------------------------------------------------

GROUP_HELP = (
    "I'm backcheck, a running coach for common back pain. Check-ins happen in a private chat with me; "
    "this group gets a weekly digest on Monday morning: who took part, sessions and minutes, streaks.\n"
    "/join - take part (your pain scores stay private)\n"
    "/leave - stop taking part\n"
    "/sharepain - show your weekly morning pain in the digest; /hidepain - hide it again\n"
    "/digest - this week so far\n"
    "/team - the team's settings and today; /team setup [07:30] [weekdays] [digest mon] - make this group a "
    "team with a daily check-in post"
)
JOINED = "{name} joined the group digest. Pain scores stay private unless you send /sharepain."
ALREADY_MEMBER = "{name}, you're already in the group digest."
START_PRIVATE = "To check in, start a private chat with me: {link}"
LEFT = "{name} left the group digest."
NOT_MEMBER = "{name}, you're not in the group digest: send /join first."
PAIN_SHOWN = "{name}: your weekly morning pain will show in this group's digest."
PAIN_HIDDEN = "{name}: your pain scores are hidden from this group again."

# The weekly digest (bot/teams/digest.py).
DIGEST_NOBODY = "Nobody has joined yet: send /join to take part."
DIGEST_NO_CHECKINS = "No check-ins from the {members} yet. Even a 10-minute walk counts: tell me about it in a private chat."
DIGEST_BY_KIND = "By kind: "
DIGEST_KIND = {"run": "runs", "walk": "walks", "cross": "cross-training", "strength": "strength",
               "other": "other"}
#: Only with enough members answering that week, and only from members who opted in.
DIGEST_SHARED_PAIN = "Morning pain of the {n} who share it: {pain:.1f}/10 on average."
DIGEST_FOOTER = ("Streaks pause, not break, on paused days, days off and flare days. "
                 "/join to take part; pain scores show only with /sharepain.")

# Teams (/team; bot/teams/membership.py, bot/teams/daily.py).
TEAM_DAILY = "Morning, {title}: {checked} of {members} checked in today. Check in with me in private; tap Join to take part."
TEAM_NAMELESS = "team"
TEAM_SET_UP = ("{name} made this group a team: check-ins at {time} ({timezone}), {days}; a post here each of "
               "those mornings, and the weekly digest on {digest}. New members start with these times; "
               "anyone can change their own in private with /settings.")
TEAM_UPDATED = "Team settings saved: check-ins at {time} ({timezone}), {days}; weekly digest on {digest}."
TEAM_SETTINGS = ("{title}: a team of {members}. Check-ins at {time} ({timezone}), {days}; weekly digest on "
                 "{digest}. Today: {checked} of {members} checked in.")
TEAM_NOT_SET_UP = "This group isn't a team yet: send /team setup (e.g. /team setup 07:30 weekdays digest mon)."
TEAM_NOT_OWNER = "Sorry {name}, only whoever set up the team (or an admin) can change its settings."
TEAM_SETUP_BAD = ("I didn't get that. Try /team setup 07:30 weekdays digest mon (time, days as in your "
                  "settings, and the digest's day; each part optional).")
TEAM_JOINED = " Team check-ins at {time} ({timezone}), {days}."
#: After ONBOARDED, for a member who kept their team's schedule.
TEAM_SCHEDULE_KEPT = " Those are your team's times."
TEAM_DEFAULTS_GIVEN = " You start with the team's time; change it in private with /settings."


# --- what was understood (bot/conversation/understood.py): the "Got it:" line's parts ---------------
UNDERSTOOD_BACK = "back {n}/10"
UNDERSTOOD_LEG = "leg {n}/10"
UNDERSTOOD_LEG_SYMPTOMS = {"leg_pain": "pain into your leg", "below_knee": "symptoms below the knee",
                           "pins_and_needles": "pins and needles", "numb_patch": "a numb patch",
                           "one_leg_weakness": "a weak leg"}
UNDERSTOOD_POSSIBLE = {"minor_fall": "a fall", "saddle_numbness_context": "numbness after sitting or riding",
                       "tingling_context": "tingling"}
UNDERSTOOD_REST = "a rest day"
UNDERSTOOD_WORRIED = "you're worried about your back"
UNDERSTOOD_WORSE = "it's getting worse"
UNDERSTOOD_CLEARED = "a professional has checked you"
UNDERSTOOD_INTERVALS = "walk/run ({run} run, {walk} walk x{repeats})"
UNDERSTOOD_MINUTES_KM = "{minutes} min {name} ({km})"
UNDERSTOOD_MINUTES = "{minutes} min {name}"
UNDERSTOOD_KM = "{km} {name}"
UNDERSTOOD_KM_UNIT = "{n} km"
UNDERSTOOD_MILE = "{n} mile"
UNDERSTOOD_MILES = "{n} miles"
UNDERSTOOD_EFFORT = ", {effort}"
UNDERSTOOD_DURING = ", pain {n} during"
UNDERSTOOD_SEP = ", "
PAIN_NOTED = "Thanks, noted."

# --- settings and progress words (bot/conversation) ------------------------------------------------
DAYS_EVERY = "every day"
DAYS_WEEKDAYS = "weekdays"
SAVED_EXPERIENCE = "experience: {v}"
SAVED_COMFORTABLE = "comfortable run: {v} min"
SAVED_TIMEZONE = "time zone {v}"
SAVED_CHECKIN_TIME = "check-in at {v}"
SAVED_DAYS = "days: {v}"
SAVED_REMINDERS_ON = "reminders on"
SAVED_REMINDERS_OFF = "reminders off"
REMINDER_CHOICES = (SAVED_REMINDERS_ON, SAVED_REMINDERS_OFF)
SETTINGS_MINUTES = "{n} min"
SETTINGS_NOT_SET = "not set"
SETTINGS_ON = "on"
SETTINGS_OFF = "off"
SETTINGS_PAUSED = ", paused until {until}"
STAGE_WALKING = "walking stage"
STAGE_WALK_RUN = "walk/run stage {n}"
STAGE_CONTINUOUS = "continuous running"


# --- reasons (bot/model) ---------------------------------------------------------------------------
# The one-sentence reason that goes with each session, in pieces the model (bot/model/rules.py and
# reasons.py) chooses and fills with str.format; the rule that picks each is named above it. ``{{s}}``
# comes out as ``{s}``: the session (REASON_SESSION_*), filled in last. Clauses without a capital
# are joined into one sentence with "; " (reasons.with_lead).

#: Names of the weekdays and kinds of session, as they appear in reasons and the "Got it" line.
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
KIND_NAME = {"run": "run", "walk_run": "walk/run", "walk": "walk", "cycle": "bike ride", "swim": "swim",
             "cross_trainer": "cross-trainer session", "strength": "strength session", "other": "session"}
KIND_PLURAL = {"walk": "walks", "walk_run": "walk/runs", "cycle": "bike rides", "swim": "swims",
               "cross_trainer": "cross-trainer sessions", "strength": "strength sessions", "other": "other sessions"}
A_WARNING_SYMPTOM = "a warning symptom"

#: Small words: a pain score, a day's age, minutes.
PAIN_SCORE = "{n}/10"
AGO_TODAY = "today"
AGO_YESTERDAY = "yesterday"
AGO_DAYS = "{n} days ago"
MINUTES_ONE = "{n} minute"
MINUTES_MANY = "{n} minutes"

#: The session named in a reason.
REASON_SESSION_WALK = "a {minutes}-minute brisk walk"
REASON_SESSION_RUN = "{run_minutes} minutes of easy running"
REASON_SESSION_WALK_RUN = "{label}'s walk/run ({minutes} minutes, {run_minutes} of them running)"
WALK_RUN_LABEL = "walk/run"
#: A session the user reported, by when: within a week by weekday, older by its age.
SESSION_SIZE = "{n}-minute "
SESSION_YESTERDAY = "yesterday's {size}{kind}"
SESSION_WEEKDAY = "{weekday}'s {size}{kind}"
SESSION_DAYS_AGO = "your {size}{kind} {age} days ago"
SESSION_FALLBACK = "session"

#: Rule 6 start: the first session of the plan.
REASON_START_NEW = "You are new to running, so start with {s}, the first step of the walk/run plan."
REASON_START_UNKNOWN = "You did not say how long you can run comfortably, so start gently with {s}."
REASON_START_SAID = "You said you can run {minutes} comfortably, so start with {{s}}."
#: Rule 6 progress.
REASON_PROGRESS = ("Your back settled after your last {n} {kinds} (the latest {ref}) with peak pain {safe} or less, "
                   "so you step up to {what}.")
PROGRESS_WALKS = "walks"
PROGRESS_RUNS = "runs"
#: Rule 3 regress (and rule 4's cross-training wording).
TODAY_CROSS = "today is an easy {mins}-minute bike, swim, cross-trainer or walk"
TODAY_GENTLE = ("with your back at {pain} today is gentle movement only: a short easy walk and some mobility, "
                "{max} minutes at most")
REASON_REGRESS_PEAK = "Peak pain was {pk} during {ref}, so {today}"
REASON_REGRESS_MORNINGS = ("Your morning pain was {rise} or more points above your usual on {n} mornings this week "
                           "({pain} today), so {today}")
REASON_REGRESS_TREND = "Your average morning pain has risen {weeks} weeks running ({shown}), so {today}"
CUT_RUN = ", and running drops to {target} minutes next time"
CUT_STAGE = ", and the plan steps back to {stage}"
#: Rule 7 keep moving.
REASON_KEEP_MOVING_FIRM = ("That is {days} days with little movement, and rest tends to make back pain worse, so today "
                           "is {what}, or at least a {walk} minute walk.")
REASON_KEEP_MOVING = "You have had {days} quiet days, so get moving again with {what}; even a {walk} minute walk helps."
#: Rule 10: a run over 110% of the 30-day longest, named.
ACK_OVERREACH = ("yesterday's {run}-minute run was {pct}% over your {days}-day longest ({longest} min), more than "
                 "the safe {cap}, so no step up this week")
#: What the reason does not say of today's check-in: a thanks, a quiet day, this morning's pain.
LEAD_THANKS = "thanks for {ref}"
LEAD_QUIET = "after a quiet day"
TAIL_PAIN = " (your back: {pain} this morning)"
#: Rule 10: the level follows a demonstrated run.
ADOPT = "{ref} settled by the next morning, so the plan builds from {what}"
ADOPT_RUN = "{target} minutes of running"

#: Rule 1: red flags.
REASON_RED_FLAG_EMERGENCY = "You reported {words}, which needs urgent checking."
REASON_RED_FLAG_SAME_DAY = "You reported {words}, which a doctor should check today."
#: Rule 2: refer. ``walk`` is REFER_WALK, then each opening; then the reminders while it lasts.
REFER_WALK = "keep to an easy {mins}-minute walk for now, no running"
REFER_RED_FLAG_FOLLOWUP = "You reported warning symptoms on {weekday}, so until a professional has checked you, {walk}"
REFER_SOON_FLAG = ("You mentioned {words}, which a GP should check in the next few days, so please book an "
                   "appointment, and {walk}")
REFER_LEG = "{leg} is worth getting checked by a GP or physio soon, so {walk} while it lasts"
REFER_WORRIED = ("You said you are worried about your back, and the NHS advice then is to see a GP, so please book "
                 "an appointment, and {walk}")
REFER_SAYS_WORSE = ("You said your back is getting worse, and the NHS advice then is to see a GP or physio, so please "
                    "book an appointment, and {walk}")
REFER_NOT_IMPROVING = "{why}, so it is worth seeing a GP or physio; {walk}"
REFER_INACTIVE_PAIN = ("You have had {days} days with little movement and your back is at {pain}: rest tends to make "
                       "back pain worse, so take a gentle {walk} minute walk today and ask a GP or physio about the pain")
REFER_REMINDER_OPENING = "{why}, {walk}"
REFER_REMINDERS = {
    "red_flag_followup": "You reported warning symptoms this week, so until a professional has checked you",
    "soon_flag": "Until a GP has checked what you mentioned",
    "leg": "Until your leg symptoms have settled or a GP or physio has checked them",
    "worried": "Until you have seen a GP about your worries",
    "says_worse": "Until a GP or physio has checked why your back is getting worse",
    "high_pain": "Until a GP or physio has checked why your back is not improving",
    "persistent_pain": "Until a GP or physio has checked why your back is not improving",
    "worse_less_load": "Until a GP or physio has checked why your back is not improving",
    "no_improvement": "Until a GP or physio has checked why your back is not improving",
}
REFER_REMINDER_DEFAULT = "Until a GP or physio has checked your back"
#: Rule 2, "not improving", in domain.md's numbers.
NOT_IMPROVING_HIGH = "Your back has been {pain} or more on {n} of the last {days} days"
NOT_IMPROVING_PERSISTENT = "Your back has been {pain} or more on {n} of the last {days} days"
NOT_IMPROVING_WORSE_LESS_LOAD = "Your average morning pain has risen {weeks} weeks running ({shown}) while you did less"
NOT_IMPROVING_FLAT = "Your morning pain has not improved over {weeks} weeks ({first}/10 then, {last}/10 now)"
#: Rule 2, leg symptoms: how they are named (the strongest first).
LEG_WEAKNESS = "Weakness in one leg"
LEG_PAIN = "Leg pain of {pain}"
LEG_NUMB = "Numbness in your leg"
LEG_LASTING = "Leg symptoms lasting more than a few days"
REASON_LEG_CHECKED = ("{leg} means no running while it lasts, even once checked, so today is an easy {mins}-minute walk"
                      "{cut}.")
REASON_POSSIBLE_FLAG = ("Until you have answered my question about what you mentioned, keep to an easy {mins}-minute "
                        "walk today and no running{cut}.")
#: Rule 4: severe pain, a bad morning.
REASON_SEVERE = ("Your back is at {pain} this morning, so today is gentle movement only: a short easy walk and some "
                 "mobility, {max} minutes at most in all.")
CROSS_WHY_PAIN = "Your back is at {pain} this morning"
CROSS_WHY_RISE = "Your back is at {pain} this morning, {rise} points above your usual {base}"
REASON_CROSS = "{why}, so today is an easy {mins}-minute bike, swim, cross-trainer or walk instead of running."
#: Rules 5/6: hold (each ends with the session, ``{{s}}``).
REASON_READY_AFTER_CHECKIN = ("Your back settled after {ref}, so today is {{s}}, and after your check-in we can look at "
                              "stepping up.")
REASON_RUN_MAX = ("You are at {run} minutes, the longest single run this plan builds to, so keep {{s}} and build "
                  "intensity with a coach if you want more.")
REASON_SESSION_CAP = ("Your longest run in the last {days} days was {longest} minutes and a run should not be more "
                      "than {cap} longer, so keep to {{s}}.")
REASON_WEEKLY_CAP = ("You ran {total} minutes over {runs} this past week and weekly running should rise by no more "
                     "than {cap}, so keep to {{s}}.")
RUNS_ONE = "{n} run"
RUNS_MANY = "{n} runs"
REASON_NO_RECENT_RUN = "There is no run in the last week to build on, so keep to {s}."
REASON_OVERREACH_HOLD = ("{ref} was more than {cap} over your {days}-day longest, so no step up this week: keep to "
                         "{{s}}.")
SETTLED_BY_MORNING = "settled by the next morning"
NOT_SETTLED_BY_MORNING = "had not fully settled by the next morning"
REASON_HOLD_PEAK = "Peak pain was {pk} during {ref} and {settled}, so keep to {{s}}."
REASON_HOLD_HARD = "{ref} felt hard, so keep to {{s}} at an easy pace."
REASON_HOLD_NOT_SETTLED = "Your back had not settled back to its usual level after {ref}, so keep to {{s}}."
REASON_HOLD_NO_PEAK = ("You did not give a peak pain for {ref} and your back is at {pain} the morning after, so keep "
                       "to {{s}}.")
REASON_HOLD_ABOVE_USUAL = ("Your back is at {pain} this morning, above your usual {base}, so keep to {{s}} rather than "
                           "step up.")
REASON_FIRST_TO_COME = "Your first run at this level is still to come: {s}, when you feel ready."
REASON_FIRST_SESSION = "This is the first session at this level, so do {s}."
REASON_MORE_SETTLED = ("Your back settled after {ref}; {more} more settled session{plural} at this level before "
                       "stepping up, so today is {{s}}.")
REASON_NEXT_IN_WEEK = "Your back settled after {ref}, so today is {{s}}, the next run of this week of the plan."
REASON_WEEKLY_STEP = ("Your back settled after {ref}, but {when} {ago} and steps come at most once a week, so keep to "
                      "{{s}}.")
LEVEL_STARTED = "this level started"
STEPPED_UP = "you stepped up"
#: Rules 5/6/10: capped at what a worsening user managed lately.
RECENT_ABOVE_USUAL = "Your back is at {pain} this morning, above your usual {base}"
RECENT_CREEPING = "Your back has been creeping up this week"
REASON_RECENT_CAP = "{why}, so no more running than {ref}: keep to {{s}}."
REASON_HOLD_PEAK_CAP = "Peak pain was {pk} during {ref}, so no more running than that: keep to {{s}}."
#: Rule 10 after a break from running (bot/thresholds.py RETURN_*).
REASON_BREAK = "Your last logged run was {days} days ago, so start back gently with {{s}}."
REASON_BACK_FROM_BREAK = "You are back from a break, so build up gently from {ref}: {{s}}."
#: Rule 9: week shape (no run the day after a run, about 3 runs a week).
OFF_RAN = "You ran {minutes} yesterday"
OFF_RAN_UNTIMED = "You ran yesterday"
OFF_RAN_ASIDE = "the day after a run"
OFF_PLANNED = "Yesterday was a planned run day"
OFF_PLANNED_ASIDE = "the day after a planned run"
OFF_RUNS = "You have done {n} runs in the last {days} days"
OFF_RUNS_ASIDE = "after {n} runs in {days} days"
OFF_STRENGTH = "a {mins}-minute strength session ({why})"
OFF_CROSS = "an easy {mins}-minute bike, swim, cross-trainer or walk"
REASON_PROGRESS_OFF = "; today, {aside}, is {what}."
REASON_WEEK_SHAPE = "{off}, so today is {what}, and your next run is {session}."
REASON_WEEK_SHAPE_NAMED = "Today is {what}, and your next run is {session}."
#: Rule 10: the user keeps choosing other sessions over runs; the plan follows them.
REASON_FOLLOW = "Today is {what}, and when you feel like a run, start with {session}."
SHAPE_NOTE = ("you run more often than the {n} a week I'd suggest, fine while your back stays settled, so I'll offer "
              "easy runs after rest days")
REASON_WITH_NOTE = "{reason}; {note}."
#: Rule 8: strength.
STRENGTH_AIM = "{n} a week help your back"
STRENGTH_NONE = "none logged yet, and {aim}"
STRENGTH_GAP = "the last was {gap} days ago, and {aim}"
#: Rule 10: the user keeps doing something else, said once.
DIVERGE_RUNNING = "running your own way"
DIVERGE_OTHER = "choosing {kinds} over the runs I suggested"
DIVERGE = "you have mostly been {doing}, which is fine: I'll plan from what you do"


# --- the team's weekly digest (bot/teams/digest.py) ----------------------------------------------
DIGEST_SPAN = "{start:%a %d %b} - {end:%a %d %b}"
DIGEST_TITLE = "{title}: "
DIGEST_SO_FAR = "this week so far ({span})"
DIGEST_WEEK = "week of {span}"
DIGEST_TOTALS = "{n} of {members} members checked in: {sessions}, {minutes} in all."
DIGEST_MEMBER = "- {name}: {parts}"
DIGEST_MINUTES = "{n} min"
DIGEST_RUNNING = " ({n} running)"
DIGEST_STREAK = "{n}-day streak"
DIGEST_PAIN = "morning pain {pain:.1f}/10"
MEMBERS_ONE, MEMBERS_MANY = "{n} member", "{n} members"
DIGEST_KIND_LINE = "{kind} {n} ({minutes} min)"
SESSIONS_ONE, SESSIONS_MANY = "{n} session", "{n} sessions"
CHECKINS_ONE, CHECKINS_MANY = "{n} check-in", "{n} check-ins"


def _duration(minutes: int) -> str:
    return f"{minutes}-minute"


def session_line(r: Recommendation) -> str:
    """The one concrete session, in words (the same session the reason names)."""
    eff = f" {r.effort}" if r.effort else ""
    if r.action == "seek_care":
        return SEEK_CARE.get(r.urgency or "emergency", SEEK_CARE["emergency"])
    if r.action == "run":
        return f"Today: a {_duration(r.minutes)}{eff} session with {r.run_minutes} minutes of continuous running."
    if r.action == "walk_run":
        return f"Today: walk/run, {r.minutes} minutes in all: {_walk_run_words(r)}."
    if r.action == "walk":
        if r.rule in ("severe",) or (r.rule == "regress" and r.minutes <= 20):
            return f"Today: gentle movement only, an easy walk and some mobility, {r.minutes} minutes at most."
        if r.effort == "easy":
            return f"Today: an easy {_duration(r.minutes)} walk, no running."
        return f"Today: a {_duration(r.minutes)} brisk walk."
    if r.action == "cross_train":
        return f"Today: {r.minutes} minutes of{eff} cycling, swimming or cross trainer, no running."
    if r.action == "strength":
        return f"Today: {r.minutes} minutes of strength: {STRENGTH_ROUTINE}"
    return "Today: rest, with a short easy walk if you feel like it."


def _walk_run_words(r: Recommendation) -> str:
    """The whole walk/run sequence, as the plan (and the reason) gives it."""
    from bot.stages import STAGES, seconds_text

    for stage in STAGES:
        for sess in stage.sessions:
            if (sess.action, sess.minutes, sess.run_minutes, sess.intervals) == (
                    "walk_run", r.minutes, r.run_minutes, r.intervals):
                return sess.description
    iv = r.intervals
    block = f"{iv.repeats} × (run {seconds_text(iv.run_s)}, walk {seconds_text(iv.walk_s)})" if iv else f"{r.run_minutes} min of running"
    return f"a 5-minute brisk walk, then {block}"



def recommendation_text(r: Recommendation, room: int = MAX_RECOMMENDATION_CHARS) -> str:
    """Session line, reason, referral (full or a one-line reminder), at most one nudge; the strength
    routine at most once. ``room``: the characters this text may take (less when a line of what was
    understood goes before it)."""
    lines = [session_line(r)]
    if r.reason:
        lines.append(r.reason)
    if r.refer and r.action != "seek_care":
        lines.append(REFER_REMINDER if r.rule == "refer_reminder" else REFER)
    for n in r.nudges[:1]:
        if n == "add_strength" and r.action == "strength":
            continue  # the routine is the session line already: once a message
        full = NUDGE_TEXT[n]
        if len("\n".join([*lines, full])) >= room:
            full = NUDGE_SHORT[n]
        lines.append(full)
    return "\n".join(lines)


# === requests in plain words (issue 12: bot/intents/, bot/conversation/requests.py) =
# Kept in one section so it merges apart from the recommendation texts above. The how-tos of the
# exercises and session words are in bot/exercises.py (and docs/exercises.md, with sources).

_DAY_NAMES = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday",
              "sat": "Saturday", "sun": "Sunday"}
_WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def plural(n: float | int, word: str, many: str | None = None) -> str:
    """``1 check-in``, ``0 check-ins``, ``3 check-ins`` (``many``: an irregular plural)."""
    shown = int(n) if float(n).is_integer() else n
    return f"{shown} {word if shown == 1 else (many or word + 's')}"


def days_words(days: tuple[str, ...] | list[str]) -> str:
    """The check-in days as a phrase that follows "I'll check in at 07:30": "every day", "Monday to
    Friday", "at weekends", "on Monday, Wednesday and Friday"."""
    chosen = tuple(d for d in _WEEK if d in days)
    if chosen == _WEEK:
        return "every day"
    if chosen == _WEEK[:5]:
        return "Monday to Friday"
    if chosen == _WEEK[5:]:
        return "at weekends"
    if not chosen:
        return "on no days"
    names = [_DAY_NAMES[d] for d in chosen]
    return "on " + (names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1])


UNDO_HINT = "Say 'undo' to change it back."
DONE_SCHEDULE = "Done: I'll check in at {time} ({timezone}), {days}. " + UNDO_HINT
DONE_REMINDERS = {
    True: "Done: if you miss a check-in, I'll remind you later that day. " + UNDO_HINT,
    False: "Done: no more reminders when you miss a check-in. " + UNDO_HINT,
}
ALREADY_REMINDERS = {True: "Reminders are already on.", False: "Reminders are already off."}
DONE_PAUSE = "Done: check-ins paused; the next one comes {when}. " + UNDO_HINT
DONE_RESUME = "Done: check-ins are on again, from {day} at {time}. " + UNDO_HINT
ASK_WHAT_TIME = "Sure. What time should I check in? It's {time} now."
DAYS_NONE_LEFT = "That would leave no check-in days. To take a break, say e.g. 'off for two weeks'."
UNDONE = "Undone: back to how it was. {now}"
NOTHING_TO_UNDO = "There's nothing to undo: I haven't changed any of your settings lately."
NOW_SCHEDULE = "I'll check in at {time} ({timezone}), {days}."
NOW_PAUSED = "No check-ins until {day}."
NOW_REMINDERS = {True: "Reminders are on.", False: "Reminders are off."}
LATER_REQUEST = "Ask me about the rest once you've answered this."

#: "why?" and "why not a run today?": the reason, what it was based on, the rule and its source.
WHY_NOTHING = "I haven't suggested anything yet. Tell me how your back is (0-10) and what you did, and I'll explain my suggestion."
WHY_NOT = "Not a {kind} today: {session}"  # the session line without its "Today: "
WHY_REASON = "Why: {reason}"
WHY_EVIDENCE = "What I went on: {evidence}."
WHY_RULE = "{rule}. Source: {source}. (All the rules: docs/coaching-model.md)"
WHY_KIND_WORDS = {"run": "run", "walk": "walk", "cross_train": "cross-training day", "strength": "strength session",
                  "rest": "rest day"}
#: The model's rule ids (Recommendation.rule) -> the rule in words and its sources (domain.md).
RULE_SOURCES: dict[str, tuple[str, str]] = {
    "red_flag": ("Rule 1: with a warning sign, see a professional first", "NHS back pain red flags; IFOMPT framework (Finucane 2020)"),
    "possible_flag": ("Rule 1: a possible warning sign is checked first", "NHS back pain red flags; IFOMPT framework (Finucane 2020)"),
    "refer": ("Rule 2: see a GP or physio, walking meanwhile", "NHS 'Back pain: see a GP if'; RunningPhysio"),
    "refer_reminder": ("Rule 2: see a GP or physio, walking meanwhile", "NHS 'Back pain: see a GP if'; RunningPhysio"),
    "leg": ("Rule 2: no running while pain goes into a leg", "RunningPhysio guidance"),
    "regress": ("Rule 3: cut back after a flare", "pain-monitoring model (Silbernagel 2007); Ostelo 2008"),
    "cross_train": ("Rule 4: cross-train on a bad morning", "NICE NG59; Lancet low back pain series 2018"),
    "severe": ("Rule 4: only gentle movement in severe pain", "NICE NG59: stay active within limits"),
    "hold": ("Rule 5: repeat the session until your back settles", "pain-monitoring model (Silbernagel 2007)"),
    "start": ("Rule 5: start at your level", "NHS Couch to 5K; ASTEROID trial (Neason 2024)"),
    "progress": ("Rule 6: one step up after two settled sessions", "ASTEROID trial (Neason 2024); Frandsen 2025"),
    "keep_moving": ("Rule 7: keep moving: rest makes back pain worse", "NICE NG59; Cochrane review (Dahm 2010)"),
    "week_shape": ("Rule 9: about 3 runs a week with easier days between", "NHS Couch to 5K; ASTEROID trial (Neason 2024)"),
}
RULE_UNKNOWN = ("The coaching model", "docs/coaching-model.md")

CORRECTED_PAIN = "Corrected: your back was {new}/10, not {old}/10."
CORRECTED_SESSION = "Corrected: {what}."
CORRECTION_UNCLEAR = "Which number should I change? Your last check-in says: {said}. Send e.g. 'pain 4' or 'ran 30 min, not 20'."
NOTHING_TO_CORRECT = "There's no check-in to correct yet. Tell me how your back is (0-10) and what you did."

#: Small talk: a short answer; the open question, if any, follows it.
SMALLTALK = {"hello": "Hi!", "thanks": "You're welcome!", "ok": "Great."}
SMALLTALK_CHECKIN = "How's your back today (0-10), and what did you do?"

#: A question about the warning signs (a report of them is a check-in, answered by the model's rule 1).
SAFETY_ANSWER = (
    "If you get numbness around your bottom or genitals, new trouble peeing or controlling your bladder or "
    "bowels, or weakness or numbness in both legs, go to A&E or call your emergency number straight away. "
    "With a fever, weight loss you can't explain or night pain that rest doesn't ease, see a GP the same day. "
    "If it's happening now, tell me what you feel and I'll take it from there."
)
#: A message that is clearly a question or request, but none the bot knows: what it can do, in two lines.
FALLBACK = (
    "Sorry, I can't help with that one. Each morning, tell me how your back is (0-10) and what you did.\n"
    "You can also ask 'what's the plan today', 'why?', 'how do I do a bird dog', 'remind me at 7', "
    "'weekdays only', 'off for two weeks' or 'undo'; 'help' lists the rest."
)
#: The choice on every strength suggestion; the same words typed work too.
HOW_TO_STRENGTH = "How do I do these?"


# --- admin stats (/stats; issue 10) ------------------------------------------------------------

ADMIN_ONLY = "Sorry, that command is for the people who run this bot."
STATS_SUMMARY = (
    "Stats {start} to {end} (<5: fewer than 5 people)\n"
    "Users: {total} ({active_7d} active in the last 7 days, {active_30d} in 30)\n"
    "Check-ins: {sent} asked, {answered} answered ({response_rate}); median answer after {median} min\n"
    "Reminders: {reminders}; answered after a reminder: {after_reminder}\n"
    "Suggestions: {suggestions}\n"
    "Referrals: {referrals}; red-flag answers: {red_flags}\n"
    "Pain, first two weeks to latest two: median change {pain_change} over {outcome_users} people; "
    "{improved} improved by {mic:g}+ points"
)
STATS_CHART_TITLE = "Daily check-ins: asked and answered"

# --- the full check-in form (Slack's modal; bot/forms.py) ------------------------------------------

FORM_TITLE = "Full check-in"
FORM_SUBMIT = "Check in"
FORM_BUTTON = "Full check-in"
FORM_BACK = "Back pain this morning (0-10)"
FORM_LEG = "Leg pain (0-10)"
FORM_ACTIVITY_LABEL = "What did you do since the last check-in?"
FORM_MINUTES_LABEL = "Minutes"
FORM_DURING = "Pain during it (0-10)"
FORM_PAIN = "Pick a number from 0 to 10."
FORM_ACTIVITY = "Pick what you did (or rest day)."
FORM_MINUTES = "Minutes as a number, 1 to 600."
FORM_MINUTES_NEEDED = "How many minutes? (Or pick rest day.)"

# --- Slack (adapters/slack): the slash command, buttons and App Home ------------------------------

YOU_CHOSE = "You chose: {choice}"
SLASH_HELP = (
    "/backcheck help | checkin | today | progress | settings | pause [days] | resume | export | delete | start\n"
    "In a team channel: /backcheck join | leave | sharepain | hidepain | digest | team [setup]\n"
    "Or in your own words (/backcheck remind me at 7), or just message me in a DM: how your back is "
    "(0-10) and what you did."
)
SENT_TO_DM = "I've answered you in our DM."
JOIN_BUTTON = "Join"
HOME_TITLE = "backcheck"
HOME_TODAY = "Today"
HOME_WEEK = "This week"
HOME_WEEK_LINE = "{sessions}, {minutes} min ({checkins})"
HOME_NO_WEEK = "No sessions yet this week."
HOME_TREND = "Back pain, last 4 weeks (weekly average)"
HOME_STREAK = "Check-in streak: {streak}"
HOME_PAUSED = "Check-ins paused until {until}."
HOME_SETTINGS = "Settings: check-in at {checkin_time} ({timezone}), {days}; reminders {reminders}."
HOME_NOT_STARTED = "Send me a DM to get started: I'll ask a few questions, then check in with you each morning."
HOME_BUTTONS = ("checkin", "settings", "pause 7", "resume")
HOME_BUTTON_LABELS = {"checkin": "Check in", "settings": "Settings", "pause 7": "Pause 7 days", "resume": "Resume"}
