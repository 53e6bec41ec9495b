"""Channels: how practitioners reach the assistant (Telegram, Teams, web chat, file links)."""
