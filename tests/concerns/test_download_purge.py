"""H3: exported decision records and other download files do not outlive their link or record.

The export writes the concern's PDF, JSON and CSV as one-time pickups; before, expired pickups
were deleted only when someone asked for that exact token, and deleting or purging a concern
left its exported files behind (decryptable by anyone holding the master key).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys
from datetime import timedelta

from sqlalchemy import create_engine, text

from bot.concerns import Concerns
from bot.concerns.orgs import Orgs
from bot.delivery.pickup import PickupStore
from bot.store.crypto import KeyRing
from tests.helpers.servers import ROOT


def _pickups(url: str) -> list[str]:
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT reference FROM pickups ORDER BY reference"))
        found = [row[0] for row in rows]
    engine.dispose()
    return found


def _world(tmp_path):
    url = f"sqlite:///{tmp_path / 'prevent.db'}"
    ring = KeyRing({"v1": secrets.token_bytes(32)}, "v1")
    Orgs(url).add("St Mary's", "southend")
    concerns = Concerns(url, ring, secrets.token_bytes(32))
    concerns.staff.enrol("t-1", "rest", "st-marys", "teacher")
    concerns.staff.enrol("9001", "telegram", "st-marys", "dsl")
    return url, ring, concerns


def test_deleting_a_concern_deletes_its_exported_files(tmp_path):
    url, ring, concerns = _world(tmp_path)
    kept, _ = concerns.raise_concern("rest:t-1", "words kept")
    gone, _ = concerns.raise_concern("rest:t-1", "words deleted")
    pickups = PickupStore(url, ring)
    for ref in (kept.ref, gone.ref):
        for suffix in ("pdf", "json", "csv"):
            pickups.put(ref, f"concern-{ref}.{suffix}", b"record", lifetime=timedelta(minutes=30))
    concerns.delete("telegram:9001", gone.ref, "on request")
    assert _pickups(url) == [kept.ref] * 3


def test_the_purge_worker_deletes_expired_download_files(tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    url = f"sqlite:///{var / 'prevent.db'}"
    key = secrets.token_bytes(32)
    ring = KeyRing({"v1": key}, "v1")
    pickups = PickupStore(url, ring)
    pickups.put("VTR-OLD00001", "old.pdf", b"%PDF", lifetime=timedelta(minutes=30))
    pickups.put("VTR-NEW00001", "new.pdf", b"%PDF", lifetime=timedelta(days=2))
    code = (
        "import datetime, json; from bot.referral.retention import purge_once; "
        "from bot.store.db import utcnow; "
        "print(json.dumps(purge_once(utcnow() + datetime.timedelta(hours=1))))"
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PREVENT_VAR_DIR": str(var),
        "PREVENT_DATABASE_URL": url,
        "PREVENT_MASTER_KEYS": "v1:" + base64.b64encode(key).decode(),
    }
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["pickups_purged"] == 1
    assert _pickups(url) == ["VTR-NEW00001"]
