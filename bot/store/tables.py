"""Database tables (sqlmodel). One schema for SQLite and PostgreSQL; alembic migrates it.

JSON-shaped fields are stored as text so the same schema works on both engines without
dialect-specific types; they are never queried inside the database.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Column, Index, Integer, String, Table, UniqueConstraint, text
from sqlalchemy.types import DateTime, Text
from sqlmodel import Field, SQLModel


def _ts(nullable: bool = False) -> Column:  # type: ignore[type-arg]
    return Column(DateTime(timezone=True), nullable=nullable)


class User(SQLModel, table=True):
    __tablename__ = "users"
    #: The scheduler reads the distinct (time zone, check-in time) pairs off this index (0002).
    __table_args__ = (
        Index("ix_users_tz_time", "timezone", "checkin_time"),
        # Admin stats: signups in a date range (0010).
        Index("ix_users_created", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(index=True, unique=True, max_length=200)
    timezone: str = Field(default="UTC", max_length=64)
    checkin_time: str = Field(default="08:00", max_length=5)
    #: Comma list of day ids (mon..sun).
    days: str = Field(default="mon,tue,wed,thu,fri,sat,sun", max_length=40)
    experience: str = Field(default="new", max_length=16)
    comfortable_run_minutes: int | None = None
    reminders: bool = True
    #: active | stopped (user said stop) | blocked (platform says the user blocked the bot)
    status: str = Field(default="active", max_length=16, index=True)
    paused_until: date | None = None
    onboarded: bool = False
    created_at: datetime = Field(sa_column=_ts())
    #: The tolerance model's bounded rolling state (bot/model_state.py encodes it; 0004: the model
    #: alone, the dialogue's own bookkeeping has the columns below).
    tolerance: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    #: Local date the "not medical advice" reminder was last shown with training advice.
    disclaimer_on: date | None = None
    #: What question the user is answering (a bot.conversation.State; kept here, never in process
    #: memory, so any replica can answer any message)...
    conv_state: str | None = Field(default=None, max_length=40)
    #: ...and the local date it is about (the open check-in's date, the pain asked for) (0004).
    conv_on: date | None = None
    #: ...and what it is about, where the state needs more (a possible red flag's id) (0006).
    conv_arg: str | None = Field(default=None, max_length=40)
    #: The latest local date with a check-in: most replies are the day's first, and this says so
    #: without a query (0004).
    last_checkin_on: date | None = None
    #: The local date the safety screen question was last answered (asked once a day at most) (0004).
    screened_on: date | None = None
    #: What the last change of a setting replaced, as JSON ({"checkin_time": "07:30"}), so "undo"
    #: can put it back (issue 12; bot/conversation/requests.py) (0011).
    undo: str | None = Field(default=None, max_length=200)


class CheckInRow(SQLModel, table=True):
    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("user_id", "local_date", name="uq_checkin_user_date"),
        # The scheduler's silence rules: a user's latest check-in change (0007).
        Index("ix_checkins_user_updated", "user_id", "updated_at"),
        # Admin stats: check-ins in a date range, daily active users (0010).
        Index("ix_checkins_date_user", "local_date", "user_id", "id"),
        # ...and red-flag answers in a range: only the few flagged check-ins (partial index, 0010).
        Index("ix_checkins_flagged", "local_date", "user_id", postgresql_where=text("red_flags <> '[]'"),
              sqlite_where=text("red_flags <> '[]'")),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    local_date: date
    pain: float | None = None
    rested: bool = False
    #: Leg symptoms were reported (any of leg_symptoms; before 0005 the only leg field).
    leg_pain: bool = False
    #: Leg pain 0-10, its own number (0005).
    leg_score: float | None = None
    #: JSON list of leg symptom ids (bot.domain.LEG_SYMPTOMS) (0005).
    leg_symptoms: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))
    #: JSON list of red-flag ids.
    red_flags: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))
    #: The user's words, as sent (truncated at the parser's limit).
    text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime = Field(sa_column=_ts())
    updated_at: datetime = Field(sa_column=_ts())


class ActivityRow(SQLModel, table=True):
    __tablename__ = "activities"

    id: int | None = Field(default=None, primary_key=True)
    checkin_id: int = Field(foreign_key="checkins.id", ondelete="CASCADE", index=True)
    position: int = 0
    kind: str = Field(max_length=20)
    minutes: float | None = None
    km: float | None = None
    effort: str | None = Field(default=None, max_length=10)
    pain_during: float | None = None
    run_minutes: float | None = None
    #: JSON {"run_s", "walk_s", "repeats"} or null.
    intervals: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    rpe: float | None = None


class RecommendationRow(SQLModel, table=True):
    __tablename__ = "recommendations"
    __table_args__ = (
        UniqueConstraint("user_id", "local_date", name="uq_reco_user_date"),
        # Admin stats: the suggestion mix in a date range, from the index alone (0010).
        Index("ix_reco_date_action_user", "local_date", "action", "user_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    local_date: date
    action: str = Field(max_length=16)
    #: Recommendation.to_dict() as JSON.
    payload: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=_ts())


class SentMessage(SQLModel, table=True):
    """Scheduled prompts (check-in, reminder, safety, digest): one row per user, local date and kind.

    The unique key is the claim: whoever inserts the row sends the message, so a prompt goes out
    at most once across restarts and replicas.
    """

    __tablename__ = "sent_messages"
    __table_args__ = (
        UniqueConstraint("user_id", "local_date", "kind", name="uq_sent_user_date_kind"),
        Index("ix_sent_status", "status"),
        # Reminder selection: sent check-ins by send time (0002).
        Index("ix_sent_kind_sent_at", "kind", "sent_at"),
        # The silence rules: a user's latest sent check-in, latest answer (0007).
        Index("ix_sent_user_kind_sent_at", "user_id", "kind", "sent_at"),
        Index("ix_sent_user_answered", "user_id", "answered_at"),
        # Admin stats: prompts of a kind in a date range (0010).
        Index("ix_sent_kind_date", "kind", "local_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    local_date: date
    kind: str = Field(max_length=16)
    #: claimed | sending (handed to the platform) | sent | failed | blocked | skipped | unknown
    #: (handed off by a process that died mid-send: it may or may not have reached the user, and
    #: is never sent again)
    status: str = Field(default="claimed", max_length=10)
    due_at: datetime = Field(sa_column=_ts())
    claimed_at: datetime = Field(sa_column=_ts())
    sent_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    answered_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    attempts: int = 0
    error: str | None = Field(default=None, max_length=200)
    #: Which process holds the claim (host:pid:random), for diagnosis (0002).
    claimed_by: str | None = Field(default=None, max_length=64)
    #: A failed row is taken up again by a later pass from this instant (0002).
    next_attempt_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class InboundMessage(SQLModel, table=True):
    """Every message a user sent that was not recorded as a check-in (commands, answers, text the
    parser could not read), so nothing a user says is lost; export and delete cover it."""

    __tablename__ = "inbound_messages"
    #: The scheduler's silence rules: a user's latest message (0007).
    __table_args__ = (Index("ix_inbound_user_at", "user_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    at: datetime = Field(sa_column=_ts())
    text: str = Field(sa_column=Column(Text, nullable=False))
    handled_as: str = Field(default="", max_length=24)


class RunningGroup(SQLModel, table=True):
    """A group chat the bot was added to (``telegram:-100123``): members share a weekly digest."""

    __tablename__ = "running_groups"

    id: int | None = Field(default=None, primary_key=True)
    #: ``PLATFORM:CHAT_ID``, the address the digest is sent to.
    key: str = Field(index=True, unique=True, max_length=200)
    title: str = Field(default="", max_length=200)
    #: The digest goes out on Monday morning in this zone, for the week that just ended.
    timezone: str = Field(default="UTC", max_length=64)
    #: False once the bot was removed from the chat or the chat refused a message.
    active: bool = True
    created_at: datetime = Field(sa_column=_ts())
    #: A team (``/team setup``, 0009): a daily post in the chat, defaults for new members.
    is_team: bool = False
    #: Who set the team up (a user key): they, and the admins, may change its settings (0009).
    owner_key: str | None = Field(default=None, max_length=200)
    #: Members' default check-in time (HH:MM, the group's zone) and days (mon..sun comma list), and
    #: the weekday (mon..sun) of the weekly digest (0009).
    checkin_time: str = Field(default="08:00", max_length=5)
    days: str = Field(default="mon,tue,wed,thu,fri,sat,sun", max_length=40)
    digest_day: str = Field(default="mon", max_length=3)


class GroupMember(SQLModel, table=True):
    """A user linked to a group with /join. Keyed by user key, not users.id: a member may join
    the group before ever talking to the bot in private."""

    __tablename__ = "group_members"
    __table_args__ = (UniqueConstraint("group_id", "user_key", name="uq_group_member"),)

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="running_groups.id", ondelete="CASCADE", index=True)
    user_key: str = Field(max_length=200, index=True)
    #: The name the group knows the member by (as the platform showed it at /join).
    display_name: str = Field(default="", max_length=100)
    #: Pain scores appear in the group only if the member opted in.
    show_pain: bool = False
    joined_at: datetime = Field(sa_column=_ts())


class GroupDigest(SQLModel, table=True):
    """The claim on one group's digest for one week: whoever inserts the row sends it."""

    __tablename__ = "group_digests"
    __table_args__ = (UniqueConstraint("group_id", "week_start", name="uq_group_digest_week"),)

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="running_groups.id", ondelete="CASCADE")
    #: Monday of the week the digest covers.
    week_start: date
    #: claimed | sent | failed | blocked
    status: str = Field(default="claimed", max_length=10)
    claimed_at: datetime = Field(sa_column=_ts())
    sent_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    attempts: int = 1
    error: str | None = Field(default=None, max_length=200)


