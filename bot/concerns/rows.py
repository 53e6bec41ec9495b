"""The organisation table and record, apart from `orgs` so that `python -m bot.concerns.orgs` (which
runs that module a second time as __main__) does not declare the table twice."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Column, DateTime, Integer, String

from bot.store.db import Base, utcnow


class OrgRow(Base):
    """A school or college. Its name is public information (no personal data)."""

    __tablename__ = "concern_orgs"

    id = Column(String(40), primary_key=True)
    name = Column(String(120), nullable=False)
    area = Column(String(40), nullable=False)
    #: Days a concern is kept after its last step (None: PREVENT_CONCERN_RETENTION_DAYS).
    retention_days = Column(Integer, nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)


@dataclass(frozen=True)
class Org:
    id: str
    name: str
    area: str
    retention_days: int | None = None
