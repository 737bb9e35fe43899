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
TRUNCATED = "That was a long message: I read the first {n} characters and kept all of it."
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
    "Your settings: time zone {timezone}, check-in at {checkin_time} on {days}, experience: {experience}, "
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
    "All set: I'll check in at {checkin_time} ({timezone}) on {days}. You can tell me how your back is "
    "any time, and change this with 'settings'."
)
NO_SUGGESTION_YET = "I don't have a suggestion yet: tell me how your back is this morning (0-10) and what you did."
NO_HISTORY = "No check-ins in the last 4 weeks yet. Tell me how your back is, and progress will build up here."
PROGRESS_HEADER = "Your last 4 weeks:"
PROGRESS_WEEK = (
    "{label}: {n} check-ins, morning pain {pain}, running {run} min, cross-training {cross} min, "
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

# --- running groups (bot/groups.py) ---------------------------------------------------------------

GROUP_HELP = (
    "I'm backcheck, a running coach for common back pain. Check-ins happen in a private chat with me; "
    "this group gets a weekly digest on Monday morning: who took part, sessions and minutes, streaks.\n"
    "/join - take part (your pain scores stay private)\n"
    "/leave - stop taking part\n"
    "/sharepain - show your weekly morning pain in the digest; /hidepain - hide it again\n"
    "/digest - this week so far"
)
JOINED = "{name} joined the group digest. Pain scores stay private unless you send /sharepain."
ALREADY_MEMBER = "{name}, you're already in the group digest."
START_PRIVATE = "To check in, start a private chat with me: {link}"
LEFT = "{name} left the group digest."
NOT_MEMBER = "{name}, you're not in the group digest: send /join first."
PAIN_SHOWN = "{name}: your weekly morning pain will show in this group's digest."
PAIN_HIDDEN = "{name}: your pain scores are hidden from this group again."


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
    "/backcheck help | checkin | today | progress | settings | pause [days] | resume | export | delete\n"
    "In a team channel: /backcheck join | leave | team | digest\n"
    "Or just message me in a DM: how your back is (0-10) and what you did."
)
SENT_TO_DM = "I've answered you in our DM."
JOIN_BUTTON = "Join"
HOME_TITLE = "backcheck"
HOME_TODAY = "Today"
HOME_WEEK = "This week"
HOME_WEEK_LINE = "{sessions} sessions, {minutes} min ({checkins} check-ins)"
HOME_NO_WEEK = "No sessions yet this week."
HOME_TREND = "Back pain, last 4 weeks (weekly average)"
HOME_STREAK = "Check-in streak: {n} days"
HOME_PAUSED = "Check-ins paused until {until}."
HOME_SETTINGS = "Settings: check-in at {checkin_time} ({timezone}) on {days}; reminders {reminders}."
HOME_NOT_STARTED = "Send me a DM to get started: I'll ask a few questions, then check in with you each morning."
HOME_BUTTONS = ("checkin", "settings", "pause 7", "resume")
HOME_BUTTON_LABELS = {"checkin": "Check in", "settings": "Settings", "pause 7": "Pause 7 days", "resume": "Resume"}
