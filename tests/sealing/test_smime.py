"""S/MIME sealing: every recipient can open it, the ciphertext shows nothing, bad input fails
with a named error."""

from __future__ import annotations

import base64
import email
import email.policy
import io
import json
import shutil
import subprocess
from datetime import datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from docx import Document
from pypdf import PdfReader

from bot.sealing import (
    Attachment,
    CertificateError,
    OpenError,
    Sealer,
    SealError,
    SealingKeyMissing,
    open_sealed,
)
from bot.sealing.attachment import DOCX, JSON, PDF
from tests.sealing.conftest import CONCERN_SENTINEL, FORENAME, REFERENCE, SURNAME, make_cert

AES256_CBC_OID_DER = bytes.fromhex("060960864801650304012a")  # 2.16.840.1.101.3.4.1.42
SUBJECT = f"VTR referral {REFERENCE}"


@pytest.fixture(scope="module")
def sealed_one(alice, documents) -> bytes:
    return Sealer([alice.cert]).seal(documents, SUBJECT, REFERENCE)


@pytest.fixture(scope="module")
def sealed_two(alice, bob, documents) -> bytes:
    return Sealer([alice.cert, bob.cert]).seal(documents, SUBJECT, REFERENCE)


def _der(smime: bytes) -> bytes:
    message = email.message_from_bytes(smime, policy=email.policy.default)
    return base64.b64decode(message.get_payload())


def _attachments(message) -> dict[str, tuple[str, bytes]]:
    return {
        part.get_filename(): (part.get_content_type(), part.get_payload(decode=True))
        for part in message.iter_attachments()
    }


def _check_documents(message) -> None:
    assert message.get_content_type() == "multipart/mixed"
    assert message["Subject"] == SUBJECT
    body = message.get_body(preferencelist=("plain",))
    assert body.get_content().strip() == f"Sealed VTR referral {REFERENCE}"
    found = _attachments(message)
    assert set(found) == {f"{REFERENCE}.pdf", f"{REFERENCE}.docx", f"{REFERENCE}.json"}

    pdf_type, pdf = found[f"{REFERENCE}.pdf"]
    assert pdf_type == PDF
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert FORENAME in text and CONCERN_SENTINEL in text

    docx_type, docx = found[f"{REFERENCE}.docx"]
    assert docx_type == DOCX
    words = "\n".join(p.text for p in Document(io.BytesIO(docx)).paragraphs)
    assert CONCERN_SENTINEL in words

    json_type, data = found[f"{REFERENCE}.json"]
    assert json_type == JSON
    referral = json.loads(data)
    assert referral["reference"] == REFERENCE
    values = {f["id"]: f["value"] for s in referral["sections"] for f in s["fields"]}
    assert values["forename"] == FORENAME and values["surname"] == SURNAME


def test_smime_headers_and_aes256(sealed_one):
    head = sealed_one.split(b"\n\n", 1)[0].replace(b"\r", b"")
    assert b"application/pkcs7-mime" in head
    assert b'smime-type="enveloped-data"' in head
    assert b"smime.p7m" in head
    assert AES256_CBC_OID_DER in _der(sealed_one)


def test_one_recipient_opens_it(alice, sealed_one):
    _check_documents(open_sealed(sealed_one, alice.cert, alice.key))


def test_each_of_two_recipients_opens_it(alice, bob, sealed_two):
    for who in (alice, bob):
        _check_documents(open_sealed(sealed_two, who.cert, who.key))


def test_someone_not_sealed_to_cannot_open_it(bob, sealed_one):
    with pytest.raises(OpenError):
        open_sealed(sealed_one, bob.cert, bob.key)


def test_key_of_another_certificate_is_refused(alice, bob, sealed_one):
    with pytest.raises(OpenError, match="does not belong"):
        open_sealed(sealed_one, alice.cert, bob.key)


