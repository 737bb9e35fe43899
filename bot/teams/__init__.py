"""Running groups and teams, platform-neutral.

- :mod:`bot.teams.membership`: groups, members (``/join``, ``/leave``, ``/sharepain``), a team's
  settings (``/team setup``) and the defaults new members get;
- :mod:`bot.teams.daily`: the team's daily post, edited in place as members answer;
- :mod:`bot.teams.digest`: the weekly digest (participation, sessions and minutes by kind, streaks),
  with its pain-privacy rules;
- :mod:`bot.teams.streaks`: streaks that pause rather than break (pure).
"""

from bot.teams.daily import DailyReport, run_daily_posts
from bot.teams.digest import (
    MAX_ATTEMPTS,
    DigestReport,
    MemberWeek,
    digest_preview,
    due_week,
    format_digest,
    latest_streak,
    member_weeks,
    send_due_digests,
    week_start_of,
)
from bot.teams.membership import (
    deactivate_group,
    forget_user,
    get_group,
    join_group,
    leave_group,
    members_of,
    register_group,
    set_show_pain,
)

__all__ = [
    "MAX_ATTEMPTS",
    "DailyReport",
    "DigestReport",
    "MemberWeek",
    "deactivate_group",
    "digest_preview",
    "due_week",
    "forget_user",
    "format_digest",
    "get_group",
    "join_group",
    "latest_streak",
    "leave_group",
    "member_weeks",
    "members_of",
    "register_group",
    "run_daily_posts",
    "send_due_digests",
    "set_show_pain",
    "week_start_of",
]
