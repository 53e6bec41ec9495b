"""Helpers for migration files (migrations/*/): adopt tables an older version made itself.

Before migrations existed, each process created its tables lazily (`create_all`). The
first revision therefore creates only what is missing, so a database made that way is
upgraded in place, keeping its rows; later revisions are ordinary Alembic operations.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from alembic import op


def has_table(name: str) -> bool:
    return sa.inspect(op.get_bind()).has_table(name)


def create_table_if_missing(
    name: str, *columns: sa.schema.SchemaItem, indexes: Iterable[tuple[str, ...]] = ()
) -> bool:
    """Create `name` with its (non-unique) indexes on the given columns unless it exists.

    Index names follow SQLAlchemy's ``ix_<table>_<column>``, as `create_all` made them.
    Returns whether the table was created.
    """
    if has_table(name):
        return False
    op.create_table(name, *columns)
    for cols in indexes:
        op.create_index(f"ix_{name}_{'_'.join(cols)}", name, list(cols), unique=False)
    return True
