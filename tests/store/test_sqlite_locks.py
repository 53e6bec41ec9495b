"""A second engine on a SQLite database this process already has open must not hide this
process's later commits from other processes.

SQLite's locks are POSIX locks: a process loses all of them on a file when it closes any
descriptor of that file. `bot.store.db.private_sqlite_file` (run by every `make_engine`)
used to open and close the database file to create it 0600; on a file already open it
dropped the locks, so the next process that opened and closed the database believed it
was the last, checkpointed and deleted the WAL, and this process went on committing into
the deleted WAL. The action server's combined per-turn check (511fe69, a second engine on
prevent.db) did exactly that, and the purge worker then redacted the conversation of an
old draft instead of the one it deleted (tests/security/test_master_key_view.py).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from bot.store.db import make_engine


def _another_process_reads(database: Path) -> list[int]:
    """What a separate process (the purge worker, a backup) finds: opened, read, closed."""
    code = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
        "print(*[x for (x,) in c.execute('select x from t order by x')]); c.close()"
    )
    out = subprocess.run([sys.executable, "-c", code, str(database)], capture_output=True,
                         text=True, check=True, timeout=60).stdout
    return [int(x) for x in out.split()]


def test_a_second_engine_does_not_hide_later_commits_from_other_processes(tmp_path) -> None:
    database = tmp_path / "prevent.db"
    url = f"sqlite:///{database}"
    first = make_engine(url)
    with first.begin() as connection:  # an open, pooled connection: SQLite holds its locks
        connection.execute(sa.text("create table t (x int)"))
        connection.execute(sa.text("insert into t values (1)"))
    second = make_engine(url)  # as the action server's read engine was made
    assert _another_process_reads(database) == [1]  # it opens and closes the database
    with first.begin() as connection:
        connection.execute(sa.text("insert into t values (2)"))
    with second.connect() as connection:
        assert [x for (x,) in connection.execute(sa.text("select x from t"))] == [1, 2]
    assert _another_process_reads(database) == [1, 2]  # was [1]: the commit was lost to it
    assert Path(f"{database}-wal").exists()
    first.dispose()
    second.dispose()
