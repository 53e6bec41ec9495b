"""Bring the databases to the newest schema with Alembic (`make migrate`).

python -m bot.store.migrate                 # both targets, from the environment
python -m bot.store.migrate --target app --url postgresql://...   # one database
python -m bot.store.migrate --show          # current and newest revision of each

Safe to run from several machines at once: on PostgreSQL an advisory lock serialises
the runs (migrations/env.py), on SQLite a lock file next to the database.
"""

from __future__ import annotations

import argparse
import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL, make_url

from bot.store.db import open_engine
from bot.store.schema import MIGRATIONS, TARGETS, VERSION_TABLES, current_revisions


def alembic_config(target: str, url: str | None = None) -> Config:
    """The Alembic configuration of one target (the same as alembic.ini's section)."""
    if target not in TARGETS:
        raise ValueError(f"unknown migration target {target!r}; one of {TARGETS}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", str(MIGRATIONS / target))
    config.set_main_option("version_table", VERSION_TABLES[target])
    config.set_main_option("target", target)
    if url is not None:
        # ConfigParser interpolation: a literal % in a password must be doubled.
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def script_directory(target: str) -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config(target))


def app_url() -> str:
    from bot.config import get_config

    return get_config().database_url


def tracker_url() -> str:
    """The tracker store's database, built from the same TRACKER_DB* settings Rasa gets."""
    from bot.config import get_config

    db = get_config().tracker_db
    env = {
        "TRACKER_DB_DIALECT": db.dialect,
        "TRACKER_DB": db.db,
        "TRACKER_DB_HOST": db.host,
        "TRACKER_DB_PORT": db.port,
        "TRACKER_DB_USER": db.username,
        "TRACKER_DB_PASSWORD": db.password,
    }
    dialect = env["TRACKER_DB_DIALECT"] or "sqlite"
    if "://" in env["TRACKER_DB_HOST"]:  # the whole URL in the host, as Rasa accepts it
        return env["TRACKER_DB_HOST"]
    if dialect == "sqlite":
        return f"sqlite:///{env['TRACKER_DB'] or 'rasa.db'}"
    if dialect == "postgresql":
        dialect = "postgresql+psycopg2"
    return URL.create(
        dialect,
        username=env["TRACKER_DB_USER"] or None,
        password=env["TRACKER_DB_PASSWORD"] or None,
        host=env["TRACKER_DB_HOST"] or None,
        port=int(env["TRACKER_DB_PORT"]) if env["TRACKER_DB_PORT"] else None,
        database=env["TRACKER_DB"] or None,
    ).render_as_string(hide_password=False)


@contextmanager
def _sqlite_file_lock(url: str) -> Iterator[None]:
    """Processes starting together on one SQLite file migrate one after the other."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        yield
        return
    path = Path(parsed.database)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{path}.migrate-lock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def upgrade(url: str, target: str = "app", revision: str = "heads") -> None:
    """Upgrade one database to `revision` (default: the newest)."""
    with _sqlite_file_lock(url):
        command.upgrade(alembic_config(target, url), revision)


def show(url: str, target: str) -> str:
    engine = open_engine(url, future=True)
    try:
        current = sorted(current_revisions(engine, target)) or ["none"]
    finally:
        engine.dispose()
    heads = sorted(script_directory(target).get_heads())
    where = make_url(url).render_as_string(hide_password=True)
    return f"{target}: {where} at {', '.join(current)}; newest {', '.join(heads)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--target", choices=(*TARGETS, "all"), default="all")
    parser.add_argument("--url", help="database URL (default: from the environment)")
    parser.add_argument("--revision", default="heads")
    parser.add_argument("--show", action="store_true", help="print revisions, change nothing")
    args = parser.parse_args()
    targets = TARGETS if args.target == "all" else (args.target,)
    if args.url and len(targets) > 1:
        parser.error("--url needs --target app or --target tracker")
    for target in targets:
        url = args.url or (app_url() if target == "app" else tracker_url())
        if args.show:
            print(show(url, target))
            continue
        upgrade(url, target, args.revision)
        print(show(url, target))


if __name__ == "__main__":
    main()
