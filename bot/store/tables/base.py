"""The declarative base every table of the app database is declared on, and `utcnow`."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy.orm import declarative_base

# SQLAlchemy 1.4 ships no type information; `Any` lets mypy accept the mapped classes.
Base: Any = declarative_base()


def utcnow() -> datetime:
    """Now in UTC, naive: every time stored by this project is naive UTC."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
