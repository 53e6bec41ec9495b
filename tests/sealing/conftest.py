"""Keys and certificates made for this test session only (nothing committed), and a full draft."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from bot.referral.form import load_form
from bot.referral.progress import Draft
from bot.referral.render import RenderMeta

ROOT = Path(__file__).resolve().parents[2]
FORENAME = "Zoëlla"
SURNAME = "Quillfeather-Wójcik"
CONCERN_SENTINEL = "CONCERN-SENTINEL-7F3A9C"
REFERENCE = "VTR-0F3A9C2E"


@dataclass(frozen=True)
class Recipient:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate
    cert_pem: Path
    key_pem: Path


def make_cert(
    key,
    name: str,
    *,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    signer=None,
) -> x509.Certificate:
    """A self-signed (CA-less) certificate for an email recipient."""
    now = datetime.now(timezone.utc)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test Prevent Team"),
        ]
    )
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - timedelta(days=1))
        .not_valid_after(not_after or now + timedelta(days=365))
        .add_extension(
            x509.SubjectAlternativeName([x509.RFC822Name(f"{name}@example.pnn.police.uk")]),
            critical=False,
        )
        .sign(signer or key, hashes.SHA256())
    )


def _recipient(directory: Path, name: str) -> Recipient:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = make_cert(key, name)
    cert_pem = directory / f"{name}.crt.pem"
    key_pem = directory / f"{name}.key.pem"
    cert_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_pem.chmod(0o600)
    return Recipient(key, cert, cert_pem, key_pem)


@pytest.fixture(scope="session")
def keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sealing-keys")


@pytest.fixture(scope="session")
def alice(keys_dir: Path) -> Recipient:
    return _recipient(keys_dir, "prevent-alice")


@pytest.fixture(scope="session")
def bob(keys_dir: Path) -> Recipient:
    return _recipient(keys_dir, "prevent-bob")


@pytest.fixture(scope="session")
def ec_cert() -> x509.Certificate:
    key = ec.generate_private_key(ec.SECP256R1())
    return make_cert(key, "ec-recipient")


@pytest.fixture(scope="session")
def form():
    return load_form(ROOT / "referral_forms" / "vtr.yml")


def full_values() -> dict[str, str]:
    concern = "\n\n".join(
        f"Entry {n:03d}: in form time she said the group online had the answers." for n in range(60)
    )
    return {
        "imminent_risk": "no",
        "forename": FORENAME,
        "surname": SURNAME,
        "date_of_birth": "about 17",
        "gender": "Female",
        "address": "12 Acacia Avenue, Chelmsford CM1 1AA",
        "nationality": "British",
        "immigration_status": "British citizen",
        "first_language": "English and Polish",
        "phone": "07700 900123",
        "school": "Chelmsford College",
        "family": "Mother: عائشة Khan (knows about this)\nFather: not in contact",
        "concern": f"{concern}\n\n{CONCERN_SENTINEL} last line of the concern.",
        "ideology": "extreme_right_wing",
        "indicators": "Engagement: watching videos nightly\nIntent: none seen",
        "other_vulnerabilities": "ADHD & anxiety",
        "consent": "Family told on 10/03/2025; they agree to the referral.",
        "capacity": "No doubts about capacity",
        "dsl_discussed": "Yes, with Mr Patel (DSL)",
        "other_agencies": "Children's social care, ref SC-12345",
        "action_taken": "Spoke to the family",
        "referrer_name": "Łukasz Nowak",
        "referrer_role": "Head of Year 12",
        "referrer_organisation": "Chelmsford College",
        "referrer_relationship": "Her teacher",
        "referrer_phone": "01245 000000",
        "referrer_email": "l.nowak@college.ac.uk",
        "area": "essex",
    }


@pytest.fixture(scope="session")
def draft() -> Draft:
    return Draft(id="0f3a9c2e-1111-2222-3333-444455556666", status="ready", values=full_values())


@pytest.fixture(scope="session")
def meta() -> RenderMeta:
    return RenderMeta(reference=REFERENCE, referral_date="14/03/2025", area_name="Essex")


@pytest.fixture(scope="session")
def documents(form, draft, meta):
    from bot.sealing import sealed_documents

    return sealed_documents(form, draft, meta)
