"""Push and purge with N replicas: one leads, the others stand by and take over when it
goes (bot/store/leader.py), on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import pytest

from bot.store.leader import Leadership
from tests.prod.pg import new_pg_database


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'prevent.db'}"
    return new_pg_database(request.getfixturevalue("postgres_url"), "leader")


def test_one_replica_leads_and_another_takes_over_when_it_goes(url) -> None:
    first, second = Leadership(url, "push"), Leadership(url, "push")
    assert first.lead()
    assert not second.lead()
    assert first.lead()  # still leading at the next round
    assert not second.lead()
    other_job = Leadership(url, "purge")
    assert other_job.lead()  # jobs are independent
    first.release()  # the process died: its connection (or file) closed
    assert second.lead()
    assert not first.lead()
    for each in (first, second, other_job):
        each.release()
