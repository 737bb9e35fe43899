"""Slack: ``app.py`` (Bolt listeners, routes, lifecycle), ``blocks.py`` (Block Kit, pure),
``sender.py`` (Web API calls and their failures), ``oauth.py`` (installs)."""

from __future__ import annotations

from adapters.slack.app import SlackAdapter

__all__ = ["SlackAdapter"]
