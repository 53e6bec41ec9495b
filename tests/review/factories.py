"""Builders for the review app's tests and benchmark: throwaway keys, sealed referrals, a server.

Keys and certificates are generated per test session into temporary folders (nothing is
committed); the private key file is encrypted with a random passphrase, as in production.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import html
import os
import re
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyotp
import requests
from cryptography import x509

from bot.delivery.outbox import enqueue
from bot.referral import render
from bot.referral.form import FormSpec, load_form
from bot.referral.progress import Draft
from bot.referral.render import RenderMeta
from bot.referral.updates import load_updates_key
from bot.review.settings import ReviewSettings
from bot.sealing import Attachment, Sealer, SigningIdentity, local_identity, sealed_documents
from bot.sealing.attachment import JSON
from tests.helpers.pki import InboxPair, make_inbox  # noqa: F401 - re-exported

ROOT = Path(__file__).resolve().parents[2]
FORENAME = "Zephyrine"
SURNAME = "Marchbanks-Oyelaran"
CONCERN_SENTINEL = "CONCERN-SENTINEL-REVIEW-4D1E"
PASSWORD = "correct horse battery staple"
INBOX_ADDRESS = "prevent@essex.pnn.police.uk"
CHEAP_SCRYPT = 10  # log2 N for tests only: production uses 17
#: A review app key for tests that build accounts and sessions without the app's settings.
TEST_APP_KEY = bytes(range(32))


def form() -> FormSpec:
    return load_form(ROOT / "referral_forms" / "vtr.yml")


def referral_values(forename: str = FORENAME, surname: str = SURNAME) -> dict[str, str]:
    return {
        "imminent_risk": "no",
        "forename": forename,
        "surname": surname,
        "date_of_birth": "about 15",
        "gender": "Female",
        "address": "3 Quay Street, Southend SS1 1AA",
        "school": "Seafront Academy",
        "family": "Mother knows and agrees\nFather abroad",
        "concern": f"She shares videos in class.\n\nShe said the group has answers.\n\n"
        f"{CONCERN_SENTINEL} last line.",
        "ideology": "extreme_right_wing",
        "consent": "Family told; they agree.",
        "referrer_name": "Ada Lovelace",
        "referrer_role": "DSL",
        "referrer_organisation": "Seafront Academy",
        "referrer_phone": "01702 000000",
        "referrer_email": "a.lovelace@school.example.sch.uk",
        "area": "southend",
    }


def sealed_envelope(
    sealer: Sealer,
    reference: str,
    values: dict[str, str] | None = None,
    full_documents: bool = False,
    spec: FormSpec | None = None,
) -> bytes:
    """The S/MIME envelope the bot would queue: JSON only, or PDF + DOCX + JSON."""
    spec = spec or form()
    draft = Draft(id=f"{reference}-draft", status="sealed", values=values or referral_values())
    meta = RenderMeta(reference=reference, referral_date="14/03/2025", area_name="Southend")
    if full_documents:
        attachments = sealed_documents(spec, draft, meta)
    else:
        data = render.to_json(spec, draft, meta)
        import json

        attachments = [
            Attachment(f"{reference}.json", JSON, json.dumps(data, ensure_ascii=False).encode())
        ]
    return sealer.seal(attachments, subject=f"VTR referral {reference}", reference=reference)


def queue_referral(url: str, envelope: bytes, reference: str) -> None:
    enqueue(url, envelope, [INBOX_ADDRESS], reference, f"VTR referral {reference}", "bot@localhost")


@functools.lru_cache(maxsize=1)
def assistant_identity() -> SigningIdentity:
    """The assistant's signing key for this test session (a throwaway self-signed pair)."""
    return local_identity(Path(tempfile.mkdtemp(prefix="assistant-signing-")))


def assistant_cert_file() -> Path:
    identity = assistant_identity()
    path = Path(tempfile.gettempdir()) / f"assistant-{id(identity)}-{os.getpid()}.crt.pem"
    if not path.exists():
        from cryptography.hazmat.primitives import serialization

        path.write_bytes(identity.certificate.public_bytes(serialization.Encoding.PEM))
    return path


def signed_sealer(*certificates: x509.Certificate) -> Sealer:
    """A sealer as the assistant has: signs with its key, then seals to `certificates`."""
    return Sealer(list(certificates), signer=assistant_identity())


def settings_for(
    tmp: Path, inbox: InboxPair, database_url: str | None = None, **extra: str
) -> ReviewSettings:
    """Settings as the app reads them from the environment, with a cheap scrypt.

    The updates key is the one the bot would have made under the same var/ (shared, as the
    app requires); the sign-in rate limit is generous unless a test sets it.
    """
    if "PREVENT_UPDATES_KEY" not in extra:
        load_updates_key(tmp / "var")
        extra.setdefault("PREVENT_UPDATES_KEY_FILE", str(tmp / "var" / "keys" / "updates.key"))
    extra.setdefault("PREVENT_REVIEW_SIGN_IN_RATE", "1000/60")
    # One review app key for every app a test starts, as one host has one key: accounts are
    # sealed under it, so two apps over one database must share it.
    extra.setdefault("PREVENT_REVIEW_SECRET_KEY", base64.b64encode(TEST_APP_KEY).decode())
    extra.setdefault("PREVENT_REVIEW_ASSISTANT_CERT_FILE", str(assistant_cert_file()))
    env = {
        "PREVENT_DATABASE_URL": database_url or f"sqlite:///{tmp / 'prevent.db'}",
        "PREVENT_VAR_DIR": str(tmp / "var"),
        "PREVENT_REVIEW_CERT_FILE": str(inbox.cert_file),
        "PREVENT_REVIEW_KEY_FILE": str(inbox.key_file),
        "PREVENT_REVIEW_KEY_PASSPHRASE": inbox.passphrase,
        "PREVENT_REVIEW_SECURE_COOKIES": "false",
        "PREVENT_REVIEW_SCRYPT_LOG2_N": str(CHEAP_SCRYPT),
        **extra,
    }
    return ReviewSettings.from_env(env)


