"""The project's own domain, loaded once, for testing policies and components directly."""

from __future__ import annotations

import pytest
from rasa.shared.core.domain import Domain

from bot.config import PROJECT_ROOT


@pytest.fixture(scope="session")
def domain() -> Domain:
    # `make test` generates domain/_generated.yml from guidance/ before pytest runs.
    return Domain.load(str(PROJECT_ROOT / "domain"))
