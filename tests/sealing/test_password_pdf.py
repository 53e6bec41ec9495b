"""The no-secure-email fallback: an AES-256 PDF under a strong generated password."""

from __future__ import annotations

import io
import math

import pytest
from pypdf import PasswordType, PdfReader

from bot.sealing import (
    ProtectError,
    generate_password,
    protect_pdf,
)
from bot.sealing.password_pdf import ALPHABET
from tests.sealing.conftest import CONCERN_SENTINEL


@pytest.fixture(scope="module")
def pdf(documents) -> bytes:
    return documents[0].data


@pytest.fixture(scope="module")
def protected(pdf):
    return protect_pdf(pdf)


def test_does_not_open_without_the_password(protected):
    reader = PdfReader(io.BytesIO(protected.pdf))
    assert reader.is_encrypted
    assert not reader.decrypt("wrong")
    assert not reader.decrypt("")


def test_opens_with_the_password(protected):
    reader = PdfReader(io.BytesIO(protected.pdf))
    assert reader.decrypt(protected.password)
    text = "".join(page.extract_text() for page in reader.pages)
    assert CONCERN_SENTINEL in text


def test_aes_256(protected):
    reader = PdfReader(io.BytesIO(protected.pdf))
    encrypt = reader.trailer["/Encrypt"]
    assert encrypt["/V"] == 5 and encrypt["/R"] == 6
    assert encrypt["/CF"]["/StdCF"]["/CFM"] == "/AESV3"


def test_content_not_in_plain(protected):
    assert CONCERN_SENTINEL.encode() not in protected.pdf


def test_each_call_a_new_password(pdf, protected):
    again = protect_pdf(pdf)
    assert again.password != protected.password
    assert not PdfReader(io.BytesIO(again.pdf)).decrypt(protected.password)


def test_a_password_is_strong_enough_and_can_be_read_out_without_mistakes(pdf, protected):
    """What the person ringing it through needs, measured on passwords actually made: no
    characters that sound or look alike (0/O, 1/l/I), at least 99 bits each, never repeated."""
    passwords = [protected.password, protect_pdf(pdf).password]
    passwords += [generate_password() for _ in range(300)]
    alphabet = set("".join(passwords))
    assert not alphabet & set("0Oo1lIi") and alphabet == {c.lower() for c in alphabet}
    for password in passwords:
        assert len(password) * math.log2(len(alphabet)) >= 99, password
    assert len(set(passwords)) == len(passwords)


def test_passwords_are_spread_over_the_alphabet():
    seen = set("".join(generate_password() for _ in range(50)))
    assert seen == set(ALPHABET)


def test_owner_password_is_not_the_user_password(protected):
    # Opening as owner with the user password gives user access only: pypdf reports which.
    reader = PdfReader(io.BytesIO(protected.pdf))
    assert reader.decrypt(protected.password) == PasswordType.USER_PASSWORD


def test_password_never_beside_the_pdf(protected):
    assert protected.password not in repr(protected)
    assert protected.password not in str(protected)
    assert "bytes" in repr(protected)
    assert protected.password.encode() not in protected.pdf
    assert protected.grouped.replace(" ", "") == protected.password


@pytest.mark.parametrize("junk", [b"", b"not a pdf at all"])
def test_not_a_pdf(junk):
    with pytest.raises(ProtectError):
        protect_pdf(junk)


def test_already_encrypted(protected):
    with pytest.raises(ProtectError, match="already encrypted"):
        protect_pdf(protected.pdf)