@contextmanager
def serving(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Run an aiohttp app on a free loopback port in a background thread; yield its base URL."""
    from aiohttp import web

    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app, access_log=None)
    ready = threading.Event()
    failure: list[BaseException] = []

    def main() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(runner.setup())
            loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", 0).start())
        except BaseException as exc:  # noqa: BLE001 - reported to the test below
            failure.append(exc)
            ready.set()
            return
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=main, daemon=True)
    thread.start()
    ready.wait(15)
    if failure:
        raise failure[0]
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(15)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(15)
        loop.close()


_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    found = _CSRF.search(html)
    if not found:
        raise AssertionError("no CSRF token on the page")
    return found.group(1)


class StaffClient:
    """A member of staff's browser, as far as HTTP goes: cookies and the forms' CSRF tokens."""

    def __init__(self, base_url: str) -> None:
        self.base = base_url
        self.http = requests.Session()
        self.csrf = ""

    def get(self, path: str, **kwargs) -> requests.Response:  # type: ignore[no-untyped-def]
        kwargs.setdefault("allow_redirects", False)
        response = self.http.get(self.base + path, timeout=20, **kwargs)
        if 'name="csrf_token"' in response.text and "/sign-in" not in path:
            self.csrf = csrf_from(response.text)
        return response

    def post(self, path: str, data: dict[str, str], csrf: bool = True, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("allow_redirects", False)
        body = dict(data)
        if csrf:
            body.setdefault("csrf_token", self.csrf)
        return self.http.post(self.base + path, data=body, timeout=20, **kwargs)

    def sign_in(
        self, username: str, password: str = PASSWORD, next_path: str = "/queue"
    ) -> requests.Response:
        """Password, then the second factor (enrolling at the first sign-in, as staff do).

        Returns the password step's response if it failed, else the code step's.
        """
        page = self.get("/sign-in")
        response = self.http.post(
            self.base + "/sign-in",
            data={
                "csrf_token": csrf_from(page.text),
                "username": username,
                "password": password,
                "next": next_path,
            },
            allow_redirects=False,
            timeout=20,
        )
        if response.status_code != 303 or response.headers["Location"] != "/sign-in/code":
            return response
        response = self.second_factor(username)
        if response.status_code == 303:
            self.get("/queue")  # picks up the session's CSRF token
        return response

    def second_factor(self, username: str, code: str | None = None) -> requests.Response:
        """The code step: enrol (keeping the secret and recovery codes) or give a fresh code."""
        page = self.http.get(self.base + "/sign-in/code", allow_redirects=False, timeout=20)
        if page.status_code != 200:
            return page
        factor = AUTHENTICATOR.enrol_from(self.base, username, page.text)
        response = self.http.post(
            self.base + "/sign-in/code",
            data={"csrf_token": csrf_from(page.text), "code": code or factor.next_code()},
            allow_redirects=False,
            timeout=20,
        )
        if response.status_code == 200 and 'id="recovery-codes"' in response.text:
            factor.recovery_codes = _RECOVERY.findall(response.text)
            self.csrf = csrf_from(response.text)
            follow = re.search(r'id="continue" href="([^"]+)"', response.text)
            return _Redirect(html.unescape(follow.group(1)) if follow else "/queue")
        return response


_SECRET = re.compile(r'id="totp-secret">([A-Z2-7]+)<')
_RECOVERY = re.compile(r"<code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code>")


class _Redirect:
    """Stands for "signed in, now go to `location`" after the recovery codes page."""

    status_code = 303

    def __init__(self, location: str) -> None:
        self.headers = {"Location": location}
        self.text = ""


@dataclass
class Factor:
    """One account's authenticator app: its secret, the steps it has used, its recovery codes."""

    secret: str
    used_steps: set[int] = field(default_factory=set)
    recovery_codes: list[str] = field(default_factory=list)

    def next_code(self) -> str:
        """A code for a step not used yet (now or the next one, both accepted), else a
        recovery code: the app accepts each step once, and tests sign in quickly."""
        totp = pyotp.TOTP(self.secret)
        now = int(time.time() // totp.interval)
        for step in (now, now + 1):
            if step not in self.used_steps and all(step > s for s in self.used_steps):
                self.used_steps.add(step)
                return totp.generate_otp(step)
        return self.recovery_codes.pop()


class Authenticator:
    """Every test account's second factor, by (app address, username)."""

    def __init__(self) -> None:
        self.factors: dict[tuple[str, str], Factor] = {}

    def enrol_from(self, base: str, username: str, page: str) -> Factor:
        found = _SECRET.search(page)
        if found:  # an enrolment page: a new secret (a new database, or a reset)
            self.factors[(base, username)] = Factor(found.group(1))
        return self.factors[(base, username)]


AUTHENTICATOR = Authenticator()
