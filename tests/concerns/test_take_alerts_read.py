"""`take_alerts` runs on every turn: when nothing waits, no ORM session or transaction is
opened (one prebuilt read says so), and nothing is cached: an alert written by another
process is taken on the very next call, once."""

from __future__ import annotations

import contextlib

import bot.concerns.store as store_module
from bot.concerns.store import Concerns
from tests.concerns.test_store import WORDS, world  # noqa: F401 - fixture


def test_nothing_waiting_opens_no_session(world, monkeypatch):  # noqa: F811
    concerns, *_ = world
    opened = []
    real = store_module.session_scope

    @contextlib.contextmanager
    def counting(url):
        opened.append(url)
        with real(url) as session:
            yield session

    monkeypatch.setattr(store_module, "session_scope", counting)
    assert concerns.take_alerts("telegram:dsl-a") == []
    assert concerns.take_alerts("telegram:nobody") == []
    assert opened == []


def test_alerts_written_elsewhere_are_taken_on_the_next_call_once(world):  # noqa: F811
    concerns, _path, ring, pepper, url = world
    elsewhere = Concerns(url, ring, pepper)  # another process's object
    assert concerns.take_alerts("telegram:dsl-a") == []
    concern, alerted = elsewhere.raise_concern("telegram:t-a", WORDS, "Tuesday", "the hall")
    assert alerted == 1
    assert [(a.kind, a.ref) for a in concerns.take_alerts("telegram:dsl-a")] == [
        ("new", concern.ref)
    ]
    assert concerns.take_alerts("telegram:dsl-a") == []
    assert elsewhere.take_alerts("telegram:dsl-a") == []
    assert concerns.take_alerts("telegram:dsl-b") == []  # another school's DSL: nothing
