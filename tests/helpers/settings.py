"""Settings for one test: read from the environment as the test has set it, then installed.

The assistant reads its settings once per process (`bot.config.get_config`); a test that
changes a variable with `monkeypatch.setenv` then calls `reread_settings(monkeypatch)`: a
new `Config` (hence new services, keys read afresh) for the rest of the test, the old one
back afterwards. Nothing to clear.
"""

from __future__ import annotations

import os

import pytest

import bot.config
from bot.config import Config
from bot.services import Services, services


def reread_settings(monkeypatch: pytest.MonkeyPatch) -> Services:
    """Install settings built from the environment as it is now; returns their services."""
    monkeypatch.setattr(bot.config, "_current", Config.from_env(dict(os.environ)))
    return services()
