"""The attachments of a sealed referral, and the package's boundaries."""

from __future__ import annotations

import json

import pytest

import bot.sealing as sealing
from bot.sealing import Attachment, document_stem
from bot.sealing.attachment import DOCX, JSON, PDF
from tests.sealing.conftest import FORENAME, REFERENCE


def test_three_documents(documents):
    assert [(d.filename, d.content_type) for d in documents] == [
        (f"{REFERENCE}.pdf", PDF),
        (f"{REFERENCE}.docx", DOCX),
        (f"{REFERENCE}.json", JSON),
    ]
    assert documents[0].data.startswith(b"%PDF-")
    assert documents[1].data.startswith(b"PK")
    assert json.loads(documents[2].data)["sections"]
    assert FORENAME in documents[2].data.decode("utf-8")


@pytest.mark.parametrize(
    ("reference", "stem"),
    [("VTR-0F3A9C2E", "VTR-0F3A9C2E"), ("0F3A9C2E", "VTR-0F3A9C2E"), ("../x y", "VTR-x-y")],
)
def test_document_stem(reference, stem):
    assert document_stem(reference) == stem


@pytest.mark.parametrize("name", ["", "a/b.pdf", "a\r\nb.pdf", 'a".pdf'])
def test_unsafe_filename_refused(name):
    with pytest.raises(ValueError):
        Attachment(name, PDF, b"")


def test_bad_content_type_refused():
    with pytest.raises(ValueError):
        Attachment("a.pdf", "pdf", b"")


def test_all_exports_exist():
    assert sealing.__all__
    for name in sealing.__all__:
        assert hasattr(sealing, name), name
