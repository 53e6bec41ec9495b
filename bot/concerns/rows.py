"""An organisation (school or college) as the concerns code sees it; its table is
`bot.store.tables.concerns.OrgRow`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Org:
    id: str
    name: str
    area: str
    retention_days: int | None = None
