"""Installs: one workspace with a bot token, or many through Slack's OAuth flow, with slack_sdk's
SQLAlchemy installation and state stores on our own database (their tables come with our
migrations, 0008). Each workspace is answered with its own bot token (Bolt's authorize)."""

from __future__ import annotations

from typing import Any

from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore

from bot.config import Settings

#: Exactly what the bot calls (deploy/slack-manifest.yaml lists the same).
SCOPES = ("chat:write", "chat:write.public", "im:history", "im:write", "commands", "files:write", "users:read")
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
#: An install link is good for ten minutes.
STATE_SECONDS = 600


class Installs:
    """Where each workspace's bot token comes from."""

    def __init__(self, settings: Settings, engine: Any) -> None:
        self.bot_token = settings.slack_bot_token
        self.oauth: AsyncOAuthSettings | None = None
        self.store: AsyncSQLAlchemyInstallationStore | None = None
        if settings.slack_client_id and settings.slack_client_secret:
            self.store = AsyncSQLAlchemyInstallationStore(client_id=settings.slack_client_id, engine=engine)
            self.oauth = AsyncOAuthSettings(
                client_id=settings.slack_client_id, client_secret=settings.slack_client_secret,
                scopes=list(SCOPES), install_path=INSTALL_PATH, redirect_uri_path=REDIRECT_PATH,
                installation_store=self.store, installation_store_bot_only=True,
                state_store=AsyncSQLAlchemyOAuthStateStore(expiration_seconds=STATE_SECONDS, engine=engine),
            )

    @property
    def multi(self) -> bool:
        return self.oauth is not None

    async def token_for(self, team: str) -> str | None:
        """The bot token of workspace ``team`` (None: not installed there)."""
        if self.store is None:
            return self.bot_token
        bot = await self.store.async_find_bot(enterprise_id=None, team_id=team)
        return bot.bot_token if bot is not None else None