class TeamDailyPost(SQLModel, table=True):
    """A team's post for one day ("6 of 9 checked in today"), edited in place as members answer.

    The unique (group, day) row is the claim: whoever inserts it posts, so each day's post goes
    once across passes, restarts and replicas; ``ref`` is the platform's handle for later edits
    (by any replica) and ``shown``/``members`` the figures the post shows now (0009)."""

    __tablename__ = "team_daily_posts"
    __table_args__ = (UniqueConstraint("group_id", "local_date", name="uq_team_daily_post"),)

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="running_groups.id", ondelete="CASCADE")
    #: The team's local date the post is about.
    local_date: date
    #: claimed | posted | failed | blocked (the chat refused it) | gone (the post can no longer be edited)
    status: str = Field(default="claimed", max_length=10)
    ref: str | None = Field(default=None, max_length=100)
    #: Members checked in, and members in all, as the post shows them.
    shown: int | None = None
    members: int | None = None
    claimed_at: datetime = Field(sa_column=_ts())
    posted_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    edited_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    attempts: int = 1
    error: str | None = Field(default=None, max_length=200)


class UserPause(SQLModel, table=True):
    """A pause of a user's check-ins (``/pause``): from ``start`` up to, not including, ``until``.
    Kept so a team streak can tell a paused day from a missed one after the pause is over (0009)."""

    __tablename__ = "user_pauses"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    start: date
    until: date


