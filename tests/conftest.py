"""Shared fixtures: the trained model and a running assistant (real servers on loopback)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.servers import Assistant, running_assistant, trained_model

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def model_path() -> Path:
    return trained_model()


@pytest.fixture(scope="session")
def assistant(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    with running_assistant(model_path, tmp_path_factory.mktemp("assistant")) as running:
        yield running
