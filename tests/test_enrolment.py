"""Enrolment: one-time invite codes per channel; members known only by keyed hash."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.enrolment import Enrolment, looks_like_code, main, normalise_code
from tests.helpers.settings import reread_settings


@pytest.fixture()
def enrolment(tmp_path) -> Enrolment:
    return Enrolment(f"sqlite:///{tmp_path / 'bot.db'}", b"pepper" * 6)


def test_a_code_enrols_one_person_once(enrolment):
    invite = enrolment.issue("telegram", "St Anne's DSL")
    assert not enrolment.is_enrolled("telegram", "1001")
    assert enrolment.redeem("telegram", "1001", invite.code.lower().replace("-", " "))
    assert enrolment.is_enrolled("telegram", "1001")
    assert not enrolment.redeem("telegram", "1002", invite.code)  # used
    assert not enrolment.is_enrolled("telegram", "1002")


def test_a_code_is_for_its_channel_and_expires(enrolment):
    invite = enrolment.issue("teams")
    assert not enrolment.redeem("telegram", "1001", invite.code)
    old = enrolment.issue("telegram", valid_for=timedelta(seconds=-1))
    assert not enrolment.redeem("telegram", "1001", old.code)


def test_ordinary_messages_are_not_codes(enrolment):
    assert not looks_like_code("hello there")
    assert not enrolment.redeem("telegram", "1001", "what is prevent?")
    assert normalise_code("abcd-efgh-jkmn") == "ABCDEFGHJKMN"


def test_removed_members_are_out(enrolment):
    enrolment.redeem("webchat", "s-1", enrolment.issue("webchat").code)
    assert enrolment.remove("webchat", "s-1")
    assert not enrolment.is_enrolled("webchat", "s-1")


def test_ids_and_codes_are_not_stored_in_plain(enrolment, tmp_path):
    invite = enrolment.issue("telegram")
    enrolment.redeem("telegram", "SENDER-998877", invite.code)
    data = (tmp_path / "bot.db").read_bytes()
    assert b"998877" not in data and normalise_code(invite.code).encode() not in data


def test_the_cli_prints_codes(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PREVENT_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("PREVENT_OWNER_PEPPER", "cGVwcGVycGVwcGVycGVwcGVycGVwcGVycGVwcGVycGVwcGVyISE=")
    reread_settings(monkeypatch)
    main(["invite", "--channel", "webchat", "--label", "Test school", "--count", "2"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and all(looks_like_code(line.split()[0]) for line in lines)


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_one_code_redeemed_by_eight_at_once_enrols_exactly_one(request, tmp_path, dialect):
    """M1: the check was a read then a write, so parallel redemptions all saw it unused."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    url = (
        f"sqlite:///{tmp_path / 'bot.db'}"
        if dialect == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    enrolment = Enrolment(url, b"pepper" * 6)
    for _ in range(3):
        invite = enrolment.issue("webchat", "race")
        start = threading.Barrier(8)

        def redeem(n: int, code: str = invite.code, start: threading.Barrier = start) -> bool:
            start.wait()
            return enrolment.redeem("webchat", f"racer-{n}", code)

        with ThreadPoolExecutor(8) as pool:
            won = list(pool.map(redeem, range(8)))
        assert won.count(True) == 1, won
        winners = [n for n in range(8) if enrolment.is_enrolled("webchat", f"racer-{n}")]
        assert len(winners) == 1
        for n in winners:
            enrolment.remove("webchat", f"racer-{n}")
