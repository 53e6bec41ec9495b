"""Which tables the project owns, and the check that the database has them (Alembic).

Tables are made only by migrations (`make migrate`, `python -m bot.store.migrate`), never
lazily by the code that uses them: with several replicas and workers starting at once,
"create if missing" races, and a column added in code would silently not exist in an
old database. Every process checks at its first database use that the schema is at the
newest revision and otherwise stops with "run make migrate".

Two migration targets, each with its own version table, so they work whether they share
one PostgreSQL database or not:

* ``app``: drafts, notices, outbox, pickups, enrolment, referral news, the review app's
  tables (`PREVENT_DATABASE_URL`),
* ``tracker``: Rasa's ``events`` and our ``conversation_keys`` (the `TRACKER_DB*` settings).

Tests and throwaway set-ups may set ``PREVENT_MIGRATE_ON_START=1``: the check then runs
the migrations itself (serialised by a lock) instead of refusing.
"""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
TARGETS = ("app", "tracker")
VERSION_TABLES = {"app": "alembic_version", "tracker": "alembic_version_tracker"}
_checked: set[tuple[str, str]] = set()
_guard = threading.Lock()


class SchemaNotMigrated(RuntimeError):
    """The database is not at the schema this code needs: run `make migrate`."""


def import_models() -> None:
    """Declare every table the project owns (all in `bot.store.tables`)."""
    import bot.store.tables  # noqa: F401


def migrate_on_start() -> bool:
    """`PREVENT_MIGRATE_ON_START` (`Config.migrate_on_start`)."""
    from bot.config import get_config

    return get_config().migrate_on_start


def head_revisions(target: str) -> set[str]:
    from bot.store.migrate import script_directory

    return set(script_directory(target).get_heads())


def current_revisions(engine: Engine, target: str) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"version_table": VERSION_TABLES[target]}
        )
        return set(context.get_current_heads())


def ensure_schema(engine: Engine, target: str = "app") -> None:
    """Refuse to go on (or, in tests, migrate) unless the schema is at the newest revision.

    Checked once per process and database; cheap afterwards.
    """
    key = (str(engine.url), target)
    if key in _checked:
        return
    with _guard:
        if key in _checked:
            return
        current, heads = current_revisions(engine, target), head_revisions(target)
        if current != heads:
            if not migrate_on_start():
                where = engine.url.render_as_string(hide_password=True)
                raise SchemaNotMigrated(
                    f"The {target} database ({where}) is at revision "
                    f"{sorted(current) or 'none'}, this code needs {sorted(heads)}: "
                    f"run `make migrate` (python -m bot.store.migrate)."
                )
            from bot.store.migrate import upgrade

            upgrade(engine.url.render_as_string(hide_password=False), target)
        _checked.add(key)


def forget_checks() -> None:
    """Check again at next use (tests that drop or rebuild a database)."""
    with _guard:
        _checked.clear()
