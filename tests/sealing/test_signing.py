"""Signed, then sealed: the inbox opens it with openssl, verifies the assistant's signature,
and anything not signed by the configured assistant certificate is refused."""

from __future__ import annotations

import email
import email.policy
import shutil
import subprocess

import pytest

from bot.sealing import (
    Sealer,
    build_message,
    decrypt_sealed,
    local_identity,
    open_sealed,
    verify_signed,
)
from tests.sealing.conftest import FORENAME, REFERENCE

OPENSSL = shutil.which("openssl")
SUBJECT = f"VTR referral {REFERENCE}"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    return local_identity(tmp_path_factory.mktemp("assistant-keys"))


@pytest.fixture(scope="module")
def impostor(tmp_path_factory):
    return local_identity(tmp_path_factory.mktemp("impostor-keys"), "Prevent assistant")


@pytest.fixture(scope="module")
def signed_sealed(alice, assistant, documents) -> bytes:
    return Sealer([alice.cert], signer=assistant).seal(documents, SUBJECT, REFERENCE)


def _assistant_pem(assistant, tmp_path):
    from cryptography.hazmat.primitives import serialization

    path = tmp_path / "assistant.crt.pem"
    path.write_bytes(assistant.certificate.public_bytes(serialization.Encoding.PEM))
    return path


@pytest.mark.skipif(OPENSSL is None, reason="openssl CLI not installed")
def test_openssl_decrypts_then_verifies_the_assistants_signature(
    alice, assistant, signed_sealed, tmp_path
):
    sealed, opened, content = tmp_path / "r.p7m", tmp_path / "opened.eml", tmp_path / "inner.eml"
    sealed.write_bytes(signed_sealed)
    decrypt = subprocess.run(
        [OPENSSL, "cms", "-decrypt", "-in", str(sealed), "-recip", str(alice.cert_pem),
         "-inkey", str(alice.key_pem), "-out", str(opened)],
        capture_output=True, timeout=60, check=False,
    )  # fmt: skip
    assert decrypt.returncode == 0, decrypt.stderr
    assert b"multipart/signed" in opened.read_bytes()
    verify = subprocess.run(
        [OPENSSL, "cms", "-verify", "-in", str(opened), "-CAfile",
         str(_assistant_pem(assistant, tmp_path)), "-out", str(content)],
        capture_output=True, timeout=60, check=False,
    )  # fmt: skip
    assert verify.returncode == 0 and b"Verification successful" in verify.stderr, verify.stderr
    inner = email.message_from_bytes(content.read_bytes(), policy=email.policy.default)
    assert inner["Subject"] == SUBJECT and inner["X-Referral-Reference"] == REFERENCE
    names = {p.get_filename() for p in inner.walk() if p.get_filename()}
    assert names == {f"{REFERENCE}.pdf", f"{REFERENCE}.docx", f"{REFERENCE}.json"}


@pytest.mark.skipif(OPENSSL is None, reason="openssl CLI not installed")
def test_openssl_refuses_it_against_another_certificate(alice, impostor, signed_sealed, tmp_path):
    opened = tmp_path / "opened.eml"
    opened.write_bytes(decrypt_sealed(signed_sealed, alice.cert, alice.key))
    verify = subprocess.run(
        [OPENSSL, "cms", "-verify", "-in", str(opened), "-CAfile",
         str(_assistant_pem(impostor, tmp_path)), "-out", str(tmp_path / "x")],
        capture_output=True, timeout=60, check=False,
    )  # fmt: skip
    assert verify.returncode != 0


def test_verify_signed_names_the_signer_and_returns_the_inner_message(
    alice, assistant, signed_sealed
):
    check = verify_signed(
        decrypt_sealed(signed_sealed, alice.cert, alice.key), assistant.certificate
    )
    assert check.ok and "Prevent safeguarding assistant (local)" in check.signer
    assert check.fingerprint.count(":") == 31 and check.signed_at is not None
    inner = email.message_from_bytes(check.inner, policy=email.policy.default)
    json_part = next(p for p in inner.walk() if (p.get_filename() or "").endswith(".json"))
    assert FORENAME in json_part.get_payload(decode=True).decode()
    # open_sealed still opens it (the signed entity), for tools that do not verify
    assert "multipart/signed" in open_sealed(signed_sealed, alice.cert, alice.key)["Content-Type"]


def test_an_unsigned_referral_is_refused(alice, assistant, documents):
    unsigned = Sealer([alice.cert]).seal(documents, SUBJECT, REFERENCE)
    check = verify_signed(decrypt_sealed(unsigned, alice.cert, alice.key), assistant.certificate)
    assert not check.ok and check.problem == "unsigned" and check.inner == b""


def test_a_referral_signed_by_anyone_else_is_refused(alice, assistant, impostor, documents):
    forged = Sealer([alice.cert], signer=impostor).seal(documents, SUBJECT, REFERENCE)
    check = verify_signed(decrypt_sealed(forged, alice.cert, alice.key), assistant.certificate)
    assert not check.ok and check.problem == "wrong_signer"


def test_a_changed_signed_part_is_refused(alice, assistant, documents):
    from bot.sealing.signing import sign

    entity = sign(build_message(documents, SUBJECT, REFERENCE), assistant)
    altered = entity.replace(REFERENCE.encode(), b"VTR-00000000", 1)
    assert altered != entity
    check = verify_signed(altered, assistant.certificate)
    assert not check.ok and check.problem == "altered"


def test_garbage_is_refused_not_crashing(assistant):
    for blob in (b"", b"\r\n\r\n", b"Content-Type: multipart/signed; boundary=x\r\n\r\n--x\r\n"):
        assert not verify_signed(blob, assistant.certificate).ok
    mangled = (
        b'Content-Type: multipart/signed; boundary="b"\r\n\r\n--b\r\nhi\r\n--b\r\n'
        b"Content-Type: application/x-pkcs7-signature\r\n\r\nAAAA\r\n--b--\r\n"
    )
    assert verify_signed(mangled, assistant.certificate).problem == "bad_format"


def test_the_local_signing_key_file_is_private(tmp_path):
    local_identity(tmp_path)
    assert (tmp_path / "assistant-signing.key.pem").stat().st_mode & 0o077 == 0
    assert local_identity(tmp_path).certificate == local_identity(tmp_path).certificate


def _ed25519_cert_pem(tmp_path):
    """A certificate whose key is Ed25519: it has no RSA numbers to compare with."""
    from datetime import datetime, timedelta, timezone

    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519
    from cryptography.x509.oid import NameOID

    key = ed25519.Ed25519PrivateKey.generate()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "not RSA")])
    now = datetime.now(timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, None)
    )
    path = tmp_path / "ed25519.crt.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert, path


def test_an_rsa_key_with_a_non_rsa_certificate_is_a_certificate_error(assistant, tmp_path):
    """The key-match check refuses it in its own terms (it used to raise AttributeError)."""
    from cryptography.hazmat.primitives import serialization

    from bot.sealing.errors import CertificateError, OpenError
    from bot.sealing.signing import SigningIdentity

    cert, cert_pem = _ed25519_cert_pem(tmp_path)
    key_pem = tmp_path / "assistant.key.pem"
    key_pem.write_bytes(
        assistant.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    with pytest.raises(CertificateError, match="does not belong"):
        SigningIdentity.load(cert_pem, key_pem)
    with pytest.raises(OpenError, match="does not belong"):
        open_sealed(b"not opened", cert, assistant.private_key)
    with pytest.raises(OpenError, match="does not belong"):
        decrypt_sealed(b"not opened", cert, assistant.private_key)
