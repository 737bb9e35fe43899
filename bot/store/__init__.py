"""Persistence: tables, engines, migrations and the queries the core needs."""

from bot.store.db import make_engine, upgrade, upgrade_sync
from bot.store.repo import Store
from bot.store.tables import ActivityRow, CheckInRow, InboundMessage, RecommendationRow, SentMessage, User

__all__ = [
    "ActivityRow",
    "CheckInRow",
    "InboundMessage",
    "RecommendationRow",
    "SentMessage",
    "Store",
    "User",
    "make_engine",
    "upgrade",
    "upgrade_sync",
]