class PlatformEvent(SQLModel, table=True):
    """An event a platform delivered (Slack's ``event_id``): the unique row makes a retried
    delivery (``X-Slack-Retry-Num``) a no-op. Rows older than a day are pruned (0008)."""

    __tablename__ = "platform_events"
    __table_args__ = (
        UniqueConstraint("platform", "event_id", name="uq_platform_event"),
        Index("ix_platform_events_seen_at", "seen_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    event_id: str = Field(max_length=100)
    seen_at: datetime = Field(sa_column=_ts())


# slack_sdk's OAuth installation and state stores (its SQLAlchemy stores) keep their rows on our
# database; the schema is theirs, declared here so the migrations (0008) and the models agree.
# The core never imports slack_sdk: the Slack adapter hands these table names to its stores.
_SLACK = SQLModel.metadata
SLACK_INSTALLATIONS = Table(
    "slack_installations", _SLACK,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("enterprise_url", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    Column("bot_token", String(200)),
    Column("bot_id", String(32)),
    Column("bot_user_id", String(32)),
    Column("bot_scopes", String(1000)),
    Column("bot_refresh_token", String(200)),
    Column("bot_token_expires_at", DateTime),
    Column("user_id", String(32), nullable=False),
    Column("user_token", String(200)),
    Column("user_scopes", String(1000)),
    Column("user_refresh_token", String(200)),
    Column("user_token_expires_at", DateTime),
    Column("incoming_webhook_url", String(200)),
    Column("incoming_webhook_channel", String(200)),
    Column("incoming_webhook_channel_id", String(200)),
    Column("incoming_webhook_configuration_url", String(200)),
    Column("is_enterprise_install", Boolean, nullable=False),
    Column("token_type", String(32)),
    Column("installed_at", DateTime, nullable=False),
    Index("slack_installations_idx", "client_id", "enterprise_id", "team_id", "user_id", "installed_at"),
)
SLACK_BOTS = Table(
    "slack_bots", _SLACK,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    Column("bot_token", String(200)),
    Column("bot_id", String(32)),
    Column("bot_user_id", String(32)),
    Column("bot_scopes", String(1000)),
    Column("bot_refresh_token", String(200)),
    Column("bot_token_expires_at", DateTime),
    Column("is_enterprise_install", Boolean, nullable=False),
    Column("installed_at", DateTime, nullable=False),
    Index("slack_bots_idx", "client_id", "enterprise_id", "team_id", "installed_at"),
)
SLACK_OAUTH_STATES = Table(
    "slack_oauth_states", _SLACK,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("state", String(200), nullable=False),
    Column("expire_at", DateTime, nullable=False),
)
