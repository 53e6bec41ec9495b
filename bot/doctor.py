"""`make doctor`: check a deployment's settings and say what is wrong in plain words.

    python -m bot.doctor

Checks what a referral needs to reach the Prevent team, without sending anything:

* the inbox certificate(s) (`PREVENT_INBOX_CERTS`): present, a certificate and not a private
  key, valid now, RSA 2048+; none at all means the SET 2.5 password fallback;
* the inbox address is a secure one (pnn.police.uk, nhs.net, cjsm.net, ...);
* the SMTP relay (`PREVENT_SMTP_*`): reachable, and its security setting matches what it
  offers (STARTTLS advertised for `starttls`, a TLS handshake for `tls`; `none` only on
  loopback);
* the updates key shared with the review app (`PREVENT_UPDATES_KEY` / `_FILE`);
* the public URL users reach (`PREVENT_PUBLIC_URL`): https, unless it is this machine.

Exit code 0 when nothing is wrong (warnings allowed), 1 otherwise. No secret is printed.
Plain Python: reads the environment like the bot (bot.config, bot.delivery.worker).
"""

from __future__ import annotations

import base64
import binascii
import smtplib
import socket
import ssl
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from bot.config import Config, process_environment

OK, WARNING, PROBLEM = "ok", "warning", "problem"
_LOOPBACK = {"localhost", "127.0.0.1", "::1"}


@dataclass(frozen=True)
class Finding:
    level: str
    topic: str
    text: str

    def line(self) -> str:
        return f"{self.level.upper():8} {self.topic}: {self.text}"


def check_certificates(env: Mapping[str, str]) -> list[Finding]:
    from cryptography import x509

    from bot.sealing.errors import CertificateError
    from bot.sealing.smime import check_certificate

    topic = "inbox certificate"
    paths = [p.strip() for p in env.get("PREVENT_INBOX_CERTS", "").split(",") if p.strip()]
    if not paths:
        return [
            Finding(
                WARNING,
                topic,
                "PREVENT_INBOX_CERTS is not set, so referrals are not sealed for the inbox: "
                "DSLs get the SET 2.5 fallback (a password-protected PDF to email, and the "
                "password by phone). Set it to the Prevent team's certificate file.",
            )
        ]
    found: list[Finding] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.is_file():
            found.append(Finding(PROBLEM, topic, f"{path} does not exist (PREVENT_INBOX_CERTS)."))
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            found.append(Finding(PROBLEM, topic, f"{path} cannot be read: {exc.strerror}."))
            continue
        if b"PRIVATE KEY" in data:
            found.append(
                Finding(
                    PROBLEM,
                    topic,
                    f"{path} holds a private key. The bot must have the certificate only; the "
                    "private key stays with the Prevent team's review app. Give the bot a "
                    "file with just the -----BEGIN CERTIFICATE----- block.",
                )
            )
            continue
        try:
            certs = x509.load_pem_x509_certificates(data)
        except ValueError:
            found.append(
                Finding(
                    PROBLEM,
                    topic,
                    f"{path} is not a PEM certificate (expected -----BEGIN CERTIFICATE-----).",
                )
            )
            continue
        for cert in certs:
            try:
                check_certificate(cert)
            except CertificateError as exc:
                found.append(Finding(PROBLEM, topic, f"{path}: {exc}."))
                continue
            found.append(
                Finding(
                    OK,
                    topic,
                    f"{path}: {cert.subject.rfc4514_string()}, valid until "
                    f"{cert.not_valid_after_utc:%d/%m/%Y}.",
                )
            )
    return found


def check_inbox_address(env: Mapping[str, str]) -> list[Finding]:
    from bot.config import POLICY_INBOX
    from bot.delivery.domains import InsecureAddress, check_secure_address

    address = env.get("PREVENT_INBOX_ADDRESS", POLICY_INBOX)
    extra = tuple(d.strip() for d in env.get("PREVENT_SECURE_DOMAINS", "").split(",") if d.strip())
    try:
        check_secure_address(address, extra)
    except InsecureAddress as exc:
        return [Finding(PROBLEM, "inbox address", f"{address}: {exc}")]
    return [Finding(OK, "inbox address", f"{address} is a secure address.")]


