"""Shared fixtures: the trained model, a running assistant and a PostgreSQL server (all real,
on loopback)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.helpers.postgres import PostgresUnavailable, running_postgres
from tests.helpers.servers import Assistant, running_assistant, trained_model

ROOT = Path(__file__).resolve().parent.parent
#: The shared folder beside the repository (a worktree under wt/<name> has it two levels up).
SHARED = next(
    (p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if (p / "eval").is_dir()),
    ROOT.parent / "shared",
)
PG_URL_VAR = "PREVENT_TEST_TRACKER_PG_URL"
# Test databases are throwaway: each process migrates a fresh one on first use
# (bot/store/schema.py) instead of refusing with "run make migrate"; servers inherit it.
os.environ.setdefault("PREVENT_MIGRATE_ON_START", "1")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def model_path() -> Path:
    return trained_model()


@pytest.fixture(scope="session")
def assistant(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    with running_assistant(model_path, tmp_path_factory.mktemp("assistant")) as running:
        yield running


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """SQLAlchemy URL of a disposable PostgreSQL database, for the whole session.

    `PREVENT_TEST_TRACKER_PG_URL` if set; otherwise a throwaway PostgreSQL server is started
    on 127.0.0.1 the first time a test asks for this (so runs that need none start none),
    exported in that variable while the session lasts, and stopped and deleted at the end.
    Without PostgreSQL on the machine the tests needing it fail under CI and skip locally.
    """
    given = os.environ.get(PG_URL_VAR, "").strip()
    if given:
        yield given
        return
    with ExitStack() as stack:
        try:
            url = stack.enter_context(running_postgres())
        except PostgresUnavailable as exc:
            if in_ci():
                pytest.fail(f"PostgreSQL is required in CI: {exc}", pytrace=False)
            pytest.skip(f"PostgreSQL unavailable: {exc}")
        os.environ[PG_URL_VAR] = url  # for anything the tests start in a subprocess
        try:
            yield url
        finally:
            os.environ.pop(PG_URL_VAR, None)
