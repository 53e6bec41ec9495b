"""Notes are sealed to the inbox certificate: only the private-key holder reads them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.review.notes import (
    NOTE_LIMIT,
    NoteError,
    Notes,
    NoteUnreadable,
    open_note,
    seal_note,
)

TEXT = "Spoke to the DSL; NOTE-SENTINEL-93B1 family are supportive. Zoë"


def test_a_sealed_note_opens_with_the_private_key_only(inbox, stranger):
    sealed = seal_note(inbox.cert.public_key(), "n1", "VTR-0001", TEXT)
    assert TEXT.encode() not in sealed.body + sealed.wrapped_key
    assert open_note(inbox.key, "n1", "VTR-0001", sealed) == TEXT
    with pytest.raises(NoteUnreadable):
        open_note(stranger.key, "n1", "VTR-0001", sealed)


def test_a_note_cannot_be_moved_to_another_referral(inbox):
    sealed = seal_note(inbox.cert.public_key(), "n1", "VTR-0001", TEXT)
    with pytest.raises(NoteUnreadable):
        open_note(inbox.key, "n1", "VTR-0002", sealed)
    with pytest.raises(NoteUnreadable):
        open_note(inbox.key, "n2", "VTR-0001", sealed)


def test_an_altered_note_is_detected(inbox):
    sealed = seal_note(inbox.cert.public_key(), "n1", "VTR-0001", TEXT)
    body = bytearray(sealed.body)
    body[20] ^= 1
    with pytest.raises(NoteUnreadable):
        open_note(inbox.key, "n1", "VTR-0001", dataclasses.replace(sealed, body=bytes(body)))


def test_two_notes_with_the_same_text_look_different(inbox):
    first = seal_note(inbox.cert.public_key(), "n1", "VTR-0001", TEXT)
    second = seal_note(inbox.cert.public_key(), "n1", "VTR-0001", TEXT)
    assert first.body != second.body and first.wrapped_key != second.wrapped_key


def test_notes_are_stored_sealed_and_read_back_in_order(inbox, db_url):
    notes = Notes(db_url)
    notes.add(inbox.cert.public_key(), "VTR-0001", "rita", TEXT)
    notes.add(inbox.cert.public_key(), "VTR-0001", "ada", "Second note")
    notes.add(inbox.cert.public_key(), "VTR-0002", "ada", "Another referral")
    read = notes.for_reference(inbox.key, "VTR-0001")
    assert [(n.author, n.text) for n in read] == [("rita", TEXT), ("ada", "Second note")]
    database = Path(db_url.removeprefix("sqlite:///"))
    stored = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
    assert b"NOTE-SENTINEL-93B1" not in stored


def test_a_note_for_another_key_is_shown_as_unreadable_not_lost(inbox, stranger, db_url):
    Notes(db_url).add(stranger.cert.public_key(), "VTR-0001", "ada", TEXT)
    [note] = Notes(db_url).for_reference(inbox.key, "VTR-0001")
    assert note.text is None and "another key" in note.problem


@pytest.mark.parametrize("text, says", [("   ", "empty"), ("x" * (NOTE_LIMIT + 1), "5,000")])
def test_empty_or_overlong_notes_are_refused_kindly(inbox, db_url, text, says):
    with pytest.raises(NoteError, match=says):
        Notes(db_url).add(inbox.cert.public_key(), "VTR-0001", "ada", text)