def check_smtp(env: Mapping[str, str], timeout: float = 5.0) -> list[Finding]:
    topic = "SMTP relay"
    host = env.get("PREVENT_SMTP_HOST", "").strip()
    if not host:
        if env.get("PREVENT_INBOX_CERTS", "").strip():
            return [
                Finding(
                    PROBLEM,
                    topic,
                    "PREVENT_SMTP_HOST is not set: sealed referrals are queued but never sent. "
                    "Set PREVENT_SMTP_HOST, _PORT and _SECURITY (starttls or tls).",
                )
            ]
        return [Finding(WARNING, topic, "PREVENT_SMTP_HOST is not set: nothing is sent by email.")]
    security = env.get("PREVENT_SMTP_SECURITY", "starttls").strip().lower() or "starttls"
    try:
        port = int(env.get("PREVENT_SMTP_PORT", "587") or 587)
    except ValueError:
        return [Finding(PROBLEM, topic, "PREVENT_SMTP_PORT must be a number.")]
    where = f"{host}:{port}"
    if security not in ("starttls", "tls", "none"):
        return [
            Finding(
                PROBLEM,
                topic,
                f"PREVENT_SMTP_SECURITY is {security!r}; use starttls (usually port 587), "
                "tls (usually port 465) or, for a relay on this machine only, none.",
            )
        ]
    try:
        if security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(host, port, timeout=timeout)
    except ssl.SSLError as exc:
        return [
            Finding(
                PROBLEM,
                topic,
                f"{where} did not complete a TLS handshake ({exc.reason or exc}). If the relay "
                "expects STARTTLS (usually port 587), set PREVENT_SMTP_SECURITY=starttls.",
            )
        ]
    except (OSError, smtplib.SMTPException) as exc:
        return [
            Finding(
                PROBLEM,
                topic,
                f"cannot connect to {where} ({type(exc).__name__}: {exc}). Check "
                "PREVENT_SMTP_HOST and PREVENT_SMTP_PORT, and that this machine may reach it.",
            )
        ]
    found: list[Finding] = []
    try:
        with client:
            client.ehlo()
            if security == "starttls":
                if not client.has_extn("starttls"):
                    return [
                        Finding(
                            PROBLEM,
                            topic,
                            f"{where} does not offer STARTTLS, so nothing can be sent with "
                            "PREVENT_SMTP_SECURITY=starttls. Use the relay's STARTTLS port, or "
                            "tls for a TLS-only port; none only for a relay on this machine.",
                        )
                    ]
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
            if security == "none":
                level = OK if host in _LOOPBACK else PROBLEM
                text = (
                    f"{where} reached without encryption (PREVENT_SMTP_SECURITY=none)"
                    + (
                        ": fine for a relay on this machine."
                        if level == OK
                        else ": only acceptable for a relay on this machine; use starttls or tls."
                    )
                )
                found.append(Finding(level, topic, text))
            else:
                found.append(Finding(OK, topic, f"{where} reached with {security}."))
            if env.get("PREVENT_SMTP_USER") and not client.has_extn("auth"):
                found.append(
                    Finding(
                        WARNING,
                        topic,
                        f"PREVENT_SMTP_USER is set but {where} offers no AUTH after "
                        f"{security}: sign-in will fail.",
                    )
                )
    except ssl.SSLError as exc:
        return [
            Finding(
                PROBLEM,
                topic,
                f"STARTTLS with {where} failed ({exc.reason or exc}): the relay's certificate "
                "is not trusted by this machine, or its TLS is broken.",
            )
        ]
    except (OSError, smtplib.SMTPException) as exc:
        return [Finding(PROBLEM, topic, f"{where} failed: {type(exc).__name__}: {exc}.")]
    return found


def check_updates_key(env: Mapping[str, str], var_dir: Path) -> list[Finding]:
    topic = "updates key"
    encoded = env.get("PREVENT_UPDATES_KEY", "").strip()
    source = "PREVENT_UPDATES_KEY"
    if not encoded:
        path = Path(env.get("PREVENT_UPDATES_KEY_FILE", "") or var_dir / "keys/updates.key")
        source = str(path)
        if not path.is_file():
            return [
                Finding(
                    WARNING,
                    topic,
                    f"no PREVENT_UPDATES_KEY and no {path} yet (the bot makes one when it "
                    "starts). The review app needs the same key, or referrers never hear its "
                    "news: set PREVENT_UPDATES_KEY to the same value on both.",
                )
            ]
        encoded = path.read_text().strip()
    try:
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return [Finding(PROBLEM, topic, f"{source} is not base64.")]
    if len(key) != 32:
        return [
            Finding(
                PROBLEM,
                topic,
                f"{source} is {len(key)} bytes; it must be 32 (make one with "
                "python -c \"import base64,os;print(base64.b64encode(os.urandom(32)).decode())\").",
            )
        ]
    return [Finding(OK, topic, f"{source} holds a 32-byte key (the review app needs the same).")]


def check_public_url(env: Mapping[str, str]) -> list[Finding]:
    topic = "public URL"
    raw = env.get("PREVENT_PUBLIC_URL", "").strip()
    if not raw:
        return [
            Finding(
                WARNING,
                topic,
                "PREVENT_PUBLIC_URL is not set: one-time links point at http://localhost, "
                "which works only on this machine. Set it to the https address users reach.",
            )
        ]
    url = urlparse(raw)
    if url.scheme not in ("http", "https") or not url.hostname:
        return [Finding(PROBLEM, topic, f"{raw} is not a web address (https://host).")]
    if url.scheme != "https" and url.hostname not in _LOOPBACK:
        return [
            Finding(
                PROBLEM,
                topic,
                f"{raw} is not https: one-time links to referral PDFs would travel "
                "unencrypted. Put the assistant behind HTTPS and use the https address.",
            )
        ]
    if url.hostname not in _LOOPBACK:
        try:
            socket.getaddrinfo(url.hostname, None)
        except OSError:
            return [Finding(WARNING, topic, f"{url.hostname} does not resolve from here.")]
    return [Finding(OK, topic, f"{raw}")]


def check_settings(env: Mapping[str, str]) -> list[Finding]:
    """What every process reads first (`Config.from_env`): a malformed value stops them all."""
    try:
        Config.from_env(env)
    except ValueError as exc:
        return [Finding(PROBLEM, "settings", f"{exc}: no process of the assistant starts.")]
    return []


def run_checks(env: Mapping[str, str] | None = None) -> list[Finding]:
    env = process_environment() if env is None else env
    var_dir = Path(env.get("PREVENT_VAR_DIR", "") or Path(__file__).resolve().parents[1] / "var")
    return [
        *check_settings(env),
        *check_certificates(env),
        *check_inbox_address(env),
        *check_smtp(env),
        *check_updates_key(env, var_dir),
        *check_public_url(env),
    ]


def main() -> int:
    findings = run_checks()
    for finding in findings:
        print(finding.line())
    problems = sum(f.level == PROBLEM for f in findings)
    print(f"\n{problems} problem(s)." if problems else "\nNo problems found.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
