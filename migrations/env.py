"""Alembic environment for both targets (app, tracker); see bot/store/schema.py.

The target comes from the config (`bot.store.migrate.alembic_config`, or alembic.ini's
`[app]` / `[tracker]` sections: `alembic -n app upgrade head`). The URL comes from the
config, else from the environment like the running processes use.
"""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import context
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the project root: bot.*
config = context.config
target = config.get_main_option("target") or "app"
version_table = config.get_main_option("version_table") or "alembic_version"
#: Any constant: every migration run on a PostgreSQL database waits for the others.
_ADVISORY_LOCK = 0x50726576  # "Prev"


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from bot.store.migrate import app_url, tracker_url

    return app_url() if target == "app" else tracker_url()


def _metadata():  # type: ignore[no-untyped-def]
    """Models, only for `alembic revision --autogenerate` (importing Rasa is slow)."""
    if not getattr(config.cmd_opts, "autogenerate", False):
        return None
    if target == "app":
        from bot.store.tables import Base  # every table the project owns

        return Base.metadata
    from sqlalchemy import MetaData

    from bot.rasa_ext.tracker_store import EncryptedSQLTrackerStore
    from bot.store.tables import KeyBase

    merged = MetaData()
    for table in (*KeyBase.metadata.tables.values(), EncryptedSQLTrackerStore.SQLEvent.__table__):
        table.to_metadata(merged)
    return merged


def run_migrations_offline() -> None:
    context.configure(
        url=_url(), target_metadata=_metadata(), literal_binds=True, version_table=version_table
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    from bot.store.db import open_engine  # a SQLite file made 0600, whatever the umask

    engine = open_engine(_url(), future=True)
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=_metadata(),
                version_table=version_table,
                render_as_batch=connection.dialect.name == "sqlite",  # ALTER on SQLite
                compare_type=True,
            )
            with context.begin_transaction():
                if connection.dialect.name == "postgresql":
                    connection.execute(text(f"SELECT pg_advisory_xact_lock({_ADVISORY_LOCK})"))
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
