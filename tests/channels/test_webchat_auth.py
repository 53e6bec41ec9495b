"""The web chat's crypto and sign-in, tested directly (no server): `bot.channels.webchat_auth`.

A real `Enrolment` on SQLite issues and redeems invite codes, as in production.
"""

from __future__ import annotations

import pytest

from bot.channels.webchat_auth import (
    CHANNEL,
    PersonalKeys,
    SessionTokens,
    WebChatAuth,
    bearer_token,
    new_personal_key,
)
from bot.enrolment import Enrolment

PEPPER = b"pepper" * 6


@pytest.fixture
def enrolment(tmp_path) -> Enrolment:
    return Enrolment(f"sqlite:///{tmp_path / 'prevent.db'}", PEPPER)


@pytest.fixture
def auth(enrolment) -> WebChatAuth:
    return WebChatAuth.from_pepper(PEPPER, session_hours=1, enrolment=enrolment)


def test_a_token_is_good_until_it_expires_and_only_as_issued():
    tokens = SessionTokens.from_pepper(PEPPER, 60)
    token, expiry = tokens.issue("webchat-abc", now=1_000)
    assert expiry == 1_060
    assert tokens.verify(token, now=1_059) == "webchat-abc"
    assert tokens.verify(token, now=1_061) is None  # expired
    sender, _, signature = token.split(".")
    assert tokens.verify(f"{sender}.9999999999.{signature}", now=1_000) is None  # longer life
    assert tokens.verify(f"webchat-abd.{expiry}.{signature}", now=1_000) is None  # someone else
    assert SessionTokens.from_pepper(b"other" * 7, 60).verify(token, now=1_000) is None
    other, _ = tokens.issue("telegram-1", now=1_000)  # not a web chat sender
    assert tokens.verify(other, now=1_000) is None
    for junk in ("", "a.b", "x" * 600, "é.1.x", f"{token}.x"):
        assert tokens.verify(junk, now=1_000) is None, junk


def test_only_a_bearer_header_carries_a_token():
    assert bearer_token("Bearer abc ") == "abc"
    assert bearer_token("bearer abc") == "abc"
    for header in (None, "", "Basic abc", "abc", "Token abc"):
        assert bearer_token(header) is None, header


def test_an_invite_code_gives_a_new_key_once_and_the_key_signs_in_again(auth, enrolment):
    code = enrolment.issue(CHANNEL).code
    first = auth.sign_in(code)
    assert first is not None and first.personal_key is not None
    assert first.sender_id == PersonalKeys.from_pepper(PEPPER).sender_of(first.personal_key)
    assert auth.sender_of(f"Bearer {first.token}") == first.sender_id
    assert auth.sign_in(code) is None  # an invite code works once

    again = auth.sign_in(first.personal_key.lower().replace("-", " "))  # retyped
    assert again is not None and again.personal_key is None
    assert again.sender_id == first.sender_id


def test_strangers_and_other_channels_codes_are_refused(auth, enrolment):
    telegram_code = enrolment.issue("telegram").code
    for text in (telegram_code, new_personal_key(), "ABCD-EFGH-JKMN", "hello", ""):
        assert auth.sign_in(text) is None, text


def test_forgetting_stops_every_token_and_the_key_at_once(auth, enrolment):
    signed_in = auth.sign_in(enrolment.issue(CHANNEL).code)
    assert signed_in is not None and signed_in.personal_key
    assert auth.forget(signed_in.sender_id)
    assert auth.sender_of(f"Bearer {signed_in.token}") is None  # unexpired, but forgotten
    assert auth.sign_in(signed_in.personal_key) is None