def test_ciphertext_shows_nothing_in_plain(sealed_one, sealed_two):
    for blob in (sealed_one, sealed_two):
        for secret in (FORENAME, SURNAME, "Quillfeather", CONCERN_SENTINEL, "Acacia Avenue"):
            assert secret.encode("utf-8") not in blob
            assert secret.encode("utf-8") not in _der(blob)
        assert b"Sealed VTR referral" not in blob


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl CLI not installed")
def test_openssl_cli_opens_it_for_each_recipient(alice, bob, sealed_two, tmp_path):
    sealed = tmp_path / "referral.p7m"
    sealed.write_bytes(sealed_two)
    for who in (alice, bob):
        result = subprocess.run(
            [
                shutil.which("openssl"),
                "smime",
                "-decrypt",
                "-in",
                str(sealed),
                "-recip",
                str(who.cert_pem),
                "-inkey",
                str(who.key_pem),
            ],
            capture_output=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr.decode(errors="replace")
        out = result.stdout
        assert b"multipart/mixed" in out
        assert f"Sealed VTR referral {REFERENCE}".encode() in out
        for name, kind in ((".pdf", PDF), (".docx", DOCX), (".json", JSON)):
            assert f"{REFERENCE}{name}".encode() in out
            assert kind.encode() in out
        _check_documents(email.message_from_bytes(out, policy=email.policy.default))


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl CLI not installed")
def test_openssl_reports_aes256(sealed_one, tmp_path):
    sealed = tmp_path / "referral.p7m"
    sealed.write_bytes(sealed_one)
    result = subprocess.run(
        [
            shutil.which("openssl"),
            "cms",
            "-cmsout",
            "-print",
            "-inform",
            "SMIME",
            "-in",
            str(sealed),
        ],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert b"aes-256-cbc" in result.stdout


# --------------------------------------------------------------------------- tampering


def test_tampered_padding_fails_to_open(alice, sealed_one):
    # Flip the high bit of the last byte of the next-to-last ciphertext block: in CBC that
    # flips the padding-length byte of the plaintext, which then cannot be valid padding.
    der = bytearray(_der(sealed_one))
    der[-17] ^= 0x80
    head = sealed_one.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    tampered = head + b"\n\n" + base64.encodebytes(bytes(der))
    assert open_sealed(head + b"\n\n" + base64.encodebytes(_der(sealed_one)), alice.cert, alice.key)
    with pytest.raises(OpenError, match="cannot open"):
        open_sealed(tampered, alice.cert, alice.key)


def test_truncated_fails_to_open(alice, sealed_one):
    with pytest.raises(OpenError):
        open_sealed(sealed_one[: len(sealed_one) // 2], alice.cert, alice.key)


def test_not_smime_fails_to_open(alice):
    with pytest.raises(OpenError):
        open_sealed(b"Subject: hello\n\nplain text", alice.cert, alice.key)


# --------------------------------------------------------------------------- certificates


def test_empty_list_means_no_key():
    with pytest.raises(SealingKeyMissing):
        Sealer([])
    assert issubclass(SealingKeyMissing, SealError)


def test_expired_certificate():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(timezone.utc)
    cert = make_cert(
        key, "old", not_before=now - timedelta(days=400), not_after=now - timedelta(days=1)
    )
    with pytest.raises(CertificateError, match="expired"):
        Sealer([cert])


def test_not_yet_valid_certificate():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(timezone.utc)
    cert = make_cert(
        key, "early", not_before=now + timedelta(days=1), not_after=now + timedelta(days=400)
    )
    with pytest.raises(CertificateError, match="not valid yet"):
        Sealer([cert])


def test_one_bad_certificate_among_good_ones_fails(alice):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(timezone.utc)
    cert = make_cert(
        key, "old", not_before=now - timedelta(days=400), not_after=now - timedelta(days=1)
    )
    with pytest.raises(CertificateError):
        Sealer([alice.cert, cert])


def test_validity_is_judged_at_the_given_time(alice, documents):
    sealer = Sealer([alice.cert])
    assert sealer.seal(documents[2:], SUBJECT, REFERENCE)
    with pytest.raises(CertificateError, match="expired"):
        Sealer([alice.cert], now=alice.cert.not_valid_after_utc + timedelta(seconds=1))


def test_wrong_key_type(ec_cert):
    with pytest.raises(CertificateError, match="RSA"):
        Sealer([ec_cert])


def test_small_rsa_key():
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 (weak on purpose)
    with pytest.raises(CertificateError, match="1024"):
        Sealer([make_cert(key, "small")])


def test_not_a_certificate_object(alice):
    with pytest.raises(CertificateError, match="not an X.509"):
        Sealer([alice.cert, b"-----BEGIN CERTIFICATE-----"])


def test_from_pem_files(alice, bob):
    sealer = Sealer.from_pem_files([alice.cert_pem, str(bob.cert_pem)])
    assert len(sealer.certificates) == 2
    assert len(sealer.fingerprints) == 2 and all(len(f) == 95 for f in sealer.fingerprints)


def test_pem_bundle_in_one_file(alice, bob, tmp_path):
    bundle = tmp_path / "bundle.pem"
    bundle.write_bytes(alice.cert_pem.read_bytes() + bob.cert_pem.read_bytes())
    assert len(Sealer.from_pem_files([bundle]).certificates) == 2


def test_file_that_is_not_a_certificate(alice, tmp_path):
    junk = tmp_path / "notes.pem"
    junk.write_text("this is not a certificate\n")
    with pytest.raises(CertificateError, match="notes.pem"):
        Sealer.from_pem_files([alice.cert_pem, junk])


def test_private_key_file_is_refused(alice):
    with pytest.raises(CertificateError, match="private key") as info:
        Sealer.from_pem_files([alice.key_pem])
    assert alice.key_pem.name in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(CertificateError, match="absent.pem"):
        Sealer.from_pem_files([tmp_path / "absent.pem"])


def test_no_files_means_no_key():
    with pytest.raises(SealingKeyMissing):
        Sealer.from_pem_files([])


# --------------------------------------------------------------------------- the message


def test_nothing_to_seal(alice):
    with pytest.raises(SealError):
        Sealer([alice.cert]).seal([], SUBJECT, REFERENCE)


def test_subject_with_line_break_is_refused(alice):
    doc = Attachment("VTR-X.json", JSON, b"{}")
    with pytest.raises(SealError):
        Sealer([alice.cert]).seal([doc], "VTR\r\nBcc: someone@example.com", REFERENCE)


def test_repr_hides_content(alice, documents):
    assert "data" not in repr(documents[0])
    assert "prevent-alice" not in repr(Sealer([alice.cert]))  # fingerprints only
