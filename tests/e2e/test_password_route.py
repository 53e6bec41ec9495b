"""End to end, SET 2.5 without an inbox certificate: a password-protected PDF and a phone call.

The DSL confirms a draft; the reply holds a one-time link, the password (once) and the
Police Prevent Team's number. The link gives the PDF once; the PDF opens only with that
password; neither the password nor the person's name is left in the bot's files or logs.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.helpers.vtr_answers import VTR_ANSWERS, draft_to_summary, text_of

pytestmark = pytest.mark.servers

ANSWERS = {**VTR_ANSWERS, "first name": "Perpetua", "surname": "Ravensworth-Oyelaran"}


def _get(url: str) -> tuple[int, bytes, dict]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


def _qpdf_opens(pdf: bytes, password: str, tmp: Path) -> bool:
    """Whether qpdf (a real PDF reader's engine) decrypts the PDF with this password."""
    assert shutil.which("qpdf"), "qpdf is needed for this test: apt-get install qpdf"
    source, target = tmp / "in.pdf", tmp / "out.pdf"
    source.write_bytes(pdf)
    done = subprocess.run(
        ["qpdf", f"--password={password}", "--decrypt", str(source), str(target)],
        capture_output=True,
        timeout=60,
    )
    return done.returncode == 0 and b"/Encrypt" not in target.read_bytes()


def test_confirming_without_a_certificate_gives_a_one_time_protected_pdf(assistant):
    sender = f"dsl-{uuid.uuid4().hex[:8]}"
    assert "summary of the draft" in draft_to_summary(assistant, sender, ANSWERS).lower()
    reply = text_of(assistant.say(sender, "yes"))
    assert "01245 452196" in reply and "prevent@essex.pnn.police.uk" in reply
    assert "Perpetua" not in reply
    link = re.search(r"http://\S+/webhooks/files/([A-Za-z0-9_-]+)", reply)
    password = re.search(r"^\s*([a-z2-9]{20})\s*$", reply, re.M)  # shown as it is typed
    assert link and password, reply
    secret = password.group(1)
    reference = re.search(r"VTR-[0-9A-F]{8}", reply).group(0)

    # The link is built from PREVENT_PUBLIC_URL; here it is the assistant's own port.
    url = f"{assistant.base_url}/webhooks/files/{link.group(1)}"
    status, pdf, headers = _get(url)
    assert status == 200 and pdf.startswith(b"%PDF")
    assert headers["Content-Disposition"] == f'attachment; filename="{reference}.pdf"'
    assert headers["Cache-Control"] == "no-store"
    assert _get(url)[0] == 404  # once only

    reader = PdfReader(io.BytesIO(pdf))
    assert reader.is_encrypted
    assert reader.decrypt("not-the-password") == 0
    assert reader.decrypt(secret) != 0
    assert "Perpetua" in "".join(page.extract_text() for page in reader.pages)
    # What the DSL is told is exactly what the readers accept (pypdf and qpdf); the readers
    # compare bytes, so a grouped or upper-case copy would not open it: none is shown.
    assert _qpdf_opens(pdf, secret, assistant.var_dir.parent)
    assert not _qpdf_opens(pdf, secret.upper(), assistant.var_dir.parent)
    assert PdfReader(io.BytesIO(pdf)).decrypt(" ".join([secret[:10], secret[10:]])) == 0

    # "Send me the link again": a new one-time link to the same PDF; the old one stays dead.
    again = text_of(assistant.say(sender, "send me the link again"))
    new_link = re.search(r"http://\S+/webhooks/files/([A-Za-z0-9_-]+)", again)
    assert new_link and new_link.group(1) != link.group(1) and reference in again, again
    assert _get(url)[0] == 404
    status, pdf_again, _ = _get(f"{assistant.base_url}/webhooks/files/{new_link.group(1)}")
    assert status == 200 and pdf_again == pdf

    # "My drafts" lists it as sent, with where it is, and offers nothing to continue.
    drafts = text_of(assistant.say(sender, "my drafts"))
    assert reference in drafts and "password-protected PDF" in drafts, drafts
    assert "continue my draft" not in drafts

    # The readable copy is gone and the password is in no file or log.
    for path in assistant.var_dir.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert secret.encode() not in data, path
            assert password.group(1).encode() not in data, path
            assert b"Ravensworth" not in data, path
