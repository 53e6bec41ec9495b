"""Builders for the review app's tests and benchmark: throwaway keys, sealed referrals, a server.

Keys and certificates are generated per test session into temporary folders (nothing is
committed); the private key file is encrypted with a random passphrase, as in production.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from bot.delivery.outbox import enqueue
from bot.referral import render
from bot.referral.draft import Draft
from bot.referral.form import FormSpec, load_form
from bot.referral.render import RenderMeta
from bot.review.settings import ReviewSettings
from bot.sealing import Attachment, Sealer, sealed_documents
from bot.sealing.attachment import JSON
from tests.helpers.pki import InboxPair, make_inbox  # noqa: F401 - re-exported

ROOT = Path(__file__).resolve().parents[2]
FORENAME = "Zephyrine"
SURNAME = "Marchbanks-Oyelaran"
CONCERN_SENTINEL = "CONCERN-SENTINEL-REVIEW-4D1E"
PASSWORD = "correct horse battery staple"
INBOX_ADDRESS = "prevent@essex.pnn.police.uk"
CHEAP_SCRYPT = 10  # log2 N for tests only: production uses 17


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


def settings_for(
    tmp: Path, inbox: InboxPair, database_url: str | None = None, **extra: str
) -> ReviewSettings:
    """Settings as the app reads them from the environment, with a cheap scrypt."""
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

    def sign_in(self, username: str, password: str = PASSWORD) -> requests.Response:
        page = self.get("/sign-in")
        response = self.http.post(
            self.base + "/sign-in",
            data={
                "csrf_token": csrf_from(page.text),
                "username": username,
                "password": password,
                "next": "/queue",
            },
            allow_redirects=False,
            timeout=20,
        )
        if response.status_code == 303:
            self.get("/queue")  # picks up the session's CSRF token
        return response
