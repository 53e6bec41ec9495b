"""Migrations (migrations/, bot/store/migrate.py): from an empty database and from the
schema older versions made with `create_all`, on SQLite and a real PostgreSQL; the result
matches the models exactly; processes refuse an unmigrated database."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bot.store import schema
from bot.store.migrate import upgrade
from bot.store.schema import VERSION_TABLES, SchemaNotMigrated, ensure_schema, head_revisions
from bot.store.tables import Base
from tests.helpers.settings import reread_settings
from tests.prod.pg import new_pg_database


def _tracker_metadata() -> sa.MetaData:
    from bot.rasa_ext.tracker_store import EncryptedSQLTrackerStore
    from bot.store.tables import KeyBase

    merged = sa.MetaData()
    for table in (*KeyBase.metadata.tables.values(), EncryptedSQLTrackerStore.SQLEvent.__table__):
        table.to_metadata(merged)
    return merged


METADATA: dict[str, Callable[[], sa.MetaData]] = {
    "app": lambda: Base.metadata,
    "tracker": _tracker_metadata,
}


@pytest.fixture(params=["sqlite", "postgresql"])
def new_database(request, tmp_path) -> Iterator[Callable[[], str]]:
    """Makes empty databases on SQLite or on the session's PostgreSQL server."""
    if request.param == "sqlite":
        yield lambda: f"sqlite:///{tmp_path / (uuid.uuid4().hex + '.db')}"
        return
    server = request.getfixturevalue("postgres_url")
    yield lambda: new_pg_database(server, "mig")


def _differences(url: str, target: str) -> list:
    engine = sa.create_engine(url, future=True)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={"version_table": VERSION_TABLES[target], "compare_type": True},
            )
            return compare_metadata(context, METADATA[target]())
    finally:
        engine.dispose()


def _revisions(url: str, target: str) -> set[str]:
    engine = sa.create_engine(url, future=True)
    try:
        return schema.current_revisions(engine, target)
    finally:
        engine.dispose()


@pytest.mark.parametrize("target", ["app", "tracker"])
def test_upgrade_from_empty_matches_the_models(new_database, target) -> None:
    url = new_database()
    upgrade(url, target)
    assert _revisions(url, target) == head_revisions(target)
    assert _differences(url, target) == []
    upgrade(url, target)  # a second run changes nothing
    assert _revisions(url, target) == head_revisions(target)


FIRST = {"app": "app_0001", "tracker": "tracker_0001"}


def _pre_migrations_metadata(target: str, tmp_path) -> sa.MetaData:
    """The models as they were when tables were made at run time (= the first revision):
    today's models minus the tables and columns later revisions added."""
    scratch = f"sqlite:///{tmp_path / 'first-revision.db'}"
    upgrade(scratch, target, FIRST[target])
    engine = sa.create_engine(scratch, future=True)
    inspector = sa.inspect(engine)
    first = {t: {c["name"] for c in inspector.get_columns(t)} for t in inspector.get_table_names()}
    engine.dispose()
    legacy = sa.MetaData()
    for name, table in METADATA[target]().tables.items():
        if name in first:
            sa.Table(
                name,
                legacy,
                # copies keep index=True / unique=True, as create_all made them
                *(c.copy() for c in table.columns if c.name in first[name]),
            )
    return legacy


@pytest.mark.parametrize("target", ["app", "tracker"])
def test_upgrade_adopts_the_create_all_schema_with_its_rows(new_database, target, tmp_path):
    url = new_database()
    engine = sa.create_engine(url, future=True)
    # what older versions made at run time
    _pre_migrations_metadata(target, tmp_path).create_all(engine)
    table = "drafts" if target == "app" else "conversation_keys"
    with engine.begin() as connection:
        if target == "app":
            connection.execute(
                sa.text(
                    "INSERT INTO drafts (id, owner, status, created_at, updated_at, key_version,"
                    " wrapped_key, payload) VALUES ('d1', 'o', 'draft', :t, :t, 'v1', :b, :b)"
                ),
                {"t": datetime(2026, 1, 1), "b": b"x"},
            )
        else:
            connection.execute(
                sa.text(
                    "INSERT INTO conversation_keys VALUES ('h', 'v1', :b, :b, :t)"
                ),
                {"t": datetime(2026, 1, 1), "b": b"x"},
            )
    engine.dispose()

    upgrade(url, target)
    assert _revisions(url, target) == head_revisions(target)
    assert _differences(url, target) == []
    engine = sa.create_engine(url, future=True)
    with engine.connect() as connection:
        count = sa.select(sa.func.count()).select_from(sa.table(table))
        assert connection.execute(count).scalar() == 1
    engine.dispose()


def test_the_audit_log_is_append_only_after_migrating(new_database) -> None:
    url = new_database()
    upgrade(url, "app")
    engine = sa.create_engine(url, future=True)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO review_audit (at, actor, action, outcome, detail, prev_hash,"
                " row_hash) VALUES (:t, 'a', 'x', 'ok', '', :p, :r)"
            ),
            {"t": datetime(2026, 1, 1), "p": "0" * 64, "r": "1" * 64},
        )
    for statement in ("UPDATE review_audit SET actor = 'b'", "DELETE FROM review_audit"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with engine.begin() as connection:
                connection.execute(sa.text(statement))
    engine.dispose()


def test_an_unmigrated_database_is_refused_with_what_to_run(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("PREVENT_MIGRATE_ON_START", raising=False)
    reread_settings(monkeypatch)
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'fresh.db'}", future=True)
    with pytest.raises(SchemaNotMigrated, match="make migrate"):
        ensure_schema(engine, "app")
    assert not sa.inspect(engine).get_table_names()  # nothing was created
    upgrade(str(engine.url), "app")
    ensure_schema(engine, "app")  # now it passes
    engine.dispose()


def test_processes_migrate_fresh_databases_themselves_only_when_told(tmp_path, monkeypatch):
    monkeypatch.setenv("PREVENT_MIGRATE_ON_START", "1")
    reread_settings(monkeypatch)
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'auto.db'}", future=True)
    ensure_schema(engine, "app")
    assert "outbox" in sa.inspect(engine).get_table_names()
    engine.dispose()
