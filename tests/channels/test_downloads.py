"""One-time file links answered without a server: `bot.channels.downloads.handle(token)`.

A real `PickupStore` on SQLite holds the file; the answers' words come from the wording.
"""

from __future__ import annotations

import asyncio
import base64
import secrets
import threading

import pytest

from bot.channels.downloads import GONE, UNAVAILABLE, FileAnswer, handle
from bot.delivery.pickup import Pickup, PickupStore
from bot.store.crypto import KeyRing
from bot.wording import phrase


@pytest.fixture()
def store(tmp_path) -> PickupStore:
    ring = KeyRing.parse("v1:" + base64.b64encode(secrets.token_bytes(32)).decode())
    return PickupStore(f"sqlite:///{tmp_path / 'bot.db'}", ring)


def get(token: str, take) -> FileAnswer:  # type: ignore[no-untyped-def]
    return asyncio.run(handle(token, take))


def test_a_link_gives_the_file_once_then_says_it_has_gone(store):
    token, _ = store.put("VTR-AAAA1111", "VTR-AAAA1111.pdf", b"%PDF-1.7 SENTINEL")
    first = get(token, store.take)
    assert (first.status, first.body, first.content_type) == (
        200,
        b"%PDF-1.7 SENTINEL",
        "application/pdf",
    )
    assert first.headers["Content-Disposition"] == 'attachment; filename="VTR-AAAA1111.pdf"'
    assert first.headers["Cache-Control"] == "no-store"
    again = get(token, store.take)
    assert (again.status, again.body.decode()) == (404, phrase(GONE))


def test_a_malformed_token_is_gone_without_a_look_up(store):
    looked_up: list[str] = []
    answer = get("../../etc/passwd", lambda token: looked_up.append(token))
    assert (answer.status, answer.body.decode(), looked_up) == (404, phrase(GONE), [])


def test_a_failing_store_says_try_again_and_the_look_up_runs_off_the_loop():
    threads: list[int] = []

    def broken(token: str) -> Pickup | None:
        threads.append(threading.get_ident())
        raise OSError("database away")

    async def run() -> tuple[FileAnswer, int]:
        return await handle("A" * 32, broken), threading.get_ident()

    answer, loop_thread = asyncio.run(run())
    assert (answer.status, answer.body.decode()) == (503, phrase(UNAVAILABLE))
    assert threads and loop_thread not in threads
